# Stand-ins for the packages the modules name: just enough of a derivation (a store
# path string) for ExecStart lines and paths to be written and checked.
let
  drv = name: {
    type = "derivation";
    inherit name;
    pname = name;
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
    meta.mainProgram = name;
  };
  atprotoNames = [
    "constellation" "spacedust" "slingshot" "ufos" "pocket" "quasar" "who-am-i" "reflector"
    "rsky-pds" "rsky-relay" "rsky-feedgen" "rsky-firehose" "rsky-jetstream-subscriber"
    "rsky-labeler" "feed-generator" "ozone" "jetstream" "bluesky-appview"
  ];
  # The text of a script is kept beside its stand-in path, for the checks to read.
  script = name: text: drv name // { inherit text; };
in
{
  writeShellScript = script;
  writeText = script;
  # nixpkgs' build-support/trivial-builders: the arguments the modules use, passthru
  # kept on the result as mkDerivation keeps it.
  writeShellApplication = { name, text, runtimeInputs ? [ ], runtimeEnv ? null, passthru ? { } }:
    script name text // passthru // { inherit runtimeInputs runtimeEnv; };
  atproto = builtins.listToAttrs (map (n: { name = n; value = drv n; }) atprotoNames);
}
// builtins.listToAttrs (map (n: { name = n; value = drv n; }) [
  "bluesky-pds" "indigo" "atproto-goat" "openssl" "coreutils" "bash" "util-linux"
  "diesel-cli" "postgresql_15" "postgresql_16" "postgresql_17"
  "curl" "gnused" "gnugrep" "jq" "systemd"
])
