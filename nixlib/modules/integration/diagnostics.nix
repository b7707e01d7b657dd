# `atproto-diagnostics` on every host with an ATProto service: one report to paste into
# a bug report (nixlib/pkgs/atproto-diagnostics). What the host enabled goes into the
# store: units, package versions, health URLs, state directories, the environment
# files' paths and the non-secret settings. Secrets never do: they are files the
# secrets backend provides (secrets.nix), never option values; the script reads the
# environment files on the host only to blank their secret values in the report.
{ config, lib, pkgs, ... }:
let
  catalog = import ../../lib/catalog.nix { };
  reg = config.atproto.registry;

  # Every variable that holds a secret: each catalog service's [[secrets]] and the
  # remote database's password the secrets unit passes on.
  secretNames = lib.unique ([ "PGPASSWORD" ] ++ lib.concatMap
    (e: map (s: s.env) (builtins.filter (s: (s.env or "") != "") (e.secrets or [ ])))
    (lib.attrValues catalog.services));

  services = lib.mapAttrsToList
    (id: e: {
      inherit id;
      inherit (e) unit package healthUrl stateDirs;
      # Its other units: a companion (Ozone's daemon), the oneshot preparing its secrets.
      otherUnits = e.companions ++ lib.optional e.secretsUnit "atproto-secrets-${e.unit}";
      environmentFiles = lib.unique (e.environmentFiles ++ (config.services.${id}.environmentFiles or [ ]));
    })
    reg;

  package = import ../../pkgs/atproto-diagnostics {
    inherit lib services secretNames;
    inherit (pkgs) writeShellApplication writeText coreutils curl gnused gnugrep jq systemd;
    settings = lib.mapAttrs (_: e: e.settings) reg;
  };
in
{
  config = lib.mkIf (reg != { }) {
    environment.systemPackages = [ package ];
  };
}
