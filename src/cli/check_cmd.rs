//! `atproto-wizard check`: validate an answers file and say where and what to fix.
use std::fmt::Write;
use std::path::Path;

use serde_json::json;

use crate::catalog::{Catalog, Level};
use crate::exit_status::ExitStatus;
use crate::plan::{Answers, LoadError, Location};
use crate::report::Style;
use crate::safe_text::{escape, escape_json};
use crate::validate::{Diagnostic, FIX_COMMAND, validate};

/// What `check` prints and its exit status.
pub struct Outcome {
    pub output: String,
    pub status: ExitStatus,
}

pub fn run(catalog: &Catalog, path: &Path, as_json: bool, style: Style) -> Outcome {
    match Answers::read(path) {
        Ok(answers) => check(catalog, &answers, as_json, style),
        Err(e) => unreadable(&e, as_json, style),
    }
}

/// `check` of answers already read: the pure part, which the benchmarks measure.
pub fn check(catalog: &Catalog, answers: &Answers, as_json: bool, style: Style) -> Outcome {
    let diagnostics = diagnostics(catalog, answers);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let status = if errors > 0 {
        ExitStatus::Problems
    } else {
        ExitStatus::Success
    };
    let output = if as_json {
        json_report(answers, &diagnostics)
    } else {
        text_report(answers, &diagnostics, style)
    };
    Outcome { output, status }
}

/// The plan's diagnostics, and `old-schema` when the file was migrated in memory from an
/// older schema (only the wizard reads older schemas: the Nix validator never sees one).
pub fn diagnostics(catalog: &Catalog, answers: &Answers) -> Vec<Diagnostic> {
    let mut out = validate(catalog, &answers.tree);
    if let Some(from) = answers.migrated_from {
        out.push(Diagnostic::warning(
            "schema",
            "old-schema",
            format!(
                "The file is written for schema {from}; it was read as schema {} (migrated in memory): run `{FIX_COMMAND}` to write it so.",
                crate::plan::schema::CURRENT
            ),
        ));
        out.sort();
    }
    out
}

/// The report for a file that cannot be read, and exit status 2.
pub fn unreadable(e: &LoadError, as_json: bool, style: Style) -> Outcome {
    let output = if as_json {
        let value = json!({
            "file": e.file,
            "valid": false,
            "error": { "message": e.message, "line": e.location.map(|l| l.line), "column": e.location.map(|l| l.column) },
        });
        escape_json(&serde_json::to_string_pretty(&value).unwrap()).into_owned() + "\n"
    } else {
        let file = escape(&e.file);
        let place = match e.location {
            Some(l) => format!("{file}:{}:{}", l.line, l.column),
            None => file.into_owned(),
        };
        format!(
            "{place}: {}: {}\n",
            style.error("error"),
            escape(&e.message)
        )
    };
    Outcome {
        output,
        status: ExitStatus::Unusable,
    }
}

pub(crate) fn text_report(answers: &Answers, diagnostics: &[Diagnostic], style: Style) -> String {
    // Sized once: a report of many problems is mostly their messages and paths.
    let size: usize = diagnostics
        .iter()
        .map(|d| answers.name.len() + d.message.len() + d.path.len() + 64)
        .sum();
    let mut out = String::with_capacity(size);
    let name = escape(&answers.name);
    // In file order, so the report reads top to bottom alongside the file. Each place
    // is looked up once, not at every comparison of the sort.
    let mut ordered: Vec<(Location, &Diagnostic)> = diagnostics
        .iter()
        .map(|d| (answers.locate(&d.path), d))
        .collect();
    ordered.sort_by(|(la, a), (lb, b)| la.cmp(lb).then_with(|| a.path.cmp(&b.path)));
    let (error, warning) = (style.error("error"), style.warning("warning"));
    for (l, d) in ordered {
        let level = match d.level {
            Level::Error => &error,
            Level::Warning => &warning,
        };
        // Keys and values from the file may hold escape sequences. Pieces pushed, not
        // formatted: a report may hold a line per key of a huge file.
        let _ = write!(out, "{name}:{}:{}: ", l.line, l.column);
        out.push_str(level);
        out.push_str(": ");
        out.push_str(&escape(&d.message));
        out.push('\n');
        // A missing field is reported where its table is; say that it is not written.
        let missing = if answers.has(&d.path) {
            ""
        } else {
            " (not in the file)"
        };
        let at = ["at ", &escape(&d.path), missing, " [", &d.code, "]"].concat();
        out.push_str("  ");
        out.push_str(&style.dim(&at));
        out.push('\n');
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let summary = match (errors, warnings) {
        (0, 0) => style.ok("valid: no problems"),
        (0, w) => style.ok(&format!("valid, with {w} warning{}", plural(w))),
        (e, w) => style.error(&format!(
            "invalid: {e} error{}, {w} warning{}",
            plural(e),
            plural(w)
        )),
    };
    out.push_str(&format!("{name}: {summary}\n"));
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn json_report(answers: &Answers, diagnostics: &[Diagnostic]) -> String {
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let l = answers.locate(&d.path);
            json!({
                "level": d.level, "code": d.code, "path": d.path, "message": d.message,
                "line": l.line, "column": l.column,
            })
        })
        .collect();
    let valid = !diagnostics.iter().any(Diagnostic::is_error);
    let text = serde_json::to_string_pretty(
        &json!({ "file": answers.name, "valid": valid, "diagnostics": items }),
    )
    .unwrap();
    escape_json(&text).into_owned() + "\n"
}
