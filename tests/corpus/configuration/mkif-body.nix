{ config, lib, ... }:
lib.mkIf (config.networking.hostName == "pds") {
  services.openssh.enable = true;
}
