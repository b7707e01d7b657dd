# agenix secrets for a service that takes keys as files (who-am-i) and one that takes
# a variable (the indigo relay), without PostgreSQL.
{
  # As a host imports agenix's module.
  imports = [ ../stub-agenix.nix ];
  services.openssh.enable = true;
  networking.hostName = "keys";
  atproto.host = {
    domain = "keys.example.com";
    admin_email = "admin@example.com";
  };
  services.who-am-i = {
    enable = true;
    settings = {
      base_url = "https://keys.example.com";
      allowed_hosts = [ "keys.example.com" ];
    };
  };
  services.indigo-relay = {
    enable = true;
    domain = "relay.keys.example.com";
  };
  atproto.integration = {
    proxy.kind = "none";
    secrets = {
      backend = "agenix";
      agenix_dir = ./agenix-secrets;
    };
  };
}
