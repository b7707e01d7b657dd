# Builds the NixOS module of one catalog service (docs/MODULES.md): options from the
# catalog entry, a hardened systemd unit whose command line and environment carry
# exactly the catalog's flags and variables, and an entry in `atproto.registry` from
# which the integration layer (proxy, database, backup, monitoring, secrets) works.
#
# id:     the catalog id (nixlib/catalog/<id>.toml)
# extra:  what the catalog cannot say, as a function of
#         { config, lib, pkgs, cfg, entry, stateDir, database }
#         returning any of:
#           args, environment       appended to the catalog's (after them)
#           serviceConfig           merged over the unit's (relaxations say why)
#           preStart, path          the unit's preStart script and PATH
#           jit                     the runtime JIT-compiles (Node): no MemoryDenyWriteExecute
#           workingDirectory        overrides the catalog's choice
#           databaseEnv             variables that get the PostgreSQL URL
#           companions              more units of the same service, built like the main
#                                   one: { <unit> = { description; command; after;
#                                   dropEnvironment; }; }
#           config                  more NixOS configuration
# extraOptions: { lib }: more options under services.<id> (never a function of config,
#         so option declarations cannot recurse into their own values)
# catalog: the catalog to read (a test catalog in the module tests)
{ id, extra ? (_: { }), extraOptions ? (_: { }), catalog ? import ./catalog.nix { } }:
{ config, lib, pkgs, ... }:
let
  entry = catalog.services.${id};
  cfg = config.services.${id};
  host = config.atproto.host;
  integ = config.atproto.integration;
  opts = import ./options-from-catalog.nix { inherit lib; };
  inherit (lib) mkOption mkEnableOption mkIf types;

  states = entry.state or [ ];
  stateless = states == [ ];
  stateDir = if stateless then null else "/var/lib/${(builtins.head states).name}";

  usesDatabase = (entry.needs.postgres or "none") != "none" && integ.database.kind != "none";
  database =
    if !usesDatabase then null
    else if integ.database.kind == "local" then {
      name = id;
      url = "postgresql://${id}@/${id}?host=/run/postgresql";
    } else {
      name = null;
      url = integ.database.url;
    };

  x = extra { inherit config lib pkgs cfg entry stateDir database; };
  wired = import ./service-args.nix { inherit entry cfg; secrets = neededSecrets; };

  files = import ./secret-files.nix { inherit lib; };
  defaultSecretFile = files.defaultFile integ.secrets.backend id;
  # With ownSecrets the host's own files provide them: the unit is given none (no
  # variable, no --flag %d/<name>, no credential), so nothing can stand beside them.
  neededSecrets = lib.optionals (!cfg.ownSecrets)
    (builtins.filter (files.needed (k: cfg.settings.${k} or null)) (entry.secrets or [ ]));
  ownSecretsField = lib.findFirst (f: f.key == "own_secrets") null catalog.plan.service_fields;

  publicPorts = builtins.filter (p: p.public or false) (entry.ports or [ ]);
  portActive = p: (p.enabled_by or "") == "" || (cfg.settings.${p.enabled_by} or null) == true;
  hasHostname = builtins.any (s: s.key == "hostname") (entry.settings or [ ]);

  quote = import ./systemd-quote.nix;
  mainCommand = [ "${cfg.package}/bin/${entry.binary}" ] ++ lib.drop 1 (entry.start or [ entry.binary ])
    ++ wired.args ++ (x.args or [ ]) ++ cfg.extraArgs;

  secretsUnit = config.atproto.registry.${id}.secretsUnit;

  environment = wired.environment // (x.environment or { })
    // lib.optionalAttrs (database != null)
    (lib.genAttrs (x.databaseEnv or [ ]) (_: database.url));

  # A unit of this service. The main one runs the catalog's command; a companion
  # ({ description; command; after; dropEnvironment; }) runs its own command after it.
  unit = { isMain ? false, description ? entry.title, command ? mainCommand, after ? [ ], dropEnvironment ? [ ] }: {
    inherit description;
    wantedBy = [ "multi-user.target" ];
    wants = [ "network-online.target" ];
    after = [ "network-online.target" ]
      ++ lib.optional secretsUnit "atproto-secrets-${id}.service" ++ after;
    requires = lib.optional secretsUnit "atproto-secrets-${id}.service" ++ after;
    # NixOS writes each variable as Environment="K=V", where systemd expands "%"
    # specifiers: a literal "%" (a percent-encoded did:web, a URL) is doubled.
    environment = builtins.mapAttrs (_: v: builtins.replaceStrings [ "%" ] [ "%%" ] v)
      (builtins.removeAttrs environment dropEnvironment);
    path = x.path or [ ];
    preStart = lib.optionalString isMain (x.preStart or "");
    startLimitIntervalSec = 300;
    startLimitBurst = 5;
    serviceConfig = import ./hardening.nix { jit = x.jit or false; } // {
      ExecStart = lib.concatStringsSep " " (map quote command);
      Restart = "on-failure";
      RestartSec = 5;
      EnvironmentFile = envFiles;
      LoadCredential = map (name: "${name}:${cfg.secrets.${name}}") wired.credentials;
    } // (if stateless then {
      # No state to own: a transient user, cleaned up when the unit stops. Named,
      # so PostgreSQL's peer authentication (and a second unit) can use it.
      DynamicUser = true;
      User = id;
      Group = id;
    } else {
      User = id;
      Group = id;
      StateDirectory = map (s: s.name) states;
      StateDirectoryMode = "0750";
    }) // lib.optionalAttrs ((x.workingDirectory or null) != null || (entry.working_directory or false)) {
      WorkingDirectory = x.workingDirectory or stateDir;
    } // (x.serviceConfig or { });
  };
  envFiles = config.atproto.registry.${id}.environmentFiles ++ cfg.environmentFiles;
  oldKeys = import ./old-keys.nix { inherit lib entry; };
