//! The hand-written validator fixtures of the real catalog (nixlib/tests/plans) hold for
//! the wizard's validator too, not only for the Nix one nixlib/tests/validate.sh runs
//! them with: both must give each `<name>.expected.json`. Runs without Nix. (The
//! fixture-plans' services are written for the Nix reader only, which ignores the
//! fields the wizard's model requires.)
use crate::support;

use std::path::Path;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::Answers;
use atproto_wizard::validate::validate;
use serde_json::Value;

/// (file, diagnostics as JSON) for every plan in `dir` checked against `catalog`.
fn verdicts(catalog: &Catalog, dir: &Path) -> Vec<(String, Vec<Value>)> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let answers = Answers::read(&dir.join(&name)).unwrap();
            let found = validate(catalog, &answers.tree)
                .into_iter()
                .map(|d| serde_json::to_value(d).unwrap())
                .collect();
            (name, found)
        })
        .collect()
}

/// An unknown key's message carries a spelling suggestion only the wizard makes
/// (docs/VALIDATION.md): for those only the place and the level are compared.
fn comparable(mut d: Value) -> Value {
    if d["code"] == "unknown-key" {
        d["message"] = Value::Null;
    }
    d
}

fn check_dir(catalog: &Catalog, dir: &Path) -> usize {
    let mut checked = 0;
    for (name, found) in verdicts(catalog, dir) {
        let expected_file = dir.join(name.replace(".toml", ".expected.json"));
        let text = std::fs::read_to_string(&expected_file)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_file.display()));
        let expected: Vec<Value> = serde_json::from_str(&text).unwrap();
        let expected: Vec<Value> = expected.into_iter().map(comparable).collect();
        let found: Vec<Value> = found.into_iter().map(comparable).collect();
        assert_eq!(found, expected, "{}", dir.join(&name).display());
        checked += 1;
    }
    checked
}

#[test]
fn the_wizard_gives_every_plan_fixture_its_expected_diagnostics() {
    let dir = support::repo().join("nixlib/tests/plans");
    let checked = check_dir(Catalog::embedded(), &dir);
    assert!(checked >= 15, "only {checked} plans in {}", dir.display());
}

#[test]
fn on_demand_handle_certificates_without_acme_are_one_error_with_a_way_out() {
    // The fixture's verdict, read and judged here rather than trusted: one error, at
    // the switch that contradicts the handles, naming both ways out.
    let dir = support::repo().join("nixlib/tests/plans");
    let answers = Answers::read(&dir.join("on-demand-without-acme.toml")).unwrap();
    let d = validate(Catalog::embedded(), &answers.tree);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(d[0].is_error());
    assert_eq!(d[0].code, "rule:plan/on-demand-needs-acme");
    assert_eq!(d[0].path, "integrations.tls.acme");
    assert!(d[0].message.contains("set integrations.tls.acme = true"));
    assert!(
        d[0].message
            .contains("integrations.tls.handles = \"none\" and bring your own certificates")
    );
    // With ACME on again the plan is valid.
    let fixed = answers
        .text
        .replace("acme = false", "acme = true\naccept_terms = true");
    let fixed = Answers::parse("fixed.toml", &fixed).unwrap();
    assert!(
        validate(Catalog::embedded(), &fixed.tree).is_empty(),
        "{:#?}",
        validate(Catalog::embedded(), &fixed.tree)
    );
}

/// The real `_plan.toml` beside the test-only service of `nixlib/tests/migration-catalog`
/// (a service whose settings were renamed and removed): the catalog the migration
/// fixtures and the `check --fix` tests are checked against.
pub fn migration_catalog() -> Catalog {
    let dir = support::repo().join("nixlib/tests/migration-catalog");
    let plan = std::fs::read_to_string(support::repo().join("nixlib/catalog/_plan.toml")).unwrap();
    let mover = std::fs::read_to_string(dir.join("mover.toml")).unwrap();
    let catalog = Catalog::from_files(&[("_plan.toml", &plan), ("mover.toml", &mover)]).unwrap();
    assert_eq!(
        atproto_wizard::catalog::lint::lint(&catalog),
        Vec::<String>::new()
    );
    catalog
}

#[test]
fn the_wizard_gives_every_migration_fixture_its_expected_diagnostics() {
    let dir = support::repo().join("nixlib/tests/migration-plans");
    let checked = check_dir(&migration_catalog(), &dir);
    assert_eq!(checked, 4, "plans in {}", dir.display());
}
