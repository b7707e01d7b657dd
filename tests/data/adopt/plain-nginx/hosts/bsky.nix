# A PDS behind nginx with one certificate for its own name: handles live on users'
# own domains here, so no wildcard.
{ config, lib, pkgs, ... }:
with lib;
{
  imports = [ ../services/pds.nix ];

  networking.hostName = "bsky";
  networking.firewall.allowedTCPPorts = [ 80 443 ];
  security.acme.acceptTerms = true;
  security.acme.defaults.email = "ops@example.net";

  services.nginx.enable = true;
  services.nginx.virtualHosts."bsky.example.net" = {
    enableACME = true;
    forceSSL = true;
    locations."/".proxyPass = "http://127.0.0.1:2583";
    locations."/".proxyWebsockets = true;
  };
  system.stateVersion = "25.05";
}
