# What every ATProto module shares: the host's public identity (atproto.host), the
# integration options (atproto.integration.*, declared from _plan.toml), the registry
# the service modules fill in and the integration layer reads, and the validation
# that turns the catalog's rules into assertions. Imported by every service module,
# so `nixosModules.<service>` works on its own; NixOS imports it once.
{ config, lib, ... }:
let
  catalog = import ../lib/catalog.nix { };
  opts = import ../lib/options-from-catalog.nix { inherit lib; };
  inherit (lib) mkOption types;
  outer = config;
  secretFiles = import ../lib/secret-files.nix { inherit lib; };
  # A secret that sops-nix provides (its file is one of our sops secrets' paths).
  viaSops = x: outer.atproto.integration.secrets.backend == "sops" && secretFiles.sopsNameOf x.file != null;
  hostFields = builtins.listToAttrs (map (f: { name = f.key; value = f; }) catalog.plan.host);

  registryEntry = { name, config, ... }: {
    options = {
      title = mkOption { type = types.str; };
      unit = mkOption { type = types.str; description = "The systemd service running it."; };
      user = mkOption { type = types.str; };
      stateDirs = mkOption { type = types.listOf types.str; default = [ ]; };
      backupPaths = mkOption { type = types.listOf types.str; default = [ ]; };
      public = mkOption {
        type = types.listOf (types.submodule {
          options.port = mkOption { type = types.port; };
          options.websocket = mkOption { type = types.bool; default = false; };
        });
        default = [ ];
        description = "Ports the reverse proxy serves at `domain`.";
      };
      domain = mkOption { type = types.nullOr types.str; default = null; };
      handles = mkOption {
        type = types.bool;
        default = false;
        description = "Users get handles under the domain (a PDS): the proxy serves *.domain too.";
      };
      tlsCheck = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "URL Caddy's on-demand TLS asks before getting a certificate for a handle.";
      };
      metrics = mkOption { type = types.listOf types.port; default = [ ]; };
      companions = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "More units of the service (Ozone's daemon), built like the main one.";
      };
      healthUrl = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "The service's own health endpoint on this host (catalog [health]; nixlib/lib/health.nix).";
      };
      package = mkOption {
        type = types.str;
        default = "";
        description = "The name (with version) of the package the unit runs, for atproto-diagnostics.";
      };
      settings = mkOption {
        type = types.attrsOf types.anything;
        default = { };
        description = "The service's non-secret configuration, for atproto-diagnostics (secrets are never options' values).";
      };
      database = mkOption { type = types.nullOr (types.attrsOf (types.nullOr types.str)); default = null; };
      secrets = mkOption { type = types.listOf (types.attrsOf types.anything); default = [ ]; };
      ownSecrets = mkOption {
        type = types.bool;
        default = false;
        description = ''
          The host's own configuration feeds the unit its secrets (services.<id>.ownSecrets):
          the service names no secrets, and nothing here reaches the unit either, not even
          the remote database's password. No atproto-secrets-<unit>, no environment file.
        '';
      };

      # Derived: how each secret reaches the unit. With sops, the secrets that are sops
      # secrets go through a sops-nix template (an environment file sops-nix renders);
      # every other one (all of them with generate and agenix, an operator's own file,
      # the remote database's password) through the oneshot atproto-secrets-<unit>.
      templated = mkOption {
        internal = true;
        type = types.listOf (types.attrsOf types.anything);
        description = "Secrets with a variable that the sops-nix template atproto-<unit>.env carries.";
        default = lib.optionals (!config.ownSecrets)
          (builtins.filter (x: (x.env or "") != "" && viaSops x) config.secrets);
      };
      composed = mkOption {
        internal = true;
        type = types.listOf (types.attrsOf types.anything);
        description = "Secrets the oneshot atproto-secrets-<unit> prepares (generates or links) and composes.";
        default =
          let db = outer.atproto.integration.database; in
          lib.optionals (!config.ownSecrets) (builtins.filter (x: !viaSops x) config.secrets
          ++ lib.optional (config.database != null && db.kind == "remote" && db.password_file != null) {
            name = "pgpassword";
            env = "PGPASSWORD";
            flag = "";
            generator = "external";
            required = true;
            file = db.password_file;
          });
      };
      secretsUnit = mkOption {
        internal = true;
        type = types.bool;
        default = config.composed != [ ];
      };
      environmentFiles = mkOption {
        internal = true;
        type = types.listOf types.str;
        # sops-nix renders a template at config.sops.templates.<name>.path
        # (/run/secrets/rendered/<name> by default), never anywhere else.
        default =
          lib.optional (builtins.any (s: (s.env or "") != "") config.composed) "/run/atproto-secrets/${config.unit}.env"
          ++ lib.optional (config.templated != [ ]) outer.sops.templates."atproto-${config.unit}.env".path;
      };
    };
  };
in
{
  imports = [ ./validation.nix ];

  # pkgs.atproto.* for every host that imports any ATProto module. The flake's modules
  # set atproto.overlay to its own overlay (crane from the flake input); a plain
  # import uses overlay.nix (crane pinned by hash).
  config.nixpkgs.overlays = [ config.atproto.overlay ];

  options.atproto = {
    host = {
      domain = opts.fieldOption { host = { }; field = hostFields.domain; };
      admin_email = opts.fieldOption { host = { }; field = hostFields.admin_email; };
    };

    integration = builtins.mapAttrs
      (section: fields: builtins.listToAttrs (map
        (field: {
          name = field.key;
          value = opts.fieldOption {
            host = outer.atproto.host;
            inherit field;
            defaultOverride = if section == "secrets" && field.key == "backend" then "generate" else null;
          };
        })
        fields))
      catalog.plan.integrations;

    overlay = mkOption {
      internal = true;
      type = types.unspecified;
      default = import ../../overlay.nix;
      defaultText = lib.literalExpression "import ./overlay.nix";
      description = "The overlay that provides pkgs.atproto.";
    };

    registry = mkOption {
      internal = true;
      type = types.attrsOf (types.submodule registryEntry);
      default = { };
      description = "Enabled ATProto services, as the integration layer sees them (filled in by each service module).";
    };
  };
}
