{ ... }:
{
  imports = [ ./hardware-configuration.nix ];
  services.openssh.enable = true;
  imports = [ ./users.nix ];
}
