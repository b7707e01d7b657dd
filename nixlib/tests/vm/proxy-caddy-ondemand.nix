# VM test, proxy: nixpkgs' PDS behind Caddy with on-demand TLS for handles, as the
# upstream PDS installer deploys it. Caddy asks the PDS's /tls-check before it gets a
# certificate for a name; the PDS says yes to its own name and no to a handle it does
# not host. Certificates come from the test network's ACME server (pebble, with the
# test CA trusted), as in nixpkgs' ACME tests.
{ self }:
let
  # The host under test (tests/vm_tests.rs evaluates it with the declaration stub).
  host = {
    imports = [ self.nixosModules.default ];
    networking.hostName = "pds";
    atproto.host = {
      domain = "pds.example.test";
      admin_email = "admin@example.test";
    };
    services.bluesky-pds.enable = true;
    atproto.integration = {
      proxy.kind = "caddy";
      tls = {
        accept_terms = true;
        handles = "on-demand";
      };
    };
  };
in
{
  name = "atproto-proxy-caddy-ondemand";
  covers = [ "proxy-caddy" "tls-on-demand-caddy" "secrets-generate" ];
  hosts.machine = host;

  nodes = {
    # Test harness: nixpkgs' pebble node.
    acme = ./common/acme-server.nix;
    machine = { nodes, ... }: {
      imports = [ host ./common/acme-client.nix ];
      # Test harness: Caddy orders from pebble instead of Let's Encrypt (Caddy has its
      # own ACME client; security.acme.defaults.server is not Caddy's).
      services.caddy.acmeCA = "https://${nodes.acme.test-support.acme.caDomain}/dir";
    };
  };

  testScript = ''
    acme.wait_for_unit("pebble.service")
    acme.wait_for_open_port(443)

    machine.wait_for_unit("atproto-secrets-bluesky-pds.service")
    machine.wait_for_unit("bluesky-pds.service")
    machine.wait_for_open_port(3000)
    machine.wait_for_unit("caddy.service")
    machine.wait_for_open_port(80)
    machine.wait_for_open_port(443)

    with subtest("the PDS answers Caddy's ask: its own name yes, an unknown handle and a foreign name no"):
        machine.succeed("curl -sf 'http://127.0.0.1:3000/tls-check?domain=pds.example.test'")
        code = machine.succeed("curl -s -o /dev/null -w '%{http_code}' 'http://127.0.0.1:3000/tls-check?domain=nobody.pds.example.test'")
        assert code == "404", f"an unknown handle must be refused, got {code}"
        code = machine.succeed("curl -s -o /dev/null -w '%{http_code}' 'http://127.0.0.1:3000/tls-check?domain=example.org'")
        assert code == "400", f"a name outside the PDS's domain must be refused, got {code}"

    with subtest("the first TLS connection makes Caddy get a certificate from the test CA"):
        # pebble makes a new root for every run; it serves it on its management port.
        machine.succeed("curl -sf https://acme.test:15000/roots/0 -o /tmp/pebble-root.pem")
        machine.wait_until_succeeds(
            "curl -sf --cacert /tmp/pebble-root.pem https://pds.example.test/xrpc/_health | grep -q version",
            timeout=180,
        )
        machine.succeed(
            "openssl s_client -connect 127.0.0.1:443 -servername pds.example.test < /dev/null 2>/dev/null"
            + " | openssl x509 -noout -issuer | grep -i pebble"
        )
        machine.succeed("find /var/lib/caddy -name 'pds.example.test.crt' | grep -q .")

    with subtest("no certificate for a handle the PDS does not host"):
        machine.fail(
            "curl -sf --max-time 30 --cacert /tmp/pebble-root.pem"
            + " --resolve nobody.pds.example.test:443:127.0.0.1 https://nobody.pds.example.test/xrpc/_health"
        )
        machine.fail("find /var/lib/caddy -name 'nobody.pds.example.test*' | grep -q .")
        # The PDS itself still answers through Caddy.
        machine.succeed("curl -sf --cacert /tmp/pebble-root.pem https://pds.example.test/xrpc/_health")
  '';
}
