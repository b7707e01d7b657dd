# UFOs: its fjall store lives in the state directory (--data, required upstream).
import ../../lib/service-module.nix {
  id = "ufos";
  extra = { stateDir, ... }: {
    args = [ "--data" stateDir ];
    serviceConfig.LimitNOFILE = 16384;
  };
}
