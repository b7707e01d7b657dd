# rsky (https://github.com/blacksky-algorithms/rsky): rsky-pds, rsky-relay,
# rsky-feedgen, rsky-firehose, rsky-jetstream-subscriber, rsky-labeler.
#
# ONE crane workspace build (see mkRustWorkspace in nixlib/lib/packages.nix):
# `buildDepsOnly` compiles the dependencies of these six crates once, one
# `buildPackage` compiles the six on top of it, and each service package
# copies its binary out. Only these crates are selected with `-p`, so the rest
# of the workspace (rsky-satnav's GTK/WebKit desktop app, rsky-video,
# wintermute, palomar-sync) is never compiled.
#
# Toolchain: upstream pins Rust 1.86 (`rust-toolchain`). We use nixpkgs'
# rustc/cargo through crane's defaults instead (newer than 1.86 in nixpkgs
# 25.11); none of these crates denies warnings, so newer lints do not break
# the build. To use exactly 1.86, build with a craneLib whose toolchain was
# replaced (`craneLib.overrideToolchain`, e.g. from rust-overlay).
#
# No git dependencies in Cargo.lock, so no outputHashes are needed.
# Crane reads Cargo.lock/Cargo.toml of the fetched source at evaluation time
# (import-from-derivation).
{
  pkgs,
  lib,
  craneLib,
  helpers,
  sources,
  fetchSource,
}:

let
  inherit (helpers) mkRustWorkspace mkAtprotoPackage;

  homepage = "https://github.com/blacksky-algorithms/rsky";
  license = lib.licenses.asl20; # every crate here: license = "Apache-2.0"

  src = fetchSource sources.rsky;
  version = "0-unstable-${sources.rsky.date}";

  ws = mkRustWorkspace {
    inherit
      pkgs
      craneLib
      src
      version
      ;
    pname = "rsky";
    members = [
      "rsky-pds"
      "rsky-relay"
      "rsky-feedgen"
      "rsky-firehose"
      "rsky-jetstream-subscriber"
      "rsky-labeler"
    ];

    # What the -sys crates these six pull in need (from Cargo.lock):
    #   openssl-sys 0.9.109  via native-tls (reqwest's default TLS,
    #                        tokio-tungstenite "native-tls"); no openssl-src
    #                        in Cargo.lock, so nothing to un-vendor
    #   pq-sys 0.4.8         rsky-feedgen's diesel "postgres": links libpq
    #   libsqlite3-sys       rusqlite "bundled" (workspace dependency):
    #                        compiles its own SQLite with the C compiler
    #   aws-lc-sys 0.30      (rustls via the AWS SDK / reqwest) C compiler
    #                        only on x86_64/aarch64-linux; its bindgen is only
    #                        for targets without pre-generated bindings
    #   libmimalloc-sys, secp256k1-sys   bundled C, compiled with cc
    nativeBuildInputs = [ pkgs.pkg-config ];
    buildInputs = [
      pkgs.openssl
      pkgs.libpq
    ];
    # pq-sys reads PQ_LIB_DIR before trying pg_config (not on PATH here).
    env.PQ_LIB_DIR = "${lib.getLib pkgs.libpq}/lib";

    meta = {
      description = "rsky workspace build (all shipped binaries)";
      inherit homepage license;
    };
  };

  security = {
    needsNetwork = true;
    memoryDenyWriteExecute = true;
    writablePaths = [ ];
  };

  packages = {
    rsky-pds = ws.mkBinary {
      pname = "rsky-pds";
      version = "0.13.17";
      crate = "rsky-pds";
      bin = "rsky-pds";
      atproto = {
        type = "rust";
        services = [ "rsky-pds" ];
        protocols = [
          "xrpc"
          "firehose"
        ];
        inherit security;
      };
      meta = {
        description = "Rust AT Protocol Personal Data Server (Blacksky rsky)";
        inherit homepage license;
      };
    };

    # rsky-relay opens relay.db and plc_directory.db, keeps its fjall
    # database in ./db (RELAY_DB_PATH) and writes rsky-relay.log* (rotated
    # daily), all relative to the working directory (src/server/server.rs,
    # src/validator/resolver.rs, src/types.rs, src/main.rs): run it inside
    # its state directory. The `labeler` feature binary (rsky-relay-labeler)
    # is not built.
    rsky-relay = ws.mkBinary {
      pname = "rsky-relay";
      version = "0.1.2";
      crate = "rsky-relay";
      bin = "rsky-relay";
      atproto = {
        type = "rust";
        services = [ "rsky-relay" ];
        protocols = [
          "firehose"
          "xrpc"
        ];
        security = security // {
          writablePaths = [ "." ];
        };
      };
      meta = {
        description = "Rust AT Protocol relay (Blacksky rsky)";
        inherit homepage license;
      };
    };

    # The diesel migrations are not embedded in the binary; they are
    # installed to share/rsky-feedgen/migrations for diesel-cli
    # (`diesel migration run --migration-dir …`).
    rsky-feedgen = ws.mkBinary {
      pname = "rsky-feedgen";
      version = "1.1.5";
      crate = "rsky-feedgen";
      bin = "rsky-feedgen";
      assets = {
        migrations = "rsky-feedgen/migrations";
      };
      atproto = {
        type = "rust";
        services = [ "rsky-feedgen" ];
        protocols = [ "xrpc" ];
        inherit security;
      };
      meta = {
        description = "AT Protocol feed generator backed by PostgreSQL (Blacksky rsky)";
        inherit homepage license;
      };
    };

    rsky-firehose = ws.mkBinary {
      pname = "rsky-firehose";
      version = "0.2.1";
      crate = "rsky-firehose";
      bin = "rsky-firehose";
      atproto = {
        type = "rust";
        services = [ "rsky-firehose" ];
        protocols = [ "firehose" ];
        inherit security;
      };
      meta = {
        description = "Firehose subscriber that feeds rsky-feedgen (Blacksky rsky)";
        inherit homepage license;
      };
    };

    rsky-jetstream-subscriber = ws.mkBinary {
      pname = "rsky-jetstream-subscriber";
      version = "0.1.0";
      crate = "rsky-jetstream-subscriber";
      bin = "rsky-jetstream-subscriber";
      atproto = {
        type = "rust";
        services = [ "rsky-jetstream-subscriber" ];
        protocols = [ "jetstream" ];
        inherit security;
      };
      meta = {
        description = "Jetstream subscriber that feeds rsky-feedgen (Blacksky rsky)";
        inherit homepage license;
      };
    };

    rsky-labeler = ws.mkBinary {
      pname = "rsky-labeler";
      version = "0.1.3";
      crate = "rsky-labeler";
      bin = "rsky-labeler";
      atproto = {
        type = "rust";
        services = [ "rsky-labeler" ];
        protocols = [
          "firehose"
          "xrpc"
        ];
        inherit security;
      };
      meta = {
        description = "Firehose subscriber that labels content for a moderation service (Blacksky rsky)";
        inherit homepage license;
      };
    };
  };

  collection = mkAtprotoPackage {
    atproto = {
      type = "rust";
      services = lib.concatMap (p: p.passthru.atproto.services) (lib.attrValues packages);
      protocols = lib.unique (lib.concatMap (p: p.passthru.atproto.protocols) (lib.attrValues packages));
      security = security // {
        writablePaths = [ "." ];
      };
    };
    meta = {
      description = "All rsky services in one path";
      inherit homepage license;
    };
  } (
    pkgs.symlinkJoin {
      name = "rsky-${version}";
      paths = lib.attrValues packages;
    }
  );
in
{
  inherit packages collection;
  workspaces.main = ws;
}
