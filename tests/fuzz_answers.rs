//! Whole answers files, made up, through everything `check` and `apply` do with one:
//! the parser, the validator, both reports, the wizard's draft and, for every plan that
//! is accepted, the renderer. Arbitrary bytes; documents built from TOML's structure (tables, arrays of
//! tables, dotted and quoted keys, inline tables, nested arrays, duplicate keys, huge
//! and odd numbers, deep nesting); and the profiles with lines added, removed, doubled
//! or given other values, which keeps many of them valid so that rendering is reached.
//! Nothing may panic, each case must finish (a case that hangs fails after a bound far
//! above its run time, not as a measurement), and what an accepted plan renders must be
//! Nix that parses.
use std::sync::mpsc;
use std::time::Duration;

use atproto_wizard::apply::{generated_atproto_nix, generated_flake_nix, resolve_answers};
use atproto_wizard::catalog::Catalog;
use atproto_wizard::cli::check_cmd;
use atproto_wizard::exit_status::ExitStatus;
use atproto_wizard::plan::Answers;
use atproto_wizard::render::{HostContext, HostMode, render_configuration_nix};
use atproto_wizard::report::Style;
use atproto_wizard::wizard::Draft;
use atproto_wizard::wizard::profiles;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};

/// Far above what any case takes (milliseconds, in a debug build): only a hang reaches it.
const HANG: Duration = Duration::from_secs(20);

/// The main thread's stack in the binary, so deep nesting is tried as `check` meets it.
const STACK: usize = 8 << 20;

/// Runs the whole path for one file on its own thread: a panic or a hang is a failure
/// that names the file.
fn survives(text: String) -> Result<(), TestCaseError> {
    let (tx, rx) = mpsc::channel();
    let input = text.clone();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let _ = tx.send(check_and_render(&input));
        })
        .unwrap();
    match rx.recv_timeout(HANG) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(TestCaseError::fail(format!("{e}\nfor:\n{text:?}"))),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(TestCaseError::fail(format!(
            "still running after {HANG:?} for:\n{text:?}"
        ))),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(TestCaseError::fail(format!("panicked for:\n{text:?}")))
        }
    }
}

fn check_and_render(text: &str) -> Result<(), String> {
    let catalog = Catalog::embedded();
    let style = Style::plain();
    let answers = match Answers::parse("fuzz.toml", text) {
        Ok(a) => a,
        Err(e) => {
            // Unreadable is an answer too: said in both report forms.
            let report = check_cmd::unreadable(&e, false, style).output;
            if !report.contains("error") {
                return Err(format!(
                    "an unreadable file's report says no error: {report}"
                ));
            }
            json(&check_cmd::unreadable(&e, true, style).output)?;
            return Ok(());
        }
    };
    // The wizard opens the same file for `edit`.
    Draft::parse(catalog, text).map_err(|e| format!("readable for check, not for edit: {e}"))?;
    let outcome = check_cmd::check(catalog, &answers, false, style);
    json(&check_cmd::check(catalog, &answers, true, style).output)?;
    if outcome.status != ExitStatus::Success {
        return Ok(());
    }
    // An accepted plan renders, as apply would write it, into Nix that parses.
    parses("atproto.nix", &generated_atproto_nix(&answers, catalog))?;
    let resolved = resolve_answers(&answers, catalog);
    // What apply writes as atproto.toml (every default written out) is accepted too.
    let again = check_cmd::check(catalog, &resolved, false, style);
    if again.status != ExitStatus::Success {
        return Err(format!(
            "accepted, but not once its defaults are written out:\n{}\n{}",
            again.output, resolved.text
        ));
    }
    let context = HostContext {
        has_hardware_configuration: true,
    };
    parses(
        "configuration.nix",
        &render_configuration_nix(&resolved.tree, catalog, &context),
    )?;
    if HostMode::of(&answers.tree, catalog).has_flake() {
        parses("flake.nix", &generated_flake_nix(&answers, catalog))?;
    }
    Ok(())
}

fn json(report: &str) -> Result<(), String> {
    serde_json::from_str::<serde_json::Value>(report)
        .map(drop)
        .map_err(|e| format!("the JSON report does not parse ({e}): {report}"))
}

fn parses(name: &str, nix: &str) -> Result<(), String> {
    let parse = rnix::Root::parse(nix);
    match parse.errors().first() {
        None => Ok(()),
        Some(e) => Err(format!("{name} does not parse: {e}\n{nix}")),
    }
}

// ------------------------------------------------------------------ documents

/// Names the catalog knows (so the validator goes deep) and names it does not.
fn bare_key() -> impl Strategy<Value = String> {
    let known = prop::sample::select(vec![
        "schema",
        "host",
        "hostname",
        "domain",
        "admin_email",
        "mode",
        "services",
        "integrations",
        "enable",
        "ports",
        "settings",
        "http",
        "bluesky-pds",
        "constellation",
        "jetstream",
        "indigo-relay",
        "ozone",
        "secrets",
        "backend",
        "tls",
        "proxy",
        "database",
        "backup",
        "monitoring",
        "password",
        "api_key",
    ]);
    prop_oneof![
        4 => known.prop_map(String::from),
        2 => "[a-z_-]{1,10}",
        1 => "\"[ !#-\\[\\]-~é日]{0,10}\"",
        1 => "'[ -&(-~é]{0,6}'",
    ]
}

