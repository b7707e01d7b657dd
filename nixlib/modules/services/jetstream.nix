# Jetstream: the archive lives in the state directory (--data-dir; upstream default
# ./data). Metrics come from the debug listener, which the catalog only turns on with
# collect_metrics.
import ../../lib/service-module.nix {
  id = "jetstream";
  extra = { stateDir, ... }: {
    args = [ "--data-dir" stateDir ];
    serviceConfig.LimitNOFILE = 65536;
  };
}
