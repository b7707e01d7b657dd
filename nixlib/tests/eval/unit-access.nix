# What each systemd unit of an evaluated host needs from the file system, as data for
# tests/unit_access.rs, which simulates the host's files (tmpfiles, sops-nix, agenix,
# the operator's files, the secrets generator run for real) and proves every read and
# write. Evaluate with the ATProto modules and stub-units.nix (unit-access-hosts.nix).
#
# Returns:
#   units.<name> = { user group dynamicUser supplementaryGroups protectSystem protectHome
#                    privateTmp capabilities umask directories readWritePaths
#                    readOnlyPaths workingDirectory after before credentials commands
#                    environment reads writes creates; }
#     commands: shell text the unit runs ({ text; privileged; why; }), parsed by the test
#               (the secrets generator, install -d, ln, redirections, cat, `. file`).
#     reads:    [{ path; as = "pid1" | "user"; why; }]  pid1: systemd (or a "+" command)
#               reads it with full privileges, so it only has to exist at start; user:
#               the unit's own user and groups read it, modes and parent directories count.
#     writes:   [{ path; why; }] as the unit's user, inside its sandbox.
#     creates:  [{ path; kind; mode; owner; group; why; }] what an upstream unit makes
#               when it runs (beyond its StateDirectory & co., which the test derives).
#   tmpfiles:      systemd.tmpfiles.rules (made before any unit starts)
#   files:         [{ path; kind = "dir"|"file"|"symlink"; mode; owner; group; target; why; }]
#                  made by activation (sops-nix, agenix) before any unit starts
#   operatorFiles: [{ path; why; }] files the operator provides (root-only)
#   secretPaths:   paths and prefixes that hold secrets: an argument or variable naming
#                  one is a file the unit's program reads
{ lib, config }:
let
  inherit (lib) optional optionals concatMap mapAttrsToList;

  toList = v: if v == null then [ ] else if builtins.isList v then lib.flatten v else [ v ];
  str = v: if builtins.isBool v then (if v then "yes" else "no") else toString v;
  # "a b" or [ "a" "b" ] (systemd's space-separated lists).
  words = v: lib.filter (w: w != "") (concatMap (x: lib.splitString " " (toString x)) (toList v));

  reg = config.atproto.registry or { };
  integ = config.atproto.integration;

  # ProtectSystem=/ProtectHome=: a boolean or a word.
  yesNo = v:
    if v == null || v == false || v == "no" || v == "false" then "no"
    else if v == true || v == "yes" || v == "true" then "yes"
    else toString v;

  # Without Group=, a unit runs with its user's primary group.
  primaryGroup = user: dynamic:
    let g = config.users.users.${user}.group or ""; in
    if dynamic then user
    else if g != "" then g
    else if user == "root" then "root"
    else user;

  # Every `$__file{…}` in an attribute set of settings, with the option path it is at.
  fileRefs = prefix: v:
    if builtins.isAttrs v then lib.concatLists (mapAttrsToList (k: x: fileRefs "${prefix}.${k}" x) v)
    else if builtins.isString v then
      map (m: { path = builtins.head m; at = prefix; })
        (lib.filter builtins.isList (builtins.split "\\$__file\\{([^}]*)}" v))
    else [ ];

  # Upstream knowledge, per unit name: what it reads, writes and creates beyond its
  # unit's own settings. Each names the module it follows.
  nginx = config.services.nginx;
  caddy = config.services.caddy;
  acmeCerts = config.security.acme.certs;
  certFiles = cert: map (f: "/var/lib/acme/${cert}/${f}") [ "fullchain.pem" "key.pem" "chain.pem" ];
  # nixpkgs services/web-servers/nginx/default.nix: a TLS vhost's ssl_certificate(_key)
  # are the files of its certificate (useACMEHost or its own), read by nginx (its whole
  # process tree runs as services.nginx.user).
  nginxCertReads = lib.concatLists (mapAttrsToList
    (name: v:
      let cert = if v.useACMEHost != null then v.useACMEHost else if v.enableACME then name else null; in
      optionals (cert != null && ((v.forceSSL or false) || (v.addSSL or false) || v.useACMEHost != null))
        (map (p: { path = p; as = "user"; why = "the TLS certificate of virtual host ${name}"; }) (certFiles cert)))
    nginx.virtualHosts);
  # nixpkgs services/web-servers/caddy/default.nix: `tls <dir>/cert.pem <dir>/key.pem`.
  caddyCertReads = lib.concatLists (mapAttrsToList
    (name: v: optionals (v.useACMEHost != null)
      (map (f: { path = "/var/lib/acme/${v.useACMEHost}/${f}"; as = "user"; why = "the TLS certificate of site ${name}"; })
        [ "cert.pem" "key.pem" ]))
    caddy.virtualHosts);
  # caddy/vhost-options.nix: each site logs to <logDir>/access-<name>.log.
  caddyLogName = name: "/var/log/caddy/access-${builtins.replaceStrings [ "/" " " ":" ] [ "_" "_" "_" ] name}.log";

  lokiConf = config.services.loki.configuration or { };
  lokiDirs = lib.filter (p: p != null) [
    (lokiConf.common.path_prefix or null)
    (lokiConf.common.storage.filesystem.chunks_directory or null)
    (lokiConf.common.storage.filesystem.rules_directory or null)
    (lokiConf.compactor.working_directory or null)
  ];

  upstream = {
    nginx = {
      reads = nginxCertReads;
      # The access log goes to nginx's compiled-in /var/log/nginx/access.log (the module
      # sets no access_log); the error log to a file only when logError names one.
      writes = [{ path = "/var/log/nginx/access.log"; why = "nginx's access log"; }]
        ++ optional (lib.hasPrefix "/" (nginx.logError or "stderr"))
        { path = builtins.head (lib.splitString " " nginx.logError); why = "services.nginx.logError"; };
    };
    caddy = {
      reads = caddyCertReads;
      writes = [{ path = "/var/lib/caddy/.local/share/caddy"; why = "Caddy's data (certificates, ACME accounts) in $HOME/.local/share/caddy, its home being dataDir"; }]
        ++ map (n: { path = caddyLogName n; why = "the access log of site ${n}"; }) (builtins.attrNames caddy.virtualHosts);
    };
    grafana.writes = [{ path = "/var/lib/grafana/data/grafana.db"; why = "Grafana's database (settings.database.path's default)"; }];
    loki.writes = map (p: { path = p; why = "services.loki.configuration"; }) lokiDirs;
    prometheus.writes = [{ path = "/var/lib/prometheus2/data"; why = "Prometheus' TSDB (storage.tsdb.path, relative to its working directory)"; }];
    postgresql.writes = [
      { path = "/var/lib/postgresql"; why = "the data directory"; }
      { path = "/run/postgresql/.s.PGSQL.5432"; why = "the Unix socket clients use"; }
    ];
    fail2ban.writes = [
      { path = "/var/lib/fail2ban/fail2ban.sqlite3"; why = "fail2ban's dbfile"; }
      { path = "/run/fail2ban/fail2ban.sock"; why = "fail2ban's socket"; }
    ];
  }
  # security/acme/default.nix: acme-<cert> puts a self-signed certificate in place (cp,
  # then chmod -R u=rwX,g=rX,o= and chown acme:<group>), and makes the webroot's
  # .well-known/acme-challenge; acme-order-renew-<cert> replaces the files the same way.
  // lib.mapAttrs'
    (cert: c: lib.nameValuePair "acme-${cert}" {
      creates = map
        (f: { path = "/var/lib/acme/${cert}/${f}"; kind = "file"; mode = "0640"; owner = "acme"; group = c.group; why = "the certificate (self-signed until ordered)"; })
        [ "cert.pem" "key.pem" "fullchain.pem" "chain.pem" "full.pem" ]
        ++ optional ((c.webroot or null) != null)
        { path = "${c.webroot}/.well-known/acme-challenge"; kind = "dir"; mode = "0750"; owner = "acme"; group = c.group; why = "the HTTP-01 webroot"; };
      writes = [{ path = "/var/lib/acme/${cert}/cert.pem"; why = "the certificate"; }];
    })
    acmeCerts
  // lib.mapAttrs'
    (cert: c: lib.nameValuePair "acme-order-renew-${cert}" {
      writes = [{ path = "/var/lib/acme/${cert}/fullchain.pem"; why = "the ordered certificate"; }]
        ++ optional ((c.webroot or null) != null) { path = "${c.webroot}/.well-known/acme-challenge/token"; why = "the HTTP-01 challenge"; };
    })
    acmeCerts
  # services/backup/restic.nix: preStart lists the paths in /run/restic-backups-<name>/includes;
  # restic keeps its cache in RESTIC_CACHE_DIR.
  // lib.mapAttrs'
    (name: _: lib.nameValuePair "restic-backups-${name}" {
      writes = [
        { path = "/run/restic-backups-${name}/includes"; why = "the list of paths to back up"; }
        { path = "/var/cache/restic-backups-${name}"; why = "restic's cache (RESTIC_CACHE_DIR)"; }
      ];
    })
    config.services.restic.backups
  # services/backup/borgbackup.nix: borg's own config and cache.
  // lib.mapAttrs'
    (name: job:
      let home = config.users.users.${job.user or "root"}.home or (if (job.user or "root") == "root" then "/root" else "/var/empty"); in
      lib.nameValuePair "borgbackup-job-${name}" {
        writes = [
          { path = "${home}/.config/borg/security"; why = "borg's security records"; }
          { path = "${home}/.cache/borg"; why = "borg's cache"; }
        ];
      })
    config.services.borgbackup.jobs;

  # Our services: every state directory the registry says the service keeps.
  registryWrites = lib.foldl'
    (acc: e: acc // {
      ${e.unit} = (acc.${e.unit} or [ ]) ++ map (d: { path = d; why = "its state directory (atproto.registry)"; }) e.stateDirs;
    })
    { }
    (builtins.attrValues reg);

  grafanaReads = map
    (r: { path = r.path; as = "user"; why = "$__file{} in services.grafana.settings${r.at}"; })
    (fileRefs "" (config.services.grafana.settings or { }));

  describe = name: u:
    let
      sc = u.serviceConfig;
      dynamicUser = sc.DynamicUser or false;
      user = sc.User or (if dynamicUser then name else "root");
      group = sc.Group or (primaryGroup user dynamicUser);
      dirs = kind: base: key:
        map (d: { inherit kind; path = "${base}/${d}"; mode = str (sc."${key}Mode" or "0755"); })
          (words (sc.${key} or null));
      envFiles = toList (sc.EnvironmentFile or null);
      creds = map (c: let p = lib.splitString ":" c; in { name = builtins.head p; source = lib.concatStringsSep ":" (builtins.tail p); })
        (toList (sc.LoadCredential or null));
      exec = key: privilegedDefault: map
        (t: { text = toString t; privileged = privilegedDefault; why = key; })
        (toList (sc.${key} or null));
      up = upstream.${name} or { };
    in
    {
      inherit user group dynamicUser;
      supplementaryGroups = toList (sc.SupplementaryGroups or null) ++ (config.users.users.${user}.extraGroups or [ ]);
      protectSystem = if dynamicUser && (sc.ProtectSystem or null) == null then "strict" else yesNo (sc.ProtectSystem or null);
      protectHome = if dynamicUser && (sc.ProtectHome or null) == null then "read-only" else yesNo (sc.ProtectHome or null);
      privateTmp = (sc.PrivateTmp or false) == true || dynamicUser;
      capabilities = if sc ? CapabilityBoundingSet then words sc.CapabilityBoundingSet else null;
      umask = str (sc.UMask or "0022");
      directories = dirs "state" "/var/lib" "StateDirectory"
        ++ dirs "runtime" "/run" "RuntimeDirectory"
        ++ dirs "logs" "/var/log" "LogsDirectory"
        ++ dirs "cache" "/var/cache" "CacheDirectory";
      readWritePaths = words (sc.ReadWritePaths or null) ++ words (sc.ReadWriteDirectories or null);
      readOnlyPaths = words (sc.ReadOnlyPaths or null);
      workingDirectory = if sc ? WorkingDirectory then toString sc.WorkingDirectory else null;
      after = u.after;
      before = u.before;
      credentials = map (c: c.name) creds;
      environment = lib.filterAttrs (_: v: v != null) u.environment
        // builtins.listToAttrs (map
        (e: let p = lib.splitString "=" e; in { name = builtins.head p; value = lib.concatStringsSep "=" (builtins.tail p); })
        (toList (sc.Environment or null)));
      commands =
        optional (u.preStart != "") { text = u.preStart; privileged = false; why = "preStart"; }
        ++ exec "ExecStartPre" false
        ++ optional (u.script != "") { text = u.script; privileged = false; why = "script"; }
        ++ exec "ExecStart" false
        ++ exec "ExecStartPost" false
        # borg runs BORG_PASSCOMMAND itself, as the job's user.
        ++ optional ((u.environment.BORG_PASSCOMMAND or null) != null)
        { text = u.environment.BORG_PASSCOMMAND; privileged = false; why = "BORG_PASSCOMMAND"; };
      reads =
        map (f: { path = f; as = "pid1"; why = "EnvironmentFile="; }) envFiles
        ++ map (c: { path = c.source; as = "pid1"; why = "LoadCredential=${c.name}"; }) (lib.filter (c: c.source != "") creds)
        ++ optionals (name == "grafana") grafanaReads
        ++ (up.reads or [ ]);
      writes = (registryWrites.${name} or [ ]) ++ (up.writes or [ ]);
      creates = up.creates or [ ];
    };

  # sops-nix (Mic92/sops-nix, pkgs/sops-install-secrets/main.go), at activation: a new
  # generation /run/secrets.d/<n> (0751 root:keys) with each secret at its name (parent
  # directories 0751 root:keys), templates under its rendered/ (the same), /run/secrets
  # a symlink to the generation, and a symlink at a secret's or template's `path` when
  # it is not the default. Files get the secret's mode and owner (0400 root by default).
  sopsGen = "/run/secrets.d/1";
  sopsSecrets = config.sops.secrets or { };
  sopsTemplates = config.sops.templates or { };
  ownerOf = o: if o == null || o == "0" then "root" else o;
  groupOf = o: g: if g != null && g != "0" then g else config.users.users.${ownerOf o}.group or "root";
  nestedDirs = base: name:
    let parts = lib.init (lib.splitString "/" name); in
    lib.genList (i: "${base}/${lib.concatStringsSep "/" (lib.take (i + 1) parts)}") (builtins.length parts);
  keysDir = path: why: { inherit path why; kind = "dir"; mode = "0751"; owner = "root"; group = "keys"; target = null; };
  sopsFiles = optionals (sopsSecrets != { } || sopsTemplates != { }) (
    [
      (keysDir "/run/secrets.d" "sops-nix's secrets mount point")
      (keysDir sopsGen "sops-nix's secrets generation")
      { path = "/run/secrets"; kind = "symlink"; target = sopsGen; mode = "0777"; owner = "root"; group = "root"; why = "sops-nix's secrets symlink"; }
    ]
    ++ concatMap
      (n:
        let s = sopsSecrets.${n}; in
        map (d: keysDir d "sops-nix (a secret's parent directory)") (nestedDirs sopsGen n)
        ++ [{
          path = "${sopsGen}/${n}";
          kind = "file";
          mode = s.mode or "0400";
          owner = ownerOf (s.owner or null);
          group = groupOf (s.owner or null) (s.group or null);
          target = null;
          why = "sops-nix secret ${n}";
        }]
        ++ optional ((s.path or "/run/secrets/${n}") != "/run/secrets/${n}") {
          path = s.path;
          kind = "symlink";
          target = "/run/secrets/${n}";
          mode = "0777";
          owner = "root";
          group = "root";
          why = "sops-nix secret ${n} (its path)";
        })
      (builtins.attrNames sopsSecrets)
    ++ optionals (sopsTemplates != { }) [ (keysDir "${sopsGen}/rendered" "sops-nix's rendered templates") ]
    ++ concatMap
      (n:
        let t = sopsTemplates.${n}; in
        [{
          path = "${sopsGen}/rendered/${n}";
          kind = "file";
          mode = t.mode or "0400";
          owner = ownerOf (t.owner or null);
          group = groupOf (t.owner or null) (t.group or null);
          target = null;
          why = "sops-nix template ${n}";
        }]
        ++ optional ((t.path or "/run/secrets/rendered/${n}") != "/run/secrets/rendered/${n}") {
          path = t.path;
          kind = "symlink";
          target = "/run/secrets/rendered/${n}";
          mode = "0777";
          owner = "root";
          group = "root";
          why = "sops-nix template ${n} (its path)";
        })
      (builtins.attrNames sopsTemplates));

  # agenix (ryantm/agenix, modules/age.nix), at activation: a generation
  # /run/agenix.d/<n> (0751, group keys) on a ramfs, each secret decrypted there with
  # its mode (0400), chowned to owner:group (root by default), /run/agenix a symlink to
  # the generation, and a symlink at a secret's `path` when it is not the default.
  ageSecrets = config.age.secrets or { };
  ageDir = config.age.secretsDir or "/run/agenix";
  ageGen = "/run/agenix.d/1";
  ageFiles = optionals (ageSecrets != { }) (
    [
      (keysDir "/run/agenix.d" "agenix's mount point")
      (keysDir ageGen "agenix's generation")
      { path = ageDir; kind = "symlink"; target = ageGen; mode = "0777"; owner = "root"; group = "root"; why = "agenix's secrets symlink"; }
    ]
    ++ concatMap
      (n:
        let
          s = ageSecrets.${n};
          path = s.path or "${ageDir}/${n}";
          symlinked = s.symlink or true;
        in
        [{
          path = if symlinked then "${ageGen}/${n}" else path;
          kind = "file";
          mode = s.mode or "0400";
          owner = ownerOf (s.owner or null);
          group = groupOf (s.owner or null) (s.group or null);
          target = null;
          why = "agenix secret ${n}";
        }]
        ++ optional (symlinked && path != "${ageDir}/${n}") {
          inherit path;
          kind = "symlink";
          target = "${ageDir}/${n}";
          mode = "0777";
          owner = "root";
          group = "root";
          why = "agenix secret ${n} (its path)";
        })
      (builtins.attrNames ageSecrets));

  # Files the operator puts on the host: the integrations' files, and a service's
  # secret file that no backend provides (their own path).
  backendFile = f: lib.any (p: lib.hasPrefix p f) [ "/var/lib/atproto-secrets/" "/run/secrets/" "/run/agenix/" ];
  operatorFiles =
    lib.concatLists (lib.mapAttrsToList
      (section: keys: lib.concatLists (map
        (k: let v = integ.${section}.${k} or null; in
          optional (v != null && builtins.isString v && lib.hasPrefix "/" v)
            { path = v; why = "atproto.integration.${section}.${k}"; })
        keys))
      {
        database = [ "password_file" ];
        redis = [ "password_file" ];
        tls = [ "dns_credentials_file" ];
        backup = [ "password_file" "environment_file" ];
        secrets = [ "age_key_file" ];
      })
    ++ lib.concatLists (map
      (e: map (x: { path = x.file; why = "services.${e.unit}.secrets.${x.name}"; })
        (lib.filter (x: !(backendFile x.file)) e.secrets))
      (builtins.attrValues reg));
in
{
  units = builtins.mapAttrs describe config.systemd.services;
  tmpfiles = config.systemd.tmpfiles.rules;
  files = sopsFiles ++ ageFiles;
  inherit operatorFiles;
  secretPaths =
    [ "/var/lib/atproto-secrets/" "/run/atproto-secrets/" "/run/secrets/" "/run/secrets.d/" "/run/agenix/" "/run/agenix.d/" "/run/credentials/" ]
    ++ map (f: f.path) operatorFiles
    ++ lib.unique (lib.concatMap (e: map (x: x.file) e.secrets) (builtins.attrValues reg));
}
