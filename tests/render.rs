//! Rendering `atproto.nix`: what nixfmt would print, strings and values that Nix reads
//! back unchanged, every profile parsing and evaluating, and snapshots of each profile's
//! render to review by eye.
use crate::support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use atproto_wizard::catalog::{Catalog, FieldType};
use atproto_wizard::plan::{Answers, PlanView, edit};
use atproto_wizard::render::nix::{self, Binding, Expr};
use atproto_wizard::render::render_atproto_nix;
use atproto_wizard::validate::validate;
use atproto_wizard::value::Value;
use atproto_wizard::wizard::questions::default_value;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

// ------------------------------------------------------------------ helpers

/// Strings built from what matters to Nix's string syntax (`${`, `$`, `''`, `\`, quotes,
/// line breaks, tabs, UTF-8), to terminals and systemd (escape sequences, DEL, C1
/// controls, Unicode separators, `%`), to URLs and paths (`user:pw@`, `..`) and to
/// joined lists (`,`), or any string at all (without NUL, which no Nix string can
/// hold).
fn tricky_string() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("${"),
        Just("$"),
        Just("$${"),
        Just("\\${"),
        Just("''${"),
        Just("''"),
        Just("'"),
        Just("''\\"),
        Just("\\"),
        Just("\""),
        Just("{"),
        Just("}"),
        Just("\n"),
        Just("\r"),
        Just("\r\n"),
        Just("\t"),
        Just("é"),
        Just("😀"),
        Just("a"),
        Just(" "),
        Just("#"),
        Just("/*"),
        Just("\u{1b}]0;t\u{7}"),
        Just("\u{1b}[2J"),
        Just("\u{7f}"),
        Just("\u{85}"),
        Just("\u{9b}"),
        Just("\u{2028}"),
        Just("\u{2029}"),
        Just("%"),
        Just("%h"),
        Just(","),
        Just("://u:pw@"),
        Just("/.."),
        Just("/"),
    ];
    prop_oneof![
        3 => prop::collection::vec(fragment, 0..24).prop_map(|v| v.concat()),
        1 => any::<String>().prop_map(|s| s.replace('\0', "")),
        // Long enough to cross nixfmt's 100 columns in a list of one.
        1 => (60usize..110).prop_map(|n| "x".repeat(n)),
    ]
}

/// Attribute names: identifiers, keywords and anything else.
fn attr_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_'-]{0,12}",
        prop::sample::select(vec![
            "if",
            "then",
            "else",
            "in",
            "let",
            "rec",
            "with",
            "inherit",
            "assert",
            "or",
            "true",
            "null",
            "bluesky-pds",
            "PDS_PORT",
            "1x",
            "-x",
            "a.b",
            "",
        ])
        .prop_map(str::to_string),
        tricky_string(),
    ]
}

