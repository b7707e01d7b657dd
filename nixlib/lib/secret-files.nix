# Where each secrets backend keeps a service's secret, and the way back from a file to
# the backend's own name for it. One place, so the service modules (which default
# services.<id>.secrets.<name> to these files) and the secrets integration (which
# declares exactly the sops/agenix secrets the services' files name) never disagree.
#   generate: <secrets_dir>/<id>/<name>, made by the generator (root, 0400); the
#             directory is _plan.toml's secrets_dir, which the wizard's summary reads.
#   sops:     sops.secrets."atproto/<id>/<name>", at sops-nix's default path for it.
#   agenix:   age.secrets."atproto-<id>-<name>" from <agenix_dir>/<id>-<name>.age, at
#             agenix's default path /run/agenix/<name>.
{ lib }:
rec {
  secretsDir = (import ./catalog.nix { }).plan.secrets_dir;
  generatedDir = id: "${secretsDir}/${id}";

  # Shell lines that make a generated-secrets directory 0700 before the generator runs,
  # refusing one that is a symbolic link: `install -d` would follow it, make its target
  # 0700 and the secrets would be written wherever it points.
  makeDir =
    dir:
    let
      d = lib.escapeShellArg dir;
    in
    ''
      if [ -L ${d} ]; then
        echo "atproto-secrets: ${dir} is a symbolic link (to $(readlink ${d})); the secrets directory must be a real directory: remove the link" >&2
        exit 1
      fi
      install -d -m 0700 ${d}
    '';

  sopsName = id: name: "atproto/${id}/${name}";
  # sops-nix: a secret's path defaults to /run/secrets/<its name>.
  sopsPath = n: "/run/secrets/${n}";

  ageName = id: name: "atproto-${id}-${name}";
  # agenix: secretsDir (/run/agenix) / <its name>.
  agePath = n: "/run/agenix/${n}";
  # The .age file in the host's agenix_dir for an age secret name.
  ageFile = n: "${lib.removePrefix "atproto-" n}.age";

  defaultFile = backend: id: name:
    if backend == "sops" then sopsPath (sopsName id name)
    else if backend == "agenix" then agePath (ageName id name)
    else "${generatedDir id}/${name}";

  # The sops or agenix secret name a file is, or null when the file is not one of
  # ours (an operator's own file, or a generated one).
  sopsNameOf = file:
    let m = builtins.match "/run/secrets/(atproto/[^/]+/[^/]+)" file; in
    if m == null then null else builtins.head m;
  ageNameOf = file:
    let m = builtins.match "/run/agenix/(atproto-.+)" file; in
    if m == null then null else builtins.head m;

  # A catalog secret is needed when it is required, or when the setting it goes with
  # (`needed_with`) has a value: an optional secret of a feature that is off is never
  # declared (agenix would demand its .age file, sops its key) nor passed on.
  needed = settingValue: s:
    (s.required or true) || ((s.needed_with or "") != "" && settingValue s.needed_with != null);
}
