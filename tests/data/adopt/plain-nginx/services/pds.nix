{ ... }:
{
  services.bluesky-pds.enable = true;
  services.bluesky-pds.settings.PDS_HOSTNAME = "bsky.example.net";
  services.bluesky-pds.settings.PDS_PORT = 2583;
  services.bluesky-pds.settings.PDS_RATE_LIMITS_ENABLED = "true";
  services.bluesky-pds.settings.PDS_CONTACT_EMAIL_ADDRESS = "ops@example.net";
  services.bluesky-pds.environmentFiles = [ "/var/lib/pds/secrets.env" ];
}
