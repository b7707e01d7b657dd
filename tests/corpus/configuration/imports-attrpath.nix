{ ... }:
{
  imports.hardware = ./hardware-configuration.nix;
}
