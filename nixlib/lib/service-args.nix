# How a service's settings, ports and secrets reach its program, exactly as the
# catalog says (docs/MODULES.md "Values reach the program like this"). Pure: the
# module turns the result into ExecStart, Environment and LoadCredential.
#
#   entry:  the catalog entry (builtins.fromTOML of nixlib/catalog/<id>.toml)
#   cfg:    { settings; ports; listenAddress; }  (the module's option values)
#   secrets: the catalog secrets this host needs (optional ones only with their setting)
# Returns { args; environment; envSecrets; credentials; }.
{ entry, cfg, secrets ? entry.secrets or [ ] }:
let
  concatMap = f: l: builtins.concatLists (map f l);
  known = builtins.listToAttrs (map (s: { name = s.key; value = s; }) (entry.settings or [ ]));
  isUpper = k: builtins.match "[A-Z][A-Z0-9_]*" k != null;

  envValue = import ./env-value.nix;

  # A bool flag is a switch; a list repeats the flag once per item.
  flagArgs = flag: v:
    if v == null then [ ]
    else if builtins.isBool v then (if v then [ flag ] else [ ])
    else if builtins.isList v then concatMap (x: [ flag (toString x) ]) v
    else [ flag (toString v) ];

  set = k: cfg.settings.${k} or null;

  settingArgs = concatMap
    (s: if (s.flag or "") != "" then flagArgs s.flag (set s.key) else [ ])
    (entry.settings or [ ]);

  settingEnv = builtins.listToAttrs (concatMap
    (s:
      if (s.env or "") != "" && set s.key != null
      then [{ name = s.env; value = envValue (set s.key); }]
      else [ ])
    (entry.settings or [ ]));

  # Old keys (renamed or removed: nixlib/lib/old-keys.nix declares them, and the
  # warnings and assertions they report to) are never passed on.
  oldKeys = concatMap (s: s.renamed_from or [ ]) (entry.settings or [ ])
    ++ map (r: r.key) (entry.removed or [ ]);
  notSettings = [ "_module" ] ++ (if oldKeys == [ ] then [ ] else oldKeys ++ [ "warnings" "assertions" ]);

  # Keys the catalog does not know: UPPER_CASE ones are environment variables, any
  # other is passed as --<key> (RFC 42 pass-through for hand-written hosts).
  extraKeys = builtins.filter (k: !(known ? ${k}) && !(builtins.elem k notSettings))
    (builtins.attrNames cfg.settings);
  extraEnv = builtins.listToAttrs (concatMap
    (k: if isUpper k && cfg.settings.${k} != null
    then [{ name = k; value = envValue cfg.settings.${k}; }] else [ ])
    extraKeys);
  extraFlags = concatMap (k: if isUpper k then [ ] else flagArgs "--${k}" cfg.settings.${k}) extraKeys;

  bracket = a: if builtins.match ".*:.*" a != null then "[${a}]" else a;

  # A port with `enabled_by` exists only while that setting is true, so a flag that
  # needs another (constellation's --bind-metrics needs --collect-metrics) is never
  # given alone. Metrics listeners stay on loopback whatever listenAddress says.
  activePorts = builtins.filter
    (p: !(p.fixed or false) && ((p.enabled_by or "") == "" || set p.enabled_by == true))
    (entry.ports or [ ]);
  portValue = p:
    let address = if p.metrics or false then "127.0.0.1" else cfg.listenAddress;
    in if (p.format or "port") == "address:port"
      then "${bracket address}:${toString cfg.ports.${p.name}}"
      else toString cfg.ports.${p.name};
  portArgs = concatMap (p: if (p.flag or "") != "" then [ p.flag (portValue p) ] else [ ]) activePorts;
  portEnv = builtins.listToAttrs (concatMap
    (p: if (p.env or "") != "" then [{ name = p.env; value = portValue p; }] else [ ])
    activePorts);

  flagSecrets = builtins.filter (s: (s.flag or "") != "") secrets;
in
{
  # "%d" is systemd's credentials directory; the program reads the file there.
  args = settingArgs ++ portArgs
    ++ concatMap (s: [ s.flag "%d/${s.name}" ]) flagSecrets
    ++ extraFlags;
  environment = settingEnv // portEnv // extraEnv;
  envSecrets = builtins.filter (s: (s.env or "") != "") secrets;
  credentials = map (s: s.name) flagSecrets;
  inherit envValue;
}
