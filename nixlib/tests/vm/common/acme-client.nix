# Test harness only, never part of a host: a node that gets its certificates from the
# test network's ACME server, the `acme` node running nixpkgs' pebble setup
# (nixos/tests/common/acme/server). The same three things nixpkgs' own ACME tests give
# their clients (nixos/tests/common/acme/client): the test CA that signed pebble's
# HTTPS certificate trusted system-wide, the ACME directory pointed at pebble, and
# pebble's name resolvable. With networking.domain the test network names this node
# <hostName>.example.test (nixos/lib/testing/network.nix), the name pebble's resolver
# answers for when it validates a challenge.
{ nodes, pkgs, ... }:
let
  inherit (nodes.acme.test-support.acme) caDomain caCert;
in
{
  networking.domain = "example.test";
  networking.hosts.${nodes.acme.networking.primaryIPAddress} = [ caDomain ];
  security.pki.certificateFiles = [ caCert ];
  security.acme.defaults.server = "https://${caDomain}/dir";

  # openssl reads the served certificate; jq reads JSON answers.
  environment.systemPackages = [ pkgs.openssl pkgs.jq ];
}
