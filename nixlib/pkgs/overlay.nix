# The overlay, parameterised by where crane comes from.
#
#   import ./nixlib/pkgs/overlay.nix { }                   # pinned crane
#   import ./nixlib/pkgs/overlay.nix { crane = inputs.crane; }   # flake input
#   import ./nixlib/pkgs/overlay.nix { systemRocksdb = false; }
#
# Arguments:
#   crane ? null          see ./crane.nix (null = pinned release)
#   systemRocksdb ? true  see ./default.nix
#
# Returns `final: prev: { atproto = <./default.nix on final>; }`. Nothing else
# in pkgs is touched: nixpkgs' own bluesky-pds, indigo and atproto-goat stay
# where they are, and pkgs.atproto re-exports them with metadata added.
{
  crane ? null,
  systemRocksdb ? true,
}:

let
  mkCraneLib = import ./crane.nix { inherit crane; };
in
final: _prev: {
  atproto = import ./default.nix {
    pkgs = final;
    craneLib = mkCraneLib final;
    inherit systemRocksdb;
  };
}
