{ ... }:
{
  imports = [
    ./hardware-configuration.nix
  ];
}
# vim: set ts=2 sw=2 et: