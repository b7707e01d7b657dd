//! The status report as data (what a screen can draw), and as the CLI prints it: text
//! through `report::Style`, or one JSON document whose field names are stable
//! (README, "status --json").
use serde::Serialize;

use crate::exit_status::ExitStatus;
use crate::report::Style;
use crate::safe_text::{escape, escape_json};

/// How a check came out, worst last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    /// Nothing wrong, nothing to check: no health endpoint upstream, unknown generation.
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn word(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Info => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// What kind of check: unit, health, journal, disk, tls, secrets-unit, secret-file,
    /// backup, generation.
    pub check: &'static str,
    /// What it looked at: a unit, a URL, a directory, a name, a file.
    pub subject: String,
    pub level: Level,
    pub summary: String,
    /// Lines from the host (journal errors), control characters escaped when shown.
    pub details: Vec<String>,
    /// Commands or steps that fix or explain it.
    pub next: Vec<String>,
}

/// A service, or the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// A service's id, or `host`.
    pub id: String,
    pub title: String,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The host's name (its `nixosConfigurations` entry).
    pub host: String,
    /// `user@machine` when probed through ssh.
    pub via: Option<String>,
    /// Unix seconds when the probes ran.
    pub checked_at: i64,
    pub sections: Vec<Section>,
}

impl Report {
    pub fn worst(&self) -> Level {
        self.checks().map(|c| c.level).max().unwrap_or(Level::Ok)
    }

    pub fn checks(&self) -> impl Iterator<Item = &Check> {
        self.sections.iter().flat_map(|s| &s.checks)
    }

    /// 0 when all is well (notes allowed), 1 when something needs attention.
    pub fn exit_status(&self) -> ExitStatus {
        if self.worst() >= Level::Warning {
            ExitStatus::Problems
        } else {
            ExitStatus::Success
        }
    }

    fn count(&self, level: Level) -> usize {
        self.checks().filter(|c| c.level == level).count()
    }

    pub fn text(&self, style: Style) -> String {
        let mut out = String::new();
        let via = self
            .via
            .as_ref()
            .map(|v| format!(" (through ssh {})", escape(v)))
            .unwrap_or_default();
        out.push_str(&style.bold(&format!("Status of {}{via}", escape(&self.host))));
        out.push('\n');
        for section in &self.sections {
            out.push_str(&format!("\n{}\n", style.bold(&escape(&section.title))));
            for c in &section.checks {
                let word = match c.level {
                    Level::Ok => style.ok(c.level.word()),
                    Level::Info => style.dim(c.level.word()),
                    Level::Warning => style.warning(c.level.word()),
                    Level::Error => style.error(c.level.word()),
                };
                out.push_str(&format!(
                    "  {word}: {} {}: {}\n",
                    c.check,
                    escape(&c.subject),
                    escape(&c.summary)
                ));
                for d in &c.details {
                    out.push_str(&format!("      {}\n", style.dim(&escape(d))));
                }
                for n in &c.next {
                    out.push_str(&format!("    what to do: {}\n", escape(n)));
                }
            }
        }
        let (errors, warnings) = (self.count(Level::Error), self.count(Level::Warning));
        let verdict = if errors + warnings == 0 {
            style.ok("all healthy")
        } else {
            style.error("needs attention")
        };
        out.push_str(&format!(
            "\n{verdict}: {errors} error{}, {warnings} warning{}\n",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
        ));
        out
    }

    /// One JSON document: `host`, `via`, `checked_at`, `status` (`ok` or `attention`),
    /// `exit` (the exit status) and `sections`, each with `id`, `title` and `checks`
    /// (`check`, `subject`, `level`, `summary`, `details`, `next`).
    pub fn json(&self) -> String {
        let status = if self.exit_status() == ExitStatus::Success {
            "ok"
        } else {
            "attention"
        };
        let doc = serde_json::json!({
            "host": self.host,
            "via": self.via,
            "checked_at": self.checked_at,
            "status": status,
            "exit": self.exit_status().code(),
            "sections": self.sections,
        });
        let text = serde_json::to_string_pretty(&doc).expect("a report is always JSON");
        format!("{}\n", escape_json(&text))
    }
}
