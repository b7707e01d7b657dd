{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs = { self, nixpkgs, ... }: {
    nixosConfigurations = nixpkgs.lib.genAttrs [ "a" "b" ] (name:
      nixpkgs.lib.nixosSystem { modules = [ ./hosts/${name}.nix ]; });
  };
}
