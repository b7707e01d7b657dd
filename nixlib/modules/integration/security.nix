# Firewall on (only the proxy's ports and ports a service was asked to open),
# fail2ban with jails for the proxy's logs, and the AppArmor switch.
{ config, lib, ... }:
let
  s = config.atproto.integration.security;
  active = config.atproto.registry != { };
  nginx = config.atproto.integration.proxy.kind == "nginx";
in
{
  config = lib.mkIf active (lib.mkMerge [
    { networking.firewall.enable = s.firewall; }

    (lib.mkIf s.fail2ban {
      services.fail2ban = {
        enable = true;
        maxretry = 5;
        bantime = "1h";
        # nginx's error log records clients probing for files (botsearch) and
        # failed basic auth; Caddy logs JSON that fail2ban ships no filter for, so with
        # Caddy only the default sshd jail runs.
        jails = lib.optionalAttrs nginx {
          nginx-botsearch.settings = {
            filter = "nginx-botsearch";
            port = "http,https";
            logpath = "/var/log/nginx/error.log";
            backend = "auto";
          };
          nginx-http-auth.settings = {
            filter = "nginx-http-auth";
            port = "http,https";
            logpath = "/var/log/nginx/error.log";
            backend = "auto";
          };
        };
      };
    })

    (lib.mkIf s.apparmor { security.apparmor.enable = true; })
  ]);
}
