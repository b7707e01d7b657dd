//! Shared helpers of the integration tests: finding Nix and nixpkgs' lib (here), calendar
//! expressions (`calendar`), the real binary in a pseudo-terminal (`pty`).
#![allow(dead_code)]
pub mod calendar;
pub mod pty;

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

/// The example fleet (`profiles/fleet/`: its fleet.toml and three hosts' answers),
/// copied into `to`.
pub fn copy_fleet(to: &std::path::Path) {
    for rel in [
        "fleet.toml",
        "hosts/pds1/atproto.toml",
        "hosts/relay1/atproto.toml",
        "hosts/microcosm1/atproto.toml",
    ] {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(repo().join("profiles/fleet").join(rel), target).unwrap();
    }
}

/// The folder holding nixpkgs' `lib/` for module evaluation (tier 3): `$NIXPKGS_LIB`,
/// else `~/.cache/nixpkgs-lib` (README, "Module evaluation"). The project cannot
/// download it, so when it is missing the caller skips and says exactly what to do.
pub fn nixpkgs_lib() -> Option<PathBuf> {
    let candidates = std::env::var_os("NIXPKGS_LIB")
        .map(PathBuf::from)
        .into_iter()
        .chain(std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/nixpkgs-lib")));
    for dir in candidates {
        if dir.join("lib/default.nix").is_file() {
            return Some(dir);
        }
    }
    eprintln!(
        "SKIPPED: module evaluation needs nixpkgs' lib: set NIXPKGS_LIB to a folder holding lib/ \
         or put a copy at ~/.cache/nixpkgs-lib (README, \"Module evaluation\")"
    );
    None
}

/// Evaluates a Nix expression strictly to JSON, panicking with Nix's message on failure.
pub fn eval_json(nix: &std::path::Path, expr: &str) -> serde_json::Value {
    let out = Command::new(nix)
        .args(["--eval", "--strict", "--json", "-E", expr])
        .current_dir(repo())
        .output()
        .expect("run nix-instantiate");
    assert!(
        out.status.success(),
        "nix-instantiate failed on {expr}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("nix-instantiate printed JSON")
}

/// `insta::assert_snapshot!(name, value)`, the snapshot named as when each test file was
/// its own test binary: `tests/snapshots/<file>__<name>.snap`. Insta prepends the module
/// path, which now starts with the binary's name (`integration__<file>__<name>`); this
/// prepends the module path without it instead.
macro_rules! assert_snapshot {
    ($name:expr, $value:expr $(,)?) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        let name = format!(
            "{}__{}",
            $crate::support::snapshot_prefix(module_path!()),
            $name
        );
        settings.bind(|| insta::assert_snapshot!(name, $value));
    }};
}
pub(crate) use assert_snapshot;

/// A test module's snapshot name prefix: its path without the crate's name, `::` as
/// `__` (`integration::render` → `render`).
pub fn snapshot_prefix(module_path: &str) -> String {
    module_path
        .split_once("::")
        .map_or(module_path, |(_, module)| module)
        .replace("::", "__")
}
