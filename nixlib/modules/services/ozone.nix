# Ozone (Node): the web UI/API (service/index.js, migrating the database at start with
# OZONE_DB_MIGRATE=1) and a second unit, ozone-daemon (service/daemon.js), with the
# same settings and secrets for scheduled work. State is all in PostgreSQL.
import ../../lib/service-module.nix {
  id = "ozone";
  extra = { config, cfg, lib, ... }:
    let unit = config.systemd.services.ozone; in
    {
      jit = true;
      databaseEnv = [ "OZONE_DB_POSTGRES_URL" ];
      environment.OZONE_DB_MIGRATE = "1";
      config.systemd.services.ozone-daemon = {
        description = "Ozone daemon";
        wantedBy = [ "multi-user.target" ];
        after = [ "ozone.service" ];
        requires = [ "ozone.service" ];
        # Same variables, minus the migration the UI process already ran.
        environment = builtins.removeAttrs unit.environment [ "OZONE_DB_MIGRATE" ];
        inherit (unit) startLimitIntervalSec startLimitBurst;
        serviceConfig = unit.serviceConfig // {
          ExecStart = "${cfg.package}/bin/ozone-daemon";
        };
      };
    };
}
