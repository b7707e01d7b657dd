# A declaration stub of the NixOS options the ATProto modules touch, with NixOS's real
# option names and close-enough types, so the modules evaluate with nixpkgs' `lib`
# alone (lib.evalModules) on machines without a full nixpkgs. A misspelt option name
# in a module fails here as it would on NixOS ("The option … does not exist").
# Behaviour is not modelled, except the bits tests read back (assertions, the PDS's
# settings and unit as nixpkgs declares them in services/web-apps/bluesky-pds.nix).
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  opt = type: default: mkOption { inherit type default; };
  bool = opt types.bool false;
  nullStr = opt (types.nullOr types.str) null;
  strs = opt (types.listOf types.str) [ ];
  attrs = opt (types.attrsOf types.anything) { };
  lines = opt types.lines "";
  sub = options: types.submodule { inherit options; };
  attrsOfSub = options: opt (types.attrsOf (sub options)) { };

  unit = {
    description = opt types.str "";
    wantedBy = strs;
    wants = strs;
    after = strs;
    before = strs;
    requires = strs;
    requiredBy = strs;
    environment = opt (types.attrsOf (types.nullOr types.str)) { };
    path = opt (types.listOf types.unspecified) [ ];
    preStart = lines;
    script = lines;
    serviceConfig = opt (types.attrsOf types.unspecified) { };
    unitConfig = attrs;
    startLimitIntervalSec = opt (types.nullOr types.int) null;
    startLimitBurst = opt (types.nullOr types.int) null;
    restartIfChanged = opt types.bool true;
  };
