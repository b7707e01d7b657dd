# Helpers for packaging AT Protocol services.
#
#   packages = import ./nixlib/lib/packages.nix { inherit lib; };
#
# Needs only nixpkgs' `lib`. The functions that build something take the
# builders they need (`craneLib`, `pkgs`) as arguments, so this file can be
# imported and evaluated without a full nixpkgs.
#
# Every package this repository builds carries `passthru.atproto`, a small
# description the NixOS modules and the wizard can read without building:
#
#   passthru.atproto = {
#     type = "rust" | "node" | "go";
#     services = [ "constellation" ];   # catalog ids (nixlib/catalog/<id>.toml)
#                                       # this package provides; [] for tools
#     protocols = [ "xrpc" "jetstream" ];  # what it serves or consumes, from
#                                       # `knownProtocols` below
#     security = {
#       needsNetwork = true;            # talks to the network at run time
#       memoryDenyWriteExecute = true;  # safe to run with systemd's
#                                       # MemoryDenyWriteExecute=; false for
#                                       # Node (V8's JIT writes code pages)
#       writablePaths = [ ];            # paths the program writes by default,
#                                       # relative to its working directory
#                                       # unless absolute ("." = the whole
#                                       # working directory). Paths the
#                                       # module passes as flags (--data,
#                                       # --cache-dir …) are not listed.
#     };
#     minCompatibleVersion = null | "0.4.0";
#                                       # the oldest version whose state this one
#                                       # still reads (older data needs the
#                                       # migrations below first)
#     breakingChanges = [               # upstream's breaking changes, each at the
#       { version = "0.2.0";            # version that made it, with what the
#         description = "…";            # operator must do; `atproto-wizard
#         migration = "…"; }            # upgrade` lists those an update crosses
#     ];
#     assets = null | "share/<name>";   # a directory inside the package that
#                                       # holds files the program opens
#                                       # relative to its working directory
#                                       # (e.g. ./static/index.html); the
#                                       # module uses "${pkg}/${assets}" as
#                                       # (or copies it into) WorkingDirectory
#   };
#
# `security` may be given partially; missing keys get the defaults above
# (memoryDenyWriteExecute defaults to `type != "node"`).
{ lib }:

