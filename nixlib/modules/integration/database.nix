# PostgreSQL for the services that use it (catalog needs.postgres). local: one database
# and one role per service, named after the service's system user, so peer
# authentication over /run/postgresql needs no password. remote: the URL from
# atproto.integration.database.url; the password reaches the service as PGPASSWORD
# (libpq, node-postgres and pgx all read it), composed by the secrets backend.
{ config, lib, pkgs, ... }:
let
  db = config.atproto.integration.database;
  users = lib.mapAttrsToList (_: e: e.user)
    (lib.filterAttrs (_: e: e.database != null) config.atproto.registry);
  units = lib.mapAttrsToList (_: e: e.unit)
    (lib.filterAttrs (_: e: e.database != null) config.atproto.registry);
in
{
  config = lib.mkIf (db.kind == "local" && users != [ ]) {
    services.postgresql = {
      enable = true;
      # Pinned: a NixOS upgrade must never switch the major version under the data. A
      # default, so a host that already pins its own PostgreSQL keeps it.
      package = lib.mkDefault pkgs.${db.package};
      ensureDatabases = users;
      ensureUsers = map (name: { inherit name; ensureDBOwnership = true; }) users;
    };

    # ensureDatabases/ensureUsers run in postgresql-setup.service on current NixOS.
    systemd.services = lib.genAttrs units (_: {
      after = [ "postgresql.service" "postgresql-setup.service" ];
      requires = [ "postgresql.service" ];
    });
  };
}
