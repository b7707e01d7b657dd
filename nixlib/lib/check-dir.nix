# Validates every *.toml answers file in `dir` (an absolute path string) in one
# evaluation: { "<file name>" = <diagnostics>; }. Used by nixlib/tests/validate.sh.
{ dir, catalog ? import ./catalog.nix { } }:
let
  validate = import ./validate.nix { inherit catalog; };
  entries = builtins.readDir dir;
  names = builtins.filter
    (n: entries.${n} != "directory" && builtins.match ".*[.]toml" n != null)
    (builtins.attrNames entries);
in
builtins.listToAttrs (map
  (n: { name = n; value = validate (builtins.fromTOML (builtins.readFile "${dir}/${n}")); })
  names)
