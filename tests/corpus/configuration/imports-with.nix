# Paths listed through `with`, as some configurations list their own modules.
{ config, pkgs, ... }:

{
  imports = with builtins; [
    ./hardware-configuration.nix
    ./users.nix
  ];

  networking.hostName = "Kappa"; # capitals are fine for NixOS
  system.stateVersion = "25.05";
}
