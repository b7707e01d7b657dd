{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs = { self, nixpkgs, ... }:
    let
      baseModules = [ ./configuration.nix ];
    in
    {
      nixosConfigurations.pds = nixpkgs.lib.nixosSystem {
        modules = baseModules ++ [ ./pds.nix ];
      };
    };
}
