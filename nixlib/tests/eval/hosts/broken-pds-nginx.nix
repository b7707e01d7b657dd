# Broken on purpose: a PDS behind nginx with no way to get certificates for handles.
{
  networking.hostName = "broken";
  atproto.host = {
    domain = "pds.example.org";
    admin_email = "admin@example.org";
  };
  services.bluesky-pds.enable = true;
  atproto.integration.tls.accept_terms = true;
}
