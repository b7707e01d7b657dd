# rsky-jetstream-subscriber: environment only, no state (DynamicUser). It authenticates to rsky-feedgen's
# queue with the same RSKY_API_KEY, so when rsky-feedgen runs on this host the key
# file is shared and generated once, by rsky-feedgen's secrets unit.
import ../../lib/service-module.nix {
  id = "rsky-jetstream-subscriber";
  extra = { config, lib, ... }:
    let feedgen = config.services.rsky-feedgen or { enable = false; }; in
    {
      config = lib.mkIf feedgen.enable {
        services.rsky-jetstream-subscriber.secrets.api_key = lib.mkDefault feedgen.secrets.api_key;
        systemd.services.atproto-secrets-rsky-jetstream-subscriber = lib.mkIf config.atproto.registry.rsky-jetstream-subscriber.secretsUnit {
          after = [ "atproto-secrets-rsky-feedgen.service" ];
        };
      };
    };
}
