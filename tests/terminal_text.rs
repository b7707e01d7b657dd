//! Text from a file never reaches the terminal with its control characters: an answers
//! file or a host file holding an escape sequence (window title, clear screen) is shown
//! with `\u{1b}`-style escapes by `check`, `apply` and the line mode.
use std::path::Path;

use assert_cmd::Command;
use atproto_wizard::catalog::Catalog;
use atproto_wizard::lineui::{self, Input, LineOptions, Look, Scripted};

/// Sets the window title, then clears the screen.
const ATTACK: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J";

fn wizard() -> Command {
    let mut c = Command::cargo_bin("atproto-wizard").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// Anything a terminal would act on rather than show (tabs and line breaks aside).
fn assert_shown_safely(text: &str) {
    let raw: Vec<char> = text
        .chars()
        .filter(|c| {
            (c.is_control() && !matches!(c, '\n' | '\t')) || matches!(c, '\u{2028}' | '\u{2029}')
        })
        .collect();
    assert!(raw.is_empty(), "raw control characters {raw:?} in:\n{text}");
}

const BASE: &str = "schema = 1\n[host]\nhostname = \"pds1\"\ndomain = \"pds.example.com\"\nadmin_email = \"admin@example.com\"\n[integrations.tls]\naccept_terms = true\n[integrations.secrets]\nbackend = \"generate\"\n";

/// A key named by an escape sequence and values holding DEL and C1 controls, which
/// JSON quoting leaves as they are.
fn hostile_answers(dir: &Path) -> std::path::PathBuf {
    let base = BASE.replace("admin@example.com", "admin\\u007f\\u009b2J@example.com");
    let text = format!(
        "{base}[integrations.proxy]\n\"{}\" = 1\n[integrations.logging]\nloki_url = \"https://a\\u007f\\u009b2J\\u2028x\"\n",
        ATTACK
            .replace('\u{1b}', "\\u001b")
            .replace('\u{7}', "\\u0007")
    );
    let path = dir.join("hostile.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn check_shows_control_characters_from_the_file_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let answers = hostile_answers(dir.path());
    let out = wizard()
        .args(["check", "--answers"])
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_shown_safely(&text);
    assert!(
        text.contains("integrations.proxy.\\u{1b}]0;owned\\u{7}\\u{1b}[2J"),
        "{text}"
    );
    assert!(text.contains("admin\\u{7f}\\u{9b}2J@example.com"), "{text}");
}

#[test]
fn check_json_escapes_them_and_means_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let answers = hostile_answers(dir.path());
    let out = wizard()
        .args(["check", "--json", "--answers"])
        .arg(&answers)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_shown_safely(&text);
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let paths: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&format!("integrations.proxy.{ATTACK}").as_str()),
        "{paths:?}"
    );
}

#[test]
fn apply_shows_a_host_file_with_escape_sequences_escaped_in_its_diff() {
    let dir = tempfile::tempdir().unwrap();
    let host = dir.path().join("host");
    std::fs::create_dir(&host).unwrap();
    std::fs::write(
        host.join("configuration.nix"),
        format!("{{ ... }}:\n{{\n  # {ATTACK}\n  imports = [ ];\n}}\n"),
    )
    .unwrap();
    let answers = dir.path().join("answers.toml");
    std::fs::write(&answers, BASE).unwrap();
    let out = wizard()
        .args(["apply", "--dry-run", "--answers"])
        .arg(&answers)
        .arg("--dir")
        .arg(&host)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_shown_safely(&text);
    assert!(
        text.contains("   # \\u{1b}]0;owned\\u{7}\\u{1b}[2J\n"),
        "{text}"
    );
}

#[test]
fn the_line_mode_shows_values_and_problems_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    std::fs::create_dir(&dir).unwrap();
    let text = BASE.replace(
        "hostname = \"pds1\"",
        "hostname = \"pds1\\u001b]0;owned\\u0007\"\n\"x\\u001b[2J\" = 1",
    );
    std::fs::write(dir.join("atproto.toml"), text).unwrap();
    let opts = LineOptions {
        dir: dir.clone(),
        profile: None,
        edit: true,
        ascii: false,
        drafts: None,
    };
    // The Host step lists its values, then the first question offers the current one.
    let mut p = Scripted::new([Input::Enter, Input::Enter, Input::Cancel]);
    let code = lineui::run_with(&mut p, Catalog::embedded(), &opts, Look::plain(), 80);
    let tr = &p.transcript;
    assert_eq!(code, lineui::ExitStatus::NotWritten, "{tr}");
    assert_shown_safely(tr);
    assert!(tr.contains("pds1\\u{1b}]0;owned\\u{7}"), "{tr}");
    // Enter on the offered (escaped) value keeps the value itself: the escaped text
    // never becomes the answer (the validator would quote its backslashes).
    assert!(!tr.contains("\"pds1\\\\u{1b}"), "{tr}");
    assert!(tr.contains("x\\u{1b}[2J"), "{tr}");
}
