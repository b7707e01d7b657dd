{
  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
    atproto-nix.url = "path:/etc/nixos/atproto-nix";
  };

  outputs = { self, nixpkgs, atproto-nix }: {
    nixosConfigurations.pds = nixpkgs.lib.nixosSystem {
      modules = [ ./configuration.nix ];
    };
  };
}
