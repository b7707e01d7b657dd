# Bluesky AppView API (bluesky-social/atproto, services/bsky + @atproto/bsky
# 0.0.275 from the same monorepo). nixpkgs has no package.
#
# Follows upstream's services/bsky/Dockerfile:
#   pnpm install (whole workspace), build `bsky-app-view-service` and the
#   workspace packages it depends on, then reinstall production dependencies
#   only, hoisted; run from services/bsky:
#     node --heapsnapshot-signal=SIGUSR2 --enable-source-maps \
#          --import=./tracer.ts --import=@atproto/bsky/telemetry api.ts
#   (Node runs the .ts files by stripping types, hence nodejs 24 like the
#   Dockerfile's node:24. tracer.ts initialises dd-trace, as upstream does.)
#
# Upstream documents no self-hosting path for the AppView (the dataplane it
# reads from has no service entry point); the catalog marks it experimental.
#
# NOT BUILT on the machine that wrote this (no npm registry, no full
# nixpkgs). Expected first-build work:
#   - the pnpm dependency hash below is lib.fakeHash (NOT COMPUTED);
#   - upstream requires pnpm 11 (packageManager pnpm@11.11.0, devEngines
#     onFail "error"); this needs a nixpkgs with pnpm_11, and a
#     fetchPnpmDeps that supports it (fetcherVersion below may need raising);
#   - the build runs codegen with `buf` and `lex` from node_modules, and
#     prebuilt native tools (esbuild, rolldown, @swc/core); if one cannot
#     run in the sandbox, add autoPatchelfHook.
{
  lib,
  stdenv,
  nodejs_24 ? null,
  pnpm_11 ? null,
  fetchPnpmDeps ? null,
  pnpmConfigHook ? null,
  makeBinaryWrapper,
  python3,
  helpers,
  source,
  src,
}:

let
  pname = "bluesky-appview";
  version = "0.0.275-unstable-${source.date}";

  # Missing tools only fail when the package is built or its .drv is
  # computed, not when pkgs.atproto is listed.
  need =
    name: value:
    if value == null then
      throw "bluesky-appview: this nixpkgs has no ${name}; the AppView needs nodejs 24 and pnpm 11"
    else
      value;
  node = need "nodejs_24" nodejs_24;
  pnpm = need "pnpm_11" pnpm_11;
  # Newer nixpkgs: top-level fetchPnpmDeps / pnpmConfigHook; older: the
  # same functions as pnpm.fetchDeps / pnpm.configHook.
  fetchDeps = if fetchPnpmDeps != null then fetchPnpmDeps else pnpm.fetchDeps;
  configHook = if pnpmConfigHook != null then pnpmConfigHook else pnpm.configHook;
in
helpers.mkAtprotoPackage
  {
    atproto = {
      type = "node";
      services = [ "bluesky-appview" ];
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
      inherit pname version src;

      pnpmDeps = fetchDeps (
        {
          inherit pname version src;
          fetcherVersion = 3;
          # NOT COMPUTED: run nix build once and paste the hash it reports.
          hash = lib.fakeHash;
        }
        // lib.optionalAttrs (fetchPnpmDeps != null) { inherit pnpm; }
      );

      nativeBuildInputs = [
        node
        pnpm
        configHook
        python3
        makeBinaryWrapper
      ];

      env = {
        PUPPETEER_SKIP_DOWNLOAD = "true";
      };

      buildPhase = ''
        runHook preBuild

        pnpm run --recursive --stream --workspace-concurrency 1 \
          --filter 'bsky-app-view-service...' build
        pnpm install --offline --prod --shamefully-hoist --frozen-lockfile \
          --config.confirmModulesPurge=false

        runHook postBuild
      '';

      installPhase = ''
        runHook preInstall

        mkdir -p $out/lib/bluesky-appview $out/bin
        cp -r . $out/lib/bluesky-appview/
        makeWrapper ${lib.getExe node} $out/bin/bsky-appview \
          --chdir $out/lib/bluesky-appview/services/bsky \
          --add-flags "--heapsnapshot-signal=SIGUSR2 --enable-source-maps --import=./tracer.ts --import=@atproto/bsky/telemetry api.ts" \
          --set-default NODE_ENV production

        runHook postInstall
      '';

      meta = {
        description = "Bluesky AppView API server (app.bsky.* XRPC), reference implementation";
        homepage = "https://github.com/bluesky-social/atproto/tree/main/services/bsky";
        license = with lib.licenses; [
          mit
          asl20
        ];
        mainProgram = "bsky-appview";
        platforms = lib.platforms.linux;
      };
    }
  )
