# VM test, security: the firewall, fail2ban with its jails (sshd and nginx's, reading
# nginx's journal) and AppArmor, on a relay behind nginx (plain HTTP: the certificate
# side is proxy-nginx-acme.nix). A second machine, `client`, sees the host from
# outside: the proxy is reachable, the relay's own port is not, and a ban in nginx's
# jail closes the proxy to that client through the firewall.
{ self }:
let
  # The host under test (tests/vm_tests.rs evaluates it with the declaration stub).
  host = {
    imports = [ (import ./common/relay-host.nix { inherit self; hostName = "guarded"; }) ];
    # A server keeps SSH, and fail2ban's sshd jail watches it.
    services.openssh.enable = true;
    atproto.integration = {
      proxy.kind = "nginx";
      tls.acme = false;
      security = {
        firewall = true;
        fail2ban = true;
        apparmor = true;
      };
    };
  };
in
{
  name = "atproto-security-fail2ban";
  covers = [ "proxy-nginx" "security-fail2ban" "security-fail2ban-nginx" "security-apparmor" ];
  hosts.machine = host;

  nodes = {
    machine.imports = [ host ];
    # Test harness: a plain machine on the same network.
    client = { };
  };

  testScript = ''
    health = "curl -sf --max-time 5 -H 'Host: relay.example.test' http://guarded/xrpc/_health"

    machine.wait_for_unit("indigo-relay.service")
    machine.wait_for_unit("nginx.service")
    machine.wait_for_open_port(80)
    machine.wait_for_unit("sshd.service")
    machine.wait_for_unit("fail2ban.service")
    machine.wait_until_succeeds("fail2ban-client ping", timeout=60)

    with subtest("every jail runs, nginx's among them"):
        status = machine.succeed("fail2ban-client status")
        for jail in ["sshd", "nginx-botsearch", "nginx-http-auth"]:
            assert jail in status, f"jail {jail} is not running: {status}"
            machine.succeed(f"fail2ban-client status {jail}")
        # nginx's jails read nginx's journal, as fail2ban's nginx filters expect.
        machine.succeed("fail2ban-client get nginx-botsearch journalmatch | grep -q nginx.service")

    with subtest("the firewall lets the proxy through and nothing else of the relay"):
        client.wait_for_unit("multi-user.target")
        client.succeed(health)
        client.fail("curl -sf --max-time 5 http://guarded:2470/xrpc/_health")
        client.fail("curl -sf --max-time 5 http://guarded:2471/metrics")

    with subtest("a ban in nginx's jail closes the proxy to that address"):
        client_ip = machine.succeed("getent ahostsv4 client | head -n1 | cut -d' ' -f1").strip()
        machine.succeed(f"fail2ban-client set nginx-botsearch banip {client_ip}")
        machine.succeed(f"fail2ban-client status nginx-botsearch | grep -q {client_ip}")
        client.fail(health)
        machine.succeed(f"fail2ban-client set nginx-botsearch unbanip {client_ip}")
        client.succeed(health)

    with subtest("AppArmor is on"):
        machine.wait_for_unit("apparmor.service")
        machine.succeed("test \"$(cat /sys/module/apparmor/parameters/enabled)\" = Y")
  '';
}
