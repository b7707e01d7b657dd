# Hosts whose services take their secrets from the host's own files (ownSecrets, the
# answers' own_secrets), beside the same hosts without it, for tests/modules.rs: what
# each unit is given, which secrets units exist and what sops-nix and agenix are told
# to declare. Returns plain data; the test says what it must be.
{ libPath }:
let
  eval = host: import ./eval.nix { inherit libPath host; };
  lib = import (libPath + "/lib");

  # The PDS on a host that feeds it its own environment file, as hand-written hosts do.
  pds = { backend, own, extra ? { } }: eval {
    imports = [ extra ]
      ++ lib.optional (backend == "sops") ./stub-sops.nix
      ++ lib.optional (backend == "agenix") ./stub-agenix.nix;
    services.openssh.enable = true;
    atproto.host = { domain = "pds.example.com"; admin_email = "admin@example.com"; };
    services.bluesky-pds = {
      enable = true;
      ownSecrets = own;
      environmentFiles = [ "/var/lib/pds/pds.env" ];
    };
    atproto.integration = {
      proxy.kind = "caddy";
      tls = { accept_terms = true; handles = "on-demand"; };
      secrets = { inherit backend; }
        // lib.optionalAttrs (backend == "sops") { sops_file = ./hosts/sops-secrets/secrets.yaml; }
        // lib.optionalAttrs (backend == "agenix") { agenix_dir = ./hosts/agenix-secrets; };
    };
  };

  # Services built by service-module.nix: Ozone on a remote PostgreSQL (whose password
  # the modules would pass on too) and who-am-i, which reads two keys from files named
  # by flags.
  others = own: eval {
    imports = [ ./stub-sops.nix ];
    services.openssh.enable = true;
    atproto.host = { domain = "example.com"; admin_email = "admin@example.com"; };
    services.ozone = {
      enable = true;
      ownSecrets = own;
      domain = "ozone.example.com";
      ports.http = 3003;
      environmentFiles = [ "/var/lib/ozone/ozone.env" ];
      settings = {
        public_url = "https://ozone.example.com";
        server_did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
        admin_dids = [ "did:plc:ewvi7nxzyoun6zhxrhs64oiz" ];
      };
    };
    services.who-am-i = {
      enable = true;
      ownSecrets = own;
      domain = "who.example.com";
      environmentFiles = [ "/var/lib/who-am-i/env" ];
      settings = {
        base_url = "https://who.example.com";
        allowed_hosts = [ "who.example.com" ];
      };
    };
    atproto.integration = {
      database = {
        kind = "remote";
        url = "postgresql://ozone@db.example.com:5432/ozone";
        password_file = "/var/lib/secrets/pgpassword";
      };
      tls.accept_terms = true;
      secrets = { backend = "sops"; sops_file = ./hosts/sops-secrets/secrets.yaml; };
    };
  };

  units = h: h.config.systemd.services;
  secretUnits = h: builtins.filter (lib.hasPrefix "atproto-secrets-") (builtins.attrNames (units h));
  sopsNames = h: builtins.attrNames (h.config.sops.secrets or { });
  sopsTemplates = h: builtins.attrNames (h.config.sops.templates or { });
  ageNames = h: builtins.attrNames (h.config.age.secrets or { });

  pdsFacts = h: {
    inherit (h) failed warnings;
    environmentFiles = h.config.services.bluesky-pds.environmentFiles;
    unitEnvironmentFile = (units h).bluesky-pds.serviceConfig.EnvironmentFile;
    requires = (units h).bluesky-pds.requires or [ ];
    secretUnits = secretUnits h;
    sops = sopsNames h;
    templates = sopsTemplates h;
    age = ageNames h;
    registry = let r = h.config.atproto.registry.bluesky-pds; in {
      secrets = map (s: s.name) r.secrets;
      inherit (r) secretsUnit environmentFiles;
    };
  };

  serviceFacts = h: id: {
    environmentFile = (units h).${id}.serviceConfig.EnvironmentFile;
    loadCredential = (units h).${id}.serviceConfig.LoadCredential;
    execStart = (units h).${id}.serviceConfig.ExecStart;
    requires = (units h).${id}.requires;
  };
  othersFacts = h: {
    inherit (h) failed warnings;
    secretUnits = secretUnits h;
    sops = sopsNames h;
    templates = sopsTemplates h;
    ozone = serviceFacts h "ozone";
    who-am-i = serviceFacts h "who-am-i";
  };
in
{
  pds = lib.genAttrs [ "generate" "sops" "agenix" ] (backend: {
    own = pdsFacts (pds { inherit backend; own = true; });
    backend = pdsFacts (pds { inherit backend; own = false; });
  });
  # The PDS sending email: its SMTP URL is one more secret the host provides.
  pdsMail = pdsFacts (pds {
    backend = "generate";
    own = true;
    extra.services.bluesky-pds.settings.PDS_EMAIL_FROM_ADDRESS = "pds@example.com";
  });
  # The way an adopted host often names its file: sops-nix's rendered template.
  pdsOwnTemplate = pdsFacts (pds {
    backend = "sops";
    own = true;
    extra = { config, ... }: {
      sops.secrets."pds/env" = { sopsFile = ./hosts/sops-secrets/secrets.yaml; };
      sops.templates."pds.env".content = "PDS_JWT_SECRET=${config.sops.placeholder."pds/env"}\n";
      services.bluesky-pds.environmentFiles = lib.mkForce [ config.sops.templates."pds.env".path ];
    };
  });
  others = {
    own = othersFacts (others true);
    backend = othersFacts (others false);
  };
}
