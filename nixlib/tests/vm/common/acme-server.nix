# Test harness only: the ACME server node, exactly nixpkgs' own (pebble with a test CA,
# and a resolver that knows every node's name), taken from the nixpkgs the test runs
# with. nixpkgs' ACME tests import it the same way (nodes.acme.imports).
{ modulesPath, ... }:
{
  imports = [ (modulesPath + "/../tests/common/acme/server") ];
}
