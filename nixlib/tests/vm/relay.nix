# VM test, relay family: the indigo relay on local PostgreSQL (peer authentication),
# behind nginx on plain HTTP (no ACME in a VM).
{ self }:
{
  name = "atproto-relay";
  nodes.machine = {
    imports = [ self.nixosModules.default ];
    networking.hostName = "relay";
    atproto.host = {
      domain = "relay.test";
      admin_email = "admin@relay.test";
    };
    services.indigo-relay.enable = true;
    atproto.integration = {
      database.kind = "local";
      tls.acme = false;
    };
  };
  testScript = ''
    machine.wait_for_unit("indigo-relay.service")
    machine.wait_for_open_port(2470)
    machine.succeed("runuser -u postgres -- psql -lqt | cut -d'|' -f1 | grep -qw indigo-relay")
    machine.succeed("curl -sf http://127.0.0.1:2470/xrpc/_health")
    machine.wait_for_unit("nginx.service")
    machine.succeed("curl -sf -H 'Host: relay.test' http://127.0.0.1/xrpc/_health")
  '';
}
