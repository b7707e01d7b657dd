//! Module evaluation (tier 3): the NixOS modules evaluated with nixpkgs' lib and a
//! declaration stub of the NixOS options they touch (nixlib/tests/eval/). The checks
//! themselves live in nixlib/tests/eval/checks.nix; this runs them and reports every
//! failing one with what it found.
use crate::support::{eval_json, nix_instantiate, nixpkgs_lib, repo};

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

/// The modules and the secrets generator agree: for every service of a host that
/// enables all of them with the `generate` backend, the arguments the module hands to
/// nixlib/secrets/atproto-secrets.sh are accepted by the real script, which then writes
/// every variable the service expects into its environment file.
#[test]
fn every_service_secret_spec_runs_through_the_generator() {
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
    let openssl = std::process::Command::new("openssl")
        .arg("version")
        .output();
    if !openssl.is_ok_and(|o| o.status.success()) {
        if std::env::var("ATPROTO_REQUIRE_NIX").is_ok_and(|v| v == "1") {
            panic!("openssl is required (ATPROTO_REQUIRE_NIX=1) but not installed");
        }
        eprintln!("SKIPPED: openssl not found");
        return;
    }
    let expr = format!(
        r#"let
          r = import ./nixlib/tests/eval/eval.nix {{
            libPath = {lib:?};
            host = {{ lib, ... }}: {{
              imports = [ ./nixlib/tests/eval/hosts/everything.nix ];
              atproto.integration.secrets.backend = lib.mkForce "generate";
            }};
          }};
          units = r.lib.filterAttrs (_: e: e.secretsUnit) r.config.atproto.registry;
        in {{
          failed = r.failed;
          specs = builtins.mapAttrs (_: e: map (s: import ./nixlib/lib/secret-spec.nix {{
            dir = "/var/lib/atproto-secrets/${{e.unit}}";
            secret = s;
          }}) e.composed) units;
        }}"#,
        lib = lib.display().to_string()
    );
    let out = eval_json(&nix, &expr);
    assert_eq!(out["failed"], serde_json::json!([]));
    let specs = out["specs"].as_object().unwrap();
    assert!(
        specs.len() >= 10,
        "expected most services to have secrets: {specs:?}"
    );

    let script = repo().join("nixlib/secrets/atproto-secrets.sh");
    let tmp = tempfile::tempdir().unwrap();
    for (unit, unit_specs) in specs {
        let unit_specs: Vec<&str> = unit_specs
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        let dir = tmp.path().join(unit);
        std::fs::create_dir_all(&dir).unwrap();
        // What the operator (or another unit, for a shared key) provides.
        for spec in &unit_specs {
            let (name, rest) = spec.split_once(':').unwrap();
            if rest.starts_with("external") && !rest.contains(":optional") {
                std::fs::write(dir.join(name), "provided-by-operator").unwrap();
            }
        }
        let env_file = tmp.path().join(format!("{unit}.env"));
        let run = std::process::Command::new("bash")
            .arg(&script)
            .arg("--dir")
            .arg(&dir)
            .arg("--env-file")
            .arg(&env_file)
            .args(&unit_specs)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{unit}: the script refused the module's specs {unit_specs:?}:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let env = std::fs::read_to_string(&env_file).unwrap_or_default();
        for spec in &unit_specs {
            if let Some((head, var)) = spec.split_once('=') {
                if head.contains(":optional") {
                    continue;
                }
                assert!(
                    env.lines().any(|l| l.starts_with(&format!("{var}="))),
                    "{unit}: {var} is missing from the composed environment file"
                );
                if head.contains(":secp256k1-hex") {
                    let line = env
                        .lines()
                        .find(|l| l.starts_with(&format!("{var}=")))
                        .unwrap();
                    let value = &line[var.len() + 1..];
                    assert!(
                        value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()),
                        "{unit}: {var} is not a 64-character hex key"
                    );
                }
            }
        }
    }
}

