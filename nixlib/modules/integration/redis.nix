# A local Redis for the services that can use one: a named server on its Unix socket
# only (no TCP port), password from a file (requirePassFile never enters the store).
{ config, lib, ... }:
let r = config.atproto.integration.redis; in
{
  config = lib.mkIf (r.enable && config.atproto.registry != { }) {
    services.redis.servers.atproto = {
      enable = true;
      port = 0;
      requirePassFile = r.password_file;
    };
  };
}
