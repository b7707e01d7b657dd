# The wizard itself. Its crates.io dependencies are vendored from Cargo.lock
# (cargoLock.lockFile), so no dependency hash is needed and none is invented.
# Tests are not run in the build: they need nix-instantiate and nixpkgs' lib
# (see README, "Test").
{ lib, rustPlatform }:
let
  root = ../..;
in
rustPlatform.buildRustPackage {
  pname = "atproto-wizard";
  version = (builtins.fromTOML (builtins.readFile (root + "/Cargo.toml"))).package.version;
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.unions [
      (root + "/Cargo.toml")
      (root + "/Cargo.lock")
      (root + "/build.rs")
      (root + "/build")
      (root + "/src")
      (root + "/benches")
      (root + "/tests")
      (root + "/nixlib/catalog")
      (root + "/profiles")
      (root + "/assets")
    ];
  };
  cargoLock.lockFile = root + "/Cargo.lock";
  # Where this flake's source is, so the wizard can say what to copy to host.flake_url
  # before the first switch (src/disk/own_flake.rs). A plain string: the binary does not
  # keep the source alive and uses it only while it exists. It differs for every
  # revision of the flake, so each revision builds its own wizard.
  env.ATPROTO_FLAKE_SOURCE = toString root;
  doCheck = false;
  passthru.atproto = {
    type = "rust";
    services = [ ];
    protocols = [ ];
    security = {
      needsNetwork = false;
      memoryDenyWriteExecute = true;
      writablePaths = [ ];
    };
  };
  meta = {
    description = "Terminal wizard that writes NixOS hosts running AT Protocol services";
    mainProgram = "atproto-wizard";
    platforms = lib.platforms.linux;
  };
}
