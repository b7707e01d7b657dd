# VM test, database and redis: the indigo relay on a remote PostgreSQL (the `db` node
# stands in for the operator's database server: password authentication over the
# network) with the password read from a root-only file at start, never from the
# store; and the local Redis for the operator's own services, on its Unix socket only,
# behind a password file. Local PostgreSQL is covered by backup-{restic,borg}.nix and
# relay.nix.
{ self }:
let
  dbPassword = "test-only-db-password";

  # The host under test (tests/vm_tests.rs evaluates it with the declaration stub).
  host = {
    imports = [ (import ./common/relay-host.nix { inherit self; hostName = "relay"; }) ];
    atproto.integration = {
      database = {
        kind = "remote";
        url = "postgresql://indigo-relay@db:5432/indigo-relay";
        password_file = "/var/lib/secrets/postgres-password";
      };
      redis = {
        enable = true;
        password_file = "/var/lib/secrets/redis-password";
      };
    };
  };
in
{
  name = "atproto-database";
  covers = [ "database-remote" "redis" "secrets-generate" ];
  hosts.relay = host;

  nodes = {
    # Test harness: a PostgreSQL server elsewhere, one database and role for the relay,
    # password (SCRAM) authentication from the test network.
    db = { pkgs, ... }: {
      services.postgresql = {
        enable = true;
        enableTCPIP = true;
        ensureDatabases = [ "indigo-relay" ];
        ensureUsers = [{ name = "indigo-relay"; ensureDBOwnership = true; }];
        initialScript = pkgs.writeText "atproto-test-db.sql" ''
          CREATE ROLE "indigo-relay" LOGIN PASSWORD '${dbPassword}';
        '';
        authentication = ''
          host indigo-relay indigo-relay 192.168.1.0/24 scram-sha-256
        '';
      };
      networking.firewall.allowedTCPPorts = [ 5432 ];
    };

    relay = { config, ... }: {
      imports = [ host ];
      # Test harness: the password files the operator would put there (TEST-ONLY),
      # and redis-cli.
      systemd.tmpfiles.rules = [
        "d /var/lib/secrets 0700 root root -"
        "f /var/lib/secrets/postgres-password 0400 root root - ${dbPassword}"
        "f /var/lib/secrets/redis-password 0400 root root - test-only-redis-password"
      ];
      environment.systemPackages = [ config.services.redis.package ];
    };
  };

  testScript = ''
    tables = (
        "runuser -u postgres -- psql -d indigo-relay -tAc"
        + " \"select count(*) from information_schema.tables where table_schema = 'public'\""
    )

    # The database first: the relay connects to it as it starts.
    db.wait_for_unit("postgresql.service")
    db.wait_for_open_port(5432)

    relay.wait_for_unit("atproto-secrets-indigo-relay.service")
    relay.wait_for_unit("indigo-relay.service")
    relay.wait_for_open_port(2470)
    relay.succeed("curl -sf http://127.0.0.1:2470/xrpc/_health")

    with subtest("the relay keeps its state in the remote database, no PostgreSQL of its own"):
        relay.fail("systemctl cat postgresql.service")
        relay.succeed("grep -q '^PGPASSWORD=' /run/atproto-secrets/indigo-relay.env")
        relay.succeed("test \"$(stat -c '%a %U' /run/atproto-secrets/indigo-relay.env)\" = '400 root'")
        db.wait_until_succeeds(f"test $({tables}) -gt 0", timeout=60)

    with subtest("Redis answers on its socket with the password, and only with it"):
        relay.wait_for_unit("redis-atproto.service")
        relay.succeed("test -S /run/redis-atproto/redis.sock")
        relay.succeed(
            "redis-cli -s /run/redis-atproto/redis.sock --no-auth-warning"
            + " -a \"$(cat /var/lib/secrets/redis-password)\" ping | grep -qx PONG"
        )
        relay.succeed("redis-cli -s /run/redis-atproto/redis.sock ping 2>&1 | grep -q NOAUTH")
        # No TCP port.
        relay.fail("redis-cli -h 127.0.0.1 -p 6379 ping")
  '';
}
