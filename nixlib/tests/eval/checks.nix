# Module evaluation checks: each host in hosts/ evaluated with the ATProto modules,
# the NixOS declaration stub and nixpkgs' lib, then probed. Every check is
# { name; ok; got; } so a failure shows what was found; tests/modules.rs runs this file
# and requires every `ok`. Expected messages are read from the catalog, never copied.
{ libPath }:
let
  lib = import (libPath + "/lib");
  catalog = import ../../lib/catalog.nix { };
  eval = host: import ./eval.nix { inherit libPath host; };
  hosts = {
    pdsCaddy = eval ./hosts/pds-caddy.nix;
    pdsNginx = eval ./hosts/pds-nginx-wildcard.nix;
    everything = eval ./hosts/everything.nix;
    brokenPds = eval ./hosts/broken-pds-nginx.nix;
    brokenOzone = eval ./hosts/broken-ozone.nix;
    agenix = eval ./hosts/agenix-who-am-i.nix;
    # nixosModules.constellation alone brings the integration layer it needs.
    loneConstellation = import ./eval.nix {
      inherit libPath;
      modules = [ ../../modules/services/constellation.nix ];
      host = {
        atproto.host = { domain = "c.example.com"; admin_email = "a@example.com"; };
        services.constellation.enable = true;
        atproto.integration.proxy.kind = "nginx";
        atproto.integration.tls.accept_terms = true;
      };
    };
    constellationMetricsOff = eval {
      atproto.host = { domain = "c.example.com"; admin_email = "a@example.com"; };
      services.constellation.enable = true;
      atproto.integration.tls.accept_terms = true;
    };
    constellationMetricsOn = eval {
      atproto.host = { domain = "c.example.com"; admin_email = "a@example.com"; };
      services.constellation = {
        enable = true;
        settings.collect_metrics = true;
        ports.metrics = 9765;
      };
      atproto.integration.tls.accept_terms = true;
      atproto.integration.monitoring.prometheus = true;
    };
  };

  check = name: ok: got: { inherit name ok; got = builtins.toJSON got; };
  units = h: h.config.systemd.services;
  exec = h: id: (units h).${id}.serviceConfig.ExecStart;
  pkg = name: "/nix/store/00000000000000000000000000000000-${name}";
  q = builtins.map (a: "\"${a}\"");
  cmd = words: builtins.concatStringsSep " " (q words);

  # A catalog rule's message as the validator renders it for service `id`.
  ruleMessage = id: ruleId:
    let
      entry = catalog.services.${id};
      r = lib.findFirst (r: r.id == ruleId) null entry.rules;
    in
    builtins.replaceStrings [ "{id}" "{title}" ] [ id entry.title ] r.message;
  planRuleMessage = ruleId: (lib.findFirst (r: r.id == ruleId) null catalog.plan.rules).message;
  failedWith = h: msg: builtins.any (m: lib.hasSuffix msg m) h.failed;

  atprotoUnits = h: lib.filterAttrs (n: _: h.config.atproto.registry ? ${n} && n != "bluesky-pds") (units h);
  hardening = import ../../lib/hardening.nix { };

  # Flags a module adds beyond the catalog (the data locations the catalog leaves to
  # the module), each read in upstream source: constellation/ufos --data,
  # slingshot --cache-dir, pocket --db, jetstream --data-dir, indigo relay --persist-dir.
  moduleFlags = [ "--data" "--cache-dir" "--db" "--data-dir" "--persist-dir" ];
  catalogFlags = id:
    let e = catalog.services.${id}; in
    map (s: s.flag) (builtins.filter (s: (s.flag or "") != "") (e.settings or [ ] ++ e.ports or [ ] ++ e.secrets or [ ]));
  flagsIn = s: map (m: builtins.head m) (builtins.filter builtins.isList
    (builtins.split "\"(--[a-z0-9-]+)\"" s));
  unknownFlags = h: lib.concatLists (lib.mapAttrsToList
    (id: u:
      if catalog.services ? ${id} then
        map (f: "${id}: ${f}") (builtins.filter (f: !(builtins.elem f (catalogFlags id ++ moduleFlags)))
          (flagsIn (u.serviceConfig.ExecStart or "")))
      else [ ])
    (units h));

  secretEnvNames = lib.concatMap (e: map (s: s.env) (builtins.filter (s: (s.env or "") != "") (e.secrets or [ ])))
    (builtins.attrValues catalog.services);
  leakedSecrets = h: lib.concatLists (lib.mapAttrsToList
    (n: u: map (k: "${n}: ${k}") (builtins.filter (k: builtins.elem k secretEnvNames) (builtins.attrNames u.environment)))
    (units h));

  inherit (hosts) pdsCaddy pdsNginx everything brokenPds brokenOzone agenix;
  caddyHost = pdsCaddy.config.services.caddy.virtualHosts."pds.example.com";
  nginxHost = pdsNginx.config.services.nginx.virtualHosts."pds.example.net";
  wildcardCert = pdsNginx.config.security.acme.certs."pds.example.net";
  pdsSecretsScript = (units pdsCaddy).atproto-secrets-bluesky-pds.script;