/// A JSON value Nix can hold (no floats: Nix prints those its own way).
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (-5i64..5).prop_map(serde_json::Value::from),
        tricky_string().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::from),
            prop::collection::btree_map(attr_name(), inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn to_expr(v: &serde_json::Value) -> Expr {
    match v {
        serde_json::Value::Null => Expr::Null,
        serde_json::Value::Bool(b) => Expr::Bool(*b),
        serde_json::Value::Number(n) => Expr::Int(n.as_i64().unwrap()),
        serde_json::Value::String(s) => Expr::str(s),
        serde_json::Value::Array(items) => Expr::List(items.iter().map(to_expr).collect()),
        serde_json::Value::Object(map) => Expr::attrs(
            map.iter()
                .map(|(k, v)| Binding::new(&[k.as_str()], to_expr(v))),
        ),
    }
}

/// The value at `attr` of a set, as a one-binding file body, for nixfmt.
fn as_file(expr: Expr) -> String {
    nix::print_file(&nix::File {
        header: vec!["test".into()],
        body: Expr::lambda(
            &[],
            Expr::attrs([Binding::new(&["services", "x", "settings", "value"], expr)]),
        )
        .shorthand(),
    })
}

/// Evaluates a Nix file strictly to JSON.
fn eval_json(nix: &Path, file: &Path) -> serde_json::Value {
    let out = Command::new(nix)
        .args(["--eval", "--strict", "--json"])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nix-instantiate failed on {}:\n{}\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(file).unwrap_or_default()
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

fn nixfmt_fixed_point(text: &str) -> Result<(), TestCaseError> {
    let formatted = nixfmt_rs::format(text)
        .map_err(|e| TestCaseError::fail(format!("nixfmt cannot parse:\n{text}\n{e:?}")))?;
    prop_assert_eq!(formatted, text, "nixfmt would change this");
    Ok(())
}

fn profiles() -> Vec<(String, Answers)> {
    let dir = support::repo().join("profiles");
    let mut out: Vec<(String, Answers)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            (name, Answers::read(&p).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 6, "the profiles are missing");
    out
}

use atproto_wizard::plan::samples::largest_plan;

fn set(tree: &mut BTreeMap<String, Value>, path: &str, value: Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let (last, parents) = parts.split_last().unwrap();
    let mut table = tree;
    for part in parents {
        let entry = table
            .entry(part.to_string())
            .or_insert_with(|| Value::Table(BTreeMap::new()));
        if !matches!(entry, Value::Table(_)) {
            *entry = Value::Table(BTreeMap::new());
        }
        let Value::Table(t) = entry else {
            unreachable!()
        };
        table = t;
    }
    table.insert(last.to_string(), value);
}

// ------------------------------------------------------------------ the printer

#[test]
fn strings_evaluate_back_to_what_was_written() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("strings.nix");
    // Many strings per evaluation, as one list, to keep Nix start-up out of the way.
    runner(24)
        .run(&prop::collection::vec(tricky_string(), 1..80), |strings| {
            let list = Expr::List(strings.iter().map(Expr::str).collect());
            std::fs::write(&file, nix::print_expr(&list)).unwrap();
            let back = eval_json(&nix, &file);
            prop_assert_eq!(back, serde_json::json!(strings));
            Ok(())
        })
        .unwrap();
}

#[test]
fn values_evaluate_back_to_what_was_written() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("values.nix");
    runner(24)
        .run(&prop::collection::vec(json_value(), 1..12), |values| {
            // Attribute names, nesting, the path shorthand and negative numbers in lists.
            let list = Expr::List(values.iter().map(|v| to_expr(v).shorthand()).collect());
            std::fs::write(&file, nix::print_expr(&list)).unwrap();
            let back = eval_json(&nix, &file);
            prop_assert_eq!(back, serde_json::Value::Array(values));
            Ok(())
        })
        .unwrap();
}

proptest! {
    #![proptest_config(Config { cases: 512, failure_persistence: None, ..Config::default() })]

    /// nixfmt leaves whatever we print as it is.
    #[test]
    fn nixfmt_leaves_printed_values_alone(value in json_value()) {
        nixfmt_fixed_point(&as_file(to_expr(&value)))?;
    }

    #[test]
    fn nixfmt_leaves_printed_strings_alone(s in tricky_string(), key in attr_name()) {
        nixfmt_fixed_point(&as_file(Expr::str(&s)))?;
        nixfmt_fixed_point(&as_file(Expr::List(vec![Expr::str(&s)])))?;
        nixfmt_fixed_point(&as_file(Expr::attrs([Binding::new(&[key.as_str()], Expr::str(&s))])))?;
    }
}

#[test]
fn nixfmt_leaves_single_item_lists_alone_at_every_width() {
    for n in 0..120 {
        let item = Expr::str("y".repeat(n));
        nixfmt_fixed_point(&as_file(Expr::List(vec![item.clone()]))).unwrap();
        nixfmt_fixed_point(&as_file(Expr::List(vec![Expr::Int(-(n as i64))]))).unwrap();
    }
}

#[test]
fn nixfmt_leaves_bindings_alone_at_every_width() {
    let values = [
        Expr::Int(7),
        Expr::Int(-7),
        Expr::Int(i64::MIN),
        Expr::Bool(true),
        Expr::Null,
        Expr::Float(-1.5),
        Expr::str("a string"),
        Expr::Path("./secrets/x".into()),
        Expr::List(vec![]),
        Expr::attrs([]),
        Expr::List(vec![Expr::str("one")]),
        Expr::List(vec![Expr::Int(-1)]),
        Expr::List(vec![Expr::Int(1), Expr::Int(2)]),
        Expr::List(vec![Expr::List(vec![Expr::Int(1)])]),
        Expr::attrs([Binding::new(&["a"], Expr::Int(1))]),
    ];
    for n in 50..110 {
        let long = "k".repeat(n);
        let quoted = format!("{}.", "q".repeat(n));
        for path in [
            vec!["a", long.as_str()],
            vec!["a", "b", "c", long.as_str()],
            vec!["a", "b", "c", "d", long.as_str()],
            vec!["a", quoted.as_str()],
        ] {
            for value in &values {
                let file = nix::print_file(&nix::File {
                    header: vec![],
                    body: Expr::attrs([Binding::new(&path, value.clone())]),
                });
                nixfmt_fixed_point(&file).unwrap();
            }
        }
    }
}

