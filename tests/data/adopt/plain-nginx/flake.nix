{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs = { self, nixpkgs, ... }@inputs: {
    nixosConfigurations = {
      # Another machine of the same flake, using the sibling configuration.nix.
      desktop = nixpkgs.lib.nixosSystem {
        system = "x86_64-linux";
        modules = [ ./configuration.nix ];
      };
      bsky = (nixpkgs.lib.nixosSystem {
        system = "x86_64-linux";
        modules = [ ./hosts/bsky.nix ];
      });
    };
  };
}
