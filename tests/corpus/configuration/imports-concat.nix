{ lib, ... }:
{
  imports = [ ./hardware-configuration.nix ] ++ lib.optional (builtins.pathExists ./local.nix) ./local.nix;
  system.stateVersion = "24.11";
}
