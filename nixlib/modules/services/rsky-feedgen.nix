# rsky-feedgen: PostgreSQL through diesel (DATABASE_URL and the read replicas, here the
# same database); its migrations are not embedded in the binary, so they run with
# diesel-cli before every start (already-applied ones are skipped).
import ../../lib/service-module.nix {
  id = "rsky-feedgen";
  extra = { cfg, pkgs, database, ... }: {
    environment.ROCKET_ADDRESS = cfg.listenAddress;
    databaseEnv = [ "DATABASE_URL" "READ_REPLICA_URL_1" "READ_REPLICA_URL_2" ];
    preStart = ''
      ${pkgs.diesel-cli}/bin/diesel migration run \
        --migration-dir ${cfg.package}/share/rsky-feedgen/migrations
    '';
  };
}
