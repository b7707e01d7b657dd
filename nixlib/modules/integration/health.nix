# A unit whose service has a health endpoint (the catalog's [health]) counts as started
# only once the endpoint answers: an ExecStartPost polls it for a bounded time, so a
# service that cannot come up fails its start job, and `nixos-rebuild switch` reports
# the failed unit itself instead of switching "successfully" to a broken host.
#
# systemd runs ExecStartPost once the main process is started (Type=simple, the type of
# every unit here); the unit stays "activating" until it exits, and a non-zero exit
# fails the start. TimeoutStartSec bounds the whole start, so it is kept above the
# check's own bound (systemd's default is 90 s).
# ExecStartPost is a list in NixOS's unit options: definitions concatenate, so the
# host's own ExecStartPost runs as well. nixpkgs' PDS module sets none.
{ config, lib, pkgs, ... }:
let
  catalog = import ../../lib/catalog.nix { };
  h = config.atproto.health;
  withHealth = lib.filterAttrs (_: e: e ? health) catalog.services;

  checked = lib.filterAttrs (id: e: e.healthUrl != null && (h.startCheck.${id} or true)) config.atproto.registry;

  # One script for every unit; what it waits for is on the ExecStartPost line.
  check = pkgs.writeShellScript "atproto-health-check" (''
    export PATH=${lib.makeBinPath [ pkgs.curl pkgs.coreutils ]}
  '' + lib.removePrefix "#!/usr/bin/env bash\n" (builtins.readFile ./health-check.sh));
  quote = import ../../lib/systemd-quote.nix;
  message = id: e: "${e.title} did not answer ${e.healthUrl} within ${toString h.startTimeout} s: "
    + "see journalctl -u ${e.unit}. atproto.health.startCheck.${id} = false turns this check off.";
in
{
  options.atproto.health = {
    startCheck = lib.mapAttrs
      (id: e: lib.mkOption {
        type = lib.types.bool;
        default = true;
        description = ''
          Count ${e.title}'s unit as started only once ${e.health.path} answers on its
          ${e.health.port} port (asked on the host itself for at most
          atproto.health.startTimeout seconds). Turn it off for a service that takes
          longer to come up, or that is served differently than the catalog says.
        '';
      })
      withHealth;

    startTimeout = lib.mkOption {
      type = lib.types.ints.between 1 3600;
      default = 60;
      description = "How long, in seconds, a unit's start check waits for the service's health endpoint.";
    };
  };

  config.systemd.services = lib.mapAttrs'
    (id: e: lib.nameValuePair e.unit {
      serviceConfig = {
        ExecStartPost = [
          (lib.concatStringsSep " " ([ "${check}" ] ++ map quote [ e.healthUrl (toString h.startTimeout) (message id e) ]))
        ];
        TimeoutStartSec = lib.mkDefault (toString (lib.max 90 (h.startTimeout + 30)));
      };
    })
    checked;
}
