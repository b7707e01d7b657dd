# The AT Protocol package set; the overlay makes it `pkgs.atproto`.
#
#   import ./nixlib/pkgs {
#     pkgs;                  # nixpkgs 25.11 or newer (crane's minimum)
#     lib ? pkgs.lib;
#     craneLib;              # crane's lib for pkgs (./crane.nix makes one)
#     systemRocksdb ? true;  # constellation: link nixpkgs' rocksdb (true) or
#                            # compile the copy bundled in librocksdb-sys
#   }
#
# Attribute names are the catalog's `package` fields
# (nixlib/catalog/<service>.toml), so a module finds its package as
# `pkgs.atproto.${catalog.package}` for `package_from = "atproto"`.
# Every value is a derivation with `passthru.atproto` (nixlib/lib/packages.nix).
#
# Built here: microcosm-rs and rsky (Rust, crane, one shared dependency build
# per workspace), jetstream (Go), feed-generator, ozone, bluesky-appview
# (Node). The Go and Node ones have a real source hash but a dependency hash
# that could not be computed on the machine that wrote them (lib.fakeHash,
# marked NOT COMPUTED); see docs/PACKAGES.md.
#
# From nixpkgs, not repackaged: bluesky-pds, indigo (its `relay` binary is the
# relay), atproto-goat. They are re-exported with metadata only; the
# derivations are nixpkgs' own.
{
  pkgs,
  lib ? pkgs.lib,
  craneLib,
  systemRocksdb ? true,
}:

let
  helpers = import ../lib/packages.nix { inherit lib; };
  sources = import ./sources.nix;

  fetchSource =
    s:
    pkgs.fetchFromGitHub {
      inherit (s)
        owner
        repo
        rev
        hash
        ;
    };

  common = {
    inherit
      pkgs
      lib
      craneLib
      helpers
      sources
      fetchSource
      ;
  };

  microcosm = import ./microcosm (common // { inherit systemRocksdb; });
  rsky = import ./rsky common;
  fromNixpkgs = import ./nixpkgs.nix { inherit pkgs lib helpers; };

  callWithSource =
    path: name:
    pkgs.callPackage path {
      inherit helpers;
      source = sources.${name};
      src = fetchSource sources.${name};
    };
in
microcosm.packages
// rsky.packages
// fromNixpkgs
// {
  jetstream = callWithSource ./jetstream "jetstream";
  feed-generator = callWithSource ./feed-generator "feed-generator";
  ozone = callWithSource ./ozone "ozone";
  bluesky-appview = callWithSource ./bluesky-appview "atproto";

  # Collections: every binary of a workspace in one profile-friendly path
  # (packages.<system>.microcosm / .rsky).
  microcosm = microcosm.collection;
  rsky = rsky.collection;
}