let
  knownTypes = [
    "rust"
    "node"
    "go"
  ];

  # Keep this list short; add a word only when a package needs it.
  knownProtocols = [
    "xrpc" # serves /xrpc/* (AT Protocol HTTP API)
    "firehose" # com.atproto.sync.subscribeRepos (serves or consumes)
    "jetstream" # jetstream JSON stream (serves or consumes)
    "websocket" # another WebSocket API of its own
    "http" # plain HTTP API or web UI that is not XRPC
    "did-web" # serves /.well-known/did.json
  ];

  topKeys = [
    "type"
    "services"
    "protocols"
    "security"
    "assets"
    "minCompatibleVersion"
    "breakingChanges"
  ];

  breakingKeys = [
    "version"
    "description"
    "migration"
  ];

  # A breaking change: exactly its three strings.
  isBreakingChange =
    c:
    builtins.isAttrs c
    && lib.sort lib.lessThan (builtins.attrNames c) == lib.sort lib.lessThan breakingKeys
    && builtins.all (k: builtins.isString c.${k} && c.${k} != "") breakingKeys;

  securityKeys = [
    "needsNetwork"
    "memoryDenyWriteExecute"
    "writablePaths"
  ];

  isListOfStrings = v: builtins.isList v && builtins.all builtins.isString v;

  # validateAtproto :: string -> attrs -> attrs
  # Checks a `passthru.atproto` value and returns it with defaults filled in.
  # Throws a message naming the package and the bad field otherwise.
  validateAtproto =
    name: a:
    let
      fail = msg: throw "atproto package ${name}: passthru.atproto${msg}";
      unknown = lib.subtractLists topKeys (builtins.attrNames a);
      sec = a.security or { };
      unknownSec = lib.subtractLists securityKeys (builtins.attrNames sec);
      security = {
        needsNetwork = sec.needsNetwork or true;
        memoryDenyWriteExecute = sec.memoryDenyWriteExecute or (a.type != "node");
        writablePaths = sec.writablePaths or [ ];
      };
      protocols = a.protocols or [ ];
      badProtocols = lib.subtractLists knownProtocols protocols;
      assets = a.assets or null;
      minCompatibleVersion = a.minCompatibleVersion or null;
      breakingChanges = a.breakingChanges or [ ];
    in
    if !builtins.isAttrs a then
      fail " must be an attribute set"
    else if unknown != [ ] then
      fail " has unknown keys: ${lib.concatStringsSep ", " unknown} (known: ${lib.concatStringsSep ", " topKeys})"
    else if !(a ? type) || !(builtins.elem a.type knownTypes) then
      fail ".type must be one of ${lib.concatStringsSep ", " knownTypes}"
    else if !(a ? services) || !(isListOfStrings a.services) then
      fail ".services must be a list of catalog ids (strings)"
    else if !(isListOfStrings protocols) then
      fail ".protocols must be a list of strings"
    else if badProtocols != [ ] then
      fail ".protocols has unknown entries: ${lib.concatStringsSep ", " badProtocols} (known: ${lib.concatStringsSep ", " knownProtocols})"
    else if !builtins.isAttrs sec then
      fail ".security must be an attribute set"
    else if unknownSec != [ ] then
      fail ".security has unknown keys: ${lib.concatStringsSep ", " unknownSec}"
    else if !builtins.isBool security.needsNetwork then
      fail ".security.needsNetwork must be a boolean"
    else if !builtins.isBool security.memoryDenyWriteExecute then
      fail ".security.memoryDenyWriteExecute must be a boolean"
    else if !(isListOfStrings security.writablePaths) then
      fail ".security.writablePaths must be a list of strings"
    else if assets != null && !(builtins.isString assets && lib.hasPrefix "share/" assets) then
      fail ".assets must be null or a path inside the package starting with \"share/\""
    else if minCompatibleVersion != null && !builtins.isString minCompatibleVersion then
      fail ".minCompatibleVersion must be null or a version string"
    else if !(builtins.isList breakingChanges && builtins.all isBreakingChange breakingChanges) then
      fail ".breakingChanges must be a list of { version; description; migration; } (non-empty strings)"
    else
      {
        inherit (a) type services;
        inherit
          protocols
          security
          assets
          minCompatibleVersion
          breakingChanges
          ;
      };

  # mkAtprotoPackage :: { atproto, meta ? {} } -> drv -> drv
  #
  # Attaches a validated `passthru.atproto` (see the top of this file) and
  # merges `meta` into the derivation's meta. The final meta must have
  # `description` and `homepage`. Only passthru and meta change, so the
  # derivation (its .drv and output paths) stays exactly the same: wrapping a
  # nixpkgs package costs no rebuild and still hits the binary cache.
  # Validation runs as soon as the returned value is evaluated.
  mkAtprotoPackage =
    {
      atproto,
      meta ? { },
    }:
    drv:
    let
      name = drv.pname or drv.name or "<unnamed>";
      checked = validateAtproto name atproto;
      finalMeta = (drv.meta or { }) // meta;
      metaOk =
        if !(finalMeta ? description) then
          throw "atproto package ${name}: meta.description is missing"
        else if !(finalMeta ? homepage) then
          throw "atproto package ${name}: meta.homepage is missing"
        else
          true;
      result =
        if drv ? overrideAttrs then
          drv.overrideAttrs (old: {
            passthru = (old.passthru or { }) // {
              atproto = checked;
            };
            meta = (old.meta or { }) // meta;
          })
        else
          # Plain attribute sets (e.g. test stubs): same shape, no rebuild.
          drv
          // {
            atproto = checked;
            passthru = (drv.passthru or { }) // {
              atproto = checked;
            };
            meta = finalMeta;
          };
    in
    builtins.deepSeq checked (builtins.seq metaOk result);

  # Shell lines that copy `assets` (attrs: name under share/<pname>/ ->
  # source path) into $out/share/<pname>/. `from` is a prefix for the
  # source paths ("." inside a crane build, "${src}" elsewhere).
  installAssetsScript =
    pname: assets: from:
    lib.concatStringsSep "\n" (
      [ "mkdir -p $out/share/${pname}" ]
      ++ lib.mapAttrsToList (
        to: path:
        "cp -r --no-preserve=mode ${from}/${lib.escapeShellArg path} $out/share/${pname}/${lib.escapeShellArg to}"
      ) assets
    );

  withAssets =
    pname: assets: atproto:
    if assets == { } then atproto else { assets = "share/${pname}"; } // atproto;

  # mkRustAtprotoService builds ONE Rust crate with crane, as two derivations:
  # `craneLib.buildDepsOnly` (dependencies only; reused by every rebuild of
  # the service as long as Cargo.lock does not change) and
  # `craneLib.buildPackage` on top of it.
  #
  # Arguments:
  #   craneLib        crane's lib for the target pkgs (`crane.mkLib pkgs`)
  #   src             the source tree (Cargo.toml + Cargo.lock at its root)
  #   pname, version  package name and version (given explicitly: reading
  #                   them from Cargo.toml would be import-from-derivation
  #                   when `src` is fetched)
  #   atproto         passthru.atproto (see the top of this file)
  #   meta            meta attributes (description and homepage required)
  #   assets ? {}     files the program opens relative to its working
  #                   directory: { "<name under share/<pname>>" = "<path in src>"; }
  #                   installed to $out/share/<pname>/ and recorded as
  #                   passthru.atproto.assets
  #   cargoArtifacts ? null   reuse an existing dependency build instead of
  #                   making one
  #   cargoExtraArgs ? "--locked"   e.g. "--locked -p my-crate --bin my-bin"
  #   doCheck ? false upstream test suites often need the network; turn on
  #                   where they do not
  #   ...             everything else (nativeBuildInputs, buildInputs, env,
  #                   outputHashes, postInstall, …) goes to crane as is
  # Returns the package; passthru.cargoArtifacts is the dependency build.
  mkRustAtprotoService =
    {
      craneLib,
      src,
      pname,
      version,
      atproto,
      meta ? { },
      assets ? { },
      cargoArtifacts ? null,
      cargoExtraArgs ? "--locked",
      doCheck ? false,
      ...
    }@args:
    let
      common =
        builtins.removeAttrs args [
          "craneLib"
          "atproto"
          "meta"
          "assets"
          "cargoArtifacts"
          "passthru"
        ]
        // {
          inherit cargoExtraArgs doCheck;
        };
      deps = if cargoArtifacts != null then cargoArtifacts else craneLib.buildDepsOnly common;
      drv = craneLib.buildPackage (
        common
        // {
          cargoArtifacts = deps;
          postInstall =
            (args.postInstall or "")
            + lib.optionalString (assets != { }) ("\n" + installAssetsScript pname assets ".");
          passthru = (args.passthru or { }) // {
            cargoArtifacts = deps;
          };
        }
      );
    in
    mkAtprotoPackage {
      atproto = withAssets pname assets atproto;
      inherit meta;
    } drv;

  # mkRustWorkspace builds several binaries of one Cargo workspace with ONE
  # shared dependency build.
  #
  # Arguments:
  #   pkgs            nixpkgs (for stdenvNoCC, used by the thin per-service
  #                   derivations)
  #   craneLib        crane's lib for `pkgs`
  #   src             the workspace source (Cargo.lock at its root)
  #   pname, version  name and version of the workspace build
  #   members         crates to build, each passed as `-p <crate>` (only
  #                   these and their dependencies are compiled, not the
  #                   whole workspace)
  #   cargoExtraArgs ? "--locked"
  #   outputHashes ? {}   crane's map from a git dependency's Cargo.lock
  #                   `source` (percent-decoded) to the NAR hash of its
  #                   checkout (nixpkgs fetchgit, submodules and LFS on).
  #                   A source that is absent, or mapped to null, is fetched
  #                   with builtins.fetchGit at the locked rev instead
  #                   (at evaluation time, no hash needed).
  #   doCheck ? false
  #   meta ? {}       meta for the workspace build
  #   ...             nativeBuildInputs, buildInputs, env, … (crane args)
  #
  # Returns:
  #   cargoArtifacts  the `buildDepsOnly` derivation (dependencies of all
  #                   `members`, compiled once)
  #   cargoVendorDir  the vendored dependency sources
  #   workspace       one `buildPackage` of all `members` on top of
  #                   cargoArtifacts; $out/bin has every binary
  #   mkBinary        { pname, bin, version ? <workspace version>, atproto,
  #                     meta ? {}, assets ? {}, aliases ? [], extraBins ? [],
  #                     crate ? null, standalone ? false }: drv
  #
  # mkBinary, default (standalone = false): a small derivation that copies
  # `bin` (the program, meta.mainProgram) and `extraBins` (companion tools of
  # the same crate) out of `workspace`, plus `assets` from `src`, plus
  # `aliases` as symlinks to `bin`.
  # Why copy from one workspace build rather than run
  # `cargo build -p <crate> --bin <bin>` once per service: Cargo resolves
  # features per invocation, so a single-crate build sees a different feature
  # set for shared dependencies (tokio, serde, …) than the workspace-wide
  # deps build did, and recompiles them and everything above them in every
  # service derivation. One build of all members uses exactly the feature set
  # the deps build compiled, so nothing is compiled twice. The copied binary
  # keeps only its own runtime references, so each service's closure stays
  # small.
  #
  # mkBinary with standalone = true (needs `crate`): a separate
  # `craneLib.buildPackage` with `cargoExtraArgs = "--locked -p <crate>
  # --bin <bin>"` that still reuses `cargoArtifacts`; it compiles only that
  # crate (plus whatever its own feature set needs), so changing one service
  # does not rebuild the others.
  mkRustWorkspace =
    {
      pkgs,
      craneLib,
      src,
      pname,
      version,
      members,
      cargoExtraArgs ? "--locked",
      outputHashes ? { },
      doCheck ? false,
      meta ? { },
      ...
    }@args:
    let
      membersArgs = lib.concatMapStringsSep " " (m: "-p ${m}") members;
      cargoVendorDir = craneLib.vendorCargoDeps { inherit src outputHashes; };
      common =
        builtins.removeAttrs args [
          "pkgs"
          "craneLib"
          "members"
          "meta"
          "outputHashes"
          "cargoExtraArgs"
        ]
        // {
          inherit cargoVendorDir doCheck;
          cargoExtraArgs = "${cargoExtraArgs} ${membersArgs}";
        };
      cargoArtifacts = craneLib.buildDepsOnly common;
      workspace = craneLib.buildPackage (
        common
        // {
          inherit cargoArtifacts;
          meta = meta;
          passthru = {
            inherit members;
          };
        }
      );

      mkBinary =
        {
          pname,
          bin,
          atproto,
          version ? args.version,
          meta ? { },
          assets ? { },
          aliases ? [ ],
          extraBins ? [ ],
          crate ? null,
          standalone ? false,
        }:
        let
          binPname = pname;
          aliasLines = lib.concatMapStringsSep "\n" (
            a: "ln -s ${lib.escapeShellArg bin} $out/bin/${lib.escapeShellArg a}"
          ) aliases;
          baseMeta = {
            platforms = lib.platforms.linux;
          }
          // (args.meta or { })
          // meta
          // {
            mainProgram = bin;
          };
          drv =
            if standalone then
              (
                if crate == null then
                  throw "mkRustWorkspace.mkBinary ${binPname}: standalone = true needs `crate`"
                else
                  craneLib.buildPackage (
                    common
                    // {
                      pname = binPname;
                      inherit version cargoArtifacts;
                      cargoExtraArgs = "${cargoExtraArgs} -p ${crate} ${
                        lib.concatMapStringsSep " " (b: "--bin ${b}") ([ bin ] ++ extraBins)
                      }";
                      postInstall =
                        lib.optionalString (assets != { }) (installAssetsScript binPname assets ".")
                        + "\n"
                        + aliasLines;
                      passthru = {
                        inherit cargoArtifacts;
                      };
                      meta = baseMeta;
                    }
                  )
              )
            else
              pkgs.stdenvNoCC.mkDerivation {
                pname = binPname;
                inherit version;
                dontUnpack = true;
                dontConfigure = true;
                dontBuild = true;
                # The binary was stripped and fixed up in `workspace`
                # already; copy it byte for byte.
                dontFixup = true;
                installPhase = ''
                  runHook preInstall
                  mkdir -p $out/bin
                  ${lib.concatMapStringsSep "\n" (
                    b: "cp ${workspace}/bin/${lib.escapeShellArg b} $out/bin/"
                  ) ([ bin ] ++ extraBins)}
                  ${aliasLines}
                  ${lib.optionalString (assets != { }) (installAssetsScript binPname assets "${src}")}
                  runHook postInstall
                '';
                passthru = {
                  inherit workspace cargoArtifacts;
                };
                meta = baseMeta;
              };
        in
        mkAtprotoPackage {
          atproto = withAssets binPname assets atproto;
          meta = { };
        } drv;
    in
    {
      inherit
        cargoArtifacts
        cargoVendorDir
        workspace
        mkBinary
        ;
    };
in
{
  inherit
    mkAtprotoPackage
    mkRustAtprotoService
    mkRustWorkspace
    validateAtproto
    knownProtocols
    knownTypes
    ;
}
