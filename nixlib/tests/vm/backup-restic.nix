# VM test, backup: restic over the indigo relay's local PostgreSQL. The job dumps every
# database first (pg_dumpall), then backs the dump up into a restic repository; here
# the repository is a local folder and the password a file made for the test, where an
# operator names an sftp:/s3: repository and keeps the password file root-only.
{ self }:
let
  # The host under test (tests/vm_tests.rs evaluates it with the declaration stub).
  host = {
    imports = [ (import ./common/relay-host.nix { inherit self; hostName = "backup"; }) ];
    atproto.integration = {
      database.kind = "local";
      backup = {
        kind = "restic";
        repository = "/var/lib/atproto-backup/restic";
        password_file = "/var/lib/secrets/restic-password";
      };
    };
  };
in
{
  name = "atproto-backup-restic";
  covers = [ "backup-restic" "database-local" ];
  hosts.machine = host;

  nodes.machine = { pkgs, ... }: {
    imports = [ host ];
    # Test harness: the repository password the operator would put there (TEST-ONLY),
    # and restic and jq to read the repository.
    systemd.tmpfiles.rules = [
      "d /var/lib/secrets 0700 root root -"
      "f /var/lib/secrets/restic-password 0400 root root - test-only-restic-password"
    ];
    environment.systemPackages = [ pkgs.restic pkgs.jq ];
  };

  testScript = ''
    restic = "restic -r /var/lib/atproto-backup/restic --password-file /var/lib/secrets/restic-password"
    dump = "/var/backup/atproto-postgresql/all.sql"

    machine.wait_for_unit("postgresql.service")
    machine.wait_for_unit("indigo-relay.service")
    machine.wait_for_open_port(2470)
    machine.succeed("curl -sf http://127.0.0.1:2470/xrpc/_health")
    # The relay keeps its state in its own database, reached by peer authentication.
    machine.wait_until_succeeds(
        "test $(runuser -u postgres -- psql -d indigo-relay -tAc"
        + " \"select count(*) from information_schema.tables where table_schema = 'public'\") -gt 0",
        timeout=60,
    )
    machine.wait_for_unit("restic-backups-atproto.timer")

    with subtest("the backup job runs: PostgreSQL dump first, then restic"):
        machine.succeed("systemctl start restic-backups-atproto.service")
        machine.succeed(f"test -s {dump}")
        machine.succeed("test \"$(stat -c '%a %U' /var/backup/atproto-postgresql)\" = '700 root'")

    with subtest("the repository holds the dump"):
        machine.succeed(f"{restic} snapshots --json | jq -e 'length == 1'")
        machine.succeed(f"{restic} ls latest | grep -qx {dump}")
        machine.succeed(f"{restic} dump latest {dump} | grep -q 'PostgreSQL database cluster dump'")
        machine.succeed(f"{restic} dump latest {dump} | grep -q indigo-relay")
  '';
}
