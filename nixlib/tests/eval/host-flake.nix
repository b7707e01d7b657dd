# Evaluates a host directory the wizard wrote (flake.nix + configuration.nix +
# atproto.nix) the way `nixos-rebuild --flake` would, with stand-in inputs: nixpkgs'
# nixosSystem is lib.evalModules over the declaration stub, and the atproto-nix input is
# this repository; sops-nix and agenix (for hosts whose backend is one of them) are
# their stand-ins, stub-sops.nix and stub-agenix.nix.
# Returns { <host> = { failed; warnings; units; }; }.
{ libPath, dir }:
let
  stubNixpkgs = {
    lib.nixosSystem = args:
      import ./eval.nix {
        inherit libPath;
        host = {
          imports = args.modules;
          _module.args = args.specialArgs or { };
        };
        modules = [ ];
      };
  };
  atprotoNix = { nixosModules.default = ../../modules; };
  flake = import (dir + "/flake.nix");
  outputs = flake.outputs {
    self = outputs;
    nixpkgs = stubNixpkgs;
    atproto-nix = atprotoNix;
    sops-nix = { nixosModules.sops = ./stub-sops.nix; };
    agenix = { nixosModules.default = ./stub-agenix.nix; };
  };
in
builtins.mapAttrs
  (_: r: {
    inherit (r) failed warnings;
    units = builtins.attrNames r.config.systemd.services;
  })
  outputs.nixosConfigurations
