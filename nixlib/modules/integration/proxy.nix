# The reverse proxy and TLS in front of every service with a public port: services
# listen on loopback, the proxy serves each at its `domain` (services.<id>.domain).
# nginx: recommended settings, WebSocket upgrades where the catalog says so, body size
# from atproto.integration.proxy.max_body_size_mb, ACME HTTP-01 per name, or for a PDS
# with handles the DNS-01 wildcard certificate (cert name without "*", the wildcard in
# extraDomainNames, useACMEHost, readable by the proxy's group).
# caddy: the same, or on-demand TLS asking the PDS's /tls-check for each handle, as the
# upstream PDS installer deploys it.
# Host-wide values (nginx's recommended settings and body size, the ACME account) are
# defaults (mkDefault), so a host that sets them itself keeps its own instead of failing
# with conflicting definitions; the virtual hosts and certificates are ours by name.
{ config, lib, ... }:
let
  p = config.atproto.integration.proxy;
  tls = config.atproto.integration.tls;
  served = lib.filter (e: e.public != [ ] && e.domain != null)
    (lib.attrValues config.atproto.registry);
  on = p.kind != "none" && served != [ ];
  nginx = on && p.kind == "nginx";
  caddy = on && p.kind == "caddy";

  # One public port per service today (catalog); it is served at "/".
  upstream = e: "http://127.0.0.1:${toString (builtins.head e.public).port}";
  websocket = e: builtins.any (x: x.websocket) e.public;
  wildcard = e: e.handles && tls.acme && tls.handles == "dns-01-wildcard";
  onDemand = e: e.handles && tls.handles == "on-demand" && e.tlsCheck != null;
  handleAlias = e: lib.optional (e.handles && tls.handles != "none") "*.${e.domain}";
  proxyGroup = if nginx then "nginx" else "caddy";

  letsEncryptStaging = "https://acme-staging-v02.api.letsencrypt.org/directory";

  nginxHost = e: {
    name = e.domain;
    value = {
      serverAliases = handleAlias e;
      forceSSL = tls.acme;
      enableACME = tls.acme && !wildcard e;
      useACMEHost = if wildcard e then e.domain else null;
      locations."/" = {
        proxyPass = upstream e;
        proxyWebsockets = websocket e;
      };
    };
  };

  caddyHost = e: {
    # Without ACME the site is plain HTTP: TLS is terminated in front of this host.
    name = if tls.acme then e.domain else "http://${e.domain}";
    value = {
      serverAliases = map (a: if tls.acme then a else "http://${a}") (handleAlias e);
      useACMEHost = if wildcard e then e.domain else null;
      extraConfig = lib.concatStringsSep "\n" (lib.optional (onDemand e) ''
        tls {
          on_demand
        }'' ++ [
        ''
          request_body {
            max_size ${toString p.max_body_size_mb}MiB
          }
          reverse_proxy ${upstream e}''
      ]);
    };
  };

  askers = lib.filter onDemand served;
in
{
  config = lib.mkMerge [
    (lib.mkIf nginx {
      services.nginx = {
        enable = true;
        recommendedProxySettings = lib.mkDefault true;
        recommendedTlsSettings = lib.mkDefault true;
        recommendedOptimisation = lib.mkDefault true;
        recommendedGzipSettings = lib.mkDefault true;
        clientMaxBodySize = lib.mkDefault "${toString p.max_body_size_mb}m";
        virtualHosts = builtins.listToAttrs (map nginxHost served);
      };
    })

    (lib.mkIf caddy {
      services.caddy = {
        enable = true;
        virtualHosts = builtins.listToAttrs (map caddyHost served);
        # Caddy gets a certificate for a handle only when the PDS says the name is one
        # of its accounts (GET /tls-check?domain=…), so strangers cannot make it
        # request certificates for arbitrary names.
        globalConfig = lib.optionalString (askers != [ ]) ''
          on_demand_tls {
            ask ${(builtins.head askers).tlsCheck}
          }
        '';
      } // lib.optionalAttrs (tls.acme && tls.acme_email != null) {
        email = lib.mkDefault tls.acme_email;
      } // lib.optionalAttrs (tls.acme && tls.staging) {
        acmeCA = lib.mkDefault letsEncryptStaging;
      };
    })

    (lib.mkIf (on && tls.acme) {
      security.acme = {
        acceptTerms = lib.mkDefault tls.accept_terms;
        defaults = {
          email = lib.mkDefault tls.acme_email;
        } // lib.optionalAttrs tls.staging { server = lib.mkDefault letsEncryptStaging; };
        certs = builtins.listToAttrs (map
          (e: {
            name = e.domain;
            value = {
              extraDomainNames = [ "*.${e.domain}" ];
              dnsProvider = tls.dns_provider;
              environmentFile = tls.dns_credentials_file;
              group = proxyGroup;
            };
          })
          (lib.filter wildcard served));
      };
    })

    (lib.mkIf (on && p.open_firewall) {
      networking.firewall.allowedTCPPorts = [ 80 443 ];
    })
  ];
}
