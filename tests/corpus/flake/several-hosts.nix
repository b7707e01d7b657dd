{
  description = "Two boxes";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs = inputs@{ self, nixpkgs, ... }:
    let
      common = [ ./common.nix ];
    in
    {
      nixosConfigurations = {
        # the public web server
        web = nixpkgs.lib.nixosSystem {
          system = "x86_64-linux";
          modules = common ++ [ ./hosts/web.nix ];
        };

        # where the PDS lives
        bsky = nixpkgs.lib.nixosSystem {
          system = "x86_64-linux";
          specialArgs = { inherit inputs; };
          modules = [
            ./hosts/bsky/configuration.nix # the host
            ./common.nix
          ];
        };
      };
    };
}
