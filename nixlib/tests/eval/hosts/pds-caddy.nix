# The community PDS shape: nixpkgs' PDS behind Caddy with on-demand handle certificates,
# restic backups, Prometheus + Grafana.
{
  networking.hostName = "pds1";
  atproto.host = {
    domain = "pds.example.com";
    admin_email = "admin@example.com";
  };
  services.bluesky-pds.enable = true;
  atproto.integration = {
    proxy.kind = "caddy";
    tls.accept_terms = true;
    tls.handles = "on-demand";
    monitoring = {
      prometheus = true;
      node_exporter = true;
      grafana = true;
      grafana_port = 3001;
    };
    security.fail2ban = true;
    backup = {
      kind = "restic";
      repository = "sftp:backup@backup.example.com:/srv/restic/pds1";
      password_file = "/var/lib/secrets/restic-password";
    };
  };
}
