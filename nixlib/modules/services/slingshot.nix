# Slingshot: caches in the state directory (--cache-dir, required upstream); it serves
# ./static/index.html relative to its working directory, so the package's static/
# is linked into the state directory it runs in.
import ../../lib/service-module.nix {
  id = "slingshot";
  extra = { cfg, stateDir, ... }: {
    args = [ "--cache-dir" stateDir ];
    preStart = ''
      ln -sfn ${cfg.package}/share/slingshot/static ${stateDir}/static
    '';
    # Upstream's production example raises the open-file limit to 4096.
    serviceConfig.LimitNOFILE = 4096;
  };
}
