# feed-generator (https://github.com/bluesky-social/feed-generator): Bluesky's
# feed generator starter kit (TypeScript, yarn 1). nixpkgs has no package.
#
# Upstream runs `yarn start` = `ts-node src/index.ts`. Here the TypeScript is
# compiled once with the repository's own `build` script (`tsc`, outDir
# dist/), and `feed-generator` runs `node dist/index.js`. It is a template:
# operators are expected to fork it and write their own algorithm in
# src/algos; override `src` to build a fork.
#
# better-sqlite3 is a native addon: yarnConfigHook installs with
# --ignore-scripts, so it is compiled explicitly against this nodejs, the way
# nixpkgs' bluesky-pds does it. node_modules keeps devDependencies (typescript,
# ts-node), which also lets `yarn publishFeed` work from a checkout.
{
  lib,
  stdenv,
  fetchYarnDeps,
  yarnConfigHook,
  yarn,
  nodejs,
  python3,
  srcOnly,
  removeReferencesTo,
  makeBinaryWrapper,
  helpers,
  source,
  src,
}:

let
  nodeSources = srcOnly nodejs;
in
helpers.mkAtprotoPackage
  {
    atproto = {
      type = "node";
      services = [ "feed-generator" ];
      protocols = [
        "xrpc"
        "firehose"
        "did-web"
      ];
      security = {
        needsNetwork = true;
        # V8 JIT
        memoryDenyWriteExecute = false;
        # FEEDGEN_SQLITE_LOCATION defaults to :memory:; the module points it
        # at the state directory.
        writablePaths = [ ];
      };
    };
  }
  (
    stdenv.mkDerivation {
      pname = "feed-generator";
      version = "1.0.0-unstable-${source.date}";
      inherit src;

      yarnOfflineCache = fetchYarnDeps {
        yarnLock = "${src}/yarn.lock";
        # NOT COMPUTED: run nix build once and paste the hash it reports.
        # (fetchYarnDeps needs the npm registry, which the machine this was
        # written on cannot reach.)
        hash = lib.fakeHash;
      };

      nativeBuildInputs = [
        yarnConfigHook
        yarn
        nodejs
        python3
        removeReferencesTo
        makeBinaryWrapper
      ];

      buildPhase = ''
        runHook preBuild

        pushd node_modules/better-sqlite3
        npm run build-release --offline --nodedir="${nodeSources}"
        find build -type f -exec remove-references-to -t "${nodeSources}" {} \;
        popd

        yarn --offline run build

        runHook postBuild
      '';

      installPhase = ''
        runHook preInstall

        mkdir -p $out/lib/feed-generator $out/bin
        cp -r dist node_modules package.json $out/lib/feed-generator/
        makeWrapper ${lib.getExe nodejs} $out/bin/feed-generator \
          --add-flags $out/lib/feed-generator/dist/index.js \
          --set-default NODE_ENV production

        runHook postInstall
      '';

      meta = {
        description = "Starter kit for an AT Protocol feed generator (Bluesky)";
        homepage = "https://github.com/bluesky-social/feed-generator";
        license = lib.licenses.mit;
        mainProgram = "feed-generator";
        platforms = lib.platforms.linux;
      };
    }
  )
