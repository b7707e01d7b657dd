# Small helpers shared by the validator files. Builtins only: validate.nix must run with
# a bare nix-instantiate, without nixpkgs' lib.
rec {
  concatMap = f: list: builtins.concatLists (map f list);

  hasPrefix = prefix: s:
    builtins.substring 0 (builtins.stringLength prefix) s == prefix;

  # Substring test without regexes (keys may hold characters a regex would trip on).
  hasInfix = needle: s: builtins.replaceStrings [ needle ] [ "" ] s != s;

  # ASCII lower case; Nix has no toLower builtin.
  toLower = builtins.replaceStrings
    [ "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" ]
    [ "a" "b" "c" "d" "e" "f" "g" "h" "i" "j" "k" "l" "m" "n" "o" "p" "q" "r" "s" "t" "u" "v" "w" "x" "y" "z" ];

  # A table of the answers file; anything else (a string where a table belongs) reads as
  # an empty table, so lookups never fail on a malformed file.
  table = v: if builtins.isAttrs v then v else { };

  # "Set" in the sense of docs/VALIDATION.md: not null, not "", not [].
  isSet = v: v != null && v != "" && v != [ ];

  # Equality as the wizard's value tree sees it: same kind and same value, so 1 is not 1.0
  # (Nix's == would say it is).
  same = a: b:
    let ta = builtins.typeOf a; in
    ta == builtins.typeOf b && (
      if ta == "list" then
        builtins.length a == builtins.length b
        && builtins.all (i: same (builtins.elemAt a i) (builtins.elemAt b i))
          (builtins.genList (i: i) (builtins.length a))
      else if ta == "set" then
        builtins.attrNames a == builtins.attrNames b
        && builtins.all (k: same a.${k} b.${k}) (builtins.attrNames a)
      else a == b);

  # `eq` of the condition language: a missing (null) value equals nothing.
  eqValue = v: x: v != null && same v x;

  splitPath = p: builtins.filter builtins.isString (builtins.split "[.]" p);

  # Rule and condition paths: absolute when they start with a top-level table, else
  # relative to the rule's service (base = "services.<id>.", or "" for plan rules).
  absPath = base: p:
    if hasPrefix "host." p || hasPrefix "integrations." p || hasPrefix "services." p
    then p else base + p;

  # Values quoted in messages: strings as they are, anything else as JSON.
  text = v: if builtins.isString v then v else builtins.toJSON v;

  diag = level: code: path: message: { inherit level code path message; };

  byKey = attr: list: builtins.listToAttrs (map (x: { name = x.${attr}; value = x; }) list);

  # Diagnostics order: path, then code, then message, in byte order.
  sortDiags = builtins.sort (a: b:
    if a.path != b.path then a.path < b.path
    else if a.code != b.code then a.code < b.code
    else a.message < b.message);
}
