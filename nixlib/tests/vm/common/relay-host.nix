# The host most integration tests put their integration around: the indigo relay,
# with this flake's modules, as an operator's host would have it. `lib.mkDefault`
# on the proxy so a test that exercises one just sets it.
{ self, hostName }:
{ lib, ... }:
{
  imports = [ self.nixosModules.default ];
  networking.hostName = hostName;
  atproto.host = {
    domain = "relay.example.test";
    admin_email = "admin@example.test";
  };
  services.indigo-relay.enable = true;
  atproto.integration.proxy.kind = lib.mkDefault "none";
}
