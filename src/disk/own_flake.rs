//! Where this wizard's own flake is on this machine, for the first switch
//! ([`crate::wizard::first_switch`]). Recorded at build time: `ATPROTO_FLAKE_SOURCE`
//! when Nix builds the wizard (nixlib/pkgs/atproto-wizard.nix sets it to the flake's
//! source), else the checkout Cargo built from. Either counts only while it still holds
//! the flake: a build directory or a collected store path does not.
use std::path::{Path, PathBuf};

use crate::wizard::first_switch::{Kept, Machine, OwnFlake};

/// The flake's source as Nix saw it when it built this binary.
const NIX_SOURCE: Option<&str> = option_env!("ATPROTO_FLAKE_SOURCE");
/// The directory holding the Cargo.toml this binary was built from.
const CHECKOUT: &str = env!("CARGO_MANIFEST_DIR");

/// Whether `dir` holds this project's flake: its flake.nix and its nixlib/.
pub fn holds_flake(dir: &Path) -> bool {
    dir.join("flake.nix").is_file() && dir.join("nixlib").is_dir()
}

/// This machine, as far as the first switch is concerned.
pub fn this_machine() -> Machine {
    let own = NIX_SOURCE
        .into_iter()
        .chain([CHECKOUT])
        .map(PathBuf::from)
        .find(|dir| dir.is_absolute() && holds_flake(dir))
        .map(|dir| {
            let kept = if dir.join(".git").exists() {
                Kept::Git
            } else if dir.starts_with("/nix/store") {
                Kept::Store
            } else {
                Kept::Plain
            };
            OwnFlake { dir, kept }
        });
    Machine { own, holds_flake }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cargo_build_knows_its_checkout() {
        let m = this_machine();
        assert!(!(m.holds_flake)(&Path::new(CHECKOUT).join("src")));
        // A Nix build's source holds only the wizard's files, not the flake.
        if NIX_SOURCE.is_some() || !holds_flake(Path::new(CHECKOUT)) {
            return;
        }
        let own = m.own.expect("the checkout holds flake.nix and nixlib/");
        assert_eq!(own.dir, Path::new(CHECKOUT));
        let git = Path::new(CHECKOUT).join(".git").exists();
        assert_eq!(own.kept == Kept::Git, git);
    }
}