/// The whole journey on the Nix side: `apply` writes a host from each profile into an
/// empty directory, and that directory's flake.nix, evaluated as nixos-rebuild would
/// (nixosSystem over the declaration stub, atproto-nix = this repository), has no
/// failed assertion and runs the profile's services.
#[test]
fn applied_profiles_evaluate_through_their_flake() {
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for profile in [
        "community-pds",
        "relay-node",
        "microcosm-indexers",
        "feed-generator",
        "labeler",
        "dev-host",
    ] {
        let dir = tmp.path().join(profile);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_atproto-wizard"))
            .args(["apply", "--yes", "--answers"])
            .arg(repo().join(format!("profiles/{profile}.toml")))
            .arg("--dir")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "apply {profile}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        let expr = format!(
            "import ./nixlib/tests/eval/host-flake.nix {{ libPath = {:?}; dir = {}; }}",
            lib.display().to_string(),
            dir.display()
        );
        let hosts = eval_json(&nix, &expr);
        let hosts = hosts.as_object().unwrap();
        assert_eq!(hosts.len(), 1, "{profile}: one nixosConfigurations entry");
        let (name, host) = hosts.iter().next().unwrap();
        assert_eq!(
            host["failed"],
            serde_json::json!([]),
            "{profile} ({name}) fails its assertions"
        );
        let answers: toml::Value = toml::from_str(
            &std::fs::read_to_string(repo().join(format!("profiles/{profile}.toml"))).unwrap(),
        )
        .unwrap();
        assert_eq!(name, answers["host"]["hostname"].as_str().unwrap());
        let units: Vec<&str> = host["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        for (id, service) in answers["services"].as_table().unwrap() {
            if service.get("enable").and_then(|e| e.as_bool()) == Some(true) {
                assert!(
                    units.contains(&id.as_str()),
                    "{profile}: unit {id} missing from {units:?}"
                );
            }
        }
    }
}

/// The community PDS written with each secrets backend that needs a module of its own
/// (sops-nix, agenix), evaluated through the wizard's flake.nix with the stand-ins of
/// those modules: no failed assertion, the PDS reads its secrets where the backend
/// puts them, and agenix finds every .age file it is told about (only the three the
/// PDS needs without email).
#[test]
fn applied_hosts_with_sops_and_agenix_evaluate_through_their_flake() {
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let profile: toml::Value = toml::from_str(
        &std::fs::read_to_string(repo().join("profiles/community-pds.toml")).unwrap(),
    )
    .unwrap();
    // (backend, its settings, the files the host needs beside it)
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: [Case; 2] = [
        (
            "sops",
            &[("sops_file", "./secrets/secrets.yaml")],
            &["secrets/secrets.yaml"],
        ),
        (
            "agenix",
            &[("agenix_dir", "./secrets")],
            &[
                "secrets/bluesky-pds-jwt_secret.age",
                "secrets/bluesky-pds-admin_password.age",
                "secrets/bluesky-pds-plc_rotation_key.age",
            ],
        ),
    ];
    for (backend, fields, files) in cases {
        let dir = tmp.path().join(backend);
        for file in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "test fixture: stands for an encrypted file\n").unwrap();
        }
        let mut answers = profile.clone();
        let secrets = answers["integrations"]["secrets"].as_table_mut().unwrap();
        secrets.insert("backend".into(), backend.into());
        for (key, value) in fields {
            secrets.insert((*key).into(), (*value).into());
        }
        let answers_file = tmp.path().join(format!("{backend}.toml"));
        std::fs::write(&answers_file, toml::to_string(&answers).unwrap()).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_atproto-wizard"))
            .args(["apply", "--yes", "--answers"])
            .arg(&answers_file)
            .arg("--dir")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "apply ({backend}): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let flake = std::fs::read_to_string(dir.join("flake.nix")).unwrap();
        let module = if backend == "sops" {
            "inputs.sops-nix.nixosModules.sops"
        } else {
            "inputs.agenix.nixosModules.default"
        };
        assert!(flake.contains(module), "{backend}: {flake}");
        let expr = format!(
            "import ./nixlib/tests/eval/host-flake.nix {{ libPath = {:?}; dir = {}; }}",
            lib.display().to_string(),
            dir.display()
        );
        let hosts = eval_json(&nix, &expr);
        let host = &hosts["pds1"];
        assert_eq!(host["failed"], serde_json::json!([]), "{backend}");
        let units: Vec<&str> = host["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        assert!(units.contains(&"bluesky-pds"), "{backend}: {units:?}");
        // sops: no generator unit for the PDS; agenix: one that links agenix's files.
        assert_eq!(
            units.contains(&"atproto-secrets-bluesky-pds"),
            backend == "agenix",
            "{backend}: {units:?}"
        );
    }
}

