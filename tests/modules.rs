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
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
    let expr = format!(
        "import ./nixlib/tests/eval/checks.nix {{ libPath = {:?}; }}",
        lib.display().to_string()
    );
    let checks = eval_json(&nix, &expr);
    let checks = checks.as_array().expect("a list of checks");
    assert!(
        checks.len() >= 40,
        "expected the full check list, got {}",
        checks.len()
    );
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| c["ok"] != true)
        .map(|c| format!("{}\n    got: {}", c["name"], c["got"]))
        .collect();
    assert!(
        failed.is_empty(),
        "failing module checks:\n{}",
        failed.join("\n")
    );
}

/// Every profile's rendered module (profiles/<name>.nix, what the wizard writes as
/// atproto.nix) evaluates with no failed assertion.
#[test]
fn profiles_evaluate_without_failed_assertions() {
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
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

/// The flake's outputs have the shape `nix flake check` expects, evaluated with stub
/// inputs (nixpkgs' lib only): every catalog service has a module, every profile a
/// profile module, the templates exist, and the flake's `lib.validate` accepts a profile.
#[test]
fn flake_outputs_have_every_module_and_template() {
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
    let expr = format!(
        r#"let
          lib = import ({lib:?} + "/lib");
          flake = import ./flake.nix;
          outputs = flake.outputs {{ self = outputs; nixpkgs = {{ inherit lib; }}; crane = null; }};
        in {{
          modules = builtins.attrNames outputs.nixosModules;
          templates = builtins.mapAttrs (_: t: builtins.pathExists (t.path + "/flake.nix")) outputs.templates;
          overlay = builtins.isFunction outputs.overlays.default;
          libFunctions = builtins.filter (n: builtins.isFunction outputs.lib.${{n}}) [ "mkAtprotoPackage" "mkRustAtprotoService" "mkRustWorkspace" "mkServiceModule" ];
          profileErrors = builtins.filter (d: d.level == "error") (outputs.lib.validate (builtins.fromTOML (builtins.readFile ./profiles/community-pds.toml)));
          brokenErrors = map (d: d.code) (builtins.filter (d: d.level == "error") (outputs.lib.validate {{ schema = 1; }}));
        }}"#,
        lib = lib.display().to_string()
    );
    let out = eval_json(&nix, &expr);

    let modules: Vec<&str> = out["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let catalog = atproto_wizard::catalog::Catalog::embedded();
    for id in catalog.services.keys() {
        assert!(
            modules.contains(&id.as_str()),
            "nixosModules.{id} is missing: {modules:?}"
        );
    }
    for wanted in ["default", "integration"] {
        assert!(
            modules.contains(&wanted),
            "nixosModules.{wanted} is missing"
        );
    }
    for entry in std::fs::read_dir(repo().join("profiles")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = format!("profile-{}", path.file_stem().unwrap().to_string_lossy());
            assert!(
                modules.contains(&name.as_str()),
                "nixosModules.{name} is missing"
            );
        }
    }
    for (name, exists) in out["templates"].as_object().unwrap() {
        assert_eq!(exists, true, "templates.{name} has no flake.nix");
    }
    assert_eq!(out["overlay"], true);
    assert_eq!(
        out["libFunctions"].as_array().unwrap().len(),
        4,
        "{}",
        out["libFunctions"]
    );
    assert_eq!(out["profileErrors"], serde_json::json!([]));
    // An empty plan is not a host: the same validator says what is missing.
    assert!(
        out["brokenErrors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "required"),
        "{}",
        out["brokenErrors"]
    );
}
