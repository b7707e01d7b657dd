# Firewall on (only the proxy's ports and ports a service was asked to open),
# fail2ban with jails for the proxy's logs, and the AppArmor switch. Host-wide values
# are defaults (mkDefault): a host's own setting wins instead of clashing.
{ config, lib, ... }:
let
  s = config.atproto.integration.security;
  active = config.atproto.registry != { };
  nginx = config.atproto.integration.proxy.kind == "nginx";
  # nixpkgs' nginx logs errors to stderr, that is the journal (services.nginx.logError
  # defaults to "stderr"): the jails read nginx's journal, as fail2ban's own nginx
  # filters expect (their journalmatch), not a file that never exists.
  nginxJail = filter: {
    settings = {
      inherit filter;
      port = "http,https";
      backend = "systemd";
      journalmatch = "_SYSTEMD_UNIT=nginx.service + _COMM=nginx";
    };
  };
in
{
  config = lib.mkIf active (lib.mkMerge [
    { networking.firewall.enable = lib.mkDefault s.firewall; }

    (lib.mkIf s.fail2ban {
      services.fail2ban = {
        enable = true;
        maxretry = lib.mkDefault 5;
        bantime = lib.mkDefault "1h";
        # nginx's error log records clients probing for files (botsearch) and failed
        # basic auth; Caddy logs JSON that fail2ban ships no filter for, so with Caddy
        # only the default sshd jail runs.
        jails = lib.optionalAttrs nginx {
          nginx-botsearch = nginxJail "nginx-botsearch";
          nginx-http-auth = nginxJail "nginx-http-auth";
        };
      };
    })

    (lib.mkIf s.apparmor { security.apparmor.enable = true; })
  ]);
}
