# NixOS option declarations from catalog fields (a service's [[settings]] or a
# _plan.toml section), with the catalog's types, defaults and help as descriptions.
# Values are only loosely typed here (strings stay `str`, ints stay `int`): the
# validator (nixlib/lib/validate.nix, run by nixlib/modules/validation.nix) checks
# patterns and ranges and reports them with the wizard's words.
{ lib }:
let
  inherit (lib) types mkOption;

  baseType = field:
    let t = field.type or "string"; in
    if t == "bool" then types.bool
    else if t == "int" then types.int
    else if t == "port" then types.port
    else if t == "enum" then types.enum field.choices
    else if t == "list" then types.listOf types.str
    # A file in the host's repository: a Nix path literal (./secrets/secrets.yaml),
    # so sops-nix and agenix can read it at evaluation time.
    else if t == "repo_path" then types.path
    else types.str;

  hasDefault = field: field ? default;

  # "{host.domain}" style defaults are filled from atproto.host at evaluation time.
  templated = v:
    (builtins.isString v && builtins.match ".*[{]host[.][a-z_]+[}].*" v != null)
    || (builtins.isList v && builtins.any templated v);
in
rec {
  inherit templated;

  # host: the atproto.host attrset (domain, admin_email, …) for templates.
  fill = host: v:
    if builtins.isString v then
      let
        keys = builtins.attrNames host;
        present = builtins.filter (k: lib.hasInfix "{host.${k}}" v) keys;
        missing = builtins.any (k: host.${k} == null) present;
      in
      if missing then null
      else builtins.replaceStrings (map (k: "{host.${k}}") present) (map (k: toString host.${k}) present) v
    else if builtins.isList v then
      let items = map (fill host) v; in if builtins.any (x: x == null) items then null else items
    else v;

  # One option for one catalog field. `host` fills templated defaults; `defaultOverride`
  # replaces the catalog default (secrets.backend defaults to "generate" on NixOS).
  fieldOption = { host, field, defaultOverride ? null }:
    let
      default = if defaultOverride != null then defaultOverride else field.default or null;
      nullable = default == null || templated default;
      where = if field ? flag && field.flag != "" then " Passed as `${field.flag}`."
        else if field ? env && field.env != "" then " Passed as `${field.env}`."
        else "";
    in
    mkOption ({
      type = if nullable then types.nullOr (baseType field) else baseType field;
      default = if templated default then fill host default else default;
      description = (field.help or "") + where;
    } // lib.optionalAttrs (templated default) {
      defaultText = lib.literalMD "`${builtins.toJSON default}` with `atproto.host` filled in";
    } // lib.optionalAttrs ((field.example or "") != "") {
      example = field.example;
    });
}
