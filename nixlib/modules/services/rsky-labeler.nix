# rsky-labeler: environment only, no state (DynamicUser); MOD_SERVICE_PASSWORD is an external secret the operator provides.
import ../../lib/service-module.nix { id = "rsky-labeler"; }
