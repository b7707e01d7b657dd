# Evaluates a host directory the wizard wrote (flake.nix + configuration.nix +
# atproto.nix) the way `nixos-rebuild --flake` would, with stand-in inputs: nixpkgs'
# nixosSystem is lib.evalModules over the declaration stub, and the atproto-nix input is
# this repository. Returns { <host> = { failed; warnings; units; }; }.
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
  };
in
builtins.mapAttrs
  (_: r: {
    inherit (r) failed warnings;
    units = builtins.attrNames r.config.systemd.services;
  })
  outputs.nixosConfigurations
