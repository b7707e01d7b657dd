# A service's health endpoint as this host serves it (the catalog's [health]): the
# URL a check on the host itself asks, or null when upstream serves none or the port
# it is served on is off (an `enabled_by` port whose setting is not true).
#
# entry:         the catalog service
# ports:         { <port name> = <number>; } the host's values
# settings:      the service's settings (to read `enabled_by`)
# listenAddress: where the service's listeners bind
#
# Asked at listenAddress, or at 127.0.0.1 when that is a wildcard. A metrics port is
# bound to loopback whatever listenAddress says (service-args.nix), and a fixed port
# is bound where the program itself binds it (loopback, or every interface), so both
# are asked at 127.0.0.1.
{ entry, ports, settings ? { }, listenAddress ? "127.0.0.1" }:
let
  health = entry.health or null;
  matching = builtins.filter (p: p.name == health.port) (entry.ports or [ ]);
  port = if health == null || matching == [ ] then null else builtins.head matching;
  on = port != null
    && ((port.enabled_by or "") == "" || (settings.${port.enabled_by} or null) == true);
  wildcard = builtins.elem listenAddress [ "" "0.0.0.0" "::" "[::]" "*" ];
  address =
    if port.metrics or false || port.fixed or false || wildcard then "127.0.0.1"
    else if builtins.match ".*:.*" listenAddress != null && builtins.substring 0 1 listenAddress != "["
    then "[${listenAddress}]"
    else listenAddress;
in
if !on then null
else "http://${address}:${toString ports.${port.name}}${health.path}"
