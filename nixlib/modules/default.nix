# Every ATProto module: a plain NixOS module, usable without the flake
# (imports = [ ./atproto-nix/nixlib/modules ];). It adds the overlay so pkgs.atproto.*
# exists with whatever nixpkgs the host uses (core.nix adds it).
{ ... }:
{
  imports = [
    ./core.nix
    ./integration
  ] ++ map (f: ./services + "/${f}") (builtins.attrNames (builtins.readDir ./services));
}
