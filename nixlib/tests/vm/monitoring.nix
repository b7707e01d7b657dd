# VM test, monitoring: Prometheus scraping the indigo relay's metrics port and the node
# exporter, and Grafana with Prometheus provisioned, the ATProto dashboard and an admin
# password generated on the host (never the Grafana default, never in the store).
{ self }:
let
  # The host under test (tests/vm_tests.rs evaluates it with the declaration stub).
  host = {
    imports = [ (import ./common/relay-host.nix { inherit self; hostName = "metrics"; }) ];
    atproto.integration = {
      monitoring = {
        prometheus = true;
        node_exporter = true;
        grafana = true;
      };
    };
  };
in
{
  name = "atproto-monitoring";
  covers = [ "monitoring-prometheus" "monitoring-node-exporter" "monitoring-grafana" "secrets-generate" ];
  hosts.machine = host;

  nodes.machine = { pkgs, ... }: {
    imports = [ host ];
    # Test harness: room for the relay, Prometheus and Grafana; jq reads the answers.
    virtualisation.memorySize = 2048;
    environment.systemPackages = [ pkgs.jq ];
  };

  testScript = ''
    admin = "admin:\"$(cat /var/lib/atproto-secrets/grafana/admin_password)\""

    machine.wait_for_unit("indigo-relay.service")
    machine.wait_for_open_port(2471)
    machine.wait_for_unit("prometheus.service")
    machine.wait_for_open_port(9090)
    machine.wait_for_unit("prometheus-node-exporter.service")
    machine.wait_for_open_port(9100)
    machine.wait_for_unit("atproto-secrets-grafana.service")
    machine.wait_for_unit("grafana.service")
    machine.wait_for_open_port(3000)

    with subtest("Prometheus scrapes the relay and the node exporter"):
        machine.succeed("curl -sf http://127.0.0.1:9090/-/ready")
        machine.wait_until_succeeds(
            "curl -sf http://127.0.0.1:9090/api/v1/targets"
            + " | jq -e '[.data.activeTargets[] | select(.health == \"up\") | .labels.job] | contains([\"indigo-relay\", \"node\"])'",
            timeout=120,
        )

    with subtest("Grafana answers its health check"):
        machine.succeed("curl -sf http://127.0.0.1:3000/api/health | jq -e '.database == \"ok\"'")

    with subtest("Grafana's admin password is the generated secret, root-only on disk"):
        machine.succeed("test \"$(stat -c '%a %U' /var/lib/atproto-secrets/grafana/admin_password)\" = '400 root'")
        machine.succeed(f"curl -sf -u {admin} http://127.0.0.1:3000/api/user | jq -e '.login == \"admin\"'")
        code = machine.succeed("curl -s -o /dev/null -w '%{http_code}' -u admin:admin http://127.0.0.1:3000/api/user")
        assert code == "401", f"Grafana's default password must not work, got {code}"

    with subtest("the provisioned data source reaches Prometheus, the dashboard is there"):
        machine.succeed(
            f"curl -sf -u {admin} 'http://127.0.0.1:3000/api/datasources/proxy/uid/prometheus/api/v1/query?query=up'"
            + " | jq -e '.status == \"success\"'"
        )
        machine.succeed(f"curl -sf -u {admin} http://127.0.0.1:3000/api/dashboards/uid/atproto-overview | jq -e '.dashboard.title'")
  '';
}
