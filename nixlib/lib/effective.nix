# Effective values (docs/VALIDATION.md "Effective values"): the value in the answers
# file, else the catalog default with {host.<key>} filled in, else null. Every other
# check reads the plan through `get`, so defaults are resolved in one place.
{ catalog, answers }:
let
  u = import ./util.nix;
  plan = catalog.plan;
  services = catalog.services;

  top = u.table answers;
  host = u.table (top.host or null);
  integrations = u.table (top.integrations or null);
  svcs = u.table (top.services or null);

  hostFields = u.byKey "key" (plan.host or [ ]);
  serviceFields = u.byKey "key" (plan.service_fields or [ ]);
  sectionFields = builtins.mapAttrs (_: u.byKey "key") (plan.integrations or { });
  settingsOf = id: u.byKey "key" (services.${id}.settings or [ ]);
  portsOf = id: u.byKey "name" (services.${id}.ports or [ ]);

  # Host values as templates see them: file value or the (untemplated) default. A
  # missing one is substituted as "" so "{host.admin_email}" without an admin email
  # is unset rather than a literal placeholder.
  hostTemplateText = k:
    let v = if host ? ${k} then host.${k} else hostFields.${k}.default or null;
    in if v == null then "" else u.text v;

  # Only the host keys that occur in the string are substituted (and so evaluated).
  fill = s:
    let keys = builtins.filter (k: u.hasInfix "{host.${k}}" s) (builtins.attrNames hostFields);
    in builtins.replaceStrings (map (k: "{host.${k}}") keys) (map hostTemplateText keys) s;

  # Defaults may be strings or lists of strings (handle_domains = [".{host.domain}"]).
  template = v:
    if builtins.isString v then fill v
    else if builtins.isList v then map template v
    else v;

  # `tbl` is the answers table holding the field; `name` its key there.
  fieldValue = tbl: name: field:
    if tbl ? ${name} then tbl.${name} else template (field.default or null);

  serviceTable = id: u.table (svcs.${id} or null);
  settingsTable = id: u.table ((serviceTable id).settings or null);
  portsTable = id: u.table ((serviceTable id).ports or null);

  # enable defaults to true when the table services.<id> is present; only `true` enables.
  enabled = id:
    builtins.isAttrs (svcs.${id} or null) && (
      let t = serviceTable id; in
      if t ? enable then u.same t.enable true else true);

  # Anything the catalog does not declare: the raw value, or null.
  raw = segments:
    builtins.foldl'
      (acc: k: if builtins.isAttrs acc && acc ? ${k} then acc.${k} else null)
      top
      segments;

  get = path:
    let
      s = u.splitPath path;
      n = builtins.length s;
      at = builtins.elemAt s;
    in
    if n == 2 && at 0 == "host" && hostFields ? ${at 1} then
      fieldValue host (at 1) hostFields.${at 1}
    else if n == 3 && at 0 == "integrations" && sectionFields ? ${at 1}
      && sectionFields.${at 1} ? ${at 2} then
      fieldValue (u.table (integrations.${at 1} or null)) (at 2) sectionFields.${at 1}.${at 2}
    else if n == 3 && at 0 == "services" && at 2 == "enable" then
      enabled (at 1)
    # The name the proxy serves: the service's own `hostname` setting when its catalog
    # has one, else the host's domain.
    else if n == 3 && at 0 == "services" && services ? ${at 1} && at 2 == "domain" then
      (let t = serviceTable (at 1); in
      if t ? domain then t.domain
      else if settingsOf (at 1) ? hostname then get "services.${at 1}.settings.hostname"
      else get "host.domain")
    else if n == 3 && at 0 == "services" && services ? ${at 1} && serviceFields ? ${at 2} then
      fieldValue (serviceTable (at 1)) (at 2) serviceFields.${at 2}
    else if n == 4 && at 0 == "services" && services ? ${at 1} && at 2 == "settings"
      && settingsOf (at 1) ? ${at 3} then
      fieldValue (settingsTable (at 1)) (at 3) (settingsOf (at 1)).${at 3}
    else if n == 4 && at 0 == "services" && services ? ${at 1} && at 2 == "ports"
      && portsOf (at 1) ? ${at 3} then
      fieldValue (portsTable (at 1)) (at 3) (portsOf (at 1)).${at 3}
    else raw s;

  # Catalog services enabled in this plan, in id order (attrNames sorts by bytes).
  enabledIds = builtins.filter enabled (builtins.attrNames services);
in
{
  inherit top host integrations svcs hostFields serviceFields sectionFields settingsOf portsOf
    serviceTable settingsTable portsTable enabled enabledIds get;
}
