{ config, lib, pkgs, ... }:

let
  domain = "example.social";
  adminEmail = "admin@${domain}";
in
{
  imports = [
    ./hardware-configuration.nix
    ./monitoring.nix
  ];

  networking.domain = domain;
  security.acme.defaults.email = adminEmail;
  security.acme.acceptTerms = true;
}
