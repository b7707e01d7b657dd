# `import nixpkgs { system; overlays; }` as colmena's meta.nixpkgs is written, for the
# stand-in nixpkgs input of fleet-flake.nix: the arguments given, and nothing more.
args: { inherit (args) system; overlaysGiven = args.overlays or [ ]; }