// ------------------------------------------------------------------ profiles

#[test]
fn every_profile_renders_as_nixfmt_formats_it_twice_the_same() {
    let catalog = Catalog::embedded();
    for (name, answers) in profiles() {
        let errors: Vec<_> = validate(catalog, &answers.tree)
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        assert!(errors.is_empty(), "{name} is not valid: {errors:?}");
        let text = render_atproto_nix(&answers.tree, catalog);
        assert_eq!(text, render_atproto_nix(&answers.tree, catalog), "{name}");
        assert_eq!(
            nixfmt_rs::format(&text).unwrap(),
            text,
            "nixfmt would reformat {name}"
        );
    }
}

#[test]
fn every_profile_render_parses_and_evaluates_with_nix() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let catalog = Catalog::embedded();
    let dir = tempfile::tempdir().unwrap();
    for (name, answers) in profiles() {
        let file = dir.path().join(format!("{name}.nix"));
        std::fs::write(&file, render_atproto_nix(&answers.tree, catalog)).unwrap();
        let out = Command::new(&nix)
            .arg("--parse")
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let call = dir.path().join(format!("{name}-call.nix"));
        std::fs::write(&call, format!("import ./{name}.nix {{ }}")).unwrap();
        let module = eval_json(&nix, &call);
        let view = PlanView::new(catalog, &answers.tree);
        assert_eq!(
            module["networking"]["hostName"].as_str(),
            view.raw("host.hostname").and_then(Value::as_str),
            "{name}"
        );
        assert_eq!(
            module["atproto"]["host"]["domain"].as_str(),
            view.raw("host.domain").and_then(Value::as_str),
            "{name}"
        );
        for service in view.enabled_services() {
            assert_eq!(
                module["services"][&service.id]["enable"],
                serde_json::json!(true),
                "{name}: {}",
                service.id
            );
        }
    }
}

/// The rendered module means the plan it came from: evaluated with the NixOS modules
/// (tier 3, nixlib/tests/eval), whose validator rebuilds the answers from the host's
/// options, it fails no assertion and warns exactly what `check` warns.
#[test]
fn every_profile_render_gives_the_modules_the_same_plan() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let Some(lib) = support::nixpkgs_lib() else {
        return;
    };
    let catalog = Catalog::embedded();
    let dir = tempfile::tempdir().unwrap();
    for (name, answers) in profiles() {
        let file = dir.path().join(format!("{name}.nix"));
        std::fs::write(&file, render_atproto_nix(&answers.tree, catalog)).unwrap();
        let call = dir.path().join(format!("{name}-eval.nix"));
        std::fs::write(
            &call,
            format!(
                "let r = import {:?} {{ libPath = {:?}; host = ./{name}.nix; }}; in {{ inherit (r) failed warnings; }}",
                support::repo().join("nixlib/tests/eval/eval.nix").display().to_string(),
                lib.display().to_string(),
            ),
        )
        .unwrap();
        let result = eval_json(&nix, &call);
        assert_eq!(result["failed"], serde_json::json!([]), "{name}");
        // The modules prefix each message with the NixOS option it concerns.
        let mut warned: Vec<String> = result["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                let w = w.as_str().unwrap();
                w.split_once(": ").map_or(w, |(_, m)| m).to_string()
            })
            .collect();
        let mut expected: Vec<String> = validate(catalog, &answers.tree)
            .into_iter()
            .map(|d| d.message)
            .collect();
        warned.sort();
        expected.sort();
        assert_eq!(warned, expected, "{name}");
    }
}

#[test]
fn profile_snapshots() {
    let catalog = Catalog::embedded();
    for (name, answers) in profiles() {
        support::assert_snapshot!(name.clone(), render_atproto_nix(&answers.tree, catalog));
    }
}

