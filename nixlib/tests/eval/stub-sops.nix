# A stand-in for sops-nix's NixOS module (Mic92/sops-nix: modules/sops/default.nix and
# modules/sops/templates/default.nix), imported only by hosts that import sops-nix, as
# a real host does: without it, `sops.*` does not exist and defining it is an error.
# It models what decides whether a host runs: where secrets and rendered templates land
# (path defaults), their owner and mode, the placeholders templates interpolate (only
# for declared secrets), the key-source assertion, and that every sopsFile exists at
# evaluation (sops-nix hashes it with builtins.hashFile while validateSopsFiles is on).
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.sops;
  users = config.users.users;
  keysOfType = type: map (k: k.path)
    (lib.optionals config.services.openssh.enable (lib.filter (k: k.type == type) config.services.openssh.hostKeys));
  storePrefix = "/nix/store/";

  secretType = types.submodule ({ name, config, ... }: {
    options = {
      name = mkOption { type = types.str; default = name; };
      key = mkOption { type = types.str; default = name; };
      # sops-nix: "/run/secrets/${name}" (or /run/secrets-for-users/ when neededForUsers).
      path = mkOption { type = types.str; default = "/run/secrets/${config.name}"; };
      mode = mkOption { type = types.str; default = "0400"; };
      owner = mkOption { type = types.nullOr types.str; default = null; };
      group = mkOption {
        type = types.nullOr types.str;
        default = if config.owner != null then users.${config.owner}.group else null;
      };
      sopsFile = mkOption { type = types.path; default = cfg.defaultSopsFile; };
      restartUnits = mkOption { type = types.listOf types.str; default = [ ]; };
      reloadUnits = mkOption { type = types.listOf types.str; default = [ ]; };
    };
  });

  templateType = types.submodule ({ name, config, ... }: {
    options = {
      name = mkOption { type = types.str; default = name; };
      # sops-nix: RenderedSubdir in sops-install-secrets, "/run/secrets/rendered/${name}".
      path = mkOption { type = types.str; default = "/run/secrets/rendered/${config.name}"; };
      content = mkOption { type = types.lines; default = ""; };
      mode = mkOption { type = types.str; default = "0400"; };
      owner = mkOption { type = types.nullOr types.str; default = null; };
      group = mkOption { type = types.nullOr types.str; default = null; };
      restartUnits = mkOption { type = types.listOf types.str; default = [ ]; };
      reloadUnits = mkOption { type = types.listOf types.str; default = [ ]; };
    };
  });
in
{
  options.sops = {
    secrets = mkOption { type = types.attrsOf secretType; default = { }; };
    templates = mkOption { type = types.attrsOf templateType; default = { }; };
    placeholder = mkOption { type = types.attrsOf types.str; default = { }; };
    defaultSopsFile = mkOption { type = types.path; };
    validateSopsFiles = mkOption { type = types.bool; default = true; };
    age = {
      # sops-nix's pathNotInStore: a string path outside the Nix store.
      keyFile = mkOption {
        type = types.nullOr (types.addCheck types.str (p: !lib.hasPrefix storePrefix p));
        default = null;
      };
      sshKeyPaths = mkOption { type = types.listOf types.path; default = keysOfType "ed25519"; };
      generateKey = mkOption { type = types.bool; default = false; };
    };
    gnupg = {
      home = mkOption { type = types.nullOr types.str; default = null; };
      sshKeyPaths = mkOption { type = types.listOf types.path; default = keysOfType "rsa"; };
    };
  };

  config = lib.mkMerge [
    (lib.mkIf (cfg.templates != { }) {
      # Real placeholders exist only for declared secrets: a template naming another
      # fails evaluation with a missing attribute, as it does on NixOS.
      sops.placeholder = lib.mapAttrs
        (name: _: lib.mkDefault "<SOPS:${builtins.hashString "sha256" name}:PLACEHOLDER>")
        cfg.secrets;
    })
    (lib.mkIf (cfg.secrets != { }) {
      assertions = [
        {
          assertion = cfg.gnupg.home != null || cfg.gnupg.sshKeyPaths != [ ]
            || cfg.age.keyFile != null || cfg.age.sshKeyPaths != [ ];
          message = "No key source configured for sops. Either set services.openssh.enable or set sops.age.keyFile or sops.gnupg.home";
        }
      ] ++ lib.optionals cfg.validateSopsFiles (lib.mapAttrsToList
        (name: s: {
          # Real: builtins.hashFile fails evaluation when the file is missing.
          assertion = builtins.pathExists s.sopsFile;
          message = "sops.secrets.\"${name}\".sopsFile: opening file '${toString s.sopsFile}': No such file or directory";
        })
        cfg.secrets);
    })
  ];
}
