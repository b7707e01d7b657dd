# `domain-clash` (docs/VALIDATION.md "Domain clashes"): with the proxy on, enabled
# services that have a public port in use and the same effective domain; the first in
# id order keeps the name and every later one gets one diagnostic.
{ catalog, eff }:
let
  u = import ./util.nix;
  services = catalog.services;

  # A wrong kind (already a `field` error) counts as on, as `ne = "none"` does in rules.
  proxyOn = !u.eqValue (eff.get "integrations.proxy.kind") "none";

  hostDomain = eff.get "host.domain";
  suffix = if u.isSet hostDomain then u.text hostDomain else "example.com";

  # A public port in use: `public = true`, and its `enabled_by` setting true if it has one.
  servesPublicly = id: builtins.any
    (p: (p.public or false) && ((p.enabled_by or "") == ""
      || u.same (eff.get "services.${id}.settings.${p.enabled_by}") true))
    (services.${id}.ports or [ ]);

  # Only a set string takes part; anything else is unset or a `field` error.
  served = builtins.filter (s: builtins.isString s.domain && s.domain != "")
    (map (id: { inherit id; domain = eff.get "services.${id}.domain"; })
      (builtins.filter servesPublicly eff.enabledIds));

  title = id: services.${id}.title or id;

  # Threads the first service seen for each name (enabledIds is in id order).
  step = acc: s:
    if acc.first ? ${s.domain} then
      acc // {
        diags = acc.diags ++ [
          (u.diag "error" "domain-clash" "services.${s.id}.domain"
            "${title s.id} and ${title acc.first.${s.domain}} are both served at ${s.domain}: set services.${s.id}.domain to a name of its own, like ${s.id}.${suffix}.")
        ];
      }
    else acc // { first = acc.first // { ${s.domain} = s.id; }; };
in
if !proxyOn then [ ]
else (builtins.foldl' step { first = { }; diags = [ ]; } served).diags
