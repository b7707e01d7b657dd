# VM test, backup: borgbackup over the indigo relay's local PostgreSQL. The job dumps
# every database first (pg_dumpall, into a folder the job's sandbox may write), then
# creates a borg archive (repokey-blake2, passphrase from a file). Here the repository
# is a local folder and the passphrase a file made for the test, where an operator
# names an ssh:// repository and keeps the passphrase file root-only.
{ self }:
let
  # The host under test (tests/vm_tests.rs evaluates it with the declaration stub).
  host = {
    imports = [ (import ./common/relay-host.nix { inherit self; hostName = "backup"; }) ];
    atproto.integration = {
      database.kind = "local";
      backup = {
        kind = "borg";
        repository = "/var/lib/atproto-backup/borg";
        password_file = "/var/lib/secrets/borg-passphrase";
      };
    };
  };
in
{
  name = "atproto-backup-borg";
  covers = [ "backup-borg" "database-local" ];
  hosts.machine = host;

  nodes.machine = {
    imports = [ host ];
    # Test harness: the passphrase the operator would put there (TEST-ONLY).
    systemd.tmpfiles.rules = [
      "d /var/lib/secrets 0700 root root -"
      "f /var/lib/secrets/borg-passphrase 0400 root root - test-only-borg-passphrase"
    ];
  };

  testScript = ''
    # nixpkgs' wrapper for the job: borg with the job's repository and passphrase.
    borg = "borg-job-atproto"
    dump = "/var/backup/atproto-postgresql/all.sql"

    machine.wait_for_unit("postgresql.service")
    machine.wait_for_unit("indigo-relay.service")
    machine.wait_for_open_port(2470)
    machine.succeed("curl -sf http://127.0.0.1:2470/xrpc/_health")
    machine.wait_until_succeeds(
        "test $(runuser -u postgres -- psql -d indigo-relay -tAc"
        + " \"select count(*) from information_schema.tables where table_schema = 'public'\") -gt 0",
        timeout=60,
    )
    machine.wait_for_unit("borgbackup-job-atproto.timer")

    with subtest("the backup job runs: PostgreSQL dump first, then borg"):
        machine.succeed("systemctl start borgbackup-job-atproto.service")
        machine.succeed(f"test -s {dump}")

    with subtest("the repository is encrypted and holds the dump"):
        machine.succeed(f"{borg} info | grep -qi 'repokey'")
        archive = machine.succeed(f"{borg} list --short --last 1").strip()
        assert archive.startswith("backup-atproto-"), f"unexpected archive name {archive!r}"
        machine.succeed(f"{borg} list ::{archive} | grep -q 'var/backup/atproto-postgresql/all.sql'")
        machine.succeed(
            f"{borg} extract --stdout ::{archive} var/backup/atproto-postgresql/all.sql"
            + " | grep -q 'PostgreSQL database cluster dump'"
        )
  '';
}
