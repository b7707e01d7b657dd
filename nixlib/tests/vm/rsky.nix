# VM test, rsky family: rsky-pds with its five generated secrets (three secp256k1 keys,
# a hex DPoP secret, an admin password) answers its health route on loopback.
{ self }:
{
  name = "atproto-rsky";
  nodes.machine = {
    imports = [ self.nixosModules.default ];
    networking.hostName = "rsky";
    atproto.host = {
      domain = "rsky.test";
      admin_email = "admin@rsky.test";
    };
    services.rsky-pds.enable = true;
    atproto.integration.proxy.kind = "none";
  };
  testScript = ''
    machine.wait_for_unit("rsky-pds.service")
    machine.wait_for_open_port(2583)
    machine.succeed("curl -sf http://127.0.0.1:2583/xrpc/_health")
    machine.succeed("grep -q '^PDS_REPO_SIGNING_KEY_K256_PRIVATE_KEY_HEX=' /run/atproto-secrets/rsky-pds.env")
  '';
}
