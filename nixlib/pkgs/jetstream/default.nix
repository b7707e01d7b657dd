# jetstream (https://github.com/bluesky-social/jetstream), the 2026 rewrite,
# tag v0.2.0. nixpkgs has no jetstream package.
#
# Built like upstream's Dockerfile: `go build ./cmd/jetstream` with
# CGO_ENABLED=0, -trimpath, and the version stamped into
# internal/version via -ldflags -X.
#
# go.mod says `go 1.26.5`; buildGoModule sets GOTOOLCHAIN=local, so the Go in
# use must be at least that (upstream's own flake takes go_1_26 from
# nixos-26.05). buildGo126Module is used when this nixpkgs has it.
{
  lib,
  buildGoModule,
  buildGo126Module ? null,
  helpers,
  source,
  src,
}:

let
  build = if buildGo126Module != null then buildGo126Module else buildGoModule;
  version = lib.removePrefix "v" source.tag;
in
helpers.mkAtprotoPackage
  {
    atproto = {
      type = "go";
      services = [ "jetstream" ];
      protocols = [
        "jetstream"
        "firehose"
        "xrpc"
        "websocket"
        "http"
      ];
      security = {
        needsNetwork = true;
        memoryDenyWriteExecute = true;
        # --data-dir defaults to ./data; the module passes an absolute path.
        writablePaths = [ ];
      };
    };
  }
  (build {
    pname = "jetstream";
    inherit version src;

    # NOT COMPUTED: run nix build once and paste the hash it reports.
    # (The Go module download cannot be done on the machine this was written
    # on. lib.fakeHash makes the first build fail with "hash mismatch … got:
    # sha256-…"; that value goes here.)
    vendorHash = lib.fakeHash;

    subPackages = [ "cmd/jetstream" ];

    env.CGO_ENABLED = "0";

    ldflags = [
      "-s"
      "-w"
      "-X github.com/bluesky-social/jetstream/internal/version.Version=${source.tag}"
      "-X github.com/bluesky-social/jetstream/internal/version.Commit=${source.rev}"
      "-X github.com/bluesky-social/jetstream/internal/version.Date=${source.date}"
    ];

    # Upstream's test suite includes end-to-end and oracle tests that have not
    # been checked against the Nix sandbox (no network); off until someone
    # has run them there.
    doCheck = false;

    meta = {
      description = "Full-network archive and live-streaming service for AT Protocol";
      homepage = "https://github.com/bluesky-social/jetstream";
      license = with lib.licenses; [
        mit
        asl20
      ];
      mainProgram = "jetstream";
      platforms = lib.platforms.linux;
    };
  })
