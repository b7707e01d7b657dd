# Every host tests/unit_access.rs checks, each described by unit-access.nix, in one
# evaluation: the profiles (profiles/*.nix, what the wizard writes as atproto.nix, as
# profile-<name>) and the 54 hosts of unit-access-matrix.nix. The hosts are evaluated
# with the ATProto modules and the model of the units nixpkgs creates (stub-units.nix;
# stub-nixos.nix imports it too, the module system keeps one copy).
# `only`: a list of host names, to describe just those.
{ libPath, only ? null }:
let
  lib = import (libPath + "/lib");
  eval = host: import ./eval.nix {
    inherit libPath host;
    modules = [ ../../modules ./stub-units.nix ];
  };
  describe = host:
    let r = eval host; in
    { inherit (r) failed; } // import ./unit-access.nix { inherit lib; inherit (r) config; };
  profileDir = ../../../profiles;
  profiles = lib.mapAttrs'
    (f: _: lib.nameValuePair "profile-${lib.removeSuffix ".nix" f}" (profileDir + "/${f}"))
    (lib.filterAttrs (f: t: t == "regular" && lib.hasSuffix ".nix" f) (builtins.readDir profileDir));
  hosts = profiles // import ./unit-access-matrix.nix { inherit lib; };
in
builtins.mapAttrs (_: describe) (if only == null then hosts else lib.getAttrs only hosts)
