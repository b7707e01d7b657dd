# VM test, logging: both kinds. `logs` runs a local Loki with Alloy shipping its own
# journal (logging.kind = "loki") and, as a central log host would, lets the network
# push to that Loki; `shipper` keeps no logs of its own and ships its journal with
# Alloy to that Loki (logging.kind = "alloy"). Both run the indigo relay, so the
# integrations are active.
{ self }:
let
  relay = name: {
    imports = [ self.nixosModules.default ];
    networking.hostName = name;
    atproto.host = {
      domain = "${name}.example.test";
      admin_email = "admin@example.test";
    };
    services.indigo-relay.enable = true;
    atproto.integration.proxy.kind = "none";
  };

  # The hosts under test (tests/vm_tests.rs evaluates them with the declaration stub).
  logs = {
    imports = [ (relay "logs") ];
    atproto.integration.logging.kind = "loki";
    # The operator's own choice for a central log host: Loki listens beyond loopback
    # and the firewall lets the other hosts push (restrict it to your network).
    services.loki.configuration.server.http_listen_address = "0.0.0.0";
    networking.firewall.allowedTCPPorts = [ 3100 ];
  };
  shipper = {
    imports = [ (relay "shipper") ];
    atproto.integration.logging = {
      kind = "alloy";
      loki_url = "http://logs:3100/loki/api/v1/push";
    };
  };

  harness = { pkgs, ... }: {
    virtualisation.memorySize = 2048;
    environment.systemPackages = [ pkgs.jq ];
  };
in
{
  name = "atproto-logging";
  covers = [ "logging-loki" "logging-alloy" ];
  hosts = { inherit logs shipper; };

  nodes = {
    logs.imports = [ logs harness ];
    shipper.imports = [ shipper harness ];
  };

  testScript = ''
    def loki_has(query):
        return (
            "curl -sfG http://127.0.0.1:3100/loki/api/v1/query_range"
            + f" --data-urlencode 'query={query}' --data-urlencode 'limit=10'"
            + " | jq -e '.data.result | length > 0'"
        )

    logs.wait_for_unit("loki.service")
    logs.wait_for_open_port(3100)
    logs.wait_until_succeeds("curl -sf http://127.0.0.1:3100/ready", timeout=120)
    logs.wait_for_unit("alloy.service")
    logs.wait_until_succeeds("curl -sf http://127.0.0.1:12345/-/ready", timeout=60)
    logs.wait_for_unit("indigo-relay.service")

    shipper.wait_for_unit("alloy.service")
    shipper.wait_until_succeeds("curl -sf http://127.0.0.1:12345/-/ready", timeout=60)
    shipper.wait_for_unit("indigo-relay.service")
    shipper.fail("systemctl cat loki.service")

    with subtest("the local Loki holds this host's journal, labelled by unit"):
        logs.succeed("logger -t atproto-vm-test 'hello from logs'")
        logs.wait_until_succeeds(loki_has('{host="logs"} |= "hello from logs"'), timeout=120)
        logs.wait_until_succeeds(loki_has('{host="logs", unit="indigo-relay.service"}'), timeout=120)

    with subtest("Alloy on another host ships its journal to that Loki"):
        shipper.succeed("logger -t atproto-vm-test 'hello from shipper'")
        logs.wait_until_succeeds(loki_has('{host="shipper"} |= "hello from shipper"'), timeout=120)
        logs.wait_until_succeeds(loki_has('{host="shipper", unit="indigo-relay.service"}'), timeout=120)
  '';
}
