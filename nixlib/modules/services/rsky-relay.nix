# rsky-relay: listens on 127.0.0.1:9000 (fixed upstream) and opens relay.db,
# plc_directory.db and db/ by relative path, so it runs inside its state directory
# (catalog working_directory). The binary never creates plc_directory.db's schema:
# seed it once with upstream's crawler.py; until then the unit stops with that advice.
import ../../lib/service-module.nix {
  id = "rsky-relay";
  extra = { stateDir, ... }: {
    preStart = ''
      if [ ! -s ${stateDir}/plc_directory.db ]; then
        echo "rsky-relay: ${stateDir}/plc_directory.db is missing. Seed it once with upstream's crawler.py (rsky-relay/crawler.py) run in ${stateDir}, then start the unit again." >&2
        exit 1
      fi
    '';
  };
}
