# VM test, microcosm family: pocket needs no network (its listener is fixed at
# 127.0.0.1:3000), initialises its database once and serves ./static from the package.
{ self }:
{
  name = "atproto-microcosm";
  nodes.machine = {
    imports = [ self.nixosModules.default ];
    networking.hostName = "pocket";
    atproto.host = {
      domain = "pocket.test";
      admin_email = "admin@pocket.test";
    };
    services.pocket = {
      enable = true;
      settings.did_web_domain = "pocket.test";
    };
    atproto.integration.proxy.kind = "none";
  };
  testScript = ''
    machine.wait_for_unit("pocket.service")
    machine.wait_for_open_port(3000)
    machine.succeed("test -s /var/lib/pocket/prefs.sqlite3")
    machine.succeed("curl -sf http://127.0.0.1:3000/ >/dev/null")
  '';
}
