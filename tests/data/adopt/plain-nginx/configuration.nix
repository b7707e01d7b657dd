{ ... }:
{
  networking.hostName = "desktop";
  system.stateVersion = "25.05";
}
