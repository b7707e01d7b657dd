{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs = { self, nixpkgs, ... }@inputs: {
    nixosConfigurations.relay = nixpkgs.lib.nixosSystem {
      modules =
        let
          # `inputs` here is not the flake's inputs: a module written as
          # `inputs.atproto-nix…` inside this list would mean something else.
          inputs = import ./pinned.nix;
        in
        [ ./configuration.nix inputs.extra.nixosModules.default ];
    };
  };
}
