# VM test, proxy: nginx in front of the indigo relay with a certificate from ACME
# (HTTP-01), against a local test CA as nixpkgs' own ACME tests do it: the `acme` node
# runs pebble, and the host trusts the test CA and asks pebble instead of Let's
# Encrypt. The host itself is only what an operator writes: proxy nginx, ACME on,
# terms accepted.
{ self }:
let
  # The host under test (tests/vm_tests.rs evaluates it with the declaration stub).
  host = {
    imports = [ (import ./common/relay-host.nix { inherit self; hostName = "relay"; }) ];
    atproto.integration = {
      proxy.kind = "nginx";
      tls = {
        acme = true;
        accept_terms = true;
      };
    };
  };
in
{
  name = "atproto-proxy-nginx-acme";
  covers = [ "proxy-nginx" "tls-acme-nginx" "secrets-generate" ];
  hosts.machine = host;

  nodes = {
    # Test harness: nixpkgs' pebble node.
    acme = ./common/acme-server.nix;
    machine = {
      imports = [ host ./common/acme-client.nix ];
    };
  };

  testScript = ''
    # The CA first, so the host's first certificate order at boot reaches it.
    acme.wait_for_unit("pebble.service")
    acme.wait_for_open_port(443)

    machine.wait_for_unit("atproto-secrets-indigo-relay.service")
    machine.wait_for_unit("indigo-relay.service")
    machine.wait_for_open_port(2470)
    machine.wait_for_unit("nginx.service")
    machine.wait_for_open_port(80)
    machine.wait_for_open_port(443)

    with subtest("nginx holds a certificate issued by the test CA for the relay's name"):
        machine.wait_until_succeeds(
            "openssl x509 -noout -issuer -in /var/lib/acme/relay.example.test/cert.pem | grep -i pebble",
            timeout=180,
        )
        machine.succeed("openssl x509 -noout -checkhost relay.example.test -in /var/lib/acme/relay.example.test/cert.pem")
        # pebble makes a new root for every run; it serves it on its management port.
        machine.succeed("curl -sf https://acme.test:15000/roots/0 -o /tmp/pebble-root.pem")
        machine.wait_until_succeeds(
            "curl -sf --cacert /tmp/pebble-root.pem https://relay.example.test/xrpc/_health",
            timeout=60,
        )

    with subtest("plain HTTP redirects to HTTPS (forceSSL), the relay's own port stays on loopback"):
        code = machine.succeed("curl -s -o /dev/null -w '%{http_code}' http://relay.example.test/xrpc/_health")
        assert code == "301", f"expected a redirect, got {code}"
        machine.fail("curl -sf --max-time 5 http://relay.example.test:2470/xrpc/_health")

    with subtest("WebSocket upgrades reach the relay (the firehose)"):
        machine.succeed(
            "curl -s -o /dev/null -w '%{http_code}' --cacert /tmp/pebble-root.pem"
            + " -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13'"
            + " -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='"
            + " --max-time 5 https://relay.example.test/xrpc/com.atproto.sync.subscribeRepos"
            + " | grep -qx 101"
        )
  '';
}
