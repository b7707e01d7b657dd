# A new AT Protocol service in Rust, packaged with atproto-nix.
#
# This is a starting point: rename `my-atproto-service` everywhere, fill in
# passthru.atproto below, and grow src/main.rs.
#
#   nix build                 # the package (crane: dependencies are built once
#                             # and reused until Cargo.lock changes)
#   nix run                   # serves http://127.0.0.1:8080/xrpc/_health
#
# NixOS: add this flake as an input and
#   imports = [ my-atproto-service.nixosModules.default ];
#   services.my-atproto-service.enable = true;
{
  description = "my-atproto-service: an AT Protocol service (Rust)";

  inputs = {
    # Placeholder URL: point it at wherever you get atproto-nix from.
    atproto-nix.url = "github:atproto-nix/atproto-nix";
    nixpkgs.follows = "atproto-nix/nixpkgs";
    # The crane atproto-nix itself builds with.
    crane.follows = "atproto-nix/crane";
  };

  outputs =
    {
      self,
      nixpkgs,
      atproto-nix,
      crane,
    }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (
        pkgs:
        let
          craneLib = crane.mkLib pkgs;
        in
        {
          default = atproto-nix.lib.mkRustAtprotoService {
            inherit craneLib;
            src = craneLib.cleanCargoSource ./.;
            pname = "my-atproto-service";
            version = "0.1.0";
            # Read by the module below and by atproto-nix tooling; the fields
            # are documented in atproto-nix's nixlib/lib/packages.nix.
            atproto = {
              type = "rust";
              services = [ "my-atproto-service" ];
              protocols = [ "xrpc" ];
              security = {
                needsNetwork = true;
                memoryDenyWriteExecute = true;
                writablePaths = [ ];
              };
            };
            meta = {
              description = "An AT Protocol service";
              homepage = "https://example.com/my-atproto-service";
              mainProgram = "my-atproto-service";
            };
          };
        }
      );

      nixosModules.default = import ./module.nix self;
    };
}
