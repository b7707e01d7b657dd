# Ozone (https://github.com/bluesky-social/ozone): moderation service = the
# Next.js web UI of this repository + the @atproto/ozone backend (0.1.167,
# pinned in service/package.json), served by one process (service/index.js).
# nixpkgs has no package.
#
# Built the way upstream's Dockerfile does it, in one derivation:
#   1. install the UI's dependencies (root yarn.lock, yarn 4) and run
#      `yarn build` (= next build);
#   2. drop node_modules and .next/cache, move service/package.json and
#      service/yarn.lock to the root and install those dependencies
#      (the backend, plus the `next` runtime that serves the built UI);
#   3. copy the tree to $out/lib/ozone.
# `ozone` runs service/index.js and `ozone-daemon` service/daemon.js (the
# scheduled-actions process), both from $out/lib/ozone: Next looks for .next/
# in the current directory, so the wrappers chdir there. Next's runtime
# caches (.next/cache, image optimisation) are then read-only; the UI works
# without them.
#
# NEXT_PUBLIC_* variables are compiled into the UI at build time (step 1);
# setting them in the service's environment changes nothing. To set them,
# override: `ozone.overrideAttrs (o: { env = o.env // { NEXT_PUBLIC_… = "…"; }; })`.
#
# NOT BUILT on the machine that wrote this (no npm registry, no full
# nixpkgs). Expected first-build work:
#   - both dependency hashes below are lib.fakeHash (NOT COMPUTED);
#   - yarn 4 lockfiles have no checksums for platform-specific optional
#     packages (@next/swc-*, @img/sharp-*): generate them with
#       yarn-berry-fetcher missing-hashes yarn.lock > missing-hashes.json
#       yarn-berry-fetcher missing-hashes service/yarn.lock > service-missing-hashes.json
#     (yarn-berry-fetcher is nixpkgs' yarn-berry_4.yarn-berry-fetcher) and
#     put both files next to this default.nix; they are picked up when
#     present;
#   - `next build` loads the prebuilt @next/swc-linux-* addon; if it cannot
#     be loaded in the sandbox, add autoPatchelfHook.
{
  lib,
  stdenv,
  yarn-berry_4,
  nodejs,
  makeBinaryWrapper,
  helpers,
  source,
  src,
}:

let
  uiMissingHashes = ./missing-hashes.json;
  serviceMissingHashes = ./service-missing-hashes.json;
  haveUiMissing = builtins.pathExists uiMissingHashes;
  haveServiceMissing = builtins.pathExists serviceMissingHashes;

  swapToService = ''
    mv service/package.json package.json
    mv service/yarn.lock yarn.lock
  '';

  uiDeps = yarn-berry_4.fetchYarnBerryDeps (
    {
      inherit src;
      # NOT COMPUTED: run nix build once and paste the hash it reports.
      hash = lib.fakeHash;
    }
    // lib.optionalAttrs haveUiMissing { missingHashes = uiMissingHashes; }
  );

  serviceDeps = yarn-berry_4.fetchYarnBerryDeps (
    {
      inherit src;
      postPatch = swapToService;
      # NOT COMPUTED: run nix build once and paste the hash it reports.
      hash = lib.fakeHash;
    }
    // lib.optionalAttrs haveServiceMissing { missingHashes = serviceMissingHashes; }
  );
in
helpers.mkAtprotoPackage
  {
    atproto = {
      type = "node";
      services = [ "ozone" ];
      protocols = [
        "xrpc"
        "http"
      ];
      security = {
        needsNetwork = true;
        # V8 JIT
        memoryDenyWriteExecute = false;
        writablePaths = [ ];
      };
    };
  }
  (
    stdenv.mkDerivation {
      pname = "ozone";
      version = "0.1.167-unstable-${source.date}";
      inherit src;

      # Step 1 (yarnBerryConfigHook runs after configure with this cache).
      yarnOfflineCache = uiDeps;
      missingHashes = if haveUiMissing then uiMissingHashes else null;

      nativeBuildInputs = [
        yarn-berry_4
        yarn-berry_4.yarnBerryConfigHook
        nodejs
        makeBinaryWrapper
      ];

      env.NEXT_TELEMETRY_DISABLED = "1";

      buildPhase = ''
        runHook preBuild

        yarn build

        # Step 2: the service's dependencies, as upstream's Dockerfile does.
        rm -rf node_modules .next/cache .yarn
        ${swapToService}
        yarnOfflineCache=${serviceDeps}
        ${if haveServiceMissing then "missingHashes=${serviceMissingHashes}" else "unset missingHashes"}
        yarnBerryConfigHook

        runHook postBuild
      '';

      installPhase = ''
        runHook preInstall

        rm -rf .yarn
        mkdir -p $out/lib/ozone $out/bin
        cp -r . $out/lib/ozone/
        makeWrapper ${lib.getExe nodejs} $out/bin/ozone \
          --chdir $out/lib/ozone \
          --add-flags $out/lib/ozone/service/index.js \
          --set-default NODE_ENV production
        makeWrapper ${lib.getExe nodejs} $out/bin/ozone-daemon \
          --chdir $out/lib/ozone \
          --add-flags $out/lib/ozone/service/daemon.js \
          --set-default NODE_ENV production

        runHook postInstall
      '';

      passthru = {
        inherit uiDeps serviceDeps;
      };

      meta = {
        description = "AT Protocol moderation service: labeler backend and web UI (Bluesky Ozone)";
        homepage = "https://github.com/bluesky-social/ozone";
        license = with lib.licenses; [
          mit
          asl20
        ];
        mainProgram = "ozone";
        platforms = lib.platforms.linux;
      };
    }
  )
