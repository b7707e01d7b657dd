# Evaluates a fleet's flake.nix (`fleet apply`) the way its engine and nixos-rebuild
# would, with stand-in inputs: nixpkgs' nixosSystem is lib.evalModules over the
# declaration stub (as in host-flake.nix), atproto-nix is this repository, and the
# engines' libraries are stand-ins with the names and shapes their sources have:
# colmena's lib.makeHive (returns the hive it is given), deploy-rs's
# lib.<system>.activate.nixos and lib.<system>.deployChecks.
# Returns each host's failed assertions and a few resolved settings, and the engine's
# view of the nodes.
{ libPath, dir }:
let
  stubNixpkgs = {
    outPath = ./stub-nixpkgs-import.nix;
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
  colmena = { lib.makeHive = hive: hive; };
  deploy-rs = {
    lib.x86_64-linux = {
      activate.nixos = system: { activates = system.config.networking.hostName; };
      deployChecks = deploy: { nodes = builtins.attrNames deploy.nodes; };
    };
  };
  flake = import (dir + "/flake.nix");
  outputs = flake.outputs {
    self = outputs;
    nixpkgs = stubNixpkgs;
    atproto-nix = { nixosModules.default = ../../modules; };
    inherit colmena deploy-rs;
  };
  host = r: {
    inherit (r) failed;
    hostName = r.config.networking.hostName;
    crawlers = if r.config.services.bluesky-pds.enable then r.config.services.bluesky-pds.settings.PDS_CRAWLERS else null;
    jetstream = if r.config.services.constellation.enable then r.config.services.constellation.settings.jetstream else null;
  };
in
{
  hosts = builtins.mapAttrs (_: host) outputs.nixosConfigurations;
  colmena = if outputs ? colmenaHive then {
    meta = outputs.colmenaHive.meta.nixpkgs;
    nodes = builtins.mapAttrs (_: n: { inherit (n) deployment; imports = builtins.length n.imports; })
      (removeAttrs outputs.colmenaHive [ "meta" ]);
  } else null;
  deploy = if outputs ? deploy then {
    nodes = builtins.mapAttrs (_: n: removeAttrs n [ "profiles" ] // { activates = n.profiles.system.path.activates; user = n.profiles.system.user; }) outputs.deploy.nodes;
    checks = outputs.checks;
  } else null;
}
