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
    # The PDS sending email: the SMTP URL becomes a secret it needs.
    pdsMail = eval {
      imports = [ ./hosts/pds-caddy.nix ];
      services.bluesky-pds.settings.PDS_EMAIL_FROM_ADDRESS = "pds@example.com";
    };
    # agenix with only the PDS's three required .age files in the directory.
    agenixPds = eval (agenixPdsHost { });
    agenixPdsMail = eval (agenixPdsHost { services.bluesky-pds.settings.PDS_EMAIL_FROM_ADDRESS = "pds@example.com"; });
    # sops without a key source: no SSH host key, no age key.
    sopsNoKey = eval {
      imports = [ ./stub-sops.nix ];
      atproto.host = { domain = "pds.example.com"; admin_email = "a@example.com"; };
      services.bluesky-pds.enable = true;
      atproto.integration = {
        proxy.kind = "none";
        secrets = { backend = "sops"; sops_file = ./hosts/sops-secrets/secrets.yaml; };
      };
    };
    # sops chosen, sops-nix not imported.
    sopsWithoutModule = eval {
      atproto.host = { domain = "pds.example.com"; admin_email = "a@example.com"; };
      services.bluesky-pds.enable = true;
      atproto.integration = {
        proxy.kind = "none";
        secrets = { backend = "sops"; sops_file = ./hosts/sops-secrets/secrets.yaml; };
      };
    };
    # A host with opinions of its own on host-wide values.
    ownHostWide =
      let
        r = eval {
          imports = [ ./hosts/pds-nginx-wildcard.nix ];
          atproto.integration.security.fail2ban = true;
          atproto.integration.monitoring.prometheus = true;
          networking.firewall.enable = false;
          services.fail2ban = { maxretry = 3; bantime = "10m"; };
          services.nginx = { clientMaxBodySize = "1g"; recommendedGzipSettings = false; };
          security.acme.defaults.email = "certs@example.net";
          services.prometheus.port = 9091;
        };
        c = r.config;
        forced = builtins.tryEval (builtins.deepSeq [
          r.failed c.networking.firewall.enable c.services.fail2ban.maxretry c.services.fail2ban.bantime
          c.services.nginx.clientMaxBodySize c.services.nginx.recommendedGzipSettings
          c.security.acme.defaults.email c.services.prometheus.port
        ] r.failed);
      in
      forced.success && forced.value == [ ] && !c.networking.firewall.enable && c.services.prometheus.port == 9091;
    # The real lib rejects two normal-priority values for one option: why the above
    # needs our values to be defaults.
    conflicting = (builtins.tryEval (eval {
      imports = [{ networking.firewall.enable = true; } { networking.firewall.enable = false; }];
    }).config.networking.firewall.enable).success;
    # The jails as they were: reading an nginx error log file nixpkgs never writes.
    fileJails = eval (fileJailHost { });
    fileJailsWithLog = eval (fileJailHost { services.nginx.logError = "/var/log/nginx/error.log warn"; });
    pgOwnerWithoutDatabase = eval {
      services.postgresql = { enable = true; ensureUsers = [{ name = "orphan"; ensureDBOwnership = true; }]; };
    };
    acmeStarCert = eval {
      security.acme = {
        acceptTerms = true;
        defaults.email = "a@example.com";
        certs."*.example.com".dnsProvider = "cloudflare";
      };
    };
    acmeNoTerms = eval {
      services.nginx = { enable = true; virtualHosts."a.example.com".enableACME = true; };
      security.acme.defaults.email = "a@example.com";
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

  agenixPdsHost = extra: {
    imports = [ ./stub-agenix.nix extra ];
    services.openssh.enable = true;
    atproto.host = { domain = "pds.example.com"; admin_email = "a@example.com"; };
    services.bluesky-pds.enable = true;
    atproto.integration = {
      proxy.kind = "none";
      secrets = { backend = "agenix"; agenix_dir = ./hosts/agenix-secrets; };
    };
  };
  fileJailHost = extra: {
    imports = [ ./hosts/pds-nginx-wildcard.nix extra ];
    atproto.integration.security.fail2ban = true;
    services.fail2ban.jails.nginx-botsearch.settings = lib.mkForce {
      filter = "nginx-botsearch";
      logpath = "/var/log/nginx/error.log";
      backend = "auto";
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
      && (units everything).ozone-daemon.serviceConfig.ExecStart == cmd [ "${pkg "ozone"}/bin/ozone-daemon" ]
      && (units everything).ozone-daemon.environment.OZONE_DB_POSTGRES_URL == "postgresql://ozone@/ozone?host=/run/postgresql"
      && !((units everything).ozone-daemon.environment ? OZONE_DB_MIGRATE)
      && builtins.elem "ozone.service" (units everything).ozone-daemon.after)
    (units everything).ozone-daemon.environment)
  (check "ozone's daemon has the main unit's sandbox, secrets and variables, from one definition"
    (let
      main = (units everything).ozone;
      daemon = (units everything).ozone-daemon;
      same = k: main.serviceConfig.${k} == daemon.serviceConfig.${k};
    in
    lib.all same ([ "User" "Group" "EnvironmentFile" "LoadCredential" "MemoryDenyWriteExecute" ] ++ builtins.attrNames hardening)
      && builtins.removeAttrs main.environment [ "OZONE_DB_MIGRATE" ] == daemon.environment)
    (units everything).ozone-daemon.serviceConfig)

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
      "--env-file /run/atproto-secrets/bluesky-pds.env"
    ] && !lib.hasInfix "smtp_url" pdsSecretsScript)
    pdsSecretsScript)
  (check "generate backend: the SMTP URL is required, and passed, once the PDS sends email"
    (lib.hasInfix "'smtp_url:external=PDS_EMAIL_SMTP_URL'" (units hosts.pdsMail).atproto-secrets-bluesky-pds.script)
    (units hosts.pdsMail).atproto-secrets-bluesky-pds.script)

  # Other secrets backends.
  (check "sops: env file templates with placeholders, no generator unit"
    (everything.config.sops.templates ? "atproto-bluesky-pds.env"
      && everything.config.sops.secrets ? "atproto/bluesky-pds/jwt_secret"
      && everything.config.services.bluesky-pds.environmentFiles == [ everything.config.sops.templates."atproto-bluesky-pds.env".path ]
      && everything.config.sops.templates."atproto-bluesky-pds.env".path == "/run/secrets/rendered/atproto-bluesky-pds.env"
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

  (check "sops: optional secrets whose setting is off are neither declared nor templated"
    (!(everything.config.sops.secrets ? "atproto/bluesky-pds/smtp_url")
      && !(everything.config.sops.secrets ? "atproto/rsky-pds/mailgun_api_key")
      && !(everything.config.sops.secrets ? "atproto/rsky-pds/s3_access_key_id")
      && !lib.hasInfix "PDS_EMAIL_SMTP_URL" everything.config.sops.templates."atproto-bluesky-pds.env".content
      && !lib.hasInfix "AWS_" everything.config.sops.templates."atproto-rsky-pds.env".content)
    everything.config.sops.templates."atproto-rsky-pds.env".content)
  (check "sops: rsky-firehose and rsky-jetstream-subscriber read rsky-feedgen's one API key"
    (let
      feedgenKey = "RSKY_API_KEY=${everything.config.sops.placeholder."atproto/rsky-feedgen/api_key"}";
    in
    lib.hasInfix feedgenKey everything.config.sops.templates."atproto-rsky-firehose.env".content
      && lib.hasInfix feedgenKey everything.config.sops.templates."atproto-rsky-jetstream-subscriber.env".content
      && !(everything.config.sops.secrets ? "atproto/rsky-firehose/api_key")
      && lib.sort lib.lessThan everything.config.sops.secrets."atproto/rsky-feedgen/api_key".restartUnits
        == [ "rsky-feedgen.service" "rsky-firehose.service" "rsky-jetstream-subscriber.service" ])
    everything.config.sops.templates."atproto-rsky-firehose.env".content)
  (check "sops: every secret a service names is a declared sops secret at that path"
    (lib.all (e: lib.all (x: everything.config.sops.secrets.${lib.removePrefix "/run/secrets/" x.file}.path == x.file) e.templated)
      (builtins.attrValues everything.config.atproto.registry))
    (builtins.attrNames everything.config.sops.secrets))
  (check "sops: the answers' age key is sops-nix's key file"
    (everything.config.sops.age.keyFile == "/var/lib/sops-nix/key.txt")
    everything.config.sops.age.keyFile)
  (check "sops: no key source fails as sops-nix does"
    (builtins.elem "No key source configured for sops. Either set services.openssh.enable or set sops.age.keyFile or sops.gnupg.home" hosts.sopsNoKey.failed)
    hosts.sopsNoKey.failed)
  (check "sops chosen without sops-nix imported: our assertion says what to add"
    (builtins.any (m: lib.hasInfix "add inputs.sops-nix.nixosModules.sops" m) hosts.sopsWithoutModule.failed)
    hosts.sopsWithoutModule.failed)
  (check "agenix: only the secrets the PDS needs are declared, so three .age files suffice"
    (hosts.agenixPds.failed == [ ]
      && lib.sort lib.lessThan (builtins.attrNames hosts.agenixPds.config.age.secrets)
        == [ "atproto-bluesky-pds-admin_password" "atproto-bluesky-pds-jwt_secret" "atproto-bluesky-pds-plc_rotation_key" ])
    (builtins.attrNames hosts.agenixPds.config.age.secrets))
  (check "agenix: once the PDS sends email its SMTP secret is declared, and a missing .age file fails"
    (builtins.any (m: lib.hasInfix "bluesky-pds-smtp_url.age': No such file or directory" m) hosts.agenixPdsMail.failed)
    hosts.agenixPdsMail.failed)
  (check "host-wide values are defaults: a host's own firewall, fail2ban, nginx and ACME settings win"
    (hosts.ownHostWide && !hosts.conflicting)
    { inherit (hosts) ownHostWide conflicting; })
  (check "fail2ban's nginx jails read nginx's journal"
    (let j = everything.config.services.fail2ban.jails or { }; jails = (eval {
      imports = [ ./hosts/pds-nginx-wildcard.nix ];
      atproto.integration.security.fail2ban = true;
    }); in
    jails.failed == [ ]
      && jails.config.services.fail2ban.jails.nginx-botsearch.settings.backend == "systemd"
      && !(jails.config.services.fail2ban.jails.nginx-botsearch.settings ? logpath))
    "nginx jails")
  (check "the stub refuses jails that read a log file nginx never writes, as fail2ban does"
    (builtins.any (m: lib.hasPrefix "fail2ban: Have not found any log file for nginx-botsearch jail" m) hosts.fileJails.failed
      && hosts.fileJailsWithLog.failed == [ ])
    hosts.fileJails.failed)
  (check "the stub has PostgreSQL's ensureDBOwnership assertion"
    (builtins.any (m: lib.hasInfix "Offender: orphan has not been found among databases." m) hosts.pgOwnerWithoutDatabase.failed)
    hosts.pgOwnerWithoutDatabase.failed)
  (check "the stub has the ACME module's assertions"
    (builtins.any (m: lib.hasInfix "cannot contain a * character" m) hosts.acmeStarCert.failed
      && builtins.any (m: lib.hasInfix "You must accept the CA's terms of service" m) hosts.acmeNoTerms.failed
      && hosts.acmeNoTerms.config.security.acme.certs."a.example.com".webroot == "/var/lib/acme/acme-challenge")
    (hosts.acmeStarCert.failed ++ hosts.acmeNoTerms.failed))
  (check "nginx's HTTP-01 certificates each have one challenge method"
    (lib.all (c: c.webroot != null || c.dnsProvider != null) (builtins.attrValues everything.config.security.acme.certs)
      && everything.failed == [ ])
    everything.config.security.acme.certs)

  # Secrets on disk: root-only, in directories whose mode never depends on unit order.
  (check "secret directories are made 0700 root at boot"
    (lib.all (r: builtins.elem r pdsCaddy.config.systemd.tmpfiles.rules) [
      "d /var/lib/atproto-secrets 0700 root root -"
      "d /run/atproto-secrets 0700 root root -"
    ])
    pdsCaddy.config.systemd.tmpfiles.rules)
  (check "grafana reads its secrets as systemd credentials, never from the root-only directory"
    (pdsCaddy.config.services.grafana.settings.security.admin_password == "$__file{/run/credentials/grafana.service/admin_password}"
      && builtins.elem "secret_key:/var/lib/atproto-secrets/grafana/secret_key" (units pdsCaddy).grafana.serviceConfig.LoadCredential
      && !lib.hasInfix "--owner" (units pdsCaddy).atproto-secrets-grafana.script)
    (units pdsCaddy).grafana.serviceConfig)

  # Values placed into another language are escaped for it.
  (check "hostile paths and URLs stay values: borg's shell and Alloy's strings quote them"
    (let
      h = eval {
        imports = [ ./hosts/pds-caddy.nix ];
        atproto.integration.backup = lib.mkForce {
          kind = "borg";
          repository = "ssh://b@example.com/./r";
          password_file = "/x; touch /pwned";
          environment_file = "/y $(id)";
        };
        atproto.integration.logging = { kind = "alloy"; loki_url = "https://l.example.com/\"}\nloki.source.file \"x\" {"; };
      };
      job = h.config.services.borgbackup.jobs.atproto;
      alloy = h.config.environment.etc."alloy/config.alloy".text;
    in
    job.encryption.passCommand == "cat '/x; touch /pwned'"
      && lib.hasInfix ". '/y $(id)'" job.preHook
      && lib.hasInfix ''url = "https://l.example.com/\"}\nloki.source.file \"x\" {"'' alloy
      && !lib.hasInfix "\nloki.source.file" alloy)
    "escaping")

  (check "the assertions refuse what the wizard refuses: unsafe paths, passwords in URLs, control characters"
    (let
      h = eval {
        imports = [ ./hosts/pds-caddy.nix ];
        atproto.integration.backup = lib.mkForce {
          kind = "borg";
          repository = "ssh://b:hunter2@example.com/./r";
          password_file = "/x; touch /pwned";
          environment_file = "/var/lib/secrets/%h";
        };
        atproto.integration.logging = { kind = "alloy"; loki_url = "https://l.example.com/${esc}[2J"; };
      };
      # Nix strings have no escape for ESC; JSON has.
      esc = builtins.fromJSON ''"\u001b"'';
      types = catalog.plan.types;
      quoted = v: message: "${builtins.toJSON v} ${message}.";
    in
    failedWith h (quoted "/x; touch /pwned" types.path.message)
      && failedWith h (quoted "/var/lib/secrets/%h" types.path.message)
      && failedWith h (quoted "https://l.example.com/${esc}[2J" catalog.plan.text.message)
      && builtins.any (m: lib.hasPrefix "atproto.integration.backup.repository: ${types.repository.password_message}" m) h.failed
      && !builtins.any (lib.hasInfix "hunter2") h.failed)
    "the failed assertions")

  (check "a literal % in a variable reaches the program as %, not as a systemd specifier"
    (let h = eval {
      imports = [ ./hosts/everything.nix ];
      services.ozone.settings.public_url = lib.mkForce "https://ozone.all.example.com/a%3Ab";
    }; in
    (units h).ozone.environment.OZONE_PUBLIC_URL == "https://ozone.all.example.com/a%%3Ab"
      && (units h).ozone-daemon.environment.OZONE_PUBLIC_URL == "https://ozone.all.example.com/a%%3Ab")
    "percent")

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
  (check "borg may write the dump directory, which exists before the job starts"
    (everything.config.services.borgbackup.jobs.atproto.readWritePaths == [ "/var/backup/atproto-postgresql" ]
      && builtins.elem "d /var/backup/atproto-postgresql 0700 root root -" everything.config.systemd.tmpfiles.rules)
    everything.config.services.borgbackup.jobs.atproto.readWritePaths)
  (check "loki runs locally and alloy ships the journal to it"
    (everything.config.services.loki.enable && everything.config.services.alloy.enable
      && lib.hasInfix "http://127.0.0.1:3100/loki/api/v1/push" everything.config.environment.etc."alloy/config.alloy".text)
    everything.config.services.loki.enable)
]
