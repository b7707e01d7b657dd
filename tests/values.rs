//! What a value in the answers file may hold, whatever its type: no control
//! characters, no password inside a URL, paths the modules can pass on safely,
//! schedules systemd reads, list items that stay one item. Each of these was accepted
//! once and reached the host's files, the Nix store or the operator's terminal.
//! (nixlib/tests/plans has the same cases for both validators.)
use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::{Answers, edit};
use atproto_wizard::validate::{Diagnostic, validate};
use atproto_wizard::value::Value;
use toml_edit::DocumentMut;

const BASE: &str = r#"schema = 1

[host]
hostname = "pds1"
domain = "pds.example.com"
admin_email = "admin@example.com"

[integrations.tls]
accept_terms = true

[integrations.secrets]
backend = "generate"
"#;

/// The diagnostics at `path` of BASE with `value` written there (through the answers
/// file's own TOML writer and reader).
fn at(path: &str, value: Value) -> Vec<Diagnostic> {
    let mut doc: DocumentMut = BASE.parse().unwrap();
    edit::set(&mut doc, path, &value);
    let text = doc.to_string();
    let answers = Answers::parse("t.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    validate(Catalog::embedded(), &answers.tree)
        .into_iter()
        .filter(|d| d.path == path)
        .collect()
}

fn text(s: &str) -> Value {
    Value::Str(s.to_string())
}

/// The message of the one `field` error for `value` at `path`.
fn field_error(path: &str, value: Value) -> String {
    let found = at(path, value.clone());
    assert_eq!(found.len(), 1, "{path} = {value:?}: {found:#?}");
    assert_eq!(found[0].code, "field");
    found[0].message.clone()
}

fn accepted(path: &str, value: Value) {
    let found = at(path, value.clone());
    assert!(found.is_empty(), "{path} = {value:?}: {found:#?}");
}

// ------------------------------------------------------------------ control characters

const CONTROL: &str = "must not contain control characters (line breaks, tabs, escape codes) or Unicode line separators.";

#[test]
fn urls_with_control_characters_are_refused() {
    // NUL (Nix cuts the string there), ESC and BEL (a terminal sequence), DEL, C1
    // controls (NEL, CSI) and the Unicode separators.
    for (bad, json) in [
        ("\0", "\\u0000"),
        ("\u{1b}]0;x\u{7}", "\\u001b]0;x\\u0007"),
        ("\u{7f}", "\u{7f}"),
        ("\u{85}", "\u{85}"),
        ("\u{9b}2J", "\u{9b}2J"),
        ("\u{2028}", "\u{2028}"),
        ("\u{2029}", "\u{2029}"),
    ] {
        let message = field_error(
            "integrations.logging.loki_url",
            text(&format!("https://logs.example.com/{bad}")),
        );
        assert_eq!(
            message,
            format!("\"https://logs.example.com/{json}\" {CONTROL}")
        );
    }
}

#[test]
fn every_string_type_refuses_them() {
    for path in [
        "integrations.tls.dns_provider",
        "integrations.database.url",
        "integrations.backup.password_file",
        "integrations.backup.schedule",
        "integrations.backup.repository",
        "integrations.secrets.sops_file",
        "host.flake_url",
        "host.domain",
        "services.ozone.settings.server_did",
        "services.constellation.settings.jetstream",
        "services.bluesky-pds.domain",
    ] {
        let message = field_error(path, text("a\u{2029}b"));
        assert_eq!(message, format!("\"a\u{2029}b\" {CONTROL}"), "{path}");
    }
    // Each item of a list.
    let found = at(
        "services.bluesky-pds.settings.crawlers",
        Value::List(vec![text("https://bsky.network"), text("https://x\u{1b}")]),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].message, format!("\"https://x\\u001b\" {CONTROL}"));
}

#[test]
fn other_non_ascii_text_is_still_taken() {
    // Characters that share their first UTF-8 bytes with the refused ones (C2 with the
    // C1 controls, E2 80 with the separators) are not refused.
    accepted("integrations.tls.dns_provider", text("¡é€‧ \u{202f}😀"));
    accepted(
        "integrations.logging.loki_url",
        text("https://logs.example.com/é€"),
    );
}
