# Bluesky's AppView API (Node, experimental): listens on all interfaces (no bind
# option), so its port stays closed unless openFirewall is set.
import ../../lib/service-module.nix {
  id = "bluesky-appview";
  extra = _: { jit = true; };
}
