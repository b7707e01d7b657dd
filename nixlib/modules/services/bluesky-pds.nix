# The official PDS: nixpkgs declares services.bluesky-pds (enable, package, settings
# as PDS_* variables, environmentFiles, pdsadmin/goat); we never redeclare those.
# Beside them we add `domain`, `ownSecrets` and `secrets.<name>`, give the catalog's defaults to
# nixpkgs' settings (so a host the wizard wrote and nixpkgs agree on every value), hand
# the composed secrets file to environmentFiles, and register the PDS with the
# integration layer (proxy with handles, Caddy's /tls-check, backups of /var/lib/pds).
{ config, lib, ... }:
let
  id = "bluesky-pds";
  catalog = import ../../lib/catalog.nix { };
  entry = catalog.services.${id};
  opts = import ../../lib/options-from-catalog.nix { inherit lib; };
  cfg = config.services.${id};
  reg = config.atproto.registry.${id};
  backend = config.atproto.integration.secrets.backend;
  port = cfg.settings.PDS_PORT;
  # The way the PDS reads its variables (same as the wizard renders them).
  envValue = import ../../lib/env-value.nix;
  defaults = builtins.listToAttrs (lib.concatMap
    (f:
      let v = opts.fill config.atproto.host (f.default or null); in
      lib.optional (v != null) { name = f.env; value = lib.mkDefault (envValue v); })
    (entry.settings or [ ]));
  files = import ../../lib/secret-files.nix { inherit lib; };
  defaultSecretFile = files.defaultFile backend id;
  # A catalog setting's value, read from nixpkgs' PDS_* variable it maps to.
  envOf = builtins.listToAttrs (map (f: { name = f.key; value = f.env; }) (entry.settings or [ ]));
  settingValue = key: cfg.settings.${envOf.${key}} or null;
  # With ownSecrets the host's own environmentFiles provide them: none is named here,
  # so the PDS's environmentFiles are exactly the host's.
  neededSecrets = lib.optionals (!cfg.ownSecrets)
    (builtins.filter (files.needed settingValue) (entry.secrets or [ ]));
  ownSecretsField = lib.findFirst (f: f.key == "own_secrets") null catalog.plan.service_fields;
in
{
  imports = [ ../integration ];

  options.services.${id} = {
    domain = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = cfg.settings.PDS_HOSTNAME or null;
      defaultText = lib.literalExpression "config.services.bluesky-pds.settings.PDS_HOSTNAME";
      description = "The public name the reverse proxy serves the PDS at; handles are served under it.";
    };
    ownSecrets = opts.fieldOption { host = { }; field = ownSecretsField; } // {
      description = ownSecretsField.help + " Answers file: `services.${id}.own_secrets`. Give the PDS_* secret variables in `environmentFiles`, which then holds only what the host lists.";
    };
    secrets = builtins.listToAttrs (map
      (s: {
        name = s.name;
        value = lib.mkOption {
          type = lib.types.str;
          default = defaultSecretFile s.name;
          defaultText = lib.literalMD "a file the secrets backend (`atproto.integration.secrets.backend`) provides";
          description = "File holding the secret ${s.name} (${s.env}): ${s.help}";
        };
      })
      (entry.secrets or [ ]));
  };

  config = lib.mkIf cfg.enable {
    services.${id} = {
      settings = defaults;
      environmentFiles = reg.environmentFiles;
    };

    atproto.registry.${id} = {
      title = entry.title;
      unit = id;
      user = "pds";
      stateDirs = [ cfg.settings.PDS_DATA_DIRECTORY ];
      backupPaths = [ cfg.settings.PDS_DATA_DIRECTORY ];
      public = [{ inherit port; websocket = true; }];
      domain = cfg.domain;
      handles = true;
      # Added by the PDS's service/index.js, which nixpkgs' package runs.
      tlsCheck = "http://127.0.0.1:${toString port}/tls-check";
      # The PDS listens on every interface at PDS_PORT (its http server is given no host).
      healthUrl = import ../../lib/health.nix { inherit entry; ports.http = port; };
      package = cfg.package.name or "bluesky-pds";
      settings = { inherit (cfg) settings domain; };
      inherit (cfg) ownSecrets;
      secrets = map (s: s // { file = cfg.secrets.${s.name}; required = true; }) neededSecrets;
    };

    systemd.services.${id} = lib.mkIf reg.secretsUnit {
      after = [ "atproto-secrets-${id}.service" ];
      requires = [ "atproto-secrets-${id}.service" ];
    };
  };
}
