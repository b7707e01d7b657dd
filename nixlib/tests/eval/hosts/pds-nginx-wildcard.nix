# The PDS behind nginx with one DNS-01 wildcard certificate for its handles.
{
  networking.hostName = "pds2";
  atproto.host = {
    domain = "pds.example.net";
    admin_email = "ops@example.net";
  };
  services.bluesky-pds = {
    enable = true;
    settings.PDS_BLOB_UPLOAD_LIMIT = "209715200";
  };
  atproto.integration = {
    proxy.max_body_size_mb = 200;
    tls = {
      accept_terms = true;
      handles = "dns-01-wildcard";
      dns_provider = "cloudflare";
      dns_credentials_file = "/var/lib/secrets/cloudflare.env";
    };
  };
}
