//! The `calendar` type (integrations.backup.schedule) takes only what systemd takes:
//! systemd-analyze, where installed, reads thousands of generated expressions, and
//! every one the validator accepts must be one systemd parses. Skipped without
//! systemd-analyze (not a Nix tool: ATPROTO_REQUIRE_NIX does not ask for it).
use crate::support;

use std::collections::BTreeSet;
use std::process::Command;

use atproto_wizard::catalog::{Catalog, FieldType};

/// The expressions systemd-analyze refuses, asked a few dozen at a time.
fn refused_by_systemd(expressions: &[String]) -> Option<BTreeSet<String>> {
    let mut refused = BTreeSet::new();
    for chunk in expressions.chunks(40) {
        let out = Command::new("systemd-analyze")
            .arg("calendar")
            .args(chunk)
            .output()
            .ok()?;
        // "Failed to parse calendar specification '<expression>': Invalid argument"
        let text = String::from_utf8_lossy(&out.stderr).into_owned()
            + &String::from_utf8_lossy(&out.stdout);
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("Failed to parse calendar specification '")
                && let Some(i) = rest.rfind("': ")
            {
                refused.insert(rest[..i].to_string());
            }
        }
    }
    Some(refused)
}

#[test]
fn every_schedule_the_validator_takes_systemd_takes_too() {
    let Some(refused) = refused_by_systemd(&["daily".to_string(), "bogus".to_string()]) else {
        eprintln!("SKIPPED: systemd-analyze not found");
        return;
    };
    assert_eq!(
        refused,
        BTreeSet::from(["bogus".to_string()]),
        "systemd-analyze does not answer as expected"
    );
    let catalog = Catalog::embedded();
    let pattern = catalog.pattern(FieldType::Calendar).unwrap();
    let candidates = support::calendar::candidates(0x0ca1_e4da, 4000);
    let refused = refused_by_systemd(&candidates).unwrap();
    let taken: Vec<&String> = candidates.iter().filter(|c| pattern.is_match(c)).collect();
    let wrong: Vec<&&String> = taken.iter().filter(|c| refused.contains(**c)).collect();
    assert!(
        wrong.is_empty(),
        "taken here, refused by systemd: {wrong:#?}"
    );
    // The generator must give both verdicts plenty of cases.
    assert!(taken.len() >= 800, "only {} taken", taken.len());
    assert!(refused.len() >= 800, "only {} refused", refused.len());
}