#[test]
fn largest_plan_snapshot() {
    let catalog = Catalog::embedded();
    let answers = largest_plan(catalog);
    let text = render_atproto_nix(&answers.tree, catalog);
    assert_eq!(nixfmt_rs::format(&text).unwrap(), text);
    support::assert_snapshot!("largest-plan", text);
}

/// `own_secrets = true` renders as the service's `ownSecrets = true;`, and only then;
/// evaluated with the modules beside the operator's own `environmentFiles` (what an
/// adopted host keeps in its configuration.nix), the PDS reads exactly that file, no
/// secrets unit is made for it, and the modules warn what `check` warns.
#[test]
fn own_secrets_render_only_when_true_and_the_modules_read_them_back() {
    let catalog = Catalog::embedded();
    let text = "schema = 1\n[host]\nhostname = \"pds1\"\ndomain = \"pds.example.com\"\n\
                admin_email = \"admin@example.com\"\n[integrations.secrets]\nbackend = \"generate\"\n\
                [integrations.proxy]\nkind = \"caddy\"\n[integrations.tls]\naccept_terms = true\n\
                handles = \"on-demand\"\n[services.bluesky-pds]\nown_secrets = true\n\
                [services.constellation]\ndomain = \"links.example.com\"\nown_secrets = false\n\
                [services.slingshot]\ndomain = \"slingshot.example.com\"\n";
    let answers = Answers::parse("own.toml", text).unwrap();
    let rendered = render_atproto_nix(&answers.tree, catalog);
    assert_eq!(nixfmt_rs::format(&rendered).unwrap(), rendered);
    assert_eq!(
        rendered.matches("ownSecrets").count(),
        1,
        "only the PDS's true is written:\n{rendered}"
    );
    let pds = rendered
        .split("services.bluesky-pds = {")
        .nth(1)
        .and_then(|rest| rest.split("};").next())
        .unwrap_or_else(|| panic!("no PDS block:\n{rendered}"));
    assert!(pds.contains("    ownSecrets = true;\n"), "{pds}");
    // Without it the file is what it always was.
    let mut without = answers.tree.clone();
    set(
        &mut without,
        "services.bluesky-pds.own_secrets",
        Value::Bool(false),
    );
    let plain = render_atproto_nix(&without, catalog);
    assert!(!plain.contains("ownSecrets"), "{plain}");
    let mut absent = answers.tree.clone();
    if let Some(Value::Table(pds)) = absent.get_mut("services").and_then(|s| match s {
        Value::Table(t) => t.get_mut("bluesky-pds"),
        _ => None,
    }) {
        pds.remove("own_secrets");
    }
    assert_eq!(render_atproto_nix(&absent, catalog), plain);

    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let Some(lib) = support::nixpkgs_lib() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("atproto.nix"), &rendered).unwrap();
    let call = dir.path().join("eval.nix");
    std::fs::write(
        &call,
        format!(
            r#"let
              r = import {eval:?} {{
                libPath = {lib:?};
                host = {{
                  imports = [ ./atproto.nix ];
                  services.bluesky-pds.environmentFiles = [ "/var/lib/pds/pds.env" ];
                }};
              }};
            in {{
              inherit (r) failed warnings;
              environmentFiles = r.config.services.bluesky-pds.environmentFiles;
              units = builtins.attrNames r.config.systemd.services;
            }}"#,
            eval = support::repo()
                .join("nixlib/tests/eval/eval.nix")
                .display()
                .to_string(),
            lib = lib.display().to_string(),
        ),
    )
    .unwrap();
    let result = eval_json(&nix, &call);
    assert_eq!(result["failed"], serde_json::json!([]));
    assert_eq!(
        result["environmentFiles"],
        serde_json::json!(["/var/lib/pds/pds.env"])
    );
    let units: Vec<&str> = result["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert!(units.contains(&"bluesky-pds"), "{units:?}");
    assert!(
        !units.iter().any(|u| u.starts_with("atproto-secrets-")),
        "{units:?}"
    );
    let mut warned: Vec<String> = result["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let w = w.as_str().unwrap();
            w.split_once(": ").map_or(w, |(_, m)| m).to_string()
        })
        .collect();
    let mut expected: Vec<String> = validate(catalog, &answers.tree)
        .into_iter()
        .map(|d| d.message)
        .collect();
    assert!(
        expected
            .iter()
            .any(|m| m.contains("PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX")),
        "{expected:?}"
    );
    warned.sort();
    expected.sort();
    assert_eq!(warned, expected);
}

