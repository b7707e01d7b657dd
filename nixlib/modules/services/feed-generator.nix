# Bluesky's feed generator starter kit (Node): binds FEEDGEN_LISTENHOST (loopback), keeps
# its SQLite database in the state directory instead of upstream's :memory: default.
import ../../lib/service-module.nix {
  id = "feed-generator";
  extra = { cfg, stateDir, ... }: {
    jit = true;
    environment = {
      FEEDGEN_LISTENHOST = cfg.listenAddress;
      FEEDGEN_SQLITE_LOCATION = "${stateDir}/db.sqlite";
    };
  };
}
