{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
  };

  outputs = inputs@{ self, nixpkgs, ... }:
    let
      system = "x86_64-linux";
      baseModules = system: [ { nixpkgs.hostPlatform = system; } ];
    in
    {
      nixosConfigurations.pds = nixpkgs.lib.nixosSystem {
        modules = (baseModules system) ++ [
          ./configuration.nix
        ];
      };
    };
}
