# The systemd units the real NixOS modules create for the services the ATProto modules
# turn on, reduced to what decides access: the user and groups a unit runs as, its
# sandbox (ProtectSystem, ProtectHome, PrivateTmp, ReadWritePaths), the directories
# systemd makes for it (StateDirectory, RuntimeDirectory, LogsDirectory, CacheDirectory)
# and how it is handed files (EnvironmentFile, LoadCredential, a password file its
# program reads). Every value names the module it is taken from; where that module reads
# an option stub-nixos.nix does not declare, the comment says which default is assumed.
# Directories a module makes outside a unit (a user's createHome, its own tmpfiles) are
# modelled as the tmpfiles rules they amount to: they exist before any unit starts.
# Config only: no option is declared here. nixlib/tests/eval/unit-access.nix reads the
# result; sops-nix and agenix make files, not units, and are modelled there.
{ config, lib, ... }:
let
  inherit (lib) mkIf mkMerge mkDefault optional optionals;

  nginx = config.services.nginx;
  caddy = config.services.caddy;
  acme = config.security.acme;
  pg = config.services.postgresql;

  # nixpkgs services/web-servers/nginx/default.nix: the certificate a vhost uses
  # (vhostCertNames), useACMEHost or the vhost's own name.
  nginxCertNames = lib.unique (lib.concatLists (lib.mapAttrsToList
    (name: v:
      if v.useACMEHost != null then [ v.useACMEHost ]
      else lib.optional v.enableACME name)
    nginx.virtualHosts));
  # nixpkgs services/web-servers/caddy/default.nix: acmeHosts, the useACMEHost names.
  caddyCertNames = lib.unique (lib.filter (h: h != null)
    (lib.mapAttrsToList (_: v: v.useACMEHost) caddy.virtualHosts));

  # nixpkgs services/databases/postgresql.nix: the data directory's last component is
  # the package's psqlSchema ("17" for postgresql_17); the stub's package stand-in has
  # no psqlSchema, so it is read from the attribute name.
  pgSchema = pg.package.psqlSchema or (lib.last (lib.splitString "_" (pg.package.name or "postgresql_17")));

  # nixpkgs services/backup/borgbackup.nix: isLocalPath (a path, not user@host:path or
  # ssh://…).
  borgLocal = repo: lib.hasPrefix "/" repo || lib.hasPrefix "." repo;
  homeOf = user: config.users.users.${user}.home or (if user == "root" then "/root" else "/var/empty");
