# The integration layer (atproto.integration.*): what every service needs around it.
{
  imports = [
    ../core.nix
    ./database.nix
    ./redis.nix
    ./proxy.nix
    ./monitoring.nix
    ./logging.nix
    ./security.nix
    ./backup.nix
    ./secrets.nix
    ./health.nix
    ./diagnostics.nix
  ];
}
