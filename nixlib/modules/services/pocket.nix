# Pocket: a SQLite database in the state directory, created once with --init-db (which
# creates it and exits); it serves ./static relative to its working directory.
# Its listener is fixed upstream at 127.0.0.1:3000.
import ../../lib/service-module.nix {
  id = "pocket";
  extra = { cfg, stateDir, ... }: {
    args = [ "--db" "${stateDir}/prefs.sqlite3" ];
    preStart = ''
      ln -sfn ${cfg.package}/share/pocket/static ${stateDir}/static
      if [ ! -e ${stateDir}/prefs.sqlite3 ]; then
        ${cfg.package}/bin/pocket --init-db --db ${stateDir}/prefs.sqlite3
      fi
    '';
  };
}