/// The secrets units make their directory with the lines the module writes into the
/// unit's script (`secret-files.nix`, `makeDir`), run here for real: a directory that
/// is a symbolic link is refused before `install -d` could make its target 0700.
#[test]
fn the_secrets_units_refuse_a_linked_secrets_directory() {
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("elsewhere");
    std::fs::create_dir(&target).unwrap();
    std::fs::set_permissions(&target, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let linked = tmp.path().join("linked");
    std::os::unix::fs::symlink(&target, &linked).unwrap();
    let fresh = tmp.path().join("fresh");
    let lines = |dir: &std::path::Path| {
        let expr = format!(
            r#"let
              r = import ./nixlib/tests/eval/eval.nix {{
                libPath = {lib:?};
                host = ./nixlib/tests/eval/hosts/pds-caddy.nix;
              }};
              files = import ./nixlib/lib/secret-files.nix {{ lib = r.lib; }};
            in {{
              lines = files.makeDir {dir:?};
              unit = r.config.systemd.services.atproto-secrets-bluesky-pds.script;
              pds = files.makeDir (files.generatedDir "bluesky-pds");
            }}"#,
            lib = lib.display().to_string(),
            dir = dir.display().to_string()
        );
        eval_json(&nix, &expr)
    };
    let out = lines(&linked);
    // The unit really uses these lines for its directory.
    assert!(
        out["unit"]
            .as_str()
            .unwrap()
            .contains(out["pds"].as_str().unwrap()),
        "{}",
        out["unit"]
    );
    let run = std::process::Command::new("bash")
        .args(["-euc", out["lines"].as_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("is a symbolic link"), "{err}");
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&target).unwrap().permissions())
            & 0o777,
        0o755
    );
    // A real directory is made 0700.
    let out = lines(&fresh);
    let run = std::process::Command::new("bash")
        .args(["-euc", out["lines"].as_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&fresh).unwrap().permissions())
            & 0o777,
        0o700
    );
}

