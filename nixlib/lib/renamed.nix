# Old keys of a service's settings (docs/VALIDATION.md; src/plan/renames.rs and
# src/validate/renamed.rs give the same words): a key a setting was renamed from is
# read as the new key, with a warning; a removed key is an error with the catalog's
# advice, and is read as absent.
#   diags:   the diagnostics
#   answers: the answers as the other checks read them (old keys forwarded or dropped)
{ catalog, answers }:
let
  u = import ./util.nix;
  services = catalog.services;
  fix = "atproto-wizard check --fix --answers <file>";

  top = u.table answers;
  svcs = u.table (top.services or null);

  # The setting a key was renamed from, or null.
  renamedField = id: key:
    let hits = builtins.filter (f: builtins.elem key (f.renamed_from or [ ])) (services.${id}.settings or [ ]);
    in if hits == [ ] then null else builtins.head hits;
  renamedTo = id: key: let f = renamedField id key; in if f == null then null else f.key;
  # The file writes the new key too, or an old key of it that sorts first (the one
  # forwarded): this one's value is ignored.
  superseded = id: key:
    let s = settingsOf id; f = renamedField id key; in
    s ? ${f.key} || builtins.any (o: o < key && s ? ${o}) f.renamed_from;
  removedEntry = id: key:
    let hits = builtins.filter (r: r.key == key) (services.${id}.removed or [ ]);
    in if hits == [ ] then null else builtins.head hits;

  # The settings table of a known service's table, when both are tables.
  settingsOf = id:
    let t = svcs.${id}; in
    if services ? ${id} && builtins.isAttrs t && builtins.isAttrs (t.settings or null)
    then t.settings else null;
  ids = builtins.filter (id: settingsOf id != null) (builtins.attrNames svcs);

  oldKeys = id:
    let s = settingsOf id; in
    builtins.filter (k: renamedTo id k != null || removedEntry id k != null) (builtins.attrNames s);

  diag = id: key:
    let
      s = settingsOf id;
      path = "services.${id}.settings.${key}";
      to = renamedTo id key;
      new = "services.${id}.settings.${to}";
      r = removedEntry id key;
    in
    if to != null && !(superseded id key) then
      u.diag "warning" "renamed-setting" path
        "${path} is now ${new}: its value is used as ${new}; run `${fix}` to rename it in the file."
    else if to != null then
      u.diag "warning" "renamed-setting" path
        "${path} is now ${new}, which the file sets already (by that name or another old one): this value is ignored; run `${fix}` to take it out."
    else
      u.diag "error" "removed-setting" path
        "${path} was removed in ${r.since}: ${r.advice} Take it out (`${fix}` does, once you confirm).";

  # One service's settings with its old keys forwarded (the new key's own value wins)
  # or dropped.
  forwarded = id:
    let
      s = settingsOf id;
      old = oldKeys id;
      moved = builtins.listToAttrs (builtins.concatMap
        (k: let to = renamedTo id k; in
          if to != null && !(superseded id k) then [ { name = to; value = s.${k}; } ] else [ ])
        old);
    in
    builtins.removeAttrs s old // moved;

  changed = builtins.filter (id: oldKeys id != [ ]) ids;
in
{
  diags = u.concatMap (id: map (diag id) (oldKeys id)) changed;
  answers =
    if changed == [ ] then answers
    else top // {
      services = svcs // builtins.listToAttrs (map
        (id: { name = id; value = svcs.${id} // { settings = forwarded id; }; })
        changed);
    };
}
