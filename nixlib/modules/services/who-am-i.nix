# who-am-i (legacy): loads ./templates relative to its working directory; its two
# P-256 keys reach it as files (--oauth-private-key/--jwt-private-key with
# LoadCredential, from the catalog), APP_SECRET as a variable.
import ../../lib/service-module.nix {
  id = "who-am-i";
  extra = { cfg, stateDir, ... }: {
    preStart = ''
      ln -sfn ${cfg.package}/share/who-am-i/templates ${stateDir}/templates
    '';
  };
}