/// `ownSecrets` (the answers' `own_secrets`): a service whose secrets the host's own
/// files provide is given none by the modules, so nothing generated can stand beside
/// the operator's (a second PLC rotation key would orphan every account's identity).
/// Each host of nixlib/tests/eval/own-secrets.nix is evaluated with and without it.
#[test]
fn own_secrets_leave_a_service_only_the_hosts_own_files() {
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
    let expr = format!(
        "import ./nixlib/tests/eval/own-secrets.nix {{ libPath = {:?}; }}",
        lib.display().to_string()
    );
    let out = eval_json(&nix, &expr);
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .unwrap_or_else(|| panic!("a list: {v}"))
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let operator = vec!["/var/lib/pds/pds.env".to_string()];
    // What the wizard's validator says for the same choice, as NixOS prints it.
    let warning = {
        let answers = atproto_wizard::plan::Answers::parse(
            "own.toml",
            "schema = 1\n[services.bluesky-pds]\nown_secrets = true\n",
        )
        .unwrap();
        let found = atproto_wizard::validate::validate(
            atproto_wizard::catalog::Catalog::embedded(),
            &answers.tree,
        );
        let d = found
            .iter()
            .find(|d| d.code == "own-secrets")
            .expect("the wizard warns about own_secrets");
        format!("services.bluesky-pds.ownSecrets: {}", d.message)
    };
    assert!(
        warning.contains(
            "PDS_JWT_SECRET, PDS_ADMIN_PASSWORD and PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX"
        ),
        "{warning}"
    );

    for backend in ["generate", "sops", "agenix"] {
        let own = &out["pds"][backend]["own"];
        let old = &out["pds"][backend]["backend"];
        for (label, h) in [("own", own), ("backend", old)] {
            assert_eq!(h["failed"], serde_json::json!([]), "{backend}/{label}");
        }

        // With own_secrets: exactly the operator's files, nothing declared or generated.
        assert_eq!(
            strings(&own["environmentFiles"]),
            operator,
            "{backend}: services.bluesky-pds.environmentFiles"
        );
        assert_eq!(
            strings(&own["unitEnvironmentFile"]),
            operator,
            "{backend}: the unit's EnvironmentFile"
        );
        assert!(
            strings(&own["secretUnits"]).is_empty(),
            "{backend}: {}",
            own["secretUnits"]
        );
        assert!(
            strings(&own["requires"])
                .iter()
                .all(|u| !u.starts_with("atproto-secrets-")),
            "{backend}: {}",
            own["requires"]
        );
        assert!(
            strings(&own["sops"]).is_empty() && strings(&own["templates"]).is_empty(),
            "{backend}: sops is told to declare {} {}",
            own["sops"],
            own["templates"]
        );
        assert!(
            strings(&own["age"]).is_empty(),
            "{backend}: agenix is told to declare {}",
            own["age"]
        );
        assert_eq!(
            own["registry"],
            serde_json::json!({ "secrets": [], "secretsUnit": false, "environmentFiles": [] }),
            "{backend}: the registry"
        );
        assert!(
            strings(&own["warnings"]).contains(&warning),
            "{backend}: {}",
            own["warnings"]
        );

        // Without it, as before: the backend's file first, then the operator's.
        let env = strings(&old["environmentFiles"]);
        assert_eq!(env.len(), 2, "{backend}: {env:?}");
        assert_eq!(env[1], operator[0], "{backend}: {env:?}");
        let backends_file = match backend {
            "sops" => "/run/secrets/rendered/atproto-bluesky-pds.env",
            _ => "/run/atproto-secrets/bluesky-pds.env",
        };
        assert_eq!(env[0], backends_file, "{backend}: {env:?}");
        assert_eq!(
            strings(&old["secretUnits"]) == ["atproto-secrets-bluesky-pds"],
            backend != "sops",
            "{backend}: {}",
            old["secretUnits"]
        );
        assert!(
            !strings(&old["warnings"])
                .iter()
                .any(|w| w.contains("ownSecrets")),
            "{backend}: {}",
            old["warnings"]
        );
    }
    let pds_sops = |h: &serde_json::Value| -> Vec<String> {
        strings(&h["sops"])
            .into_iter()
            .filter(|n| n.starts_with("atproto/bluesky-pds/"))
            .collect()
    };
    assert_eq!(
        pds_sops(&out["pds"]["sops"]["backend"]),
        [
            "atproto/bluesky-pds/admin_password",
            "atproto/bluesky-pds/jwt_secret",
            "atproto/bluesky-pds/plc_rotation_key"
        ]
    );
    assert_eq!(
        strings(&out["pds"]["agenix"]["backend"]["age"]).len(),
        3,
        "{}",
        out["pds"]["agenix"]["backend"]["age"]
    );

    // The SMTP URL is one more secret the host provides once the PDS sends email.
    let mail = &out["pdsMail"];
    assert_eq!(strings(&mail["environmentFiles"]), operator);
    assert!(
        strings(&mail["warnings"]).iter().any(|w| w.ends_with(
            "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX and PDS_EMAIL_SMTP_URL (nothing generates them)."
        )),
        "{}",
        mail["warnings"]
    );

    // An adopted host's own sops-nix template stays the PDS's only file, and its own
    // sops secrets are all sops-nix is told about.
    let template = &out["pdsOwnTemplate"];
    assert_eq!(template["failed"], serde_json::json!([]));
    assert_eq!(
        strings(&template["environmentFiles"]),
        ["/run/secrets/rendered/pds.env"]
    );
    assert_eq!(strings(&template["sops"]), ["pds/env"]);
    assert_eq!(strings(&template["templates"]), ["pds.env"]);

    // Services built from the catalog: Ozone on a remote PostgreSQL (its password is
    // not passed either) and who-am-i, whose keys are files named by flags.
    let own = &out["others"]["own"];
    let old = &out["others"]["backend"];
    assert_eq!(own["failed"], serde_json::json!([]));
    assert_eq!(old["failed"], serde_json::json!([]));
    assert_eq!(
        strings(&own["ozone"]["environmentFile"]),
        ["/var/lib/ozone/ozone.env"]
    );
    assert_eq!(
        strings(&own["who-am-i"]["environmentFile"]),
        ["/var/lib/who-am-i/env"]
    );
    for id in ["ozone", "who-am-i"] {
        assert!(
            strings(&own[id]["loadCredential"]).is_empty(),
            "{id}: {}",
            own[id]["loadCredential"]
        );
        assert!(
            strings(&own[id]["requires"]).is_empty(),
            "{id}: {}",
            own[id]["requires"]
        );
    }
    let who = own["who-am-i"]["execStart"].as_str().unwrap();
    assert!(
        !who.contains("--oauth-private-key") && !who.contains("%d/"),
        "{who}"
    );
    assert!(
        strings(&own["secretUnits"]).is_empty(),
        "{}",
        own["secretUnits"]
    );
    assert!(strings(&own["sops"]).is_empty(), "{}", own["sops"]);
    assert!(
        strings(&own["templates"]).is_empty(),
        "{}",
        own["templates"]
    );
    for (id, needs) in [
        (
            "ozone",
            "OZONE_ADMIN_PASSWORD, OZONE_SIGNING_KEY_HEX and PGPASSWORD",
        ),
        (
            "who-am-i",
            "APP_SECRET, a file for --oauth-private-key and a file for --jwt-private-key",
        ),
    ] {
        assert!(
            strings(&own["warnings"])
                .iter()
                .any(|w| w.starts_with(&format!("services.{id}.ownSecrets: ")) && w.contains(needs)),
            "{id}: {}",
            own["warnings"]
        );
    }
    // Without it, as before: the secrets unit with the database password, sops
    // secrets and templates, who-am-i's keys as credentials.
    assert_eq!(strings(&old["secretUnits"]), ["atproto-secrets-ozone"]);
    assert!(
        strings(&old["ozone"]["environmentFile"])
            .contains(&"/run/atproto-secrets/ozone.env".to_string()),
        "{}",
        old["ozone"]["environmentFile"]
    );
    assert_eq!(strings(&old["sops"]).len(), 5, "{}", old["sops"]);
    assert_eq!(
        strings(&old["who-am-i"]["loadCredential"]).len(),
        2,
        "{}",
        old["who-am-i"]["loadCredential"]
    );
    assert!(
        old["who-am-i"]["execStart"]
            .as_str()
            .unwrap()
            .contains("\"--oauth-private-key\" \"%d/oauth_private_key\"")
    );
}

/// A service whose settings were renamed and removed (the test-only service of
/// nixlib/tests/migration-catalog), evaluated through nixpkgs' own
/// lib.mkRenamedOptionModule and lib.mkRemovedOptionModule: an old key forwards with a
/// warning, a removed one fails with the catalog's advice (nixlib/tests/eval/old-keys.nix).
#[test]
fn old_setting_keys_forward_with_a_warning_and_removed_ones_fail() {
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
    let expr = format!(
        "import ./nixlib/tests/eval/old-keys.nix {{ libPath = {:?}; }}",
        lib.display().to_string()
    );
    let checks = eval_json(&nix, &expr);
    let checks = checks.as_array().expect("a list of checks");
    assert_eq!(checks.len(), 5);
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| c["ok"] != true)
        .map(|c| format!("{}\n    got: {}", c["name"], c["got"]))
        .collect();
    assert!(failed.is_empty(), "failing checks:\n{}", failed.join("\n"));
}
