# A stand-in for agenix's NixOS module (ryantm/agenix: modules/age.nix), imported only by
# hosts that import agenix, as a real host does: without it, `age.*` does not exist.
# It models where secrets land (secretsDir/name, mode 0400, owner root), the
# identityPaths assertion, and that every `file` exists: agenix interpolates it into
# its install script, which copies the path into the store, so a missing .age file
# aborts evaluation of the whole host.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.age;
  users = config.users.users;
in
{
  options.age = {
    secretsDir = mkOption { type = types.path; default = "/run/agenix"; };
    secrets = mkOption {
      default = { };
      type = types.attrsOf (types.submodule ({ name, config, ... }: {
        options = {
          name = mkOption { type = types.str; default = name; };
          file = mkOption { type = types.path; };
          path = mkOption { type = types.str; default = "${cfg.secretsDir}/${config.name}"; };
          mode = mkOption { type = types.str; default = "0400"; };
          owner = mkOption { type = types.str; default = "0"; };
          group = mkOption { type = types.str; default = users.${config.owner}.group or "0"; };
          symlink = mkOption { type = types.bool; default = true; };
        };
      }));
    };
    identityPaths = mkOption {
      type = types.listOf types.path;
      default = lib.optionals config.services.openssh.enable (map (k: k.path)
        (lib.filter (k: k.type == "rsa" || k.type == "ed25519") config.services.openssh.hostKeys));
    };
  };

  config = lib.mkIf (cfg.secrets != { }) {
    assertions = [
      {
        assertion = cfg.identityPaths != [ ];
        message = "age.identityPaths must be set, for example by enabling openssh.";
      }
    ] ++ lib.mapAttrsToList
      (name: s: {
        assertion = builtins.pathExists s.file;
        message = "age.secrets.\"${name}\".file: getting status of '${toString s.file}': No such file or directory";
      })
      cfg.secrets;
  };
}
