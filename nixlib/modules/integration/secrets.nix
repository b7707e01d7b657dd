# Secrets reach services as files, never through the Nix store.
# generate (default) and agenix: a oneshot atproto-secrets-<unit>, ordered before the
#   service, runs nixlib/secrets/atproto-secrets.sh: it creates missing secrets in
#   /var/lib/atproto-secrets/<unit>/ (root-only, never rotated), links the ones kept
#   elsewhere (agenix's, a shared API key, a database password) and composes
#   /run/atproto-secrets/<unit>.env for the variables.
# sops: sops.secrets "atproto/<unit>/<name>" from atproto.integration.secrets.sops_file
#   and a sops.templates "atproto-<unit>.env" with the variables.
# agenix: age.secrets "atproto-<unit>-<name>" from <agenix_dir>/<unit>-<name>.age.
{ config, lib, pkgs, ... }:
let
  s = config.atproto.integration.secrets;
  reg = config.atproto.registry;
  dirOf = unit: "/var/lib/atproto-secrets/${unit}";
  script = ../../secrets/atproto-secrets.sh;

  spec = unit: secret: import ../../lib/secret-spec.nix { dir = dirOf unit; inherit secret; };

  links = unit: e: lib.concatMapStrings
    (x: lib.optionalString (x.file != "${dirOf unit}/${x.name}")
      "ln -sfn ${lib.escapeShellArg x.file} ${lib.escapeShellArg "${dirOf unit}/${x.name}"}\n")
    e.composed;

  oneshot = _: e: lib.nameValuePair "atproto-secrets-${e.unit}" {
    description = "Prepare the secrets of ${e.title}";
    before = [ "${e.unit}.service" ];
    requiredBy = [ "${e.unit}.service" ];
    after = lib.optional (s.backend == "agenix") "agenix-install-secrets.service";
    path = [ pkgs.openssl pkgs.coreutils ];
    serviceConfig = {
      Type = "oneshot";
      RemainAfterExit = true;
      UMask = "0077";
    };
    script = ''
      install -d -m 0700 ${dirOf e.unit} /run/atproto-secrets
      ${links e.unit e}${pkgs.bash}/bin/bash ${script} --dir ${dirOf e.unit} \
        --env-file /run/atproto-secrets/${e.unit}.env \
        ${lib.escapeShellArgs (map (spec e.unit) e.composed)}
    '';
  };

  envSecrets = e: lib.filter (x: (x.env or "") != "") e.secrets;
in
{
  config = lib.mkMerge [
    { systemd.services = lib.mapAttrs' oneshot (lib.filterAttrs (_: e: e.secretsUnit) reg); }

    (lib.mkIf (s.backend == "sops" && reg != { }) {
      sops.secrets = builtins.listToAttrs (lib.concatMap
        (e: map
          (x: lib.nameValuePair "atproto/${e.unit}/${x.name}" {
            sopsFile = config.atproto.integration.secrets.sops_file;
            restartUnits = [ "${e.unit}.service" ];
          })
          e.secrets)
        (lib.attrValues reg));
      sops.templates = lib.mapAttrs'
        (_: e: lib.nameValuePair "atproto-${e.unit}.env" {
          content = lib.concatMapStrings
            (x: "${x.env}=${config.sops.placeholder."atproto/${e.unit}/${x.name}"}\n")
            (envSecrets e);
          restartUnits = [ "${e.unit}.service" ];
        })
        (lib.filterAttrs (_: e: envSecrets e != [ ]) reg);
    })

    (lib.mkIf (s.backend == "agenix" && reg != { }) {
      age.secrets = builtins.listToAttrs (lib.concatMap
        (e: map
          (x: lib.nameValuePair "atproto-${e.unit}-${x.name}" {
            file = s.agenix_dir + "/${e.unit}-${x.name}.age";
          })
          e.secrets)
        (lib.attrValues reg));
    })
  ];
}
