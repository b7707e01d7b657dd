# atproto-nix overlay, for users without flakes.
#
#   nixpkgs.overlays = [ (import /path/to/atproto-nix/overlay.nix) ];
#
# adds one attribute, `pkgs.atproto`: the packages of nixlib/pkgs/default.nix
# (constellation, slingshot, rsky-pds, …, plus the `microcosm` and `rsky`
# collections), each with `passthru.atproto` metadata. crane, which builds the
# Rust packages, is fetched pinned (nixlib/pkgs/crane.nix), so this works with
# any nixpkgs 25.11 or newer and nothing else.
#
# Interface (for flake.nix and anyone who wants to choose crane):
#
#   import ./overlay.nix                      # = the overlay, final: prev: { atproto = …; }
#   import ./nixlib/pkgs/overlay.nix { crane = inputs.crane; }
#                                             # same overlay, crane from the flake input
#                                             # (`crane.mkLib final` is used)
#   import ./nixlib/pkgs/overlay.nix { systemRocksdb = false; }
#                                             # compile RocksDB bundled with librocksdb-sys
#                                             # instead of linking nixpkgs' rocksdb
#   import ./nixlib/pkgs/crane.nix { crane = inputs.crane; }
#                                             # pkgs -> craneLib (for lib outputs and templates)
#   import ./nixlib/pkgs/default.nix { pkgs; craneLib; }
#                                             # the package set itself, without an overlay
import ./nixlib/pkgs/overlay.nix { }