in
{
  options = {
    assertions = opt (types.listOf types.unspecified) [ ];
    warnings = opt (types.listOf types.str) [ ];
    nixpkgs.overlays = opt (types.listOf types.unspecified) [ ];
    system.stateVersion = opt types.str "25.11";
    environment.systemPackages = opt (types.listOf types.unspecified) [ ];
    environment.etc = attrsOfSub { text = lines; source = opt (types.nullOr types.path) null; };

    nix.settings.experimental-features = strs;
    services.openssh.enable = bool;

    networking.hostName = opt types.str "nixos";
    networking.firewall = {
      enable = opt types.bool true;
      allowedTCPPorts = opt (types.listOf types.port) [ ];
      allowedUDPPorts = opt (types.listOf types.port) [ ];
    };

    users.users = attrsOfSub {
      isSystemUser = bool;
      group = opt types.str "";
      home = opt types.str "/var/empty";
      extraGroups = strs;
    };
    users.groups = attrsOfSub { };

    systemd.services = attrsOfSub unit;
    systemd.tmpfiles.rules = strs;

    services.nginx = {
      enable = bool;
      recommendedProxySettings = bool;
      recommendedTlsSettings = bool;
      recommendedOptimisation = bool;
      recommendedGzipSettings = bool;
      clientMaxBodySize = opt types.str "10m";
      virtualHosts = attrsOfSub {
        serverAliases = strs;
        forceSSL = bool;
        addSSL = bool;
        enableACME = bool;
        useACMEHost = nullStr;
        acmeRoot = opt (types.nullOr types.str) "/var/lib/acme/acme-challenge";
        locations = attrsOfSub {
          proxyPass = nullStr;
          proxyWebsockets = bool;
          extraConfig = lines;
        };
      };
    };

    services.caddy = {
      enable = bool;
      email = nullStr;
      acmeCA = nullStr;
      globalConfig = lines;
      extraConfig = lines;
      virtualHosts = attrsOfSub {
        serverAliases = strs;
        useACMEHost = nullStr;
        extraConfig = lines;
      };
    };

    security.acme = {
      acceptTerms = bool;
      defaults = {
        email = nullStr;
        server = nullStr;
      };
      certs = attrsOfSub {
        extraDomainNames = strs;
        dnsProvider = nullStr;
        environmentFile = opt (types.nullOr types.path) null;
        group = opt types.str "acme";
      };
    };
    security.apparmor.enable = bool;

    services.postgresql = {
      enable = bool;
      package = opt types.unspecified null;
      ensureDatabases = strs;
      ensureUsers = opt (types.listOf (sub {
        name = opt types.str "";
        ensureDBOwnership = bool;
      })) [ ];
    };

    services.redis.servers = attrsOfSub {
      enable = bool;
      port = opt types.port 0;
      requirePassFile = opt (types.nullOr types.path) null;
    };

    services.prometheus = {
      enable = bool;
      listenAddress = opt types.str "0.0.0.0";
      port = opt types.port 9090;
      scrapeConfigs = opt (types.listOf (types.attrsOf types.anything)) [ ];
      exporters.node = {
        enable = bool;
        listenAddress = opt types.str "0.0.0.0";
        port = opt types.port 9100;
        enabledCollectors = strs;
      };
    };

    services.grafana = {
      enable = bool;
      settings = attrs;
      provision = {
        enable = bool;
        datasources.settings.datasources = opt (types.listOf (types.attrsOf types.anything)) [ ];
        dashboards.settings.providers = opt (types.listOf (types.attrsOf types.anything)) [ ];
      };
    };

    services.loki = { enable = bool; configuration = attrs; };
    services.alloy.enable = bool;

    services.fail2ban = {
      enable = bool;
      maxretry = opt types.int 3;
      bantime = opt types.str "10m";
      jails = opt (types.attrsOf (sub { settings = attrs; enabled = opt types.bool true; })) { };
    };

    services.restic.backups = attrsOfSub {
      paths = strs;
      repository = nullStr;
      passwordFile = opt types.str "";
      environmentFile = nullStr;
      initialize = bool;
      timerConfig = opt (types.nullOr (types.attrsOf types.unspecified)) null;
      pruneOpts = strs;
      backupPrepareCommand = nullStr;
    };

    services.borgbackup.jobs = attrsOfSub {
      paths = strs;
      repo = opt types.str "";
      encryption = {
        mode = opt (types.enum [ "repokey" "keyfile" "repokey-blake2" "keyfile-blake2" "authenticated" "authenticated-blake2" "none" ]) "none";
        passCommand = nullStr;
      };
      compression = opt types.str "lz4";
      startAt = opt (types.either types.str (types.listOf types.str)) "daily";
      persistentTimer = bool;
      prune.keep = opt (types.attrsOf (types.either types.int types.str)) { };
      preHook = lines;
    };

    sops = {
      secrets = attrsOfSub {
        sopsFile = opt (types.nullOr types.path) null;
        restartUnits = strs;
      };
      templates = attrsOfSub {
        content = lines;
        restartUnits = strs;
      };
      placeholder = opt (types.attrsOf types.str) { };
    };
    age.secrets = attrsOfSub { file = opt types.path /dev/null; };

    # nixpkgs: nixos/modules/services/web-apps/bluesky-pds.nix (names, types, defaults).
    services.bluesky-pds = {
      enable = bool;
      package = opt types.unspecified pkgs.bluesky-pds;
      settings = mkOption {
        default = { };
        type = types.submodule {
          freeformType = types.attrsOf (types.oneOf [ (types.nullOr types.str) types.port ]);
          options = {
            PDS_PORT = opt types.port 3000;
            PDS_HOSTNAME = mkOption { type = types.str; };
            PDS_BLOB_UPLOAD_LIMIT = opt types.str "104857600";
            PDS_DID_PLC_URL = opt types.str "https://plc.directory";
            PDS_BSKY_APP_VIEW_URL = opt types.str "https://api.bsky.app";
            PDS_BSKY_APP_VIEW_DID = opt types.str "did:web:api.bsky.app";
            PDS_REPORT_SERVICE_URL = opt types.str "https://mod.bsky.app";
            PDS_REPORT_SERVICE_DID = opt types.str "did:plc:ar7c4by46qjdydhdevvrndac";
            PDS_CRAWLERS = opt types.str "https://bsky.network";
            PDS_DATA_DIRECTORY = opt types.str "/var/lib/pds";
            PDS_BLOBSTORE_DISK_LOCATION = opt (types.nullOr types.str) "/var/lib/pds/blocks";
            LOG_ENABLED = opt (types.nullOr types.str) "true";
          };
        };
      };
      environmentFiles = opt (types.listOf types.path) [ ];
      pdsadmin.enable = opt types.bool config.services.bluesky-pds.enable;
    };
  };

  config = lib.mkIf config.services.bluesky-pds.enable {
    systemd.services.bluesky-pds = {
      wantedBy = [ "multi-user.target" ];
      serviceConfig = {
        EnvironmentFile = config.services.bluesky-pds.environmentFiles;
        Environment = lib.mapAttrsToList (k: v: "${k}=${toString v}")
          (lib.filterAttrs (_: v: v != null) config.services.bluesky-pds.settings);
        User = "pds";
        StateDirectory = "pds";
      };
    };
  };
}
