{ lib, ... }:
{
  imports =
    let
      here = ./.;
    in
    [
      ./hardware-configuration.nix
      (here + "/services.nix")
    ];
  system.stateVersion = "25.05";
}
