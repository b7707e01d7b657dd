{ pkgs, ... }:
{
  imports = [ ./hardware-configuration.nix ./users.nix ];

  environment.systemPackages = [ pkgs.git pkgs.htop ];
  system.stateVersion = "24.11";
}
