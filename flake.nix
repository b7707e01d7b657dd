{
  description = "AT Protocol services on NixOS: packages, modules, integrations and the atproto-wizard";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
    crane.url = "github:ipetkov/crane";
    # Only `checks` uses these two: the VM tests of the sops and agenix secrets backends
    # (nixlib/tests/vm/secrets-{sops,agenix}.nix) import them as a host would. No module,
    # package or profile reads them, so evaluating a host never needs their source; a
    # host flake that uses this one still gets them in its flake.lock (locking fetches
    # them once; `atproto-nix.inputs.sops-nix.follows = "sops-nix"` there shares the
    # host's own). Both follow our nixpkgs, as in the host flakes the wizard writes.
    sops-nix = {
      url = "github:Mic92/sops-nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    agenix = {
      url = "github:ryantm/agenix";
      inputs.nixpkgs.follows = "nixpkgs";
      # agenix's README: not needed for the NixOS module.
      inputs.darwin.follows = "";
    };
  };

  outputs =
    { self, nixpkgs, crane, ... }@inputs:
    let
      inherit (nixpkgs) lib;
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forSystems = f: lib.genAttrs systems (system: f (pkgsFor system));
      pkgsFor = system: import nixpkgs {
        inherit system;
        overlays = [ self.overlays.default ];
      };

      catalog = import ./nixlib/lib/catalog.nix { };
      serviceIds = builtins.attrNames catalog.services;
      profileNames = map (lib.removeSuffix ".toml")
        (builtins.filter (lib.hasSuffix ".toml") (builtins.attrNames (builtins.readDir ./profiles)));

      # Profile hosts for `checks`: a profile plus the least a NixOS system needs.
      profileHost = pkgs: name: lib.nixosSystem {
        system = pkgs.stdenv.hostPlatform.system;
        modules = [
          self.nixosModules.default
          (./profiles + "/${name}.nix")
          {
            boot.loader.grub.enable = false;
            fileSystems."/" = { device = "none"; fsType = "tmpfs"; };
            system.stateVersion = "25.11";
          }
        ];
      };

      # A VM test file is a function of what it needs by name (`self`, `sops-nix`,
      # `agenix`) returning a nixpkgs test module; `hosts` (the hosts under test, which
      # tests/vm_tests.rs evaluates with the declaration stub) and `covers` (the
      # integrations it claims) are ours, so they are taken out before nixpkgs sees it.
      vmTestArgs = { inherit self; inherit (inputs) sops-nix agenix; };
      vmTest = pkgs: file:
        let
          test = import (./nixlib/tests/vm + "/${file}");
          t = test (builtins.intersectAttrs (lib.functionArgs test) vmTestArgs);
        in
        pkgs.testers.runNixOSTest {
          imports = [ (builtins.removeAttrs t [ "hosts" "covers" ]) ];
          # Our modules add their overlay with nixpkgs.overlays, as on any host, and
          # runNixOSTest makes nixpkgs.* read-only (a second definition of a unique
          # option) unless told otherwise: each node builds its pkgs as a host does.
          node.pkgsReadOnly = false;
        };
    in
    {
      overlays.default = import ./nixlib/pkgs/overlay.nix { inherit crane; };

      # Every module uses this flake's overlay (crane from the flake input).
      nixosModules =
        let
          withOverlay = module: {
            imports = [ module ];
            atproto.overlay = self.overlays.default;
          };
        in
        {
          default = withOverlay ./nixlib/modules;
          integration = withOverlay ./nixlib/modules/integration;
        }
        // lib.genAttrs serviceIds (id: withOverlay (./nixlib/modules/services + "/${id}.nix"))
        // lib.listToAttrs (map
          (name: lib.nameValuePair "profile-${name}" {
            imports = [ (withOverlay ./nixlib/modules) (./profiles + "/${name}.nix") ];
          })
          profileNames);

      packages = forSystems (pkgs:
        # who-am-i has no upstream licence, so nixpkgs treats it as unfree: it stays in
        # pkgs.atproto for those who allow it, not in the flake's package list.
        lib.filterAttrs (_: p: lib.isDerivation p && !(p.meta.unfree or false)) pkgs.atproto
        // rec {
          atproto-wizard = pkgs.callPackage ./nixlib/pkgs/atproto-wizard.nix { };
          default = atproto-wizard;
        });

      apps = forSystems (pkgs: {
        default = {
          type = "app";
          program = lib.getExe self.packages.${pkgs.stdenv.hostPlatform.system}.atproto-wizard;
        };
      });

      lib = {
        catalog = catalog;
        validate = import ./nixlib/lib/validate.nix { inherit catalog; };
        mkServiceModule = import ./nixlib/lib/service-module.nix;
        hardening = import ./nixlib/lib/hardening.nix;
      } // import ./nixlib/lib/packages.nix { inherit lib; };

      templates = {
        rust = {
          path = ./templates/rust;
          description = "A Rust AT Protocol service packaged with crane, with a NixOS module";
        };
        node = {
          path = ./templates/node;
          description = "A Node AT Protocol service packaged with buildNpmPackage, with a NixOS module";
        };
        go = {
          path = ./templates/go;
          description = "A Go AT Protocol service packaged with buildGoModule, with a NixOS module";
        };
        default = self.templates.rust;
      };

      checks = forSystems (pkgs:
        # Each profile as a whole NixOS system: its assertions pass and it builds.
        lib.listToAttrs (map
          (name: lib.nameValuePair "profile-${name}" (profileHost pkgs name).config.system.build.toplevel)
          profileNames)
        # Every VM test in nixlib/tests/vm/ (each top-level *.nix file; the sub-folders
        # hold shared harness pieces and test-only keys) as vm-<file name>. Names never depend on `pkgs`, so the list
        # of checks is known without nixpkgs (tests/vm_tests.rs compares it with the
        # folder).
        // lib.mapAttrs'
          (file: _: lib.nameValuePair "vm-${lib.removeSuffix ".nix" file}" (vmTest pkgs file))
          (lib.filterAttrs (file: type: type == "regular" && lib.hasSuffix ".nix" file)
            (builtins.readDir ./nixlib/tests/vm)));

      devShells = forSystems (pkgs: {
        default = pkgs.mkShell {
          packages = with pkgs; [ cargo rustc clippy rustfmt rust-analyzer nix nixfmt-rfc-style openssl ];
        };
      });
    };
}