in
[
  # Valid hosts pass the catalog's rules.
  (check "pds-caddy has no failed assertion" (pdsCaddy.failed == [ ]) pdsCaddy.failed)
  (check "pds-nginx-wildcard has no failed assertion" (pdsNginx.failed == [ ]) pdsNginx.failed)
  (check "everything has no failed assertion" (everything.failed == [ ]) everything.failed)
  (check "agenix host has no failed assertion" (agenix.failed == [ ]) agenix.failed)
  (check "risky choices are warnings: quasar is a stub"
    (builtins.any (w: lib.hasSuffix (ruleMessage "quasar" (builtins.head catalog.services.quasar.rules).id) w) everything.warnings)
    everything.warnings)

  # Broken hosts fail with the catalog's message, prefixed by the NixOS option.
  (check "PDS behind nginx without handle certificates fails"
    (builtins.elem "atproto.integration.tls.handles: ${ruleMessage "bluesky-pds" "handles-need-wildcard-tls"}" brokenPds.failed)
    brokenPds.failed)
  (check "Ozone without PostgreSQL fails" (builtins.any (m: lib.hasPrefix "atproto.integration.database.kind: Ozone needs PostgreSQL" m) brokenOzone.failed) brokenOzone.failed)
  (check "constellation max_old_backups without interval fails"
    (failedWith brokenOzone (ruleMessage "constellation" "old-backups-need-interval")) brokenOzone.failed)
  (check "ACME terms not accepted fails" (failedWith brokenOzone (planRuleMessage "acme-terms")) brokenOzone.failed)

  (check "a lone service module evaluates with its proxy and checks"
    (hosts.loneConstellation.failed == [ ]
      && hosts.loneConstellation.config.services.nginx.virtualHosts ? "c.example.com"
      && hosts.loneConstellation.config.atproto.diagnostics == [ ])
    hosts.loneConstellation.failed)

  # Command lines: exactly the catalog's flags; a flag that needs another never alone.
  (check "constellation without metrics"
    (exec hosts.constellationMetricsOff "constellation" == cmd [
      "${pkg "constellation"}/bin/main" "--jetstream" "us-east-1" "--backend" "rocks"
      "--bind" "127.0.0.1:6789" "--data" "/var/lib/constellation"
    ])
    (exec hosts.constellationMetricsOff "constellation"))
  (check "constellation with metrics has --collect-metrics and --bind-metrics"
    (exec hosts.constellationMetricsOn "constellation" == cmd [
      "${pkg "constellation"}/bin/main" "--jetstream" "us-east-1" "--backend" "rocks" "--collect-metrics"
      "--bind" "127.0.0.1:6789" "--bind-metrics" "127.0.0.1:9765" "--data" "/var/lib/constellation"
    ])
    (exec hosts.constellationMetricsOn "constellation"))
  (check "prometheus scrapes constellation's metrics port"
    (builtins.elem { job_name = "constellation"; static_configs = [{ targets = [ "127.0.0.1:9765" ]; }]; }
      hosts.constellationMetricsOn.config.services.prometheus.scrapeConfigs)
    hosts.constellationMetricsOn.config.services.prometheus.scrapeConfigs)
  (check "every flag in every ExecStart is the catalog's or a documented module flag"
    (unknownFlags everything == [ ]) (unknownFlags everything))
  (check "indigo relay runs `relay serve` with its flags"
    (lib.hasPrefix (cmd [ "${pkg "indigo"}/bin/relay" "serve" ]) (exec everything "indigo-relay")
      && lib.hasInfix (cmd [ "--bind" "127.0.0.1:2470" ]) (exec everything "indigo-relay")
      && lib.hasInfix (cmd [ "--metrics-listen" "127.0.0.1:2471" ]) (exec everything "indigo-relay"))
    (exec everything "indigo-relay"))
  (check "who-am-i reads its keys from credentials"
    (lib.hasInfix (cmd [ "--oauth-private-key" "%d/oauth_private_key" ]) (exec agenix "who-am-i")
      && builtins.elem "oauth_private_key:/run/agenix/atproto-who-am-i-oauth_private_key"
      (units agenix).who-am-i.serviceConfig.LoadCredential)
    (units agenix).who-am-i.serviceConfig)
  (check "environment values as upstream parses them (rsky-relay lists comma-joined)"
    ((units everything).rsky-relay.environment.RELAY_DISCOVERY_UPSTREAMS
      == "relay1.us-west.bsky.network,relay1.us-east.bsky.network,bsky.network")
    (units everything).rsky-relay.environment)
  (check "rsky-pds binds Rocket to loopback"
    ((units everything).rsky-pds.environment.ROCKET_ADDRESS == "127.0.0.1"
      && (units everything).rsky-pds.environment.ROCKET_PORT == "2583")
    (units everything).rsky-pds.environment)

  # Units: hardening, users, state.
  (check "every unit carries the hardening set (Node relaxes MemoryDenyWriteExecute)"
    (lib.all
      (u: lib.all (k: k == "MemoryDenyWriteExecute" || u.serviceConfig.${k} == hardening.${k}) (builtins.attrNames hardening))
      (builtins.attrValues (atprotoUnits everything))
      && (units everything).ozone.serviceConfig.MemoryDenyWriteExecute == false
      && (units everything).constellation.serviceConfig.MemoryDenyWriteExecute == true)
    (lib.mapAttrs (_: u: u.serviceConfig.MemoryDenyWriteExecute) (atprotoUnits everything)))
  (check "stateful services own a user and state directory; stateless ones a named DynamicUser"
    ((units everything).constellation.serviceConfig.User == "constellation"
      && (units everything).constellation.serviceConfig.StateDirectory == [ "constellation" ]
      && everything.config.users.users.constellation.isSystemUser
      && (units everything).spacedust.serviceConfig.DynamicUser
      && (units everything).spacedust.serviceConfig.User == "spacedust")
    (units everything).spacedust.serviceConfig)
  (check "rsky-relay runs in its state directory"
    ((units everything).rsky-relay.serviceConfig.WorkingDirectory == "/var/lib/rsky-relay")
    (units everything).rsky-relay.serviceConfig)
  (check "ozone's daemon is a second unit with the same user and database URL"
    ((units everything).ozone-daemon.serviceConfig.User == "ozone"
      && (units everything).ozone-daemon.serviceConfig.ExecStart == "${pkg "ozone"}/bin/ozone-daemon"
      && (units everything).ozone-daemon.environment.OZONE_DB_POSTGRES_URL == "postgresql://ozone@/ozone?host=/run/postgresql"
      && !((units everything).ozone-daemon.environment ? OZONE_DB_MIGRATE))
    (units everything).ozone-daemon.environment)

  # No secret value in the configuration: secret variables only via EnvironmentFile.
  (check "no secret variable is set in any unit's environment" (leakedSecrets everything == [ ] && leakedSecrets pdsCaddy == [ ])
    (leakedSecrets everything ++ leakedSecrets pdsCaddy))

  # PostgreSQL.
  (check "local PostgreSQL: one database and owner per service, pinned package"
    (lib.sort lib.lessThan everything.config.services.postgresql.ensureDatabases == [ "indigo-relay" "ozone" "rsky-feedgen" ]
      && builtins.elem { name = "ozone"; ensureDBOwnership = true; } everything.config.services.postgresql.ensureUsers
      && everything.config.services.postgresql.package.name == "postgresql_17")
    everything.config.services.postgresql)
  (check "database users start after postgresql-setup"
    (builtins.elem "postgresql-setup.service" (units everything).rsky-feedgen.after
      && (units everything).rsky-feedgen.environment.READ_REPLICA_URL_1 == "postgresql://rsky-feedgen@/rsky-feedgen?host=/run/postgresql")
    (units everything).rsky-feedgen.after)

  # Proxy and TLS.
  (check "caddy asks the PDS's /tls-check before on-demand certificates"
    (lib.hasInfix "ask http://127.0.0.1:3000/tls-check" pdsCaddy.config.services.caddy.globalConfig)
    pdsCaddy.config.services.caddy.globalConfig)
  (check "caddy serves the PDS and its handles with on-demand TLS and the body limit"
    (caddyHost.serverAliases == [ "*.pds.example.com" ]
      && lib.hasInfix "on_demand" caddyHost.extraConfig
      && lib.hasInfix "max_size 100MiB" caddyHost.extraConfig
      && lib.hasInfix "reverse_proxy http://127.0.0.1:3000" caddyHost.extraConfig)
    caddyHost)
  (check "nginx: wildcard certificate by DNS-01, readable by nginx"
    (wildcardCert.extraDomainNames == [ "*.pds.example.net" ]
      && wildcardCert.dnsProvider == "cloudflare"
      && wildcardCert.environmentFile == "/var/lib/secrets/cloudflare.env"
      && wildcardCert.group == "nginx")
    wildcardCert)
  (check "nginx: PDS vhost uses the wildcard cert, proxies WebSockets, serves handles"
    (nginxHost.useACMEHost == "pds.example.net" && !nginxHost.enableACME && nginxHost.forceSSL
      && nginxHost.serverAliases == [ "*.pds.example.net" ]
      && nginxHost.locations."/".proxyPass == "http://127.0.0.1:3000"
      && nginxHost.locations."/".proxyWebsockets)
    nginxHost)
  (check "nginx: body size raised to the PDS upload limit, recommended settings on"
    (pdsNginx.config.services.nginx.clientMaxBodySize == "200m"
      && pdsNginx.config.services.nginx.recommendedProxySettings
      && pdsNginx.config.services.nginx.recommendedTlsSettings)
    pdsNginx.config.services.nginx.clientMaxBodySize)
  (check "nginx: other services get HTTP-01 certificates of their own"
    (everything.config.services.nginx.virtualHosts."constellation.all.example.com".enableACME
      && everything.config.services.nginx.virtualHosts."constellation.all.example.com".locations."/".proxyPass == "http://127.0.0.1:6789")
    everything.config.services.nginx.virtualHosts."constellation.all.example.com")
  (check "ACME account: terms and email"
    (pdsNginx.config.security.acme.acceptTerms && pdsNginx.config.security.acme.defaults.email == "ops@example.net")
    pdsNginx.config.security.acme.defaults)
  (check "firewall opens 80/443 for the proxy, never the PDS port"
    (lib.sort lib.lessThan pdsCaddy.config.networking.firewall.allowedTCPPorts == [ 80 443 ])
    pdsCaddy.config.networking.firewall.allowedTCPPorts)

  # PDS extension of nixpkgs' module.
  (check "PDS settings get the catalog defaults as PDS_* strings"
    (pdsCaddy.config.services.bluesky-pds.settings.PDS_HOSTNAME == "pds.example.com"
      && pdsCaddy.config.services.bluesky-pds.settings.PDS_INVITE_REQUIRED == "true"
      && pdsCaddy.config.services.bluesky-pds.settings.PDS_CONTACT_EMAIL_ADDRESS == "admin@example.com")
    pdsCaddy.config.services.bluesky-pds.settings)
  (check "PDS reads its secrets from the composed environment file"
    (pdsCaddy.config.services.bluesky-pds.environmentFiles == [ "/run/atproto-secrets/bluesky-pds.env" ]
      && builtins.elem "atproto-secrets-bluesky-pds.service" (units pdsCaddy).bluesky-pds.requires)
    pdsCaddy.config.services.bluesky-pds.environmentFiles)
  (check "generate backend: the PDS's secrets are made on the host, as the PDS expects them"
    (lib.all (s: lib.hasInfix s pdsSecretsScript) [
      "'jwt_secret:hex:16=PDS_JWT_SECRET'"
      "'admin_password:hex:16=PDS_ADMIN_PASSWORD'"
      "'plc_rotation_key:secp256k1-hex:32=PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX'"
      "'smtp_url:external:optional=PDS_EMAIL_SMTP_URL'"
      "--env-file /run/atproto-secrets/bluesky-pds.env"
    ])
    pdsSecretsScript)

  # Other secrets backends.
  (check "sops: env file templates with placeholders, no generator unit"
    (everything.config.sops.templates ? "atproto-bluesky-pds.env"
      && everything.config.sops.secrets ? "atproto/bluesky-pds/jwt_secret"
      && everything.config.services.bluesky-pds.environmentFiles == [ "/run/secrets-rendered/atproto-bluesky-pds.env" ]
      && !((units everything) ? atproto-secrets-bluesky-pds))
    (builtins.attrNames everything.config.sops.templates))
  (check "sops: rsky-firehose shares rsky-feedgen's API key"
    (everything.config.services.rsky-firehose.secrets.api_key == "/run/secrets/atproto/rsky-feedgen/api_key")
    everything.config.services.rsky-firehose.secrets.api_key)
  (check "agenix: secrets declared per service and linked for composition"
    (agenix.config.age.secrets ? "atproto-who-am-i-app_secret"
      && lib.hasInfix "ln -sfn /run/agenix/atproto-indigo-relay-admin_password" (units agenix).atproto-secrets-indigo-relay.script
      && lib.hasInfix "'admin_password:external=RELAY_ADMIN_PASSWORD'" (units agenix).atproto-secrets-indigo-relay.script)
    (units agenix).atproto-secrets-indigo-relay.script)

  # Monitoring, logging, backup.
  (check "grafana on its own port with Prometheus provisioned and the dashboard folder"
    (pdsCaddy.config.services.grafana.settings.server.http_port == 3001
      && (builtins.head pdsCaddy.config.services.grafana.provision.datasources.settings.datasources).uid == "prometheus")
    pdsCaddy.config.services.grafana.settings.server)
  (check "restic backs up the PDS's state with the repository and password files"
    (pdsCaddy.config.services.restic.backups.atproto.paths == [ "/var/lib/pds" ]
      && pdsCaddy.config.services.restic.backups.atproto.passwordFile == "/var/lib/secrets/restic-password")
    pdsCaddy.config.services.restic.backups.atproto.paths)
  (check "borg dumps PostgreSQL first and backs the dump up"
    (lib.hasInfix "pg_dumpall" everything.config.services.borgbackup.jobs.atproto.preHook
      && builtins.elem "/var/backup/atproto-postgresql" everything.config.services.borgbackup.jobs.atproto.paths
      && everything.config.services.borgbackup.jobs.atproto.encryption.passCommand == "cat /var/lib/secrets/borg")
    everything.config.services.borgbackup.jobs.atproto.paths)
  (check "loki runs locally and alloy ships the journal to it"
    (everything.config.services.loki.enable && everything.config.services.alloy.enable
      && lib.hasInfix "http://127.0.0.1:3100/loki/api/v1/push" everything.config.environment.etc."alloy/config.alloy".text)
    everything.config.services.loki.enable)
]
