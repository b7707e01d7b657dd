# Broken on purpose: Ozone without PostgreSQL, constellation keeping old backups with
# no interval, Grafana on the PDS's port, and ACME terms not accepted.
{
  networking.hostName = "broken2";
  atproto.host = {
    domain = "mod.example.org";
    admin_email = "admin@example.org";
  };
  services.ozone = {
    enable = true;
    settings = {
      public_url = "https://mod.example.org";
      server_did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
      admin_dids = [ "did:plc:ewvi7nxzyoun6zhxrhs64oiz" ];
    };
  };
  services.constellation = {
    enable = true;
    domain = "links.example.org";
    settings.max_old_backups = 3;
  };
  atproto.integration.monitoring.grafana = true;
}
