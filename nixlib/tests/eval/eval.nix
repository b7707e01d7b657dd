# Evaluates a host (a NixOS module) with the ATProto modules and the declaration stub,
# using nixpkgs' lib from `libPath` (the folder holding lib/: $NIXPKGS_LIB or
# ~/.cache/nixpkgs-lib); `modules` are the ATProto modules under test (all of them by
# default, or a single nixosModules.<id>). Returns the config plus the failed assertions and warnings.
{ libPath, host, modules ? [ ../../modules ] }:
let
  lib = import (libPath + "/lib");
  result = lib.evalModules {
    modules = [
      ./stub-nixos.nix
      { _module.args.pkgs = import ./stub-pkgs.nix; }
      host
    ] ++ modules;
  };
  config = result.config;
in
{
  inherit config lib;
  failed = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);
  warnings = config.warnings;
}
