# Quasar: an upstream stub (its main only prints a greeting); the catalog warns.
import ../../lib/service-module.nix { id = "quasar"; }
