# The fleet's own checks (the wizard's `fleet check`, src/fleet/): references between
# hosts ("@<host>/<service>", for settings whose catalog entry has `refers_to`), the
# names the fleet and each host's answers give it, public domains served by two hosts,
# one nixpkgs and atproto-nix (and, for colmena, one system) for the whole flake, and a
# list of services that names only one host. Each host's answers are otherwise checked
# by validate.nix. Builtins only, like validate.nix; the messages are the wizard's,
# compared by tests/parity.rs.
#
# fleet: { engine; hosts = [ { name; ... } ]; }
# hosts: [ { name; answers; } ] in the fleet's order (answers as builtins.fromTOML reads them)
# Returns [ { host; level; code; path; message; } ].
{ catalog ? import ./catalog.nix { } }:
fleet: hosts:
let
  u = import ./util.nix;
  services = catalog.services;
  effOf = answers: import ./effective.nix { inherit catalog answers; };
  effs = builtins.listToAttrs (map (h: { name = h.name; value = effOf h.answers; }) hosts);
  names = map (h: h.name) hosts;
  join = sep: builtins.concatStringsSep sep;

  proxyOn = eff: !u.eqValue (eff.get "integrations.proxy.kind") "none";
  servesPublicly = eff: id: builtins.any
    (p: (p.public or false) && ((p.enabled_by or "") == ""
      || u.same (eff.get "services.${id}.settings.${p.enabled_by}") true))
    (services.${id}.ports or [ ]);
  publicDomain = eff: id:
    let d = eff.get "services.${id}.domain"; in
    if servesPublicly eff id && proxyOn eff && builtins.isString d && d != "" then d else null;

  # `@host/service`, or null when `text` is not a reference; { error } when unreadable.
  parse = text:
    if !(builtins.isString text) || builtins.substring 0 1 text != "@" then null
    else
      let
        parts = builtins.filter builtins.isString
          (builtins.split "/" (builtins.substring 1 (builtins.stringLength text) text));
      in
      if builtins.length parts == 2 && builtins.elemAt parts 0 != "" && builtins.elemAt parts 1 != ""
      then { host = builtins.elemAt parts 0; service = builtins.elemAt parts 1; }
      else { error = "${builtins.toJSON text} is not a reference: write @<host>/<service>, like \"@relay1/indigo-relay\""; };

  # Why a reference cannot be resolved, or null.
  problem = field: r:
    let
      kinds = field.refers_to.kinds;
      wanted = join " or " kinds;
      ref = "@${r.host}/${r.service}";
    in
    if !(effs ? ${r.host}) then
      "${ref}: the fleet has no host ${builtins.toJSON r.host} (its hosts: ${join ", " names})."
    else
      let
        eff = effs.${r.host};
        found = map (id: "@${r.host}/${id}")
          (builtins.filter (id: builtins.elem services.${id}.kind kinds) eff.enabledIds);
        candidates = if found == [ ] then "${r.host} runs no ${wanted}" else "on ${r.host}: ${join ", " found}";
      in
      if !(services ? ${r.service}) || !(eff.enabled r.service) then
        "${ref}: ${r.host} does not run ${r.service} (${candidates})."
      else if !(builtins.elem services.${r.service}.kind kinds) then
        "${ref}: ${services.${r.service}.title} is a ${services.${r.service}.kind}, and ${field.key} takes a ${wanted} (${candidates})."
      else if publicDomain eff r.service == null then
        "${ref}: ${services.${r.service}.title} on ${r.host} is not served publicly (a public port behind the host's reverse proxy, at a domain), so other hosts cannot reach it: turn on ${r.host}'s proxy (integrations.proxy.kind)."
      else null;

  # The settings of a host's enabled services that take references, with their values.
  referring = h:
    let eff = effs.${h.name}; in
    u.concatMap
      (id: map (field: { inherit id field; value = (eff.settingsTable id).${field.key} or null; })
        (builtins.filter (f: f ? refers_to) (services.${id}.settings or [ ])))
      eff.enabledIds;

  referenceDiags = h: u.concatMap
    (s:
      let
        items = if builtins.isList s.value then s.value else [ s.value ];
        path = "services.${s.id}.settings.${s.field.key}";
      in
      u.concatMap
        (item:
          let r = parse item; in
          if r == null then [ ]
          else if r ? error then [ (u.diag "error" "fleet-reference" path r.error) ]
          else
            let why = problem s.field r; in
            if why == null then [ ] else [ (u.diag "error" "fleet-reference" path why) ])
        items)
    (referring h);

  singlePoints = h: u.concatMap
    (s:
      let
        refs = if builtins.isList s.value then map parse s.value else [ ];
        targets = map (r: if r == null || r ? error then null else r.host) refs;
        only = if targets == [ ] then null else builtins.head targets;
      in
      if only == null || !(effs ? ${only}) || !(builtins.all (t: t == only) targets) then [ ]
      else
        [
          (u.diag "warning" "fleet-single-point" "services.${s.id}.settings.${s.field.key}"
            "${s.field.key} names only ${only}: while ${only} is down, ${services.${s.id}.title} has none; add another as well${
              if s.field ? default then " (the default is ${builtins.toJSON s.field.default})" else ""}.")
        ])
    (referring h);

  flakeName = eff:
    let
      fn = eff.get "host.flake_name";
      hn = eff.get "host.hostname";
    in
    if builtins.isString fn then fn else if builtins.isString hn then hn else "nixos";

  nameDiags = h:
    let entry = flakeName effs.${h.name}; in
    if entry == h.name then [ ]
    else [
      (u.diag "error" "fleet-host-name" "host.hostname"
        "The fleet calls this host ${builtins.toJSON h.name}, but its answers name it ${builtins.toJSON entry}: make them the same (host.hostname, or host.flake_name when the machine is named otherwise).")
    ];

  # Public domains: the first host (fleet order) and service (id order) to serve a name
  # keeps it; a later one on another host is a clash.
  domainStep = acc: h:
    let eff = effs.${h.name}; in
    builtins.foldl'
      (acc: id:
        let d = publicDomain eff id; in
        if d == null then acc
        else if acc.first ? ${d} then
          (if acc.first.${d}.host == h.name then acc
          else acc // {
            diags = acc.diags ++ [{
              host = h.name;
              diag = u.diag "error" "fleet-domain-clash" "services.${id}.domain"
                "${d} is served by ${id} on ${h.name} and by ${acc.first.${d}.service} on ${acc.first.${d}.host}: each public name points at one machine; give one of them another domain.";
            }];
          })
        else acc // { first = acc.first // { ${d} = { host = h.name; service = id; }; }; })
      acc
      eff.enabledIds;
  domainDiags = (builtins.foldl' domainStep { first = { }; diags = [ ]; } hosts).diags;

  inputKeys = [ "nixpkgs" "flake_url" ] ++ (if fleet.engine == "colmena" then [ "system" ] else [ ]);
  shown = v: if v == null then "unset" else builtins.toJSON v;
  inputDiags = h:
    if hosts == [ ] || h.name == (builtins.head hosts).name then [ ]
    else
      let
        first = builtins.head hosts;
        theirs = effs.${first.name};
        ours = effs.${h.name};
      in
      u.concatMap
        (key:
          let a = theirs.get "host.${key}"; b = ours.get "host.${key}"; in
          if u.same a b then [ ]
          else [
            (u.diag "error" "fleet-inputs" "host.${key}"
              "host.${key} is ${shown b} here but ${shown a} on ${first.name}: the fleet is one flake, so every host uses the same ${key}; make them the same.")
          ])
        inputKeys;

  tagged = h: ds: map (d: d // { host = h.name; }) ds;
in
u.concatMap (h: tagged h (referenceDiags h ++ singlePoints h ++ nameDiags h ++ inputDiags h)) hosts
++ map (x: x.diag // { host = x.host; }) domainDiags
