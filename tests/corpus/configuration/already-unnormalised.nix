{ ... }:
{
  imports = [ ./hardware-configuration.nix ././modules/../atproto.nix ];
}
