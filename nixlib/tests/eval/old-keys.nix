# The test-only service of nixlib/tests/migration-catalog (settings renamed and removed)
# as a NixOS module, evaluated with nixpkgs' lib: an old key forwards its value to the
# new one with a warning, a removed key fails with the catalog's advice, neither reaches
# the command line. Every check is { name; ok; got; } as in checks.nix.
{ libPath }:
let
  lib = import (libPath + "/lib");
  # The real _plan.toml beside the test service, as validate.sh puts them.
  catalog = {
    plan = (import ../../lib/catalog.nix { }).plan;
    services.mover = builtins.fromTOML (builtins.readFile ../migration-catalog/mover.toml);
  };
  mover = import ../../lib/service-module.nix { id = "mover"; inherit catalog; };
  eval = settings: import ./eval.nix {
    inherit libPath;
    modules = [ mover ];
    host = {
      atproto.host = { domain = "m.example.com"; admin_email = "a@example.com"; };
      atproto.integration.proxy.kind = "none";
      services.mover = { enable = true; inherit settings; };
    };
  };
  check = name: ok: got: { inherit name ok; got = builtins.toJSON got; };
  exec = h: h.config.systemd.services.mover.serviceConfig.ExecStart;
  removed = (builtins.head catalog.services.mover.removed);

  renamed = eval { ws_url = "https://relay.example.com"; worker_count = 9; };
  current = eval { relay_url = "https://relay.example.com"; workers = 9; };
  gone = eval { event_ttl = "24h"; };
in
[
  (check "a renamed setting forwards its value to the new one"
    (renamed.config.services.mover.settings.relay_url == "https://relay.example.com"
      && renamed.config.services.mover.settings.workers == 9)
    { inherit (renamed.config.services.mover.settings) relay_url workers; })
  (check "a renamed setting warns, naming the old and the new key"
    (builtins.any (w: lib.hasInfix "services.mover.settings" w && lib.hasInfix "`ws_url'" w
      && lib.hasInfix "renamed to `relay_url'" w) renamed.warnings
      && builtins.length renamed.warnings == 2)
    renamed.warnings)
  (check "the old keys give the program what the new ones do, and nothing else"
    (exec renamed == exec current && !(lib.hasInfix "ws_url" (exec renamed))
      && !(lib.hasInfix "warnings" (exec renamed)))
    [ (exec renamed) (exec current) ])
  (check "the new keys alone warn of nothing and fail nothing"
    (current.warnings == [ ] && current.failed == [ ])
    { inherit (current) warnings failed; })
  (check "a removed setting fails with the catalog's advice"
    (builtins.any (m: lib.hasInfix "`event_ttl'" m && lib.hasInfix removed.advice m
      && lib.hasInfix removed.since m) gone.failed)
    gone.failed)
]
