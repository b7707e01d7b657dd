//! `check` on hostile answers files: so many keys that locating each diagnostic by
//! rescanning the file would take minutes. Every diagnostic must still name its exact
//! line and column. The speed itself is measured by benches/check.rs; the timeout here
//! only turns a hang into a failure, with a margin of more than ten times the run.
use std::time::Duration;

use assert_cmd::Command;

const HANG: Duration = Duration::from_secs(120);

fn check(text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.toml");
    std::fs::write(&path, text).unwrap();
    let out = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["check", "--answers"])
        .arg(&path)
        .timeout(HANG)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.code().unwrap_or(-1), stdout)
}

#[test]
fn a_hundred_thousand_unknown_keys_are_each_reported_at_their_line() {
    let keys = 100_000;
    let mut text = String::from("schema = 1\n[host]\nhostname = \"x\"\n");
    for i in 0..keys {
        text.push_str(&format!("unknown_key_{i} = {i}\n"));
    }
    let (status, out) = check(&text);
    assert_eq!(status, 1, "{}", &out[out.len().saturating_sub(500)..]);
    // Keys start on line 4; the report lists them in file order.
    assert!(out.contains("big.toml:4:1: error: Unknown key host.unknown_key_0:"));
    let last = format!(
        "big.toml:{}:1: error: Unknown key host.unknown_key_99999:",
        keys + 3
    );
    assert!(out.contains(&last), "{}", &out[out.len() - 500..]);
    assert_eq!(out.matches("[unknown-key]").count(), keys);
}

#[test]
fn keys_on_one_very_long_line_get_their_columns() {
    // One inline table of 50,000 keys on a single line, with a multi-byte character
    // first so that columns (characters) and bytes differ: columns are counted from
    // checkpoints inside the line, not from its start.
    let keys = 50_000;
    let mut text = String::from("schema = 1\nhost = { hostname = \"é\"");
    let mut last_column = 0;
    for i in 0..keys {
        text.push_str(", ");
        last_column = text[text.rfind('\n').unwrap() + 1..].chars().count() + 1;
        text.push_str(&format!("k{i} = {i}"));
    }
    text.push_str(" }\n");
    let (status, out) = check(&text);
    assert_eq!(status, 1);
    let last = format!("big.toml:2:{last_column}: error: Unknown key host.k49999:");
    assert!(out.contains(&last), "{}", &out[out.len() - 500..]);
    assert_eq!(out.matches("[unknown-key]").count(), keys);
}
