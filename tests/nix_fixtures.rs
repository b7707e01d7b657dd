//! The Nix validator's own fixtures (nixlib/tests/validate.sh): hand-written plans with
//! expected diagnostics, plus every profile, evaluated with nix-instantiate.
use crate::support;

use std::process::Command;

#[test]
fn nix_validator_matches_its_hand_written_expectations() {
    let Some(_) = support::nix_instantiate() else {
        return;
    };
    let out = Command::new("bash")
        .arg(support::repo().join("nixlib/tests/validate.sh"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "validate.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_nix_file_parses() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let mut checked = 0;
    let mut stack = vec![support::repo().join("nixlib")];
    stack.push(support::repo());
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && dir.ends_with("nixlib") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "nix") {
                let out = Command::new(&nix)
                    .arg("--parse")
                    .arg(&path)
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{} does not parse:\n{}",
                    path.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 9, "only {checked} .nix files found");
}
