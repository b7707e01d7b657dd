# VM test, secrets: the agenix backend, as the wizard's host flake wires it
# (inputs.agenix.nixosModules.default). The PDS's three secrets are .age files in the
# host's repository, encrypted to the host's SSH key; agenix decrypts them at
# activation into /run/agenix, and atproto-secrets-bluesky-pds links them and composes
# the PDS's environment file. The host key and the .age files are TEST-ONLY
# (keys/README.md); the values below are what they decrypt to.
{ self, agenix }:
let
  values = {
    jwt_secret = "c8308e35399033964a8483dfd73385b6";
    admin_password = "8c0f1c4adac22a9c36cfae9bc5e350c1";
    plc_rotation_key = "f586f00fe79057fd69ce9271d81836d364f82a59e49f98b8a73b241256caa017";
  };

  # The host under test (tests/vm_tests.rs evaluates it with the declaration stub and
  # the stand-in for agenix).
  host = {
    imports = [ self.nixosModules.default agenix.nixosModules.default ];
    networking.hostName = "pds";
    atproto.host = {
      domain = "pds.example.test";
      admin_email = "admin@example.test";
    };
    # agenix decrypts with the SSH host key.
    services.openssh.enable = true;
    services.bluesky-pds.enable = true;
    atproto.integration = {
      proxy.kind = "none";
      secrets = {
        backend = "agenix";
        agenix_dir = ./keys/agenix;
      };
    };
  };
in
{
  name = "atproto-secrets-agenix";
  covers = [ "secrets-agenix" ];
  hosts.machine = host;

  nodes.machine = {
    imports = [ host ];
    # Test harness, TEST-ONLY key: install the host key the .age files were encrypted
    # to before agenix decrypts them (agenix's own tests do the same,
    # test/install_ssh_host_keys.nix).
    system.activationScripts.atprotoTestHostKey.text = ''
      mkdir -p /etc/ssh
      install -m 0600 ${./keys/agenix-ssh-host-ed25519-key} /etc/ssh/ssh_host_ed25519_key
      install -m 0644 ${./keys/agenix-ssh-host-ed25519-key.pub} /etc/ssh/ssh_host_ed25519_key.pub
    '';
    system.activationScripts.agenixInstall.deps = [ "atprotoTestHostKey" ];
  };

  testScript = ''
    invite = (
        "curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json'"
        + " -d '{\"useCount\": 1}' http://127.0.0.1:3000/xrpc/com.atproto.server.createInviteCode"
    )

    machine.wait_for_unit("atproto-secrets-bluesky-pds.service")
    machine.wait_for_unit("bluesky-pds.service")
    machine.wait_for_open_port(3000)
    machine.succeed("curl -sf http://127.0.0.1:3000/xrpc/_health | grep -q version")

    with subtest("agenix decrypted each secret, root-only, and the secrets unit linked them"):
        for name in ["jwt_secret", "admin_password", "plc_rotation_key"]:
            age = f"/run/agenix/atproto-bluesky-pds-{name}"
            machine.succeed(f"test \"$(stat -L -c '%a %U' {age})\" = '400 root'")
            machine.succeed(f"test \"$(readlink /var/lib/atproto-secrets/bluesky-pds/{name})\" = {age}")
        machine.succeed("test \"$(cat /run/agenix/atproto-bluesky-pds-jwt_secret)\" = ${values.jwt_secret}")

    with subtest("the PDS reads them from the composed environment file"):
        env = "/run/atproto-secrets/bluesky-pds.env"
        machine.succeed(f"test \"$(stat -c '%a %U' {env})\" = '400 root'")
        machine.succeed(f"grep -qx 'PDS_JWT_SECRET=${values.jwt_secret}' {env}")
        machine.succeed(f"grep -qx 'PDS_ADMIN_PASSWORD=${values.admin_password}' {env}")
        machine.succeed(f"grep -qx 'PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX=${values.plc_rotation_key}' {env}")

    with subtest("the PDS's admin API takes the password from agenix, and only that one"):
        code = machine.succeed(invite.replace("curl ", "curl -u admin:${values.admin_password} ", 1))
        assert code == "200", f"the admin password from agenix was refused: {code}"
        code = machine.succeed(invite.replace("curl ", "curl -u admin:wrong ", 1))
        assert code == "401", f"a wrong admin password was accepted: {code}"
  '';
}
