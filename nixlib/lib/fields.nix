# `field` diagnostics: a value present in the answers file checked against its field
# (type, pattern, max_length, choices, min/max). Types and their messages come from
# _plan.toml [types.*] and [text], the same data the wizard reads.
{ plan }:
let
  u = import ./util.nix;
  types = plan.types or { };

  # Whether `pattern` matches anywhere in `s` (split leaves one piece when it does not).
  contains = pattern: s: builtins.length (builtins.split pattern s) > 1;

  # A type's pattern with its `parts` ([name, pattern] pairs) written in place of
  # <name>, the last first, so a part may use the parts before it (as the wizard does).
  expand = ty:
    let
      parts = ty.parts or [ ];
      n = builtins.length parts;
      at = i: builtins.elemAt parts (n - 1 - i);
    in
    builtins.foldl'
      (p: i: builtins.replaceStrings [ "<${builtins.elemAt (at i) 0}>" ] [ (builtins.elemAt (at i) 1) ] p)
      ty.pattern
      (builtins.genList (i: i) n);
  patterns = builtins.mapAttrs (_: ty: if ty ? pattern then expand ty else null) types;

  # All field diagnostics are errors: the table in docs/VALIDATION.md names no level.
  bad = path: v: message:
    u.diag "error" "field" path "${builtins.toJSON v} ${message}.";

  typeMessage = t: types.${t}.message or "must be a valid ${t}";

  # Checks `v` as type `t`; `field` supplies choices, min, max. Returns a list, since a
  # list reports each bad item at the list's own path.
  check = path: field: t: v:
    let wrong = [ (bad path v (typeMessage t)) ]; in
    # `@<host>/<service>`: another host's service, resolved only in a fleet.
    if field ? refers_to && builtins.isString v && builtins.substring 0 1 v == "@" then
      [ (u.diag "error" "fleet-reference" path "${builtins.toJSON v} names a service on another host of a fleet: only `atproto-wizard fleet check` resolves it; a host on its own needs the URL itself.") ]
    else if t == "bool" then
      (if builtins.isBool v then [ ] else wrong)
    else if t == "int" then
      (if !builtins.isInt v then wrong
      else if field ? min && v < field.min then [ (bad path v "must be at least ${toString field.min}") ]
      else if field ? max && v > field.max then [ (bad path v "must be at most ${toString field.max}") ]
      else [ ])
    else if t == "port" then
      (if builtins.isInt v && v >= 1 && v <= 65535 then [ ] else wrong)
    else if t == "enum" then
      (if builtins.isString v && builtins.any (u.same v) (field.choices or [ ]) then [ ]
      else [ (bad path v "must be one of: ${builtins.concatStringsSep ", " (map u.text (field.choices or [ ]))}") ])
    else if t == "list" then
      (if !builtins.isList v then wrong
      else u.concatMap (listItem path field) v)
    else if types ? ${t} then
      # String types, in the wizard's order: within max_length, no character [text]
      # forbids, the whole pattern, no password. A password's message leaves the
      # value out, so the password is not printed again.
      (let ty = types.${t}; in
      if !builtins.isString v then wrong
      else if ty ? max_length && builtins.stringLength v > ty.max_length then wrong
      else if contains plan.text.forbidden v then [ (bad path v plan.text.message) ]
      else if ty ? pattern && builtins.match patterns.${t} v == null then wrong
      else if ty ? password && contains ty.password v then
        [ (u.diag "error" "password-in-value" path "${ty.password_message}: ${field.password_hint or ty.password_hint}.") ]
      else [ ])
    else [ ];
  # An item checked as its type; a good one that would split in two once joined for
  # the program (types.list.join) is refused.
  listItem = path: field: item:
    let found = check path field (field.item or "string") item; in
    if found == [ ] && builtins.isString item && types.list ? join && u.hasInfix types.list.join item
    then [ (bad path item types.list.join_message) ]
    else found;
in
{
  # field: a host/integration field or a service setting (type defaults to string).
  # An empty string is "not set" for a field whose unset_means is "" (the program
  # treats an empty variable as absent), so it is not checked against the type.
  checkField = path: field: v:
    if v == "" && (field.unset_means or null) == "" then [ ]
    else check path field (field.type or "string") v;
}
