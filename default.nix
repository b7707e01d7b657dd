# Entry point for users without flakes:
#
#   let atproto = import /path/to/atproto-nix { inherit pkgs; }; in
#   { imports = [ atproto.modules ]; }        # or: imports = [ /path/to/atproto-nix/nixlib/modules ];
#
# `packages` is pkgs.atproto built with the pinned crane (overlay.nix).
{ pkgs ? import <nixpkgs> { } }:
let
  overlay = import ./overlay.nix;
  extended = pkgs.extend overlay;
in
{
  inherit overlay;
  modules = ./nixlib/modules;
  packages = extended.atproto;
  atproto-wizard = extended.callPackage ./nixlib/pkgs/atproto-wizard.nix { };
  lib = {
    catalog = import ./nixlib/lib/catalog.nix { };
    validate = import ./nixlib/lib/validate.nix { };
  } // import ./nixlib/lib/packages.nix { inherit (pkgs) lib; };
}
