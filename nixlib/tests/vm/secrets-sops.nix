# VM test, secrets: the sops backend with sops-nix, as the wizard's host flake wires it
# (inputs.sops-nix.nixosModules.sops). The PDS's three secrets come from an encrypted
# file in the host's repository, decrypted by sops-nix with the host's age key into
# root-only files, and reach the PDS through the environment file sops-nix renders.
# The key and the file are TEST-ONLY (keys/README.md); the values below are what they
# decrypt to, so the test can check the PDS got exactly them.
{ self, sops-nix }:
let
  values = {
    jwt_secret = "baf7b60465ed0d76075cef95e4f75f28";
    admin_password = "3e8b21c32537f66e6d3d24e3300c6361";
    plc_rotation_key = "352efc6269c3c158505abf8608910a2c0e7d2d78aa227e78512e2a6e1ba00275";
  };

  # The host under test (tests/vm_tests.rs evaluates it with the declaration stub and
  # the stand-in for sops-nix).
  host = {
    imports = [ self.nixosModules.default sops-nix.nixosModules.sops ];
    networking.hostName = "pds";
    atproto.host = {
      domain = "pds.example.test";
      admin_email = "admin@example.test";
    };
    services.bluesky-pds.enable = true;
    atproto.integration = {
      proxy.kind = "none";
      secrets = {
        backend = "sops";
        sops_file = ./keys/sops-secrets.yaml;
        age_key_file = "/var/lib/sops-nix/key.txt";
      };
    };
  };
in
{
  name = "atproto-secrets-sops";
  covers = [ "secrets-sops" ];
  hosts.machine = host;

  nodes.machine = {
    imports = [ host ];
    # Test harness, TEST-ONLY key: put it where the host's age key lives before
    # sops-nix's activation runs (sops-nix's own tests do the same).
    system.activationScripts.atprotoTestAgeKey.text = ''
      install -D -m 0400 ${./keys/sops-age-key.txt} /var/lib/sops-nix/key.txt
    '';
    system.activationScripts.setupSecrets.deps = [ "atprotoTestAgeKey" ];
  };

  testScript = ''
    invite = (
        "curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json'"
        + " -d '{\"useCount\": 1}' http://127.0.0.1:3000/xrpc/com.atproto.server.createInviteCode"
    )

    machine.wait_for_unit("bluesky-pds.service")
    machine.wait_for_open_port(3000)
    machine.succeed("curl -sf http://127.0.0.1:3000/xrpc/_health | grep -q version")

    with subtest("sops-nix decrypted each secret, root-only, at sops-nix's path"):
        for name in ["jwt_secret", "admin_password", "plc_rotation_key"]:
            machine.succeed(f"test \"$(stat -L -c '%a %U' /run/secrets/atproto/bluesky-pds/{name})\" = '400 root'")
        machine.succeed("test \"$(cat /run/secrets/atproto/bluesky-pds/jwt_secret)\" = ${values.jwt_secret}")

    with subtest("the PDS reads them from the environment file sops-nix rendered"):
        env = "/run/secrets/rendered/atproto-bluesky-pds.env"
        machine.succeed(f"test \"$(stat -L -c '%a %U' {env})\" = '400 root'")
        machine.succeed(f"grep -qx 'PDS_JWT_SECRET=${values.jwt_secret}' {env}")
        machine.succeed(f"grep -qx 'PDS_ADMIN_PASSWORD=${values.admin_password}' {env}")
        machine.succeed(f"grep -qx 'PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX=${values.plc_rotation_key}' {env}")
        # Nothing was generated on the host: sops is the only source.
        machine.fail("systemctl cat atproto-secrets-bluesky-pds.service")
        machine.fail("test -e /var/lib/atproto-secrets/bluesky-pds")

    with subtest("the PDS's admin API takes the password from sops, and only that one"):
        code = machine.succeed(invite.replace("curl ", "curl -u admin:${values.admin_password} ", 1))
        assert code == "200", f"the admin password from sops was refused: {code}"
        code = machine.succeed(invite.replace("curl ", "curl -u admin:wrong ", 1))
        assert code == "401", f"a wrong admin password was accepted: {code}"
  '';
}
