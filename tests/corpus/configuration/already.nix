{ config, pkgs, ... }:
{
  imports = [
    ./hardware-configuration.nix
    ./atproto.nix
  ];
  system.stateVersion = "24.11";
}