// ------------------------------------------------------------------ plans

/// A value of the field's type, often unusual: the renderer must write anything the
/// answers hold, valid or not, as Nix that reads it back.
fn value_for(ty: FieldType, choices: &[String], seed: (u8, String, i64)) -> Value {
    let (pick, text, number) = seed;
    match ty {
        FieldType::Bool => Value::Bool(pick % 2 == 0),
        FieldType::Int | FieldType::Port => Value::Int(number),
        FieldType::List => Value::List(
            (0..pick % 4)
                .map(|i| Value::Str(format!("{text}{i}")))
                .collect(),
        ),
        FieldType::Enum if !choices.is_empty() => {
            Value::Str(choices[pick as usize % choices.len()].clone())
        }
        _ => Value::Str(text),
    }
}

#[test]
fn edited_plans_render_as_nix_that_reads_their_values_back() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let catalog = Catalog::embedded();
    let profiles = profiles();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.nix");
    let call = dir.path().join("call.nix");
    std::fs::write(&call, "import ./plan.nix { }").unwrap();
    let services: Vec<&str> = catalog.services.keys().map(String::as_str).collect();
    let edit = (
        0..services.len(),
        any::<prop::sample::Index>(),
        any::<u8>(),
        tricky_string(),
        any::<i64>(),
    );
    let strategy = (0..profiles.len(), prop::collection::vec(edit, 1..12));
    runner(24)
        .run(&strategy, |(profile, edits)| {
            let mut tree = profiles[profile].1.tree.clone();
            for (s, setting, pick, text, number) in edits {
                let service = &catalog.services[services[s]];
                set(
                    &mut tree,
                    &format!("services.{}.enable", service.id),
                    Value::Bool(true),
                );
                if service.settings.is_empty() {
                    continue;
                }
                let field = setting.get(&service.settings);
                let value = value_for(field.ty, &field.choices, (pick, text, number));
                let path = format!("services.{}.settings.{}", service.id, field.key);
                set(&mut tree, &path, value);
            }
            let text = render_atproto_nix(&tree, catalog);
            prop_assert_eq!(&text, &render_atproto_nix(&tree, catalog));
            nixfmt_fixed_point(&text)?;
            std::fs::write(&file, &text).unwrap();
            let module = eval_json(&nix, &call);
            // Every setting that differs from its default is in the module, as written
            // (the official PDS: as its environment variable).
            let view = PlanView::new(catalog, &tree);
            for service in view.enabled_services() {
                for field in &service.settings {
                    let path = format!("services.{}.settings.{}", service.id, field.key);
                    let Some(written) = view.raw(&path) else {
                        continue;
                    };
                    let default = view.default_of(field);
                    let settings = &module["services"][&service.id]["settings"];
                    let (key, expected) = if service.nixpkgs_module {
                        let env = field.env.clone().unwrap();
                        let text = match written {
                            Value::List(items) => items
                                .iter()
                                .map(Value::to_string)
                                .collect::<Vec<_>>()
                                .join(","),
                            other => other.to_string(),
                        };
                        (env, serde_json::Value::from(text))
                    } else {
                        (
                            field.key.clone(),
                            serde_json::from_str(&written.to_json()).unwrap(),
                        )
                    };
                    let differs = match &default {
                        Some(d) => d != written,
                        None => Value::is_set(Some(written)),
                    };
                    if differs {
                        prop_assert_eq!(&settings[&key], &expected, "{}", path);
                    } else {
                        prop_assert!(settings.get(&key).is_none(), "{} equals its default", path);
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

// ------------------------------------------------------------------ hostile values

/// Fields of several string types, each with a prefix that makes a value of its type
/// likely, so that many hostile values are accepted and rendered. (A repo_path is left
/// out: it renders as a path literal, which evaluating would copy into the store.)
const HOSTILE_FIELDS: &[(&str, &str)] = &[
    ("integrations.tls.dns_provider", ""),
    ("integrations.logging.loki_url", "https://logs.example.com/"),
    ("integrations.backup.password_file", "/var/lib/secrets/"),
    (
        "integrations.backup.repository",
        "sftp:backup@backup.example.com:/srv/",
    ),
    ("integrations.backup.schedule", ""),
    ("services.constellation.settings.jetstream", "wss://"),
    ("services.ozone.settings.admin_dids", ""),
];

/// A character no value may hold: what `_plan.toml [text]` forbids.
fn forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Hostile strings go through the answers file (its TOML writer and reader), the
/// validator and the renderer: a value with a control character is always refused,
/// and every value accepted renders as Nix that parses and evaluates back to it.
#[test]
fn hostile_values_are_refused_or_render_as_nix_that_reads_them_back() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let catalog = Catalog::embedded();
    let base = std::fs::read_to_string(support::repo().join("profiles/labeler.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.nix");
    let call = dir.path().join("call.nix");
    std::fs::write(&call, "import ./plan.nix { }").unwrap();
    let with_nul = prop_oneof![
        4 => tricky_string(),
        1 => (tricky_string(), tricky_string()).prop_map(|(a, b)| format!("{a}\0{b}")),
    ];
    let values = prop::collection::vec(with_nul, HOSTILE_FIELDS.len());
    let (refused, rendered) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    runner(32)
        .run(&values, |values| {
            let mut doc: toml_edit::DocumentMut = base.parse().unwrap();
            edit::set(
                &mut doc,
                "services.constellation.enable",
                &Value::Bool(true),
            );
            let mut written = Vec::new();
            for ((path, prefix), hostile) in HOSTILE_FIELDS.iter().zip(&values) {
                let text = format!("{prefix}{hostile}");
                let value = if path.ends_with("admin_dids") {
                    Value::List(vec![Value::Str(text.clone())])
                } else {
                    Value::Str(text.clone())
                };
                edit::set(&mut doc, path, &value);
                written.push((*path, text, value));
            }
            let answers = Answers::parse("hostile.toml", &doc.to_string())
                .map_err(|e| TestCaseError::fail(format!("unreadable: {e}")))?;
            let view = PlanView::new(catalog, &answers.tree);
            let diagnostics = validate(catalog, &answers.tree);
            let mut accepted = Vec::new();
            for (path, text, value) in written {
                // What the parser read is what was written.
                prop_assert_eq!(view.raw(path), Some(&value), "{}", path);
                let is_refused = diagnostics
                    .iter()
                    .any(|d| d.path == path && d.code == "field");
                if text.chars().any(forbidden) {
                    prop_assert!(is_refused, "{} = {:?} was accepted", path, text);
                }
                if is_refused {
                    refused.set(refused.get() + 1);
                } else {
                    accepted.push((path, value));
                }
            }
            let nix_text = render_atproto_nix(&answers.tree, catalog);
            std::fs::write(&file, &nix_text).unwrap();
            let parsed = Command::new(&nix)
                .arg("--parse")
                .arg(&file)
                .output()
                .unwrap();
            prop_assert!(
                parsed.status.success(),
                "nix-instantiate --parse refuses:\n{}\n{}",
                String::from_utf8_lossy(&parsed.stderr),
                nix_text
            );
            let module = eval_json(&nix, &call);
            for (path, value) in accepted {
                let option = path.replace("integrations.", "atproto.integration.");
                let at = option.split('.').fold(&module, |v, key| &v[key]);
                // Written when it differs from the default (with none: when it is set).
                let differs = match default_value(&view, path) {
                    Some(default) => default != value,
                    None => Value::is_set(Some(&value)),
                };
                if differs {
                    let expected: serde_json::Value =
                        serde_json::from_str(&value.to_json()).unwrap();
                    prop_assert_eq!(at, &expected, "{} in\n{}", option, nix_text);
                    rendered.set(rendered.get() + 1);
                } else {
                    prop_assert!(at.is_null(), "{} is its default, yet written", option);
                }
            }
            Ok(())
        })
        .unwrap();
    // Both outcomes must happen often enough to mean something.
    let (refused, rendered) = (refused.get(), rendered.get());
    assert!(
        refused >= 32 && rendered >= 32,
        "refused {refused}, rendered {rendered}"
    );
    eprintln!("hostile values: {refused} refused, {rendered} rendered and read back");
}
