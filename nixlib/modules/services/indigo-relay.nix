# The indigo relay (pkgs.indigo from nixpkgs, `relay serve`): host and account state in
# PostgreSQL when the database integration provides it (DATABASE_URL), else SQLite in
# the state directory; firehose replay files in the state directory (--persist-dir).
import ../../lib/service-module.nix {
  id = "indigo-relay";
  extra = { stateDir, database, ... }: {
    args = [ "--persist-dir" "${stateDir}/persist" ];
    databaseEnv = [ "DATABASE_URL" ];
    environment = if database == null then { DATABASE_URL = "sqlite://${stateDir}/relay.sqlite"; } else { };
  };
}
