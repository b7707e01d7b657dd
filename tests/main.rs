//! The integration tests, one test binary: each `tests/<file>.rs` is a module here, so
//! `cargo test` links them once rather than once per file. A test's name starts with its
//! file's: run one file's tests with
//!
//! ```text
//! cargo test --test integration wizard_screens::
//! ```
//!
//! A new test file must be listed below, or it is never compiled nor run;
//! `every_test_file_is_listed` fails until it is. Shared helpers are in `support`
//! (`use crate::support;`), and `support::assert_snapshot!` keeps insta's snapshots
//! named `tests/snapshots/<file>__<name>.snap`.
mod support;

mod adopt;
mod answers_edit;
mod apply_cli;
mod apply_kill;
mod calendar_systemd;
mod catalog;
mod check;
mod check_fix;
mod check_scale;
mod cli;
mod diagnostics_script;
mod disk_kill;
mod fleet;
mod fleet_edit;
mod fuzz_answers;
mod health_modules;
mod host_file_safety;
mod host_files;
mod hostedit;
mod import_pds;
mod lineui;
mod lineui_cli;
mod modules;
mod nix_fixtures;
mod package_hashes;
mod parity;
mod plan_fixtures;
mod preview_cli;
mod preview_deep;
mod preview_probes;
mod preview_process;
mod preview_transcripts;
mod render;
mod render_cli;
mod render_host_cli;
mod render_profiles;
mod secrets_script;
mod status;
mod terminal_text;
mod unit_access;
mod upgrade;
mod values;
mod vm_tests;
mod wizard_hangup;
mod wizard_paste;
mod wizard_pty;
mod wizard_screens;
mod wizard_signals;
mod wizard_write;

/// Every `tests/*.rs` file but this one is a module above: Cargo no longer finds test
/// files by itself (`autotests = false`), so one left out would silently never run.
#[test]
fn every_test_file_is_listed() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let main = std::fs::read_to_string(tests.join("main.rs")).unwrap();
    let listed: Vec<&str> = main
        .lines()
        .filter_map(|line| line.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let mut missing: Vec<String> = std::fs::read_dir(&tests)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|name| name != "main" && !listed.contains(&name.as_str()))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "tests/main.rs does not list {missing:?}: add `mod <file>;` for each"
    );
}
