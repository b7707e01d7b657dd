# VM test, Bluesky family: nixpkgs' PDS with our secrets backend. The secrets are
# generated on first start in the shapes the PDS checks, and the PDS answers its
# health route. Runs with `nix flake check` on a machine with KVM (not in .ci/run).
{ self }:
{
  name = "atproto-pds";
  nodes.machine = {
    imports = [ self.nixosModules.default ];
    networking.hostName = "pds";
    atproto.host = {
      domain = "pds.test";
      admin_email = "admin@pds.test";
    };
    services.bluesky-pds.enable = true;
    # No proxy in the VM: there is no ACME server to ask.
    atproto.integration.proxy.kind = "none";
  };
  testScript = ''
    machine.wait_for_unit("bluesky-pds.service")
    machine.wait_for_open_port(3000)
    machine.succeed("curl -sf http://127.0.0.1:3000/xrpc/_health | grep version")
    machine.succeed("grep -Eq '^[0-9a-f]{64}$' /var/lib/atproto-secrets/bluesky-pds/plc_rotation_key")
    machine.succeed("test $(stat -c %a /var/lib/atproto-secrets/bluesky-pds) = 700")
    # Never rotated: a restart keeps the same key.
    before = machine.succeed("cat /var/lib/atproto-secrets/bluesky-pds/jwt_secret")
    machine.succeed("systemctl restart atproto-secrets-bluesky-pds bluesky-pds")
    machine.wait_for_open_port(3000)
    assert before == machine.succeed("cat /var/lib/atproto-secrets/bluesky-pds/jwt_secret")
    # The unit waited for /xrpc/_health (ExecStartPost), and the diagnostics report
    # shows it healthy without showing a secret.
    machine.succeed("systemctl show -p ExecStartPost bluesky-pds | grep -q atproto-health-check")
    report = machine.succeed("atproto-diagnostics")
    assert "bluesky-pds\tactive/running\thealth ok" in report, report
    for name in ["jwt_secret", "admin_password", "plc_rotation_key"]:
        secret = machine.succeed(f"cat /var/lib/atproto-secrets/bluesky-pds/{name}").strip()
        assert secret not in report, name
  '';
}
