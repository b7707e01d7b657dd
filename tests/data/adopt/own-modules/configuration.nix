{ ... }:
{
  networking.hostName = "links";

  atproto.host = {
    domain = "links.example.net";
    admin_email = "ops@example.net";
  };

  services.constellation = {
    enable = true;
    settings.jetstream = "us-west-2";
    settings.backend = "rocks";
  };

  atproto.integration = {
    proxy.kind = "nginx";
    tls.accept_terms = true;
    monitoring.prometheus = true;
  };

  system.stateVersion = "25.05";
}
