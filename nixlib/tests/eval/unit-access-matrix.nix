# The hosts tests/unit_access.rs checks besides the profiles: one base host (the PDS,
# rsky-feedgen on PostgreSQL with rsky-firehose sharing its API key, Prometheus with the
# node exporter and Grafana, a local Loki, fail2ban) in every combination of
#   secrets backend generate | sops | agenix
#   proxy           none | nginx (DNS-01 wildcard) | caddy (on-demand TLS)
#   backup          none | restic | borg
#   database        local | remote
# 54 hosts, named <secrets>-<proxy>-<backup>-<database>. Hosts with sops or agenix import
# those modules' stand-ins, as a real host imports the modules; their files are
# nixlib/tests/eval/hosts/sops-secrets/ and the test-only placeholders in
# unit-access-agenix/.
{ lib }:
let
  base = {
    networking.hostName = "matrix";
    services.openssh.enable = true;
    atproto.host = {
      domain = "pds.example.com";
      admin_email = "admin@example.com";
    };
    services.bluesky-pds.enable = true;
    services.rsky-feedgen = {
      enable = true;
      settings = {
        hostname = "feeds.example.com";
        service_did = "did:web:feeds.example.com";
      };
    };
    services.rsky-firehose = {
      enable = true;
      settings.queue_endpoint = "http://127.0.0.1:8000";
    };
    atproto.integration = {
      monitoring = {
        prometheus = true;
        node_exporter = true;
        grafana = true;
        grafana_port = 3001;
      };
      logging.kind = "loki";
      security.fail2ban = true;
      tls.accept_terms = true;
    };
  };

  secrets = {
    generate = { };
    sops = {
      imports = lib.optional (builtins.pathExists ./stub-sops.nix) ./stub-sops.nix;
      atproto.integration.secrets = {
        backend = "sops";
        sops_file = ./hosts/sops-secrets/secrets.yaml;
        age_key_file = "/var/lib/sops-nix/key.txt";
      };
    };
    agenix = {
      imports = lib.optional (builtins.pathExists ./stub-agenix.nix) ./stub-agenix.nix;
      atproto.integration.secrets = {
        backend = "agenix";
        agenix_dir = ./unit-access-agenix;
      };
    };
  };

  proxy = {
    none.atproto.integration.proxy.kind = "none";
    nginx.atproto.integration = {
      proxy.kind = "nginx";
      tls = {
        handles = "dns-01-wildcard";
        dns_provider = "cloudflare";
        dns_credentials_file = "/var/lib/secrets/cloudflare.env";
      };
    };
    caddy.atproto.integration = {
      proxy.kind = "caddy";
      tls.handles = "on-demand";
    };
  };

  backup = {
    none = { };
    restic.atproto.integration.backup = {
      kind = "restic";
      repository = "sftp:backup@backup.example.com:/srv/restic/matrix";
      password_file = "/var/lib/secrets/restic-password";
      environment_file = "/var/lib/secrets/restic.env";
    };
    borg.atproto.integration.backup = {
      kind = "borg";
      repository = "ssh://backup@backup.example.com/./matrix";
      password_file = "/var/lib/secrets/borg-passphrase";
      environment_file = "/var/lib/secrets/borg.env";
    };
  };

  database = {
    local.atproto.integration.database.kind = "local";
    remote.atproto.integration.database = {
      kind = "remote";
      url = "postgresql://feeds@db.example.com:5432/feeds";
      password_file = "/var/lib/secrets/postgresql-password";
    };
  };

  cells = lib.cartesianProduct {
    s = builtins.attrNames secrets;
    p = builtins.attrNames proxy;
    b = builtins.attrNames backup;
    d = builtins.attrNames database;
  };
in
builtins.listToAttrs (map
  (c: {
    name = "${c.s}-${c.p}-${c.b}-${c.d}";
    value = {
      imports = [ base secrets.${c.s} proxy.${c.p} backup.${c.b} database.${c.d} ];
    };
  })
  cells)
