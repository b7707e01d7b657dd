{ config, lib, pkgs, ... }:
with lib;
{
  imports = [
    ./hardware-configuration.nix # hardware
  ]; # modules
  services.fail2ban.enable = mkDefault true;
}
