{ config, lib, pkgs, ... }:

lib.mkMerge [
  {
    networking.hostName = "merge";
  }
  (lib.mkIf config.services.nginx.enable {
    networking.firewall.allowedTCPPorts = [ 80 443 ];
  })
]
