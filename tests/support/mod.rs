//! Shared helpers for the tests that need Nix.
#![allow(dead_code)]
use std::path::PathBuf;
use std::process::Command;

/// `nix-instantiate` when installed. When it is not, the caller skips and says so; with
/// `ATPROTO_REQUIRE_NIX=1` (set by .ci/run) a missing Nix fails the test instead.
pub fn nix_instantiate() -> Option<PathBuf> {
    let found = Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(PathBuf::from("nix-instantiate"));
    }
    if std::env::var("ATPROTO_REQUIRE_NIX").is_ok_and(|v| v == "1") {
        panic!(
            "nix-instantiate is required (ATPROTO_REQUIRE_NIX=1) but not installed: apt-get install nix-bin"
        );
    }
    eprintln!("SKIPPED: nix-instantiate not found; install Debian's nix-bin to run the Nix tier");
    None
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
