//! Module evaluation (tier 3): the NixOS modules evaluated with nixpkgs' lib and a
//! declaration stub of the NixOS options they touch (nixlib/tests/eval/). The checks
//! themselves live in nixlib/tests/eval/checks.nix; this runs them and reports every
//! failing one with what it found.
mod support;

use support::{eval_json, nix_instantiate, nixpkgs_lib, repo};

fn lib_and_nix() -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let nix = nix_instantiate()?;
    let lib = nixpkgs_lib()?;
    Some((nix, lib))
}

#[test]
fn module_checks_pass() {
    let Some((nix, lib)) = lib_and_nix() else { return };
    let expr = format!(
        "import ./nixlib/tests/eval/checks.nix {{ libPath = {:?}; }}",
        lib.display().to_string()
    );
    let checks = eval_json(&nix, &expr);
    let checks = checks.as_array().expect("a list of checks");
    assert!(checks.len() >= 40, "expected the full check list, got {}", checks.len());
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| c["ok"] != true)
        .map(|c| format!("{}\n    got: {}", c["name"], c["got"]))
        .collect();
    assert!(failed.is_empty(), "failing module checks:\n{}", failed.join("\n"));
}

/// Every profile's rendered module (profiles/<name>.nix, what the wizard writes as
/// atproto.nix) evaluates with no failed assertion.
#[test]
fn profiles_evaluate_without_failed_assertions() {
    let Some((nix, lib)) = lib_and_nix() else { return };
    let mut profiles: Vec<_> = std::fs::read_dir(repo().join("profiles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "nix"))
        .collect();
    profiles.sort();
    assert!(!profiles.is_empty(), "no profiles/*.nix to evaluate");
    for profile in profiles {
        let expr = format!(
            "let r = import ./nixlib/tests/eval/eval.nix {{ libPath = {:?}; host = {}; }}; \
             in {{ inherit (r) failed; units = builtins.attrNames r.config.systemd.services; }}",
            lib.display().to_string(),
            profile.display()
        );
        let result = eval_json(&nix, &expr);
        assert_eq!(
            result["failed"],
            serde_json::json!([]),
            "{} fails its assertions",
            profile.display()
        );
        assert!(
            !result["units"].as_array().unwrap().is_empty(),
            "{} enables no unit",
            profile.display()
        );
    }
}