in
{
  config = mkMerge [
    # services/web-apps/bluesky-pds.nix: the sandbox around what stub-nixos.nix already
    # models (User = "pds", StateDirectory = "pds", EnvironmentFile), which is not
    # repeated here: serviceConfig values are strings, and two definitions of one would
    # be concatenated.
    (mkIf config.services.bluesky-pds.enable {
      systemd.services.bluesky-pds.serviceConfig = {
        Group = "pds";
        StateDirectoryMode = "0755";
        CapabilityBoundingSet = [ "CAP_NET_BIND_SERVICE" ];
        ProtectSystem = "strict";
        ProtectHome = true;
        PrivateUsers = true;
        PrivateTmp = true;
        UMask = "0077";
      };
      users.users.pds = {
        group = "pds";
        isSystemUser = true;
      };
      users.groups.pds = { };
    })

    # services/monitoring/grafana.nix (systemd.services.grafana and users.users.grafana).
    (mkIf config.services.grafana.enable {
      systemd.services.grafana = {
        wantedBy = [ "multi-user.target" ];
        after = [ "networking.target" ];
        serviceConfig = {
          # No Group=: the unit runs with the user's primary group, grafana.
          User = "grafana";
          # services.grafana.dataDir is not declared in the stub: its default is assumed.
          WorkingDirectory = "/var/lib/grafana";
          RuntimeDirectory = "grafana";
          RuntimeDirectoryMode = "0755";
          PrivateTmp = true;
          ProtectHome = true;
          ProtectSystem = "full";
          UMask = "0027";
        };
      };
      users.users.grafana = {
        group = "grafana";
        home = "/var/lib/grafana";
      };
      users.groups.grafana = { };
      # users.users.grafana.createHome = true: the home exists before the unit starts,
      # owned by grafana with users-groups.nix's default homeMode 700.
      systemd.tmpfiles.rules = [ "d /var/lib/grafana 0700 grafana grafana -" ];
    })

    # services/web-servers/nginx/default.nix.
    (mkIf nginx.enable {
      systemd.services.nginx = {
        wantedBy = [ "multi-user.target" ];
        # With enableReload off (its default), nginx starts after its certificates'
        # acme-<cert> units, which put a self-signed certificate in place first, and
        # before their acme-order-renew-<cert> (the HTTP-01 challenges need it running).
        after = [ "network.target" ] ++ map (c: "acme-${c}.service") nginxCertNames;
        wants = map (c: "acme-${c}.service") nginxCertNames;
        before = map (c: "acme-order-renew-${c}.service") nginxCertNames;
        serviceConfig = {
          # services.nginx.user is not declared in the stub: its default "nginx" is assumed.
          User = "nginx";
          Group = (nginx.group or "nginx");
          RuntimeDirectory = "nginx";
          RuntimeDirectoryMode = "0750";
          CacheDirectory = "nginx";
          CacheDirectoryMode = "0750";
          LogsDirectory = "nginx";
          LogsDirectoryMode = "0750";
          ProtectSystem = "strict";
          ProtectHome = true;
          PrivateTmp = true;
          UMask = "0027";
          CapabilityBoundingSet = [ "CAP_NET_BIND_SERVICE" "CAP_SYS_RESOURCE" ];
        };
      };
      users.users.nginx = {
        isSystemUser = true;
        group = (nginx.group or "nginx");
      };
      users.groups.${nginx.group or "nginx"} = { };
    })

    # services/web-servers/caddy/default.nix. services.caddy.{user,group,dataDir,logDir}
    # are not declared in the stub: their defaults (caddy, caddy, /var/lib/caddy,
    # /var/log/caddy) are assumed.
    (mkIf caddy.enable {
      systemd.services.caddy = {
        wantedBy = [ "multi-user.target" ];
        # The module orders Caddy after the certificates it is handed (useACMEHost); the
        # revision read names the self-signed step acme-selfsigned-<cert>, which the
        # current ACME module runs as acme-<cert>.
        after = map (c: "acme-${c}.service") caddyCertNames;
        wants = map (c: "acme-${c}.service") caddyCertNames;
        serviceConfig = {
          User = "caddy";
          Group = "caddy";
          ReadWritePaths = [ "/var/lib/caddy" ];
          StateDirectory = [ "caddy" ];
          LogsDirectory = [ "caddy" ];
          ProtectHome = true;
          PrivateDevices = true;
          NoNewPrivileges = true;
        };
      };
      users.users.caddy = {
        group = "caddy";
        home = "/var/lib/caddy";
      };
      users.groups.caddy = { };
      # The certificates Caddy is handed are readable by its group.
      security.acme.certs = lib.genAttrs caddyCertNames (_: {
        group = mkDefault "caddy";
        reloadServices = [ "caddy.service" ];
      });
    })

    # services/security/fail2ban.nix: root, with only these capabilities.
    (mkIf config.services.fail2ban.enable {
      systemd.services.fail2ban = {
        wantedBy = [ "multi-user.target" ];
        serviceConfig = {
          CapabilityBoundingSet = [ "CAP_AUDIT_READ" "CAP_DAC_READ_SEARCH" "CAP_NET_ADMIN" "CAP_NET_RAW" ];
          NoNewPrivileges = true;
          RuntimeDirectory = "fail2ban";
          RuntimeDirectoryMode = "0750";
          StateDirectory = "fail2ban";
          StateDirectoryMode = "0750";
          LogsDirectory = "fail2ban";
          LogsDirectoryMode = "0750";
          ProtectSystem = "strict";
          ProtectHome = true;
          PrivateTmp = true;
        };
      };
    })

    # services/monitoring/prometheus/default.nix. services.prometheus.stateDir is not
    # declared in the stub: its default "prometheus2" is assumed.
    (mkIf config.services.prometheus.enable {
      systemd.services.prometheus = {
        wantedBy = [ "multi-user.target" ];
        serviceConfig = {
          User = "prometheus";
          WorkingDirectory = "/var/lib/prometheus2";
          StateDirectory = "prometheus2";
          StateDirectoryMode = "0700";
          RuntimeDirectory = "prometheus";
          RuntimeDirectoryMode = "0700";
          ProtectSystem = "strict";
          ProtectHome = true;
          PrivateTmp = true;
        };
      };
      users.users.prometheus = {
        group = "prometheus";
        home = "/var/lib/prometheus2";
      };
      users.groups.prometheus = { };
    })

    # services/monitoring/prometheus/exporters.nix (User = "<name>-exporter",
    # ProtectSystem=strict, PrivateTmp, WorkingDirectory=/tmp) and exporters/node.nix
    # (DynamicUser = false, RuntimeDirectory, ProtectHome).
    (mkIf config.services.prometheus.exporters.node.enable {
      systemd.services.prometheus-node-exporter = {
        wantedBy = [ "multi-user.target" ];
        serviceConfig = {
          DynamicUser = false;
          User = "node-exporter";
          Group = "node-exporter";
          RuntimeDirectory = "prometheus-node-exporter";
          WorkingDirectory = "/tmp";
          ProtectSystem = "strict";
          ProtectHome = true;
          PrivateTmp = true;
        };
      };
      users.users.node-exporter = {
        isSystemUser = true;
        group = "node-exporter";
      };
      users.groups.node-exporter = { };
    })

    # services/monitoring/loki.nix. services.loki.{user,group,dataDir} are not declared in
    # the stub: their defaults (loki, loki, /var/lib/loki) are assumed.
    (mkIf config.services.loki.enable {
      systemd.services.loki = {
        wantedBy = [ "multi-user.target" ];
        serviceConfig = {
          # No Group=: the user's primary group, loki.
          User = "loki";
          WorkingDirectory = "/var/lib/loki";
          PrivateTmp = true;
          ProtectHome = true;
          ProtectSystem = "full";
          NoNewPrivileges = true;
        };
      };
      users.users.loki = {
        isSystemUser = true;
        group = "loki";
        home = "/var/lib/loki";
      };
      users.groups.loki = { };
      # users.users.loki.createHome = true (homeMode 700).
      systemd.tmpfiles.rules = [ "d /var/lib/loki 0700 loki loki -" ];
    })

    # services/monitoring/alloy.nix: a DynamicUser reading the journal.
    (mkIf config.services.alloy.enable {
      systemd.services.alloy = {
        wantedBy = [ "multi-user.target" ];
        serviceConfig = {
          DynamicUser = true;
          SupplementaryGroups = [ "systemd-journal" ];
          ConfigurationDirectory = "alloy";
          StateDirectory = "alloy";
          WorkingDirectory = "%S/alloy";
        };
      };
    })

    # services/databases/postgresql.nix: postgresql.service and, on current NixOS,
    # postgresql-setup.service (ensureDatabases/ensureUsers), both as postgres.
    # services.postgresql.dataDir is not declared in the stub: its default
    # /var/lib/postgresql/<psqlSchema> is assumed, so the data directory is a
    # StateDirectory.
    (mkIf pg.enable {
      systemd.services.postgresql = {
        wantedBy = [ "multi-user.target" ];
        serviceConfig = {
          User = "postgres";
          Group = "postgres";
          RuntimeDirectory = "postgresql";
          StateDirectory = "postgresql postgresql/${pgSchema}";
          StateDirectoryMode = "0750";
          ProtectSystem = "strict";
          ProtectHome = true;
          PrivateTmp = true;
        };
      };
      systemd.services.postgresql-setup = {
        wantedBy = [ "multi-user.target" ];
        after = [ "postgresql.service" ];
        requires = [ "postgresql.service" ];
        serviceConfig = {
          Type = "oneshot";
          User = "postgres";
          Group = "postgres";
        };
      };
      users.users.postgres = {
        group = "postgres";
        home = "/var/lib/postgresql";
      };
      users.groups.postgres = { };
    })

    # services/databases/redis.nix: redis-<name> as its own user; the password file is read
    # by the root ExecStartPre ("+", outside the sandbox) that writes the runtime config.
    {
      systemd.services = lib.mapAttrs'
        (name: srv: lib.nameValuePair "redis-${name}" (mkIf srv.enable {
          wantedBy = [ "multi-user.target" ];
          serviceConfig = {
            # services.redis.servers.<name>.{user,group} are not declared in the stub:
            # their default "redis-<name>" is assumed.
            User = "redis-${name}";
            Group = "redis-${name}";
            RuntimeDirectory = "redis-${name}";
            StateDirectory = "redis-${name}";
            ProtectSystem = "strict";
            ProtectHome = true;
            PrivateTmp = true;
            ExecStartPre = optional ((srv.requirePassFile or null) != null)
              "+/bin/sh -c 'cat ${lib.escapeShellArg (toString srv.requirePassFile)} >> /run/redis-${name}/nixos.conf'";
          };
        }))
        (config.services.redis.servers or { });
    }

    # services/backup/restic.nix: restic-backups-<name>, without ProtectSystem; restic
    # reads passwordFile itself (RESTIC_PASSWORD_FILE) as the job's user, systemd the
    # environmentFile; backupPrepareCommand runs in preStart as that user.
    {
      systemd.services = lib.mapAttrs'
        (name: job: lib.nameValuePair "restic-backups-${name}" {
          restartIfChanged = false;
          wants = [ "network-online.target" ];
          after = [ "network-online.target" ];
          environment = {
            RESTIC_CACHE_DIR = "/var/cache/restic-backups-${name}";
            RESTIC_PASSWORD_FILE = job.passwordFile;
          } // lib.optionalAttrs ((job.repository or null) != null) {
            RESTIC_REPOSITORY = job.repository;
          };
          preStart = lib.optionalString ((job.backupPrepareCommand or null) != null) job.backupPrepareCommand;
          serviceConfig = {
            Type = "oneshot";
            User = job.user or "root";
            RuntimeDirectory = "restic-backups-${name}";
            CacheDirectory = "restic-backups-${name}";
            CacheDirectoryMode = "0700";
            PrivateTmp = true;
          } // lib.optionalAttrs ((job.environmentFile or null) != null) {
            EnvironmentFile = job.environmentFile;
          };
        })
        config.services.restic.backups;
    }

    # services/backup/borgbackup.nix: borgbackup-job-<name> with ProtectSystem=strict and
    # only the borg config/cache, readWritePaths and a local repo writable; the job's
    # script runs preHook first, then borg (which runs passCommand, BORG_PASSCOMMAND).
    # A job's readWritePaths, group and privateTmp default to [ ], "root" and true when
    # the stub in use does not declare them.
    {
      systemd.services = lib.mapAttrs'
        (name: job:
          let
            user = job.user or "root";
            home = homeOf user;
          in
          lib.nameValuePair "borgbackup-job-${name}" {
            environment = {
              BORG_REPO = job.repo;
            } // lib.optionalAttrs ((job.encryption.passCommand or null) != null) {
              BORG_PASSCOMMAND = job.encryption.passCommand;
            };
            script = job.preHook or "";
            unitConfig = lib.optionalAttrs (borgLocal job.repo) { RequiresMountsFor = [ job.repo ]; };
            serviceConfig = {
              User = user;
              Group = job.group or "root";
              ProtectSystem = "strict";
              ReadWritePaths = [ "${home}/.config/borg" "${home}/.cache/borg" ]
                ++ (job.readWritePaths or [ ])
                ++ optional (borgLocal job.repo) job.repo;
              PrivateTmp = job.privateTmp or true;
            };
          })
        config.services.borgbackup.jobs;
      # mkTmpfiles: "Paths listed in ReadWritePaths must exist before service is started"
      # (tmpfiles settings with the job's user and group, mode unset, so 0755).
      systemd.tmpfiles.rules = lib.concatLists (lib.mapAttrsToList
        (_: job:
          let
            user = job.user or "root";
            group = job.group or "root";
            home = homeOf user;
          in
          map (d: "d ${d} 0755 ${user} ${group} -")
            ([ "${home}/.config" "${home}/.cache" "${home}/.config/borg" "${home}/.cache/borg" ]
              ++ optional (borgLocal job.repo) job.repo))
        config.services.borgbackup.jobs);
    }

    # security/acme/default.nix: acme-setup (the shared directories), acme-<cert> (the
    # self-signed certificate, in place before anything that uses the cert starts) and
    # acme-order-renew-<cert> (lego, with the DNS provider's environmentFile), all as the
    # acme user (security.acme.useRoot is not declared in the stub: false is assumed) and
    # the certificate's group, ProtectSystem=strict.
    (mkIf (acme.certs != { }) {
      systemd.services =
        let
          common = {
            Type = "oneshot";
            User = "acme";
            UMask = "0022";
            StateDirectoryMode = "750";
            ProtectSystem = "strict";
            ReadWritePaths = [ "/var/lib/acme" "/run/acme/" ];
            PrivateTmp = true;
            WorkingDirectory = "/tmp";
            ProtectHome = true;
            CapabilityBoundingSet = [ "" ];
          };
          webroots = lib.unique (lib.filter (w: w != null) (lib.mapAttrsToList (_: c: c.webroot or null) acme.certs));
          # The acme-account-<hash> targets: certificates sharing an ACME account (server,
          # key type, email) order their accounts' creation: the leader (the first with a
          # dnsProvider, else the first) runs before every other, so each follower's
          # acme-order-renew is after the leader's. keyType is not declared in the stub:
          # its default (ec256) is assumed.
          account = c:
            let
              server = c.server or (acme.defaults.server or null);
              email = if (c.email or null) != null then c.email else acme.defaults.email or null;
            in
            "${toString server} ec256 ${toString email}";
          groups = lib.groupBy (cert: account acme.certs.${cert}) (builtins.attrNames acme.certs);
          leaderOf = cert:
            let
              confs = groups.${account acme.certs.${cert}};
              dns = lib.filter (n: (acme.certs.${n}.dnsProvider or null) != null) confs;
            in
            if dns != [ ] then builtins.head dns else builtins.head confs;
        in
        {
          acme-setup.serviceConfig = common // {
            Group = "acme";
            RemainAfterExit = true;
            StateDirectory = [ "acme" "acme/.lego" "acme/.lego/accounts" "acme/.minica" ];
            StateDirectoryMode = "0755";
            RuntimeDirectory = "acme";
            RuntimeDirectoryMode = "0700";
            UMask = "0077";
          };
        }
        // lib.mapAttrs'
          (cert: c: lib.nameValuePair "acme-${cert}" {
            wantedBy = [ "multi-user.target" ];
            after = [ "acme-setup.service" ];
            wants = [ "acme-setup.service" ];
            serviceConfig = common // {
              Group = c.group;
              UMask = "0027";
              RemainAfterExit = true;
              StateDirectory = "acme/${cert}";
            };
          })
          acme.certs
        // lib.mapAttrs'
          (cert: c: lib.nameValuePair "acme-order-renew-${cert}" {
            after = [ "network-online.target" "acme-setup.service" "acme-${cert}.service" ]
              ++ optional (leaderOf cert != cert) "acme-order-renew-${leaderOf cert}.service";
            wants = [ "network-online.target" "acme-setup.service" "acme-${cert}.service" ];
            serviceConfig = common // {
              Group = c.group;
              StateDirectory = [ "acme/${cert}" "acme/.lego/${cert}" ];
              ReadWritePaths = common.ReadWritePaths ++ webroots;
            } // lib.optionalAttrs ((c.environmentFile or null) != null) {
              EnvironmentFile = toString c.environmentFile;
            };
          })
          acme.certs;
      users.users.acme = {
        isSystemUser = true;
        group = "acme";
        home = "/var/lib/acme";
      };
      users.groups.acme = { };
    })
  ];
}
