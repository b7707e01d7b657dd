{
  imports = [ ./hardware-configuration.nix ];
  networking.hostName = "no-args";
}
