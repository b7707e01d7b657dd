# atproto-diagnostics for one host (docs/MODULES.md): the script in
# atproto-diagnostics.sh, given what the host's modules know as files in the store.
# Built by the integration layer (nixlib/modules/integration/diagnostics.nix), not part
# of pkgs.atproto: what it reports depends on the host.
#
# services:    [{ id; unit; package; healthUrl (or null); stateDirs; environmentFiles;
#                otherUnits; }]
# settings:    { <id> = the service's non-secret settings; }, written as JSON
# secretNames: the variables that hold secrets (redacted wherever they appear)
{ lib, writeShellApplication, writeText, coreutils, curl, gnused, gnugrep, jq, systemd
, services, settings, secretNames }:
let
  # One tab-separated line per service; a tab or newline inside a value would start a
  # new field or line, so none is kept. No field is empty ("-" stands for nothing):
  # bash's read merges consecutive tabs.
  field = v: builtins.replaceStrings [ "\t" "\n" ] [ " " " " ] (if v == "" then "-" else toString v);
  line = s: lib.concatMapStringsSep "\t" field [
    s.id
    s.unit
    s.package
    (if s.healthUrl == null then "" else s.healthUrl)
    (lib.concatStringsSep "," s.stateDirs)
    (lib.concatStringsSep "," s.environmentFiles)
    (lib.concatStringsSep "," s.otherUnits)
  ] + "\n";
  servicesFile = writeText "atproto-diagnostics-services" (lib.concatMapStrings line services);
  configFile = writeText "atproto-diagnostics-config.json" (builtins.toJSON settings);
  namesFile = writeText "atproto-diagnostics-secret-names" (lib.concatMapStrings (n: "${n}\n") secretNames);
in
writeShellApplication {
  name = "atproto-diagnostics";
  # systemctl and journalctl from systemd; nixos-version is the system's own.
  runtimeInputs = [ coreutils curl gnused gnugrep jq systemd ];
  runtimeEnv = {
    ATPROTO_DIAGNOSTICS_SERVICES = "${servicesFile}";
    ATPROTO_DIAGNOSTICS_CONFIG = "${configFile}";
    ATPROTO_DIAGNOSTICS_SECRET_NAMES = "${namesFile}";
  };
  text = lib.removePrefix "#!/usr/bin/env bash\n" (builtins.readFile ./atproto-diagnostics.sh);
  passthru = { inherit servicesFile configFile namesFile; };
}
