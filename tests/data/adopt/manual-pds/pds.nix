# The Bluesky PDS, as the NixOS wiki shows it.
{ config, pkgs, ... }:
let
  domain = "pds.example.org";
  port = 3000;
in
{
  services.bluesky-pds = {
    enable = true;
    settings = {
      PDS_HOSTNAME = domain;
      PDS_PORT = port;
      PDS_INVITE_REQUIRED = "true";
      PDS_CRAWLERS = "https://bsky.network,https://relay.example.net";
      # Not something the wizard models: stays here.
      PDS_SERVICE_HANDLE_DOMAINS = ".example.org";
    };
    # JWT secret, admin password and PLC rotation key, kept out of the store.
    environmentFiles = [ "/var/lib/pds/pds.env" ];
  };

  services.nginx = {
    enable = true;
    recommendedProxySettings = true;
    recommendedTlsSettings = true;
    recommendedOptimisation = true;
    recommendedGzipSettings = false; # mine: no gzip
    clientMaxBodySize = "100m";
    # Handles are served under the domain: one wildcard certificate for both.
    virtualHosts.${domain} = {
      serverAliases = [ "*.${domain}" ];
      useACMEHost = domain;
      forceSSL = true;
      locations."/" = {
        proxyPass = "http://127.0.0.1:${toString config.services.bluesky-pds.settings.PDS_PORT}";
        proxyWebsockets = true;
      };
    };
  };

  security.acme.certs.${domain} = {
    extraDomainNames = [ "*.${domain}" ];
    dnsProvider = "cloudflare";
    environmentFile = "/var/lib/secrets/cloudflare.env";
    group = "nginx";
  };
}
