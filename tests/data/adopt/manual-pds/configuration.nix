# The machine. Services live in their own files.
{ config, lib, pkgs, ... }:

{
  imports = [
    ./hardware-configuration.nix
    ./pds.nix
  ];

  networking.hostName = "Kappa"; # capitals are fine for NixOS
  networking.firewall.allowedTCPPorts = [ 22 80 443 ];

  services.openssh.enable = true;

  environment.systemPackages = with pkgs; [ git htop ];

  security.acme = {
    acceptTerms = true;
    defaults.email = "admin@example.org";
  };

  system.stateVersion = "25.05"; # Did you read the comment?
}
