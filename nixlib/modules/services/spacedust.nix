# Spacedust: everything it needs is in the catalog (flags, ports; no state, so a DynamicUser).
import ../../lib/service-module.nix { id = "spacedust"; }
