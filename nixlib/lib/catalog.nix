# The catalog as Nix data: _plan.toml and one attribute per service file.
# A service's id is its file name (docs/CATALOG.md), not the `id` written inside it.
{ dir ? ../catalog }:
let
  files = builtins.readDir dir;
  isService = name:
    files.${name} != "directory"
    && builtins.substring 0 1 name != "_"
    && builtins.match ".*[.]toml" name != null;
  ids = builtins.filter isService (builtins.attrNames files);
  read = name: builtins.fromTOML (builtins.readFile (dir + "/${name}"));
in
{
  plan = read "_plan.toml";
  services = builtins.listToAttrs (map
    (name: {
      name = builtins.substring 0 (builtins.stringLength name - 5) name;
      value = read name;
    })
    ids);
}
