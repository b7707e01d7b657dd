# The rule condition language of docs/CATALOG.md, evaluated on effective values.
# `base` is "services.<id>." for a service's rules and "" for plan rules.
{ eff }:
let
  u = import ./util.nix;
  holds = base: c:
    if c ? enabled then eff.enabled c.enabled
    else if c ? all then builtins.all (holds base) c.all
    else if c ? any then builtins.any (holds base) c.any
    else if c ? not then !(holds base c.not)
    else
      let v = eff.get (u.absPath base c.path); in
      if c ? set then u.isSet v == c.set
      else if c ? eq then u.eqValue v c.eq
      else if c ? ne then !(u.eqValue v c.ne)
      else if c ? "in" then builtins.any (u.eqValue v) c."in"
      # Comparisons are false unless the value is an integer.
      else if c ? gt then builtins.isInt v && v > c.gt
      else if c ? ge then builtins.isInt v && v >= c.ge
      else if c ? lt then builtins.isInt v && v < c.lt
      else if c ? le then builtins.isInt v && v <= c.le
      else throw "unknown rule condition on ${c.path}";
in
{
  inherit holds;
  # A missing `when` always applies.
  when = base: rule: !(rule ? when) || holds base rule.when;
}
