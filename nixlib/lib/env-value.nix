# A setting's value as an environment variable's text, the way the upstream programs
# parse it: bools as true/false, numbers in decimal, lists joined with "," and no
# spaces (the PDS splits on ","). The one encoding the modules use; the wizard renders
# the same text (render::atproto_nix::env_text, compared by tests/parity.rs).
v:
if builtins.isBool v then (if v then "true" else "false")
else if builtins.isList v then builtins.concatStringsSep "," (map toString v)
else toString v
