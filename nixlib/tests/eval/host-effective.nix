# What a host directory's flake host does, as far as adoption must keep it: evaluated
# the way nixos-rebuild --flake would (host-flake.nix's stand-in inputs), then the
# options and units a switch acts on, for tests/adopt.rs to compare before and after.
# `host` is the nixosConfigurations entry.
{ libPath, dir, host }:
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
  flake = import (dir + "/flake.nix");
  outputs = flake.outputs {
    self = outputs;
    nixpkgs = stubNixpkgs;
    atproto-nix = { nixosModules.default = ../../modules; };
  };
  r = outputs.nixosConfigurations.${host};
  c = r.config;
  lib = r.lib;
  unit = u: {
    inherit (u) wantedBy after requires;
    serviceConfig = lib.filterAttrs (n: _: builtins.elem n [ "Environment" "EnvironmentFile" "ExecStart" "User" "LoadCredential" ]) u.serviceConfig;
  };
in
{
  inherit (r) failed;
  hostName = c.networking.hostName;
  firewall = c.networking.firewall;
  pds = if c.services.bluesky-pds.enable then lib.filterAttrs (_: v: v != null) c.services.bluesky-pds.settings else { };
  pdsEnvironmentFiles = c.services.bluesky-pds.environmentFiles;
  units = builtins.mapAttrs (_: unit) c.systemd.services;
  nginx = removeAttrs c.services.nginx [ "virtualHosts" ];
  virtualHosts = c.services.nginx.virtualHosts;
  caddy = c.services.caddy;
  acme = c.security.acme;
  restic = c.services.restic.backups;
  postgresql = c.services.postgresql.enable;
  prometheus = c.services.prometheus.enable;
  grafana = c.services.grafana.enable;
  fail2ban = c.services.fail2ban.enable;
}
