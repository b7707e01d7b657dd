# Every catalog service at once, each on a port and domain of its own, local
# PostgreSQL, Loki, borg backups and sops secrets: the module graph's stress test.
{ lib, ... }:
let
  services = [
    "constellation" "spacedust" "slingshot" "ufos" "pocket" "quasar" "who-am-i" "reflector"
    "rsky-pds" "rsky-relay" "rsky-feedgen" "rsky-firehose" "rsky-jetstream-subscriber"
    "rsky-labeler" "feed-generator" "ozone" "jetstream" "bluesky-appview" "indigo-relay"
  ];
in
{
  # As a host imports sops-nix's module; the age key decrypts.
  imports = [ ../stub-sops.nix ];
  networking.hostName = "all";
  atproto.host = {
    domain = "all.example.com";
    admin_email = "admin@example.com";
  };
  services = lib.recursiveUpdate
    (lib.genAttrs services (id: { enable = true; domain = "${id}.all.example.com"; }))
    {
      bluesky-pds = { enable = true; settings.PDS_PORT = 3010; };
      # Upstream defaults collide (3000, 8080): move the later ones.
      feed-generator.ports.http = 3002;
      ozone.ports.http = 3003;
      slingshot.ports.http = 8081;
      spacedust.ports.http = 8082;
      # Values with no default upstream.
      bluesky-appview.settings = {
        public_url = "https://bluesky-appview.all.example.com";
        server_did = "did:web:bluesky-appview.all.example.com";
        dataplane_urls = [ "http://127.0.0.1:2585" ];
        bsync_url = "http://127.0.0.1:2586";
      };
      feed-generator.settings = {
        hostname = "feed-generator.all.example.com";
        publisher_did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
      };
      ozone.settings = {
        public_url = "https://ozone.all.example.com";
        server_did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
        admin_dids = [ "did:plc:ewvi7nxzyoun6zhxrhs64oiz" ];
      };
      pocket.settings.did_web_domain = "pocket.all.example.com";
      reflector.settings = {
        service_endpoint = "https://api.all.example.com";
        service_id = "#bsky_appview";
        service_type = "BlueskyAppview";
      };
      rsky-feedgen.settings = {
        hostname = "rsky-feedgen.all.example.com";
        service_did = "did:web:rsky-feedgen.all.example.com";
      };
      rsky-firehose.settings.queue_endpoint = "http://127.0.0.1:8000";
      rsky-labeler.settings = {
        mod_service_did = "did:web:ozone.all.example.com";
        mod_service_email = "moderator@example.com";
      };
      who-am-i.settings = {
        allowed_hosts = [ "who-am-i.all.example.com" ];
        base_url = "https://who-am-i.all.example.com";
      };
    };
  atproto.integration = {
    database.kind = "local";
    tls.accept_terms = true;
    tls.handles = "dns-01-wildcard";
    tls.dns_provider = "rfc2136";
    tls.dns_credentials_file = "/var/lib/secrets/rfc2136.env";
    logging.kind = "loki";
    monitoring.prometheus = true;
    backup = {
      kind = "borg";
      repository = "ssh://backup@example.com/./all";
      password_file = "/var/lib/secrets/borg";
    };
    secrets = {
      backend = "sops";
      sops_file = ./sops-secrets/secrets.yaml;
      age_key_file = "/var/lib/sops-nix/key.txt";
    };
  };
}
