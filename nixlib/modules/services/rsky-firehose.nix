# rsky-firehose: environment only, no state (DynamicUser). It authenticates to rsky-feedgen's
# queue with the same RSKY_API_KEY, so when rsky-feedgen runs on this host the key
# file is shared and generated once, by rsky-feedgen's secrets unit.
import ../../lib/service-module.nix {
  id = "rsky-firehose";
  extra = { config, lib, ... }:
    let feedgen = config.services.rsky-feedgen or { enable = false; }; in
    {
      config = lib.mkIf feedgen.enable {
        services.rsky-firehose.secrets.api_key = lib.mkDefault feedgen.secrets.api_key;
        systemd.services.atproto-secrets-rsky-firehose = lib.mkIf config.atproto.registry.rsky-firehose.secretsUnit {
          after = [ "atproto-secrets-rsky-feedgen.service" ];
        };
      };
    };
}