/// A key: bare or quoted, or dotted through several tables.
fn key() -> impl Strategy<Value = String> {
    prop::collection::vec(bare_key(), 1..4).prop_map(|parts| parts.join("."))
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        prop::sample::select(vec![
            "0",
            "-0",
            "+1",
            "1_000",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "99999999999999999999999999999999",
            "0x7fffffffffffffff",
            "0xffffffffffffffffff",
            "0o777",
            "0b1010",
            "1e308",
            "1e999",
            "-1.5e-320",
            "inf",
            "-inf",
            "nan",
            "3.14",
            "true",
            "false",
            "1979-05-27T07:32:00Z",
            "1979-05-27",
            "07:32:00",
            "\"\"",
            "\"pds.example.com\"",
            "\"a@example.com\"",
            "\"\\u00e9\\n\\t\\\"\"",
            "'C:\\path'",
            "\"\"\"\nmulti\nline\"\"\"",
            "'''\nraw ${x} ''\n'''",
            "\"generate\"",
            "\"classic\"",
            "\"flake\"",
            "\"${builtins.abort \\\"x\\\"}\"",
        ])
        .prop_map(String::from),
        "\"[ !#-\\[\\]-~]{0,20}\"",
    ]
}

/// A value: a scalar, or arrays and inline tables nested a few levels.
fn value() -> impl Strategy<Value = String> {
    scalar().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((bare_key(), inner), 0..4).prop_map(|kv| {
                let fields: Vec<String> = kv.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", fields.join(", "))
            }),
        ]
    })
}

/// A line of a document: headers, assignments, comments and stray tokens.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (key(), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        2 => key().prop_map(|k| format!("[{k}]")),
        1 => key().prop_map(|k| format!("[[{k}]]")),
        1 => Just(String::new()),
        1 => Just("# a comment".to_string()),
    ]
}

/// A line TOML cannot read.
fn broken_line() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "=",
        "[",
        "]]",
        "\"",
        "a =",
        "= 1",
        "[a",
        "{",
        "x = [1,",
        "x = {a = 1",
        "\u{0}",
    ])
    .prop_map(String::from)
}

/// A document, usually starting as a readable file does; now and then with a line
/// TOML cannot read somewhere in it.
fn document() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.85),
        prop::collection::vec(line(), 0..40),
        prop::option::weighted(0.2, (any::<prop::sample::Index>(), broken_line())),
    )
        .prop_map(|(schema, mut lines, broken)| {
            if let Some((at, line)) = broken {
                lines.insert(at.index(lines.len() + 1), line);
            }
            let head = if schema { "schema = 1\n" } else { "" };
            format!("{head}{}\n", lines.join("\n"))
        })
}

/// Nesting as deep as TOML's parser allows and past it, in each way TOML nests.
fn deep() -> impl Strategy<Value = String> {
    (0usize..4, 1usize..400).prop_map(|(shape, d)| {
        let body = match shape {
            0 => format!("x = {}{}", "[".repeat(d), "]".repeat(d)),
            1 => format!("x = {}1{}", "{ a = ".repeat(d), " }".repeat(d)),
            2 => format!("host.{} = 1", vec!["a"; d].join(".")),
            _ => format!("[services.{}]\nenable = true", vec!["b"; d].join(".")),
        };
        format!("schema = 1\n{body}\n")
    })
}

/// A profile with some of its lines changed: most stay close to valid.
fn mutated_profile() -> impl Strategy<Value = String> {
    let edits = prop::collection::vec((0usize..4, any::<prop::sample::Index>(), line()), 0..4);
    (0..profiles::ALL.len(), edits).prop_map(|(p, edits)| {
        let mut lines: Vec<String> = profiles::ALL[p].text.lines().map(String::from).collect();
        for (kind, at, new) in edits {
            if lines.is_empty() {
                lines.push(new);
                continue;
            }
            let i = at.index(lines.len());
            match kind {
                0 => lines.insert(i, new),
                1 => {
                    lines.remove(i);
                }
                // A duplicate key, or a table opened twice.
                2 => lines.insert(i, lines[i].clone()),
                // The same key, another value.
                _ => {
                    if let Some((k, _)) = lines[i].split_once('=') {
                        let v = new.split_once('=').map_or("1", |(_, v)| v);
                        lines[i] = format!("{k}={v}");
                    }
                }
            }
        }
        lines.join("\n") + "\n"
    })
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        survives(String::from_utf8_lossy(&bytes).into_owned())?;
    }

    #[test]
    fn documents_built_from_tomls_structure(text in document()) {
        survives(text)?;
    }

    #[test]
    fn profiles_with_lines_changed(text in mutated_profile()) {
        survives(text)?;
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn deep_nesting(text in deep()) {
        survives(text)?;
    }
}

/// The mutated profiles reach the renderer: most stay valid, so the property above is
/// not only about rejecting files.
#[test]
fn unchanged_profiles_render_through_the_same_path() {
    for p in profiles::ALL {
        let answers = Answers::parse(p.name, p.text).unwrap();
        let outcome = check_cmd::check(Catalog::embedded(), &answers, false, Style::plain());
        if p.name != "custom" {
            assert_eq!(
                outcome.status,
                ExitStatus::Success,
                "{}: {}",
                p.name,
                outcome.output
            );
        }
        check_and_render(p.text).unwrap();
    }
}
