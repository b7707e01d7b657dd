# A service's old setting keys (catalog `renamed_from` and `[[removed]]`) as nixpkgs'
# own lib.mkRenamedOptionModule and lib.mkRemovedOptionModule, inside the service's
# `settings` submodule: settings is one freeform submodule option, and those functions
# can only reach an option by a path of declared options (from the top level,
# services.<id>.settings.<old> is "cannot find attribute"). A renamed key forwards its
# definition to the new key; a removed one fails an assertion with the catalog's advice.
# Inside a submodule they write their warning and assertion to the submodule's own
# `warnings` and `assertions`, declared here (internal) and handed up to the system's
# by `config`. A service without old keys gets nothing.
{ lib, entry }:
let
  renamed = lib.concatMap
    (field: map (old: lib.mkRenamedOptionModule [ old ] [ field.key ]) (field.renamed_from or [ ]))
    (entry.settings or [ ]);
  removed = map
    (r: lib.mkRemovedOptionModule [ r.key ] "${r.advice} (removed in ${r.since})")
    (entry.removed or [ ]);
  any = renamed != [ ] || removed != [ ];
  internal = type: lib.mkOption { inherit type; default = [ ]; internal = true; };
in
{
  modules = renamed ++ removed;
  options = lib.optionalAttrs any {
    warnings = internal (lib.types.listOf lib.types.str);
    assertions = internal (lib.types.listOf lib.types.unspecified);
  };
  # The submodule's warnings and assertions, named by where they are (`prefix`).
  config = prefix: settings: lib.optionalAttrs any {
    warnings = map (w: "${prefix}: ${w}") settings.warnings;
    assertions = map (a: a // { message = "${prefix}: ${a.message}"; }) settings.assertions;
  };
}
