# Packages nixpkgs already has: re-exported, not repackaged.
#
# mkAtprotoPackage only adds passthru.atproto and meta, which are not part of
# the derivation, so these are byte-for-byte nixpkgs' builds (same .drv, same
# binary cache). An attribute is left out when the nixpkgs in use does not
# have the package. Modules should keep using `pkgs.bluesky-pds` /
# `pkgs.indigo` directly; these copies exist so pkgs.atproto describes every
# service of the catalog.
{
  pkgs,
  lib,
  helpers,
}:

let
  inherit (helpers) mkAtprotoPackage;
  when = name: value: lib.optionalAttrs (pkgs ? ${name}) { ${name} = value; };
  # Only fills in what nixpkgs' meta lacks (mkAtprotoPackage requires both).
  metaFallback =
    drv: fallback: lib.filterAttrs (k: _: !((drv.meta or { }) ? ${k})) fallback;
in
# pkgs/by-name/bl/bluesky-pds: `pds` wraps node (service/index.js of
# bluesky-social/pds, which adds GET /tls-check).
when "bluesky-pds" (
  mkAtprotoPackage {
    atproto = {
      type = "node";
      services = [ "bluesky-pds" ];
      protocols = [
        "xrpc"
        "firehose"
        "http"
      ];
      security = {
        needsNetwork = true;
        memoryDenyWriteExecute = false;
        writablePaths = [ ];
      };
    };
    meta = metaFallback pkgs.bluesky-pds {
      description = "Bluesky Personal Data Server (PDS)";
      homepage = "https://github.com/bluesky-social/pds";
    };
  } pkgs.bluesky-pds
)
# pkgs/by-name/in/indigo: builds every cmd of bluesky-social/indigo,
# including `relay` (the catalog's indigo-relay runs `relay serve`).
// when "indigo" (
  mkAtprotoPackage {
    atproto = {
      type = "go";
      services = [ "indigo-relay" ];
      protocols = [
        "xrpc"
        "firehose"
        "http"
      ];
      security = {
        needsNetwork = true;
        memoryDenyWriteExecute = true;
        writablePaths = [ ];
      };
    };
    meta = metaFallback pkgs.indigo {
      description = "Go AT Protocol services and tools (relay, tap, goat)";
      homepage = "https://github.com/bluesky-social/indigo";
    };
  } pkgs.indigo
)
# bluesky-social/goat: command-line tool (PDS admin, repo and identity
# tools), no service.
// when "atproto-goat" (
  mkAtprotoPackage {
    atproto = {
      type = "go";
      services = [ ];
      protocols = [
        "xrpc"
        "firehose"
      ];
      security = {
        needsNetwork = true;
        memoryDenyWriteExecute = true;
        writablePaths = [ ];
      };
    };
    meta = metaFallback pkgs.atproto-goat {
      description = "Go AT Protocol command-line tool";
      homepage = "https://github.com/bluesky-social/goat";
    };
  } pkgs.atproto-goat
)
