# Backups of every enabled service's state (catalog [[state]] with backup = true), with
# a PostgreSQL dump taken first when the local PostgreSQL serves any of them. Repository
# and password come from files on the host, never from the Nix store.
# The dump directory is made by systemd-tmpfiles at boot (0700 root), so it exists
# before a job starts: borg's unit runs with ProtectSystem=strict and only its
# readWritePaths writable, and systemd refuses to start a unit (226/NAMESPACE) whose
# ReadWritePaths entry does not exist. restic's unit has no such sandbox.
# SQLite files (the PDS's) are copied as they are on disk while the service runs; the
# services write them in WAL mode, so a restore may need the last seconds replayed.
{ config, lib, pkgs, ... }:
let
  b = config.atproto.integration.backup;
  db = config.atproto.integration.database;
  reg = config.atproto.registry;
  paths = lib.unique (lib.concatMap (e: e.backupPaths) (lib.attrValues reg));
  dumpDir = "/var/backup/atproto-postgresql";
  dumpsPostgres = db.kind == "local" && lib.any (e: e.database != null) (lib.attrValues reg);
  pg = config.services.postgresql.package;
  dump = ''
    ${pkgs.util-linux}/bin/runuser -u postgres -- ${pg}/bin/pg_dumpall > ${dumpDir}/all.sql.tmp
    mv ${dumpDir}/all.sql.tmp ${dumpDir}/all.sql
  '';
  allPaths = paths ++ lib.optional dumpsPostgres dumpDir;
  active = reg != { } && b.kind != "none" && allPaths != [ ];
in
{
  config = lib.mkIf active (lib.mkMerge [
    (lib.mkIf dumpsPostgres {
      systemd.tmpfiles.rules = [ "d ${dumpDir} 0700 root root -" ];
    })

    (lib.mkIf (b.kind == "restic") {
      services.restic.backups.atproto = {
        paths = allPaths;
        repository = b.repository;
        passwordFile = b.password_file;
        environmentFile = b.environment_file;
        initialize = true;
        timerConfig = {
          OnCalendar = b.schedule;
          Persistent = true;
        };
        pruneOpts = [ "--keep-daily 7" "--keep-weekly 5" "--keep-monthly 12" ];
        backupPrepareCommand = lib.mkIf dumpsPostgres dump;
      };
    })

    (lib.mkIf (b.kind == "borg") {
      services.borgbackup.jobs.atproto = {
        paths = allPaths;
        repo = b.repository;
        encryption = {
          mode = "repokey-blake2";
          # A shell command: the path is quoted, whatever characters it has.
          passCommand = "cat ${lib.escapeShellArg b.password_file}";
        };
        compression = "auto,zstd";
        readWritePaths = lib.optional dumpsPostgres dumpDir;
        startAt = b.schedule;
        persistentTimer = true;
        prune.keep = {
          daily = 7;
          weekly = 5;
          monthly = 12;
        };
        # Credentials for the repository's transport, like BORG_RSH or BORG_PASSPHRASE-
        # free SSH settings, as KEY=value lines.
        preHook = lib.optionalString (b.environment_file != null) ''
          set -a
          . ${lib.escapeShellArg b.environment_file}
          set +a
        '' + lib.optionalString dumpsPostgres dump;
      };
    })
  ]);
}
