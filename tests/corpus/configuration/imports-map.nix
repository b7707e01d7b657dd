{ ... }:
{
  imports = map (name: ./modules + "/${name}.nix") [ "base" "users" "web" ];
}
