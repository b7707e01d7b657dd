# A new AT Protocol service in Node.js, packaged with atproto-nix.
#
# This is a starting point: rename `my-atproto-service` everywhere, fill in
# passthru.atproto below, and grow index.js.
#
#   nix build     # the first build stops with a hash mismatch: see npmDepsHash
#   nix run       # serves http://127.0.0.1:8080/xrpc/_health
#
# NixOS: add this flake as an input and
#   imports = [ my-atproto-service.nixosModules.default ];
#   services.my-atproto-service.enable = true;
{
  description = "my-atproto-service: an AT Protocol service (Node.js)";

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
            type = "node";
            services = [ "my-atproto-service" ];
            protocols = [ "xrpc" ];
            security = {
              needsNetwork = true;
              # V8 compiles JavaScript to machine code at run time.
              memoryDenyWriteExecute = false;
              writablePaths = [ ];
            };
          };
        } (
          pkgs.buildNpmPackage {
            pname = "my-atproto-service";
            version = "0.1.0";
            src = ./.;

            # The hash of the npm dependencies in package-lock.json. It is a
            # placeholder: the first `nix build` fails with "hash mismatch …
            # got: sha256-…"; paste that value here. Do the same after every
            # change to package-lock.json.
            npmDepsHash = pkgs.lib.fakeHash;

            # No build step (plain JavaScript). Remove this once package.json
            # has a "build" script (TypeScript, bundler, …).
            dontNpmBuild = true;

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