in
{
  imports = [ ../modules/integration ];

  options.services.${id} = {
    enable = mkEnableOption entry.title;

    package =
      if entry.package_from == "nixpkgs"
      then lib.mkPackageOption pkgs entry.package { }
      else lib.mkPackageOption pkgs [ "atproto" entry.package ] { };

    settings = mkOption {
      description = ''
        Settings of ${entry.title}, as in the answers file (services.${id}.settings).
        Each known key reaches the program as the catalog says; any other key is passed
        through: an UPPER_CASE key as an environment variable, another as --<key>.
      '';
      default = { };
      type = types.submodule {
        imports = oldKeys.modules;
        freeformType = with types; attrsOf (nullOr (oneOf [ bool int str (listOf str) ]));
        options = builtins.listToAttrs (map
          (field: { name = field.key; value = opts.fieldOption { inherit host field; }; })
          (entry.settings or [ ]))
        // oldKeys.options;
      };
    };

    ports = builtins.listToAttrs (map
      (p: {
        name = p.name;
        value = mkOption {
          type = types.port;
          default = p.default;
          description = p.purpose + lib.optionalString (p.fixed or false)
            " Fixed upstream: the program cannot be told another port, so this only informs the proxy and the firewall.";
        };
      })
      (entry.ports or [ ]));

    domain = mkOption {
      type = types.nullOr types.str;
      default = if hasHostname then cfg.settings.hostname else host.domain;
      defaultText = lib.literalMD (if hasHostname then "`settings.hostname`" else "`atproto.host.domain`");
      description = "The public name the reverse proxy serves ${entry.title} at.";
    };

    listenAddress = mkOption {
      type = types.str;
      default = "127.0.0.1";
      description = "Where the service's address:port listeners bind; loopback behind the reverse proxy.";
    };

    openFirewall = mkOption {
      type = types.bool;
      default = false;
      description = "Open the public ports in the firewall (for hosts without the reverse proxy; set listenAddress too).";
    };

    secrets = builtins.listToAttrs (map
      (s: {
        name = s.name;
        value = mkOption {
          type = types.str;
          default = defaultSecretFile s.name;
          defaultText = lib.literalMD "a file the secrets backend (`atproto.integration.secrets.backend`) provides";
          description = "File holding the secret ${s.name}: ${s.help}";
        };
      })
      (entry.secrets or [ ]));

    ownSecrets = opts.fieldOption { host = { }; field = ownSecretsField; } // {
      description = ownSecretsField.help + " Answers file: `services.${id}.own_secrets`. Give the secrets' variables in `environmentFiles` (a secret the program reads from a file: its flag in `extraArgs`).";
    };

    environmentFiles = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "More environment files (KEY=value lines, read by systemd as root; never in the Nix store).";
    };

    extraArgs = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Arguments appended to the command line.";
    };
  } // extraOptions { inherit lib; };

  config = lib.mkMerge [
   (oldKeys.config "services.${id}.settings" cfg.settings)
   (mkIf cfg.enable (lib.mkMerge [
    {
      atproto.registry.${id} = {
        title = entry.title;
        unit = id;
        user = id;
        stateDirs = lib.optional (!stateless) stateDir ++ map (s: "/var/lib/${s.name}") (lib.drop 1 states);
        backupPaths = map (s: "/var/lib/${s.name}") (builtins.filter (s: s.backup or false) states);
        public = map
          (p: {
            port = cfg.ports.${p.name};
            websocket = p.websocket or false;
          })
          (builtins.filter portActive publicPorts);
        domain = cfg.domain;
        handles = entry.kind == "pds";
        healthUrl = import ./health.nix {
          inherit entry;
          inherit (cfg) ports settings listenAddress;
        };
        package = cfg.package.name or entry.package;
        companions = builtins.attrNames (x.companions or { });
        settings = { inherit (cfg) settings ports domain listenAddress; };
        metrics = map (p: cfg.ports.${p.name})
          (builtins.filter (p: (p.metrics or false) && portActive p) (entry.ports or [ ]));
        inherit database;
        inherit (cfg) ownSecrets;
        secrets = map (s: s // { file = cfg.secrets.${s.name}; required = true; }) neededSecrets;
      };

      users.users = lib.optionalAttrs (!stateless) {
        ${id} = {
          isSystemUser = true;
          group = id;
          home = stateDir;
        };
      };
      users.groups = lib.optionalAttrs (!stateless) { ${id} = { }; };

      networking.firewall.allowedTCPPorts = lib.optionals cfg.openFirewall
        (map (p: cfg.ports.${p.name}) (builtins.filter portActive publicPorts));

      # The main unit, and any companion unit (Ozone's daemon) from the same
      # definition: same user, sandbox, state, secrets and variables.
      systemd.services = { ${id} = unit { isMain = true; }; }
        // builtins.mapAttrs (_: companion: unit companion) (x.companions or { });
    }
    (x.config or { })
  ]))
  ];
}
