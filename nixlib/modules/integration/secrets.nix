# Secrets reach services as files, never through the Nix store. Every file a unit is
# given is read by systemd itself, as root, before the unit's own user runs
# (EnvironmentFile=, LoadCredential=): so every secret stays root-only (0400 in 0700
# directories), whatever user the service runs as.
# generate (default) and agenix: a oneshot atproto-secrets-<unit>, ordered before the
#   service, runs nixlib/secrets/atproto-secrets.sh: it creates missing secrets in
#   <secrets_dir>/<unit>/ (_plan.toml), links the ones kept elsewhere (agenix's, a shared
#   API key, a database password) and composes /run/atproto-secrets/<unit>.env for the
#   variables. Both parent directories are made 0700 root by systemd-tmpfiles at boot,
#   so their mode never depends on which oneshot runs first.
# sops: sops.secrets "atproto/<unit>/<name>" from atproto.integration.secrets.sops_file,
#   one per file the enabled services name (a key shared by two services is declared
#   once), and a sops.templates "atproto-<unit>.env" with the variables, which the unit
#   reads at the template's path.
# agenix: age.secrets "atproto-<unit>-<name>" from <agenix_dir>/<unit>-<name>.age, again
#   only for the files the enabled services name: agenix needs every declared file to
#   exist when the host is evaluated.
# A service with ownSecrets (its secrets come from the host's own files, as an adopted
# host wrote them) gets none of this: no oneshot, no environment file, no sops or age
# secret, no template.
# sops.* and age.* exist only when the host imports sops-nix or agenix: they are defined
# here only then, and choosing the backend without the module is an assertion that
# says what to add.
{ config, lib, options, pkgs, ... }:
let
  s = config.atproto.integration.secrets;
  reg = config.atproto.registry;
  files = import ../../lib/secret-files.nix { inherit lib; };
  script = ../../secrets/atproto-secrets.sh;
  active = reg != { };

  spec = unit: secret: import ../../lib/secret-spec.nix { dir = files.generatedDir unit; inherit secret; };

  links = unit: e: lib.concatMapStrings
    (x: lib.optionalString (x.file != "${files.generatedDir unit}/${x.name}")
      "ln -sfn ${lib.escapeShellArg x.file} ${lib.escapeShellArg "${files.generatedDir unit}/${x.name}"}\n")
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
      install -d -m 0700 ${files.secretsDir} /run/atproto-secrets
      ${files.makeDir (files.generatedDir e.unit)}${links e.unit e}${pkgs.bash}/bin/bash ${script} --dir ${files.generatedDir e.unit} \
        --env-file /run/atproto-secrets/${e.unit}.env \
        ${lib.escapeShellArgs (map (spec e.unit) e.composed)}
    '';
  };

  # backend name of a file -> the units that read it. A service whose secrets the host's
  # own files provide (ownSecrets) names none, and is skipped all the same: nothing is
  # declared for it.
  usersOf = nameOf: lib.foldl'
    (acc: e: lib.foldl'
      (acc': x:
        let n = nameOf x.file; in
        if n == null then acc' else acc' // { ${n} = lib.unique ((acc'.${n} or [ ]) ++ [ e.unit ]); })
      acc
      e.secrets)
    { }
    (builtins.filter (e: !e.ownSecrets) (lib.attrValues reg));
  sopsUsers = usersOf files.sopsNameOf;
  ageUsers = usersOf files.ageNameOf;
  withTemplate = lib.filterAttrs (_: e: e.templated != [ ]) reg;
in
{
  config = lib.mkMerge ([
    { systemd.services = lib.mapAttrs' oneshot (lib.filterAttrs (_: e: e.secretsUnit) reg); }

    # Grafana's secrets (monitoring.nix) live here too.
    (lib.mkIf (active && (lib.any (e: e.secretsUnit) (lib.attrValues reg) || config.atproto.integration.monitoring.grafana)) {
      systemd.tmpfiles.rules = [
        "d ${files.secretsDir} 0700 root root -"
        "d /run/atproto-secrets 0700 root root -"
      ];
    })

    (lib.mkIf active {
      assertions = [
        {
          assertion = s.backend != "sops" || options ? sops;
          message = "atproto.integration.secrets.backend is \"sops\" but the host does not import sops-nix: add inputs.sops-nix.nixosModules.sops to the host's modules (the wizard's flake.nix does), or choose another backend.";
        }
        {
          assertion = s.backend != "agenix" || options ? age;
          message = "atproto.integration.secrets.backend is \"agenix\" but the host does not import agenix: add inputs.agenix.nixosModules.default to the host's modules (the wizard's flake.nix does), or choose another backend.";
        }
      ];
    })
  ]
  ++ lib.optional (options ? sops) (lib.mkIf (active && s.backend == "sops") {
    sops.secrets = lib.mapAttrs
      (_: units: {
        sopsFile = s.sops_file;
        restartUnits = map (u: "${u}.service") units;
      })
      sopsUsers;
    sops.templates = lib.mapAttrs'
      (_: e: lib.nameValuePair "atproto-${e.unit}.env" {
        content = lib.concatMapStrings
          (x: "${x.env}=${config.sops.placeholder.${files.sopsNameOf x.file}}\n")
          e.templated;
        restartUnits = [ "${e.unit}.service" ];
      })
      withTemplate;
    # Without it sops-nix decrypts with the SSH host key (services.openssh).
    sops.age.keyFile = lib.mkIf (s.age_key_file != null) s.age_key_file;
  })
  ++ lib.optional (options ? age) (lib.mkIf (active && s.backend == "agenix") {
    age.secrets = lib.mapAttrs
      (n: _: { file = s.agenix_dir + "/${files.ageFile n}"; })
      ageUsers;
  }));
}
