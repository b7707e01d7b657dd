# `port-clash` (docs/VALIDATION.md "Port clashes"): active ports in a fixed order, grouped
# by number; each port but the group's keeper gets one diagnostic, and movable ones get a
# free port suggestion that later suggestions avoid.
{ catalog, eff, cond }:
let
  u = import ./util.nix;

  servicePorts = u.concatMap
    (id:
      let
        on = p: (p.enabled_by or "") == ""
          || u.same (eff.get "services.${id}.settings.${p.enabled_by}") true;
      in
      map
        (p: rec {
          path = "services.${id}.ports.${p.name}";
          number = eff.get path;
          label = "${id} (${p.name})";
          fixed = p.fixed or false;
        })
        (builtins.filter on (catalog.services.${id}.ports or [ ])))
    eff.enabledIds;

  planPorts = map
    (p: {
      inherit (p) path;
      number = eff.get p.path;
      label = p.owner;
      fixed = false;
    })
    (builtins.filter (cond.when "") (catalog.plan.ports or [ ]));

  # A port that is not an integer (already a `field` error) takes no part.
  active = builtins.filter (p: builtins.isInt p.number) (servicePorts ++ planPorts);

  numbers = map (p: p.number) active;

  # Group numbers in order of first appearance.
  firstSeen = builtins.foldl'
    (acc: n: if builtins.elem n acc then acc else acc ++ [ n ])
    [ ]
    numbers;

  indexed = builtins.genList (i: (builtins.elemAt active i) // { index = i; }) (builtins.length active);

  groups = map (n: builtins.filter (p: p.number == n) indexed) firstSeen;

  # Smallest number above n, below 65536, neither active nor suggested; null if none.
  freeAbove = taken: n:
    let go = m: if m > 65535 then null else if builtins.elem m taken then go (m + 1) else m;
    in go (n + 1);

  # Folds over groups and their members, threading the list of suggestions made so far.
  step = state: group:
    let
      fixedOnes = builtins.filter (p: p.fixed) group;
      keeper = if fixedOnes != [ ] then builtins.head fixedOnes else builtins.head group;
      others = builtins.filter (p: p.index != keeper.index) group;
      n = toString keeper.number;
      one = st: other:
        if other.fixed then
          st // {
            diags = st.diags ++ [
              (u.diag "error" "port-clash" other.path
                "Port ${n} is used by both ${keeper.label} and ${other.label}, and neither can move (fixed upstream): enable only one of them.")
            ];
          }
        else
          let free = freeAbove (numbers ++ st.suggested) other.number; in
          {
            suggested = st.suggested ++ (if free == null then [ ] else [ free ]);
            diags = st.diags ++ [
              (u.diag "error" "port-clash" other.path
                ("Port ${n} is used by both ${keeper.label} and ${other.label}: set ${other.path} to a free port"
                  + (if free == null then "." else ", like ${toString free}.")))
            ];
          };
    in
    builtins.foldl' one state others;
in
(builtins.foldl' step { suggested = [ ]; diags = [ ]; } groups).diags
