# A new AT Protocol service in Go, packaged with atproto-nix.
#
# This is a starting point: rename `my-atproto-service` (and the module path
# in go.mod) everywhere, fill in passthru.atproto below, and grow main.go.
#
#   nix build
#   nix run       # serves http://127.0.0.1:8080/xrpc/_health
#
# NixOS: add this flake as an input and
#   imports = [ my-atproto-service.nixosModules.default ];
#   services.my-atproto-service.enable = true;
{
  description = "my-atproto-service: an AT Protocol service (Go)";

  inputs = {
    # Placeholder URL: point it at wherever you get atproto-nix from.
    atproto-nix.url = "github:atproto-nix/atproto-nix";
    nixpkgs.follows = "atproto-nix/nixpkgs";
  };

  outputs =
    {
      self,
      nixpkgs,
      atproto-nix,
    }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: {
        default = atproto-nix.lib.mkAtprotoPackage {
          # Read by the module below and by atproto-nix tooling; the fields
          # are documented in atproto-nix's nixlib/lib/packages.nix.
          atproto = {
            type = "go";
            services = [ "my-atproto-service" ];
            protocols = [ "xrpc" ];
            security = {
              needsNetwork = true;
              memoryDenyWriteExecute = true;
              writablePaths = [ ];
            };
          };
        } (
          pkgs.buildGoModule {
            pname = "my-atproto-service";
            version = "0.1.0";
            src = ./.;

            # The hash of the Go module dependencies. This skeleton has none,
            # and null is exactly right for that. After your first
            # `go get …`, set it to pkgs.lib.fakeHash: the next `nix build`
            # fails with "hash mismatch … got: sha256-…"; paste that value
            # here, and again after every change to go.sum.
            vendorHash = null;

            env.CGO_ENABLED = "0";

            meta = {
              description = "An AT Protocol service";
              homepage = "https://example.com/my-atproto-service";
              mainProgram = "my-atproto-service";
            };
          }
        );
      });

      nixosModules.default = import ./module.nix self;
    };
}
