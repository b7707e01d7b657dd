# Constellation: the RocksDB index lives in the state directory (--data); RocksDB keeps
# many files open, so the open-file limit is raised as upstream's deployment does.
import ../../lib/service-module.nix {
  id = "constellation";
  extra = { cfg, stateDir, lib, ... }: {
    args = lib.optionals (cfg.settings.backend == "rocks") [ "--data" stateDir ];
    serviceConfig = {
      LimitNOFILE = 16384;
    } // lib.optionalAttrs (cfg.settings.backup_dir != null) {
      # Backups go outside the state directory; ProtectSystem=strict needs it listed.
      ReadWritePaths = [ cfg.settings.backup_dir ];
    };
  };
}
