# microcosm-rs (https://github.com/at-microcosm/microcosm-rs): constellation,
# spacedust, slingshot, ufos, pocket, quasar from the workspace at
# sources.microcosm, and who-am-i, reflector from the older workspace at
# sources.microcosm-legacy (see ../sources.nix for why).
#
# Each workspace is ONE crane build: `buildDepsOnly` compiles the
# dependencies of all the crates we ship once, one `buildPackage` compiles
# those crates on top of it, and each service package is a thin derivation
# that copies its binary (and assets) out of that build. The reasoning is in
# mkRustWorkspace (nixlib/lib/packages.nix); pass `standalone = true` to
# mkBinary to build a service on its own instead.
#
# Toolchain: nixpkgs' rustc/cargo through crane's defaults. Upstream's
# rust-toolchain.toml sets no channel (only rustfmt/clippy components); some
# crates use edition 2024, so rustc >= 1.85 is needed (nixpkgs 25.11 has it).
#
# Crane reads Cargo.lock and the Cargo.toml files of the fetched source at
# evaluation time (import-from-derivation), so evaluating these packages
# downloads the source once.
{
  pkgs,
  lib,
  craneLib,
  helpers,
  sources,
  fetchSource,
  systemRocksdb ? true,
}:

let
  inherit (helpers) mkRustWorkspace mkAtprotoPackage;

  homepage = "https://github.com/at-microcosm/microcosm-rs";
  dual = with lib.licenses; [
    mit
    asl20
  ];

  # Git dependencies in Cargo.lock. Keys are the Cargo.lock `source` strings
  # percent-decoded (crane looks them up that way); values are the NAR hash of
  # the checkout nixpkgs' fetchgit produces (fetchSubmodules and fetchLFS on,
  # which is what crane asks for). Computed here from git mirrors of the
  # dependency repositories: `git archive <rev> | tar -x` + `nix-hash`; none
  # of them has submodules, LFS files or export-* attributes (atrium's
  # .gitattributes only has linguist-generated lines).
  #   - uniphil/atrium @ 80a3559 (branch fix/resolve-handle-https-accept-whitespace):
  #     computed from the same commit in atrium-rs/atrium.
  #   - fatfingers23/jwt-compact @ aed088b: computed.
  #   - fjall-rs/fjall: NOT computed (the mirror here lacks two large blobs at
  #     these revs). Mapped to null, which makes crane fetch it with
  #     builtins.fetchGit at the locked rev during evaluation (no hash needed,
  #     and no "No output hash provided" warning, which crane prints only for
  #     sources missing from this map).
  atriumSource = "git+https://github.com/uniphil/atrium.git?branch=fix/resolve-handle-https-accept-whitespace#80a355991ac9b48ba3f559d12aac74f071fc638c";
  jwtCompactSource = "git+https://github.com/fatfingers23/jwt-compact.git#aed088b8ff5ad44ef2785c453f6a4b7916728b1c";
  knownGitHashes = {
    ${atriumSource} = "sha256-7qBKwPzUMmgJWca4Z4nT9nXq9XvRja9VSNjBFsP7WXg=";
    ${jwtCompactSource} = "sha256-x1n7eSMn/i2G5umypVkEtLiiWyn8xrRjeXHLtSkFYeU=";
  };

  # ---------------------------------------------------------------- main --
  src = fetchSource sources.microcosm;
  version = "0.1.0-unstable-${sources.microcosm.date}";

  ws = mkRustWorkspace {
    inherit pkgs craneLib src version;
    pname = "microcosm-rs";
    members = [
      "constellation"
      "ufos"
      "spacedust"
      "slingshot"
      "pocket"
      "quasar"
    ];

    outputHashes = knownGitHashes // {
      # ufos: fjall = { git = …, rev = "fb22957…" }
      "git+https://github.com/fjall-rs/fjall.git?rev=fb229572bb7d1d6966a596994dc1708e47ec57d8#fb229572bb7d1d6966a596994dc1708e47ec57d8" =
        null;
    };

    # What the -sys crates in Cargo.lock need (build scripts read at
    # rust-rocksdb v0.23.0 / librocksdb-sys 0.17.1+9.9.3, zstd-sys 2.0.x,
    # openssl-sys 0.9.114, libsqlite3-sys 0.35.0):
    #   pkg-config       openssl-sys, libsqlite3-sys, zstd-sys find libraries with it
    #   bindgenHook      librocksdb-sys always runs bindgen (runtime libclang);
    #                    the hook sets LIBCLANG_PATH and BINDGEN_EXTRA_CLANG_ARGS
    #   openssl          native-tls (constellation's tungstenite, the jetstream
    #                    client crate)
    #   sqlite           pocket's rusqlite is not `bundled`
    #   rocksdb, snappy  constellation's default `rocks` feature (system lib)
    #   zstd             zstd-sys via pkg-config
    # aws-lc-sys (rustls) needs only a C compiler on x86_64/aarch64-linux;
    # tikv-jemalloc-sys, lz4-sys, bzip2-sys, libz-sys build their bundled C
    # with the stdenv compiler.
    nativeBuildInputs = [
      pkgs.pkg-config
      pkgs.rustPlatform.bindgenHook
    ];
    buildInputs = [
      pkgs.openssl
      pkgs.sqlite
      pkgs.zstd
    ]
    ++ lib.optionals systemRocksdb [
      pkgs.rocksdb
      pkgs.snappy
    ];

    env = {
      # The jetstream client crate enables tokio-tungstenite's
      # `native-tls-vendored`, i.e. openssl-src; this makes openssl-sys link
      # nixpkgs' openssl instead of compiling its own.
      OPENSSL_NO_VENDOR = "1";
      # zstd-sys: link nixpkgs' zstd (found with pkg-config) instead of
      # compiling the bundled copy.
      ZSTD_SYS_USE_PKG_CONFIG = "1";
    }
    // lib.optionalAttrs systemRocksdb {
      # librocksdb-sys: link nixpkgs' librocksdb instead of compiling the
      # RocksDB 9.9.3 it bundles, and generate its bindings from the same
      # library's headers, so declarations and library match. nixpkgs'
      # rocksdb is newer (10.x when this was written); if that breaks the
      # build (a C API the `rocksdb` crate 0.23 uses was removed), import the
      # package set with `systemRocksdb = false` to compile the bundled copy.
      ROCKSDB_LIB_DIR = "${lib.getLib pkgs.rocksdb}/lib";
      ROCKSDB_INCLUDE_DIR = "${lib.getDev pkgs.rocksdb}/include";
      # librocksdb-sys compiles a bundled snappy unless told where one is.
      SNAPPY_LIB_DIR = "${lib.getLib pkgs.snappy}/lib";
    };

    meta = {
      description = "microcosm-rs workspace build (all shipped binaries)";
      inherit homepage;
      license = [ lib.licenses.agpl3Only ] ++ dual;
    };
  };

  rustSecurity = {
    needsNetwork = true;
    memoryDenyWriteExecute = true;
    writablePaths = [ ];
  };

  packages = {
    # constellation's binary is called `main` upstream (default-run); the
    # catalog starts `main`. `constellation` is a symlink for humans. The two
    # RocksDB tools of the crate come along: rocks-restore-from-backup
    # restores a --backup directory into a data directory.
    constellation = ws.mkBinary {
      pname = "constellation";
      crate = "constellation";
      bin = "main";
      aliases = [ "constellation" ];
      extraBins = [
        "rocks-restore-from-backup"
        "rocks-link-stats"
      ];
      atproto = {
        type = "rust";
        services = [ "constellation" ];
        protocols = [
          "xrpc"
          "http"
          "jetstream"
          "did-web"
        ];
        security = rustSecurity;
      };
      meta = {
        description = "Global backlink index for the AT Protocol network (microcosm)";
        inherit homepage;
        # constellation/LICENSE: AGPL-3.0 only, for now (LICENSE.future).
        license = lib.licenses.agpl3Only;
      };
    };

    spacedust = ws.mkBinary {
      pname = "spacedust";
      crate = "spacedust";
      bin = "spacedust";
      atproto = {
        type = "rust";
        services = [ "spacedust" ];
        protocols = [
          "jetstream"
          "websocket"
        ];
        security = rustSecurity;
      };
      meta = {
        description = "Real-time stream of AT Protocol link events (microcosm)";
        inherit homepage;
        license = dual;
      };
    };

    # slingshot serves ./static/index.html relative to its working directory
    # (slingshot/src/server.rs); run it from ${pkg}/share/slingshot.
    slingshot = ws.mkBinary {
      pname = "slingshot";
      crate = "slingshot";
      bin = "slingshot";
      assets = {
        static = "slingshot/static";
      };
      atproto = {
        type = "rust";
        services = [ "slingshot" ];
        protocols = [
          "xrpc"
          "http"
          "jetstream"
          "did-web"
        ];
        security = rustSecurity;
      };
      meta = {
        description = "Caching edge record and identity server for AT Protocol (microcosm)";
        inherit homepage;
        license = dual;
      };
    };

    ufos = ws.mkBinary {
      pname = "ufos";
      crate = "ufos";
      bin = "ufos";
      atproto = {
        type = "rust";
        services = [ "ufos" ];
        protocols = [
          "http"
          "jetstream"
        ];
        security = rustSecurity;
      };
      meta = {
        description = "Collection and record statistics for the AT Protocol network (microcosm)";
        inherit homepage;
        license = dual;
      };
    };

    # pocket serves ./static/index.html relative to its working directory
    # (pocket/src/server.rs); run it from ${pkg}/share/pocket. Its --db
    # default (prefs.sqlite3) is relative too, so the module must pass an
    # absolute --db when the working directory is in the store.
    pocket = ws.mkBinary {
      pname = "pocket";
      crate = "pocket";
      bin = "pocket";
      assets = {
        static = "pocket/static";
      };
      atproto = {
        type = "rust";
        services = [ "pocket" ];
        protocols = [
          "xrpc"
          "http"
        ];
        security = rustSecurity;
      };
      meta = {
        description = "Preferences storage service for AT Protocol apps (microcosm)";
        inherit homepage;
        license = dual;
      };
    };

    # Upstream stub: main prints hello world and exits (quasar/src/main.rs).
    quasar = ws.mkBinary {
      pname = "quasar";
      crate = "quasar";
      bin = "quasar";
      atproto = {
        type = "rust";
        services = [ "quasar" ];
        protocols = [ ];
        security = rustSecurity // {
          needsNetwork = false;
        };
      };
      meta = {
        description = "Placeholder binary of microcosm's planned quasar service (prints hello world)";
        inherit homepage;
        license = dual;
      };
    };
  }
  // legacyPackages;

  # -------------------------------------------------------------- legacy --
  legacySrc = fetchSource sources.microcosm-legacy;

  legacy = mkRustWorkspace {
    inherit pkgs craneLib;
    src = legacySrc;
    pname = "microcosm-rs-legacy";
    version = "0.1.0-unstable-${sources.microcosm-legacy.date}";
    members = [
      "who-am-i"
      "reflector"
    ];

    outputHashes = knownGitHashes // {
      # Not needed by who-am-i or reflector, but in Cargo.lock (crane vendors
      # every locked source).
      "git+https://github.com/fjall-rs/fjall.git#42d811f7c8cc9004407d520d37d2a1d8d246c03d" = null;
    };

    # who-am-i's reqwest uses `native-tls-vendored` (openssl-src); link
    # nixpkgs' openssl instead. reflector needs nothing native.
    nativeBuildInputs = [ pkgs.pkg-config ];
    buildInputs = [ pkgs.openssl ];
    env.OPENSSL_NO_VENDOR = "1";

    meta = {
      description = "microcosm-rs legacy services (who-am-i, reflector) at tag reflector-v0.0.2";
      inherit homepage;
    };
  };

  legacyPackages = {
    # who-am-i loads handlebars templates from ./templates relative to its
    # working directory (who-am-i/src/server.rs); its static files are
    # compiled in. Run it from ${pkg}/share/who-am-i.
    who-am-i = legacy.mkBinary {
      pname = "who-am-i";
      version = "0.1.0-unstable-${sources.microcosm-legacy.date}";
      crate = "who-am-i";
      bin = "who-am-i";
      assets = {
        templates = "who-am-i/templates";
      };
      atproto = {
        type = "rust";
        services = [ "who-am-i" ];
        protocols = [ "http" ];
        security = rustSecurity;
      };
      meta = {
        description = "Retired microcosm OAuth identity helper (legacy; upstream says not for serious use)";
        inherit homepage;
        # who-am-i has no license statement at this tag or later; nixpkgs
        # treats that as unfree.
        license = lib.licenses.unfree;
      };
    };

    reflector = legacy.mkBinary {
      pname = "reflector";
      version = lib.removePrefix "reflector-v" sources.microcosm-legacy.tag;
      crate = "reflector";
      bin = "reflector";
      atproto = {
        type = "rust";
        services = [ "reflector" ];
        protocols = [
          "http"
          "did-web"
        ];
        security = rustSecurity;
      };
      meta = {
        description = "Serves a did:web document for every subdomain (legacy microcosm service)";
        inherit homepage;
        # legacy/reflector/readme.md (added after this tag): MIT OR Apache-2.0
        license = dual;
      };
    };
  };

  # The collection holds the main workspace's services only: the legacy ones
  # come from a second workspace build, and who-am-i is unfree (no license),
  # which would make the whole collection refuse to evaluate by default.
  mainPackages = builtins.removeAttrs packages (builtins.attrNames legacyPackages);

  collection = mkAtprotoPackage {
    atproto = {
      type = "rust";
      services = lib.concatMap (p: p.passthru.atproto.services) (lib.attrValues mainPackages);
      protocols = lib.unique (
        lib.concatMap (p: p.passthru.atproto.protocols) (lib.attrValues mainPackages)
      );
      security = rustSecurity;
    };
    meta = {
      description = "All microcosm-rs services of the main workspace in one path";
      inherit homepage;
      license = [ lib.licenses.agpl3Only ] ++ dual;
    };
  } (
    pkgs.symlinkJoin {
      name = "microcosm-${version}";
      paths = lib.attrValues mainPackages;
    }
  );
in
{
  inherit packages collection;
  workspaces = {
    main = ws;
    legacy = legacy;
  };
}
