{
  description = "uses the registry's nixpkgs";

  outputs = { self, nixpkgs }: {
    nixosConfigurations.pds = nixpkgs.lib.nixosSystem {
      modules = [ ./configuration.nix ];
    };
  };
}
