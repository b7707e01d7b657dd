# Ozone (Node): the web UI/API (service/index.js, migrating the database at start with
# OZONE_DB_MIGRATE=1) and a companion unit, ozone-daemon (service/daemon.js), built
# from the same definition (user, sandbox, settings, secrets) for scheduled work. State
# is all in PostgreSQL.
import ../../lib/service-module.nix {
  id = "ozone";
  extra = { cfg, ... }: {
    jit = true;
    databaseEnv = [ "OZONE_DB_POSTGRES_URL" ];
    environment.OZONE_DB_MIGRATE = "1";
    companions.ozone-daemon = {
      description = "Ozone daemon";
      command = [ "${cfg.package}/bin/ozone-daemon" ];
      after = [ "ozone.service" ];
      # The UI process already ran the migration.
      dropEnvironment = [ "OZONE_DB_MIGRATE" ];
    };
  };
}
