{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs = { self, nixpkgs, ... }@inputs: {
    nixosConfigurations.relay = nixpkgs.lib.nixosSystem {
      modules =
        let
          hardware = ./hardware-configuration.nix;
        in
        [
          hardware
          ./configuration.nix
        ];
    };
  };
}
