//! One row per host file: what writing the host does to it and why. `apply` and the line
//! mode print the rows as text, the full screen's Review and Write steps style them.
use std::path::Path;

use super::Style;
use crate::apply::{self, ApplyPlan, RefusalKind};
use crate::safe_text::escape;

/// What happens to a host file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Create,
    Update,
    /// Not written: a refusal stops the whole write.
    Refuse,
    /// Already as it should be.
    Keep,
}

impl Verb {
    pub fn word(self) -> &'static str {
        match self {
            Verb::Create => "create",
            Verb::Update => "update",
            Verb::Refuse => "refuse",
            Verb::Keep => "keep",
        }
    }
}

/// One host file's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub verb: Verb,
    pub path: String,
    /// Lines added and removed, for a file written.
    pub counts: Option<(usize, usize)>,
    /// Why: the change's reason, the refusal's kind, or that it is up to date.
    pub why: String,
}

impl FileRow {
    /// `atproto.nix (+12 -3)`: the name with the counts, when there are any.
    pub fn name_and_counts(&self) -> String {
        match self.counts {
            Some((added, removed)) => format!("{} (+{added} -{removed})", self.path),
            None => self.path.clone(),
        }
    }
}

/// Why a file is refused, in the row's few words.
pub fn refusal_words(kind: RefusalKind) -> &'static str {
    match kind {
        RefusalKind::HandEdited => "edited by hand since atproto-wizard wrote it",
        RefusalKind::CannotEdit => "cannot be edited safely",
    }
}

/// The rows of a plan, in the order the files are written.
pub fn rows(plan: &ApplyPlan) -> Vec<FileRow> {
    let mut rows: Vec<FileRow> = Vec::new();
    for c in &plan.changes {
        rows.push(FileRow {
            verb: if c.old.is_none() {
                Verb::Create
            } else {
                Verb::Update
            },
            path: c.path.clone(),
            counts: Some(apply::diff::stat(&c.diff())),
            why: c.why.clone(),
        });
    }
    for r in &plan.refusals {
        rows.push(FileRow {
            verb: Verb::Refuse,
            path: r.path.clone(),
            counts: None,
            why: refusal_words(r.kind).to_string(),
        });
    }
    for u in &plan.unchanged {
        rows.push(FileRow {
            verb: Verb::Keep,
            path: u.clone(),
            counts: None,
            why: "already up to date".to_string(),
        });
    }
    let order = |name: &str| {
        apply::WRITE_ORDER
            .iter()
            .position(|n| *n == name)
            .unwrap_or(usize::MAX)
    };
    rows.sort_by_key(|r| order(&r.path));
    rows
}

/// The rows as text under `In DIR:`, the verbs aligned and coloured by what they mean.
pub fn text(plan: &ApplyPlan, dir: &Path, style: Style) -> String {
    let rows = rows(plan);
    let width = rows
        .iter()
        .map(|r| r.name_and_counts().chars().count())
        .max()
        .unwrap_or(0);
    let mut out = format!(
        "\n{}\n",
        style.bold(&format!("In {}:", escape(&dir.display().to_string())))
    );
    for row in &rows {
        let verb_text = format!("{:<6}", row.verb.word());
        let verb = match row.verb {
            Verb::Refuse => style.error(&verb_text),
            Verb::Keep => style.dim(&verb_text),
            Verb::Create | Verb::Update => style.ok(&verb_text),
        };
        out.push_str(&format!(
            "  {verb} {:<width$}  {}\n",
            row.name_and_counts(),
            escape(&row.why)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::{FileChange, Refusal};

    fn change(path: &str, old: Option<&str>, new: &str) -> FileChange {
        FileChange {
            path: path.into(),
            old: old.map(String::from),
            new: new.into(),
            why: format!("why {path}"),
        }
    }

    fn plan() -> ApplyPlan {
        ApplyPlan {
            changes: vec![
                change("atproto.toml", None, "a\nb\n"),
                change("atproto.nix", Some("x\ny\n"), "x\nz\n"),
            ],
            unchanged: vec!["flake.nix".into()],
            refusals: vec![Refusal {
                path: "configuration.nix".into(),
                kind: RefusalKind::CannotEdit,
                why: "no imports list".into(),
                by_hand: "add ./atproto.nix".into(),
                change: None,
                hand_edits: None,
            }],
            ..ApplyPlan::default()
        }
    }

    #[test]
    fn rows_come_in_the_order_files_are_written_with_their_counts() {
        let rows = rows(&plan());
        type Seen<'a> = (Verb, &'a str, Option<(usize, usize)>);
        let seen: Vec<Seen> = rows
            .iter()
            .map(|r| (r.verb, r.path.as_str(), r.counts))
            .collect();
        assert_eq!(
            seen,
            [
                (Verb::Update, "atproto.nix", Some((1, 1))),
                (Verb::Refuse, "configuration.nix", None),
                (Verb::Keep, "flake.nix", None),
                (Verb::Create, "atproto.toml", Some((2, 0))),
            ]
        );
        assert_eq!(rows[1].why, "cannot be edited safely");
        assert_eq!(rows[0].name_and_counts(), "atproto.nix (+1 -1)");
    }

    #[test]
    fn the_text_aligns_the_rows_under_the_directory() {
        let text = text(&plan(), Path::new("/etc/nixos"), Style::plain());
        assert_eq!(
            text,
            "\nIn /etc/nixos:\n\
             \x20 update atproto.nix (+1 -1)   why atproto.nix\n\
             \x20 refuse configuration.nix     cannot be edited safely\n\
             \x20 keep   flake.nix             already up to date\n\
             \x20 create atproto.toml (+2 -0)  why atproto.toml\n"
        );
    }
}
