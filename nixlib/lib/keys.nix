# The checks that look at what the answers file literally contains, on every service
# table whether enabled or not: `field` for declared keys, `fixed-port` for moved fixed
# ports, `inline-secret` / `unknown-key` for keys the catalog does not declare.
{ catalog, eff }:
let
  u = import ./util.nix;
  f = import ./fields.nix { inherit (catalog) plan; };
  services = catalog.services;

  secretWords = [ "password" "secret" "token" "private_key" "api_key" ];

  # svc: the catalog service whose table holds the key, or null outside services.<id>.
  looksSecret = svc: key:
    let secrets = if svc == null then [ ] else svc.secrets or [ ]; in
    builtins.any (s: (s.name or null) == key || ((s.env or "") != "" && s.env == key)) secrets
    || builtins.any (w: u.hasInfix w (u.toLower key)) secretWords;

  settingsAdvice = "remove it; the secrets backend (integrations.secrets.backend) provides it on the host.";
  otherAdvice = "remove it and name a root-only file on the host in the matching *_file field.";

  # An undeclared key at `path`; inSettings picks the services.<id>.settings wording.
  undeclared = svc: inSettings: path: key:
    if looksSecret svc key then
      [ (u.diag "error" "inline-secret" path
        "${path} looks like a secret. Secrets never go in the answers file: ${if inSettings then settingsAdvice else otherAdvice}") ]
    else
      [ (u.diag "error" "unknown-key" path "Unknown key ${path}.") ];

  # A value where a table belongs (`host = "x"`) is reported and then read as absent.
  notTable = path: v:
    if v == null || builtins.isAttrs v then [ ]
    else [ (u.diag "error" "field" path "${builtins.toJSON v} must be a table.") ];

  # Walks one table: declared keys go to `onField`, others are undeclared.
  walk = svc: inSettings: prefix: v: declared: onField:
    let tbl = u.table v; in
    notTable prefix v
    ++ u.concatMap
      (k:
        let path = "${prefix}.${k}"; in
        if declared ? ${k} then onField path declared.${k} tbl.${k}
        else undeclared svc inSettings path k)
      (builtins.attrNames tbl);

  # Every diagnostic here is an error: docs/VALIDATION.md names no level for these codes.
  fixedPort = svc: path: port: v:
    f.checkField path { type = "port"; } v
    ++ (if (port.fixed or false) && !(u.same v port.default) then
      [ (u.diag "error" "fixed-port" path
        "${svc.title}'s ${port.name} port is fixed upstream at ${u.text port.default}: remove ${path}.") ]
    else [ ]);

  service = id: tbl:
    let
      svc = services.${id};
      prefix = "services.${id}";
      # Keys every service table may hold (_plan.toml [[service_fields]]), checked as
      # fields; then the four with a meaning of their own.
      parts = builtins.mapAttrs (_: field: path: _: v: f.checkField path field v) eff.serviceFields // {
        enable = path: _: v: f.checkField path { type = "bool"; } v;
        domain = path: _: v: f.checkField path { type = "hostname"; } v;
        ports = path: _: v: walk svc false path v (eff.portsOf id) (fixedPort svc);
        settings = path: _: v: walk svc true path v (eff.settingsOf id) f.checkField;
      };
    in
    walk svc false prefix tbl parts (path: onPart: v: onPart path null v);

  hostKeys = walk null false "host" (eff.top.host or null) eff.hostFields f.checkField;

  integrationKeys = walk null false "integrations" (eff.top.integrations or null) eff.sectionFields
    (path: fields: v: walk null false path v fields f.checkField);

  # A service id the catalog does not know is a typo to point out (whatever its name
  # looks like); its table is not read.
  serviceKeys = notTable "services" (eff.top.services or null)
    ++ u.concatMap
    (id:
      if services ? ${id} then service id eff.svcs.${id}
      else [ (u.diag "error" "unknown-key" "services.${id}" "Unknown key services.${id}.") ])
    (builtins.attrNames eff.svcs);

  # `schema` is the file format's version, read by the wizard, not a field to check.
  topKeys = u.concatMap
    (k:
      if builtins.elem k [ "schema" "host" "integrations" "services" ] then [ ]
      else undeclared null false k k)
    (builtins.attrNames eff.top);
in
topKeys ++ hostKeys ++ integrationKeys ++ serviceKeys
