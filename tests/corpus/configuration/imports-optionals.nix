{ config, lib, ... }:
let
  isVm = config.virtualisation ? qemu;
in
{
  imports = lib.optionals (!isVm) [
    ./hardware-configuration.nix
    ./disks.nix
  ];
}
