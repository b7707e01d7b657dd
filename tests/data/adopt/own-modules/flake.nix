{
  # A host already using the project's modules, written by hand.
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
    atproto-nix.url = "github:example/atproto-nix";
    atproto-nix.inputs.nixpkgs.follows = "nixpkgs";
  };

  outputs = { self, nixpkgs, atproto-nix, ... }: {
    nixosConfigurations.links = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [
        atproto-nix.nixosModules.default
        ./configuration.nix
      ];
    };
  };
}
