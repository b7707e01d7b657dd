# The catalog's rules as assertions and warnings. The host's configuration is turned
# back into the answers file it corresponds to (docs/MODULES.md) and handed to the
# same validator the wizard agrees with (nixlib/lib/validate.nix; tests/parity.rs), so
# a host the wizard rejects fails here with the wizard's message, and the reverse.
{ config, lib, options, ... }:
let
  catalog = import ../lib/catalog.nix { };
  validate = import ../lib/validate.nix { inherit catalog; };

  # Services whose module is present in this evaluation (a lone nixosModules.<id>
  # only brings its own; nixpkgs always declares services.bluesky-pds).
  present = builtins.filter
    (id: options.services ? ${id} && (options.services.${id} ? settings))
    (builtins.attrNames catalog.services);
  enabledIds = builtins.filter (id: config.services.${id}.enable or false) present;

  # nixpkgs' PDS keeps its settings as PDS_* strings: read them back into the catalog's
  # types (the inverse of what nixlib/modules/services/bluesky-pds.nix writes).
  fromEnv = field: v:
    let t = field.type or "string"; in
    if v == null then null
    else if t == "bool" && (v == "true" || v == "false") then v == "true"
    else if t == "int" && builtins.isString v && builtins.match "[0-9]+" v != null then lib.toInt v
    else if t == "list" && builtins.isString v then builtins.filter (s: s != "") (lib.splitString "," v)
    else v;

  serviceAnswers = id:
    let
      entry = catalog.services.${id};
      cfg = config.services.${id};
      nixpkgsModule = entry.nixpkgs_module or false;
      settingValue = field:
        if nixpkgsModule then fromEnv field (cfg.settings.${field.env} or null)
        else cfg.settings.${field.key} or null;
      settings = lib.filterAttrs (_: v: v != null) (builtins.listToAttrs (map
        (field: { name = field.key; value = settingValue field; })
        (entry.settings or [ ])));
      ports = builtins.listToAttrs (map
        (p: {
          name = p.name;
          value = if nixpkgsModule then cfg.settings.${p.env} else cfg.ports.${p.name};
        })
        (entry.ports or [ ]));
    in
    { enable = true; inherit settings ports; }
    // lib.optionalAttrs (cfg.domain or null != null) { domain = cfg.domain; }
    // lib.optionalAttrs (cfg.ownSecrets or false) { own_secrets = true; };

  nonNull = lib.filterAttrs (_: v: v != null);

  # A repo_path (sops_file, agenix_dir) is a Nix path literal on NixOS and a "./…"
  # string in the answers file; a path literal is inside the host's directory by
  # construction, so its answers form is "./<name>" (never copied to the store here).
  repoRelative = v: if builtins.isPath v then "./${baseNameOf (toString v)}" else v;

  answers = {
    schema = 1;
    host = nonNull {
      hostname = config.networking.hostName;
      inherit (config.atproto.host) domain admin_email;
    };
    services = lib.genAttrs enabledIds serviceAnswers;
    integrations = builtins.mapAttrs (_: section: nonNull (builtins.mapAttrs (_: repoRelative) section))
      config.atproto.integration;
  };

  diagnostics = validate answers;

  # The NixOS option a diagnostic's answers path stands for.
  pdsEnv = builtins.listToAttrs (map (f: { name = "services.bluesky-pds.settings.${f.key}"; value = "services.bluesky-pds.settings.${f.env}"; })
    (catalog.services.bluesky-pds.settings or [ ]));
  optionPath = path:
    if path == "host.hostname" then "networking.hostName"
    else if lib.hasPrefix "host." path then "atproto.${path}"
    else if lib.hasPrefix "integrations." path then "atproto.integration." + lib.removePrefix "integrations." path
    else if path == "services.bluesky-pds.ports.http" then "services.bluesky-pds.settings.PDS_PORT"
    else if lib.hasPrefix "services." path && lib.hasSuffix ".own_secrets" path
    then lib.removeSuffix ".own_secrets" path + ".ownSecrets"
    else pdsEnv.${path} or path;

  text = d: "${optionPath d.path}: ${d.message}";
in
{
  options.atproto.diagnostics = lib.mkOption {
    internal = true;
    readOnly = true;
    type = lib.types.listOf (lib.types.attrsOf lib.types.str);
    default = if enabledIds == [ ] then [ ] else diagnostics;
    description = "The validator's verdict on this host (what the wizard's check would say).";
  };

  config = {
    assertions = map (d: { assertion = false; message = text d; })
      (builtins.filter (d: d.level == "error") config.atproto.diagnostics);
    warnings = map text (builtins.filter (d: d.level == "warning") config.atproto.diagnostics);
  };
}
