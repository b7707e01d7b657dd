# The Nix interpreter of docs/VALIDATION.md: answers (builtins.fromTOML of an answers
# file) -> sorted diagnostics, byte-identical to the wizard's src/validate/.
# Builtins only, so the modules' assertions and a bare nix-instantiate can run it.
{ catalog ? import ./catalog.nix { } }:
written:
let
  u = import ./util.nix;
  # Old keys of services' settings are reported, and everything else is checked as if
  # the file used the new keys.
  renamed = import ./renamed.nix { inherit catalog; answers = written; };
  answers = renamed.answers;
  plan = catalog.plan;
  services = catalog.services;
  eff = import ./effective.nix { inherit catalog answers; };
  cond = import ./conditions.nix { inherit eff; };

  title = id: services.${id}.title or id;

  # Levels: the spec names them only for rules, needs-postgres and placeholder-hash (a
  # warning); every other code describes a plan that cannot work as written, so it is
  # an error.

  # required: host and integration fields always, settings of enabled services.
  required = path: field:
    if (field.required or false) && !u.isSet (eff.get path) then
      [ (u.diag "error" "required" path
        (if u.isSet (field.example or null)
        then "Set ${path}, like ${u.text field.example}."
        else "Set ${path}; it has no default.")) ]
    else [ ];

  hostRequired = u.concatMap (k: required "host.${k}" eff.hostFields.${k})
    (builtins.attrNames eff.hostFields);

  integrationRequired = u.concatMap
    (s: u.concatMap (k: required "integrations.${s}.${k}" eff.sectionFields.${s}.${k})
      (builtins.attrNames eff.sectionFields.${s}))
    (builtins.attrNames eff.sectionFields);

  settingsRequired = u.concatMap
    (id: u.concatMap (field: required "services.${id}.settings.${field.key}" field)
      (services.${id}.settings or [ ]))
    eff.enabledIds;

  # Rules: `when` holds and `require` does not.
  rule = base: code: render: r:
    if cond.when base r && !cond.holds base r.require then
      [ (u.diag r.level code (u.absPath base r.path) (render r.message)) ]
    else [ ];

  # Plan rules have no service, so nothing is substituted in their messages.
  planRules = u.concatMap (r: rule "" "rule:plan/${r.id}" (m: m) r) (plan.rules or [ ]);

  serviceRules = u.concatMap
    (id:
      let render = builtins.replaceStrings [ "{id}" "{title}" ] [ id (title id) ]; in
      u.concatMap (r: rule "services.${id}." "rule:${id}/${r.id}" render r) (services.${id}.rules or [ ]))
    eff.enabledIds;

  needsPostgres =
    let noDatabase = u.eqValue (eff.get "integrations.database.kind") "none"; in
    u.concatMap
      (id:
        let need = services.${id}.needs.postgres or "none"; in
        if !noDatabase then [ ]
        else if need == "required" then
          [ (u.diag "error" "needs-postgres" "integrations.database.kind"
            "${title id} needs PostgreSQL: set integrations.database.kind = \"local\" (or \"remote\" with a url).") ]
        else if need == "recommended" then
          [ (u.diag "warning" "needs-postgres" "integrations.database.kind"
            "${title id} works best with PostgreSQL: set integrations.database.kind = \"local\" unless this is a small test host.") ]
        else [ ])
      eff.enabledIds;

  needsServices = u.concatMap
    (id: u.concatMap
      (other:
        if eff.enabled other then [ ]
        else [ (u.diag "error" "needs-service" "services.${id}.enable"
          "${title id} needs ${title other} on the same host: enable services.${other} or disable services.${id}.") ])
      (services.${id}.needs.services or [ ]))
    eff.enabledIds;

  bodySize =
    let
      mb = eff.get "integrations.proxy.max_body_size_mb";
      proxyOn = !u.eqValue (eff.get "integrations.proxy.kind") "none";
      mib = 1048576;
    in
    if !proxyOn || !builtins.isInt mb then [ ]
    else u.concatMap
      (id: u.concatMap
        (s:
          let bytes = eff.get "services.${id}.settings.${s.key}"; in
          if (s.proxy_body or false) && builtins.isInt bytes && bytes > mb * mib then
            [ (u.diag "error" "body-size" "integrations.proxy.max_body_size_mb"
              "The proxy accepts request bodies up to ${toString mb} MiB but ${title id} accepts uploads up to ${toString bytes} bytes: set integrations.proxy.max_body_size_mb to at least ${toString ((bytes + mib - 1) / mib)}.") ]
          else [ ])
        (services.${id}.settings or [ ]))
      eff.enabledIds;

  # `a`, `a and b`, `a, b and c`.
  joinAnd = l:
    let n = builtins.length l; in
    if n < 2 then builtins.concatStringsSep "" l
    else builtins.concatStringsSep ", " (builtins.genList (builtins.elemAt l) (n - 1))
      + " and " + builtins.elemAt l (n - 1);

  # Enabled services whose secrets the host's own files provide (own_secrets = true):
  # the modules pass them nothing, so say what those files must hold
  # (src/validate/own_secrets.rs). Each secret the modules would otherwise pass on
  # (required, or its needed_with setting set), by variable or as the file for its
  # flag, then PGPASSWORD for a remote PostgreSQL.
  ownSecrets = u.concatMap
    (id:
      let
        svc = services.${id};
        needed = s: (s.required or true)
          || ((s.needed_with or "") != "" && u.isSet (eff.get "services.${id}.settings.${s.needed_with}"));
        nameOf = s:
          if (s.env or "") != "" then [ s.env ]
          else if (s.flag or "") != "" then [ "a file for ${s.flag}" ]
          else [ ];
        remote = u.eqValue (eff.get "integrations.database.kind") "remote";
        names = u.concatMap nameOf (builtins.filter needed (svc.secrets or [ ]))
          ++ (if remote && (svc.needs.postgres or "none") != "none" then [ "PGPASSWORD" ] else [ ]);
      in
      if !(u.same (eff.get "services.${id}.own_secrets") true) || names == [ ] then [ ]
      else [ (u.diag "warning" "own-secrets" "services.${id}.own_secrets"
        "${title id} gets none of its secrets from the secrets backend: the host's own files must provide ${joinAnd names} (nothing generates them).") ])
    eff.enabledIds;

  # Enabled services whose package still has lib.fakeHash dependency hashes: the first
  # build fails and prints the real hash, so say where it goes (src/validate/packages.rs).
  placeholderHashes =
    u.concatMap
      (id:
        let
          hashes = services.${id}.placeholder_hashes or [ ];
          n = builtins.length hashes;
          places = joinAnd (map (h: "${h.attr} in ${h.file}") hashes);
          what = if n == 1 then "a dependency hash of its package is a placeholder"
            else "${toString n} dependency hashes of its package are placeholders";
          stops = if n == 1 then "The first build stops" else "Each build stops at one of them";
        in
        if n == 0 then [ ]
        else [ (u.diag "warning" "placeholder-hash" "services.${id}.enable"
          "${title id} cannot be built yet: ${what} (lib.fakeHash): ${places}. ${stops} with a hash mismatch and prints the real hash (got: sha256-…): put that hash in place of the placeholder, in your copy of this flake (host.flake_url; a local change to that copy), and build again.") ])
      eff.enabledIds;

  portClashes = import ./ports.nix { inherit catalog eff cond; };
  domainClashes = import ./domains.nix { inherit catalog eff; };
  keys = import ./keys.nix { inherit catalog eff; };
in
u.sortDiags (renamed.diags ++ keys ++ hostRequired ++ integrationRequired ++ settingsRequired
  ++ planRules ++ serviceRules ++ needsPostgres ++ needsServices ++ portClashes ++ domainClashes ++ bodySize
  ++ ownSecrets ++ placeholderHashes)
