//! `atproto-wizard fleet check FILE [--json]`: a fleet's hosts checked together. Reads
//! `fleet.toml` and each host's answers file (relative to it), then the pure
//! `crate::fleet::check`; prints each host's problems at their place in its answers
//! file, as `check` does, and the fleet's own.
use std::path::{Path, PathBuf};

use serde_json::json;

use super::check_cmd::{self, Outcome};
use crate::catalog::Catalog;
use crate::disk::read::{Links, read_text};
use crate::exit_status::ExitStatus;
use crate::fleet::{self, FleetFile, HostTree};
use crate::plan::Answers;
use crate::report::Style;
use crate::safe_text::{escape, escape_json};
use crate::validate::Diagnostic;

/// Runs `fleet check` on the fleet file at `path`.
pub fn check(catalog: &Catalog, path: &Path, as_json: bool, style: Style) -> Outcome {
    let name = path.display().to_string();
    let unusable = |message: String| Outcome {
        output: if as_json {
            let v = json!({ "file": name, "valid": false, "error": { "message": message } });
            escape_json(&serde_json::to_string_pretty(&v).unwrap()).into_owned() + "\n"
        } else {
            format!("{}: {}\n", style.error("error"), escape(&message))
        },
        status: ExitStatus::Unusable,
    };
    let text = match read_text(path, Links::Follow) {
        Ok(Some(t)) => t,
        Ok(None) => return unusable(format!("{name}: no such file")),
        Err(e) => return unusable(e.to_string()),
    };
    let fleet = match FleetFile::parse(&name, &text) {
        Ok(f) => f,
        Err(e) => return unusable(e),
    };
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut answers: Vec<(String, Answers)> = Vec::new();
    for host in &fleet.hosts {
        let file: PathBuf = base.join(&host.answers);
        match Answers::read(&file) {
            Ok(a) => answers.push((host.name.clone(), a)),
            Err(e) => {
                let mut out = check_cmd::unreadable(&e, as_json, style);
                if !as_json {
                    out.output = format!(
                        "{}{}: host {:?} of the fleet has no readable answers file\n",
                        out.output,
                        escape(&name),
                        host.name
                    );
                }
                return out;
            }
        }
    }
    let trees: Vec<HostTree> = answers
        .iter()
        .map(|(n, a)| (n.clone(), a.tree.clone()))
        .collect();
    let report = fleet::check(catalog, &fleet, &trees);
    let status = if report.has_errors() {
        ExitStatus::Problems
    } else {
        ExitStatus::Success
    };
    let of = |host: &str| -> Vec<Diagnostic> {
        report
            .hosts
            .iter()
            .filter(|h| h.host == host)
            .map(|h| h.diagnostic.clone())
            .collect()
    };
    let output = if as_json {
        let hosts: Vec<_> = answers
            .iter()
            .map(|(host, a)| {
                let items: Vec<_> = of(host)
                    .iter()
                    .map(|d| {
                        let l = a.locate(&d.path);
                        json!({
                            "level": d.level, "code": d.code, "path": d.path, "message": d.message,
                            "line": l.line, "column": l.column,
                        })
                    })
                    .collect();
                json!({ "name": host, "answers": a.name, "diagnostics": items })
            })
            .collect();
        let v = json!({
            "file": name, "valid": !report.has_errors(), "fleet": report.fleet, "hosts": hosts,
        });
        escape_json(&serde_json::to_string_pretty(&v).unwrap()).into_owned() + "\n"
    } else {
        let mut out = String::new();
        for problem in &report.fleet {
            out.push_str(&format!(
                "{}: {}: {}\n",
                escape(&name),
                style.error("error"),
                escape(problem)
            ));
        }
        for (host, a) in &answers {
            out.push_str(&format!("{}\n", style.bold(&format!("{host}:"))));
            out.push_str(&check_cmd::text_report(a, &of(host), style));
        }
        let errors = report
            .hosts
            .iter()
            .filter(|h| h.diagnostic.is_error())
            .count()
            + report.fleet.len();
        out.push_str(&if errors == 0 {
            style.ok(&format!(
                "{}: the fleet is valid ({} hosts)\n",
                escape(&name),
                answers.len()
            ))
        } else {
            style.error(&format!(
                "{}: the fleet is invalid: {errors} error{}\n",
                escape(&name),
                if errors == 1 { "" } else { "s" }
            ))
        });
        out
    };
    Outcome { output, status }
}
