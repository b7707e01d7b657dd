# A local Redis for the operator's own services: a named server on its Unix socket only
# (no TCP port; clients join the redis-atproto group), password from a file
# (requirePassFile never enters the store). No catalog service is wired to it yet.
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
