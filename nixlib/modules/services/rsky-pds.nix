# rsky-pds: Rocket binds ROCKET_ADDRESS (here the loopback listenAddress) and the
# catalog's port as ROCKET_PORT; data in the state directory; blobs on disk unless an
# S3 bucket is set (upstream refuses both).
import ../../lib/service-module.nix {
  id = "rsky-pds";
  extra = { cfg, stateDir, lib, ... }: {
    environment = {
      ROCKET_ADDRESS = cfg.listenAddress;
      PDS_DATA_DIRECTORY = stateDir;
    } // lib.optionalAttrs (cfg.settings.s3_bucket == null) {
      PDS_BLOBSTORE_DISK_LOCATION = "${stateDir}/blocks";
    };
  };
}
