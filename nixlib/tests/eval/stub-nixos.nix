# A declaration stub of the NixOS options the ATProto modules touch, with NixOS's real
# option names and close-enough types, so the modules evaluate with nixpkgs' `lib`
# alone (lib.evalModules) on machines without a full nixpkgs. A misspelt option name
# in a module fails here as it would on NixOS ("The option … does not exist").
# What the real modules do with these options, where it decides whether a host runs, is
# modelled beside it: stub-behaviour.nix (ACME certificates and the ACME, nginx,
# PostgreSQL and fail2ban checks) and stub-units.nix (the units nixpkgs creates: their
# User, sandbox and writable paths). sops-nix and agenix are stand-ins of their own
# (stub-sops.nix, stub-agenix.nix) that a host imports as it imports the real ones.
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

  # nixpkgs' nixos/lib/systemd-unit-options.nix: a unit setting given as lists in
  # several places concatenates; any other value must be defined once, or identically.
  unitOption = lib.mkOptionType {
    name = "systemd option";
    merge = loc: defs:
      if lib.any (def: lib.isList def.value) defs
      then lib.concatMap (def: lib.toList def.value) defs
      else lib.mergeEqualOption loc defs;
  };

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
    serviceConfig = opt (types.attrsOf unitOption) { };
    unitConfig = attrs;
    startLimitIntervalSec = opt (types.nullOr types.int) null;
    startLimitBurst = opt (types.nullOr types.int) null;
    restartIfChanged = opt types.bool true;
  };
in
{
  imports = [ ./stub-behaviour.nix ./stub-units.nix ];

  options = {
    assertions = opt (types.listOf types.unspecified) [ ];
    warnings = opt (types.listOf types.str) [ ];
    nixpkgs.overlays = opt (types.listOf types.unspecified) [ ];
    system.stateVersion = opt types.str "25.11";
    environment.systemPackages = opt (types.listOf types.unspecified) [ ];
    environment.etc = attrsOfSub { text = lines; source = opt (types.nullOr types.path) null; };

    nix.settings.experimental-features = strs;
    services.openssh.enable = bool;
    # nixpkgs: services/networking/ssh/sshd.nix, the default host keys.
    services.openssh.hostKeys = opt (types.listOf (types.attrsOf types.unspecified)) [
      { type = "rsa"; bits = 4096; path = "/etc/ssh/ssh_host_rsa_key"; }
      { type = "ed25519"; path = "/etc/ssh/ssh_host_ed25519_key"; }
    ];

    # nixpkgs: tasks/network-interfaces.nix, the same pattern.
    networking.hostName = opt (types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$") "nixos";
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
      # nixpkgs' default: the error log goes to stderr, that is the journal; no file.
      logError = opt types.str "stderr";
      group = opt types.str "nginx";
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
        email = nullStr;
        extraDomainNames = strs;
        dnsProvider = nullStr;
        webroot = nullStr;
        listenHTTP = nullStr;
        s3Bucket = nullStr;
        environmentFile = opt (types.nullOr types.path) null;
        group = opt types.str "acme";
        reloadServices = strs;
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
      maxretry = opt types.ints.unsigned 3;
      bantime = opt types.str "10m";
      jails = opt (types.attrsOf (sub {
        settings = opt (types.attrsOf (types.oneOf [ types.bool types.int types.str ])) { };
        enabled = opt types.bool true;
      })) { };
    };

    services.restic.backups = attrsOfSub {
      user = opt types.str "root";
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
      user = opt types.str "root";
      group = opt types.str "root";
      readWritePaths = opt (types.listOf types.path) [ ];
      privateTmp = opt types.bool true;
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
