{
  description = "A flake with the call in parentheses";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs = { self, nixpkgs, ... }@inputs: {
    nixosConfigurations.AtomicBird = (nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [
        ./hosts/atomicbird/configuration.nix
      ];
    });
  };
}
