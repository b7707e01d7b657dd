//! The Review step's document: the summary, every problem (errors block writing,
//! warnings do not; Enter on one jumps to its field), then what `apply` would do to
//! each file with its diff. Built from the state for a given width; the update uses it
//! to move the cursor and jump, the drawing to paint it.
use super::state::WriteOutcome;
use super::state::{Look, WizardState};
use super::summary::{next_steps, summarize};
use super::text::wrap;
use crate::apply::{self, RefusalKind};
use crate::catalog::Level;
use crate::safe_text::escape;

/// How a review line is painted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    Heading,
    Text,
    Dim,
    Error,
    Warning,
    Ok,
    DiffHeader,
    DiffHunk,
    DiffAdd,
    DiffRemove,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewLine {
    pub text: String,
    pub style: LineStyle,
    /// The answers path Enter jumps to (problem lines).
    pub target: Option<String>,
}

fn line(text: impl Into<String>, style: LineStyle) -> ReviewLine {
    ReviewLine {
        text: text.into(),
        style,
        target: None,
    }
}

/// The review document for a main pane `width` characters wide.
pub fn review_lines(state: &WizardState, width: usize) -> Vec<ReviewLine> {
    let look: Look = state.look;
    let width = width.max(20);
    let mut out = Vec::new();
    let diags = state.draft.diagnostics();
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    let warnings = diags.len() - errors;

    // Problems first: they are what the operator acts on.
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let heading = match (errors, warnings) {
        (0, 0) => "Problems: none.".to_string(),
        (0, w) => format!(
            "Problems: {} (allowed; writing is possible). Enter on one goes to its field.",
            plural(w, "warning")
        ),
        (e, 0) => format!(
            "Problems: {} (writing waits for them). Enter on one goes to its field.",
            plural(e, "error")
        ),
        (e, w) => format!(
            "Problems: {} (writing waits for them), {} (allowed). Enter on one goes to its field.",
            plural(e, "error"),
            plural(w, "warning")
        ),
    };
    for l in wrap(&heading, width) {
        out.push(line(l, LineStyle::Heading));
    }
    for d in diags
        .iter()
        .filter(|d| d.level == Level::Error)
        .chain(diags.iter().filter(|d| d.level == Level::Warning))
    {
        let (sym, word, style) = match d.level {
            Level::Error => (look.error(), "error", LineStyle::Error),
            Level::Warning => (look.warning(), "warning", LineStyle::Warning),
        };
        let text = format!("{sym} {word}: {}", escape(&d.message));
        for (i, l) in wrap(&text, width - 4).into_iter().enumerate() {
            out.push(ReviewLine {
                text: if i == 0 {
                    format!("  {l}")
                } else {
                    format!("    {l}")
                },
                style,
                target: Some(d.path.clone()),
            });
        }
        out.push(ReviewLine {
            text: format!("    at {}", d.path),
            style: LineStyle::Dim,
            target: Some(d.path.clone()),
        });
    }
    out.push(line("", LineStyle::Text));
    out.extend(super::probes::probe_lines(
        state.probes.as_ref(),
        look,
        width,
    ));

    out.push(line("Summary", LineStyle::Heading));
    for l in summarize(&state.view()).lines() {
        let indent = if l.starts_with("  ") { "    " } else { "  " };
        for (i, w) in wrap(l.trim_start(), width - indent.len() - 2)
            .into_iter()
            .enumerate()
        {
            let pad = if i == 0 {
                indent.to_string()
            } else {
                format!("{indent}  ")
            };
            out.push(line(format!("{pad}{w}"), LineStyle::Text));
        }
    }
    out.push(line("", LineStyle::Text));

    out.push(line(
        format!("Files in {}", state.dir.display()),
        LineStyle::Heading,
    ));
    match &state.apply_plan {
        None if errors > 0 => {
            for w in wrap(
                "The changes to the files are shown here once the errors above are fixed.",
                width - 2,
            ) {
                out.push(line(format!("  {w}"), LineStyle::Dim));
            }
        }
        None => out.push(line("  (not worked out yet)", LineStyle::Dim)),
        Some(plan) => {
            for c in &plan.changes {
                let (added, removed) = apply::diff::stat(&c.diff());
                let verb = if c.old.is_none() { "create" } else { "update" };
                let text = format!("{verb} {} (+{added} -{removed}): {}", c.path, c.why);
                for (i, w) in wrap(&text, width - 4).into_iter().enumerate() {
                    let pad = if i == 0 { "  " } else { "    " };
                    out.push(line(format!("{pad}{w}"), LineStyle::Ok));
                }
            }
            for r in &plan.refusals {
                let what = match r.kind {
                    RefusalKind::HandEdited => "edited by hand",
                    RefusalKind::CannotEdit => "cannot be edited safely",
                };
                out.push(line(
                    format!("  {} refused {}: {what}", look.error(), r.path),
                    LineStyle::Error,
                ));
            }
            for u in &plan.unchanged {
                out.push(line(
                    format!("  keep {u}: already up to date"),
                    LineStyle::Dim,
                ));
            }
            for n in &plan.notes {
                for (i, w) in wrap(&format!("note: {n}"), width - 4)
                    .into_iter()
                    .enumerate()
                {
                    let pad = if i == 0 { "  " } else { "    " };
                    out.push(line(format!("{pad}{w}"), LineStyle::Warning));
                }
            }
            for r in &plan.refusals {
                out.push(line("", LineStyle::Text));
                for w in wrap(
                    &format!("{} {}: {} {}", look.error(), r.path, r.why, r.by_hand),
                    width - 2,
                ) {
                    out.push(line(format!("  {w}"), LineStyle::Error));
                }
            }
            if plan.changes.is_empty() && plan.refusals.is_empty() {
                out.push(line(
                    "  No changes: the directory is up to date.",
                    LineStyle::Text,
                ));
            }
            for c in &plan.changes {
                out.push(line("", LineStyle::Text));
                for l in c.diff().lines() {
                    let style = if l.starts_with("--- ") || l.starts_with("+++ ") {
                        LineStyle::DiffHeader
                    } else if l.starts_with("@@") {
                        LineStyle::DiffHunk
                    } else if l.starts_with('+') {
                        LineStyle::DiffAdd
                    } else if l.starts_with('-') {
                        LineStyle::DiffRemove
                    } else {
                        LineStyle::Text
                    };
                    out.push(line(l, style));
                }
            }
        }
    }
    out
}

/// The Done step's document: what was written, then the next commands (each command
/// on a line of its own, wrapped by characters when it is longer than the pane).
pub fn done_lines(state: &WizardState, width: usize) -> Vec<ReviewLine> {
    let look = state.look;
    let width = width.max(20);
    let mut out = Vec::new();
    let (git_add, notes) = match &state.outcome {
        Some(WriteOutcome::Written {
            files,
            notes,
            git_add,
            ..
        }) => {
            let head = format!(
                "{} Wrote {} file{} in {}:",
                look.done(),
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                state.dir.display()
            );
            for l in wrap(&head, width) {
                out.push(line(l, LineStyle::Ok));
            }
            for w in files {
                let how = match (&w.backup, w.created) {
                    (Some(b), _) => format!("updated; the old one is in {b}"),
                    (None, true) => "new".to_string(),
                    (None, false) => "updated".to_string(),
                };
                for l in wrap(&format!("{} ({how})", w.path), width - 2) {
                    out.push(line(format!("  {l}"), LineStyle::Text));
                }
            }
            (git_add.clone(), notes.clone())
        }
        Some(WriteOutcome::NothingToDo { notes }) => {
            let head = format!(
                "{} Nothing to write: {} is up to date.",
                look.done(),
                state.dir.display()
            );
            for l in wrap(&head, width) {
                out.push(line(l, LineStyle::Ok));
            }
            (vec![], notes.clone())
        }
        _ => {
            out.push(line("Nothing written yet.", LineStyle::Text));
            (vec![], vec![])
        }
    };
    for n in &notes {
        for l in wrap(&format!("note: {n}"), width) {
            out.push(line(l, LineStyle::Warning));
        }
    }
    out.push(line("", LineStyle::Text));
    out.push(line("Next:", LineStyle::Heading));
    for (i, step) in next_steps(&state.view(), &state.dir, &git_add)
        .iter()
        .enumerate()
    {
        for (j, part) in step.split('\n').enumerate() {
            if j == 0 {
                for (k, l) in wrap(part, width - 4).into_iter().enumerate() {
                    let lead = if k == 0 {
                        format!("{:>2}. ", i + 1)
                    } else {
                        "    ".into()
                    };
                    out.push(line(format!("{lead}{l}"), LineStyle::Text));
                }
            } else {
                // A command: cut by characters, never at a space that would look
                // like an argument boundary.
                let cmd: Vec<char> = part.trim_start().chars().collect();
                for chunk in cmd.chunks(width - 4) {
                    out.push(line(
                        format!("    {}", chunk.iter().collect::<String>()),
                        LineStyle::DiffHunk,
                    ));
                }
            }
        }
    }
    out
}

/// The index of the first problem line, else 0.
pub fn first_target(lines: &[ReviewLine]) -> usize {
    lines.iter().position(|l| l.target.is_some()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::apply::DirState;
    use crate::catalog::Catalog;
    use crate::value::Value;
    use crate::wizard::profiles;
    use crate::wizard::questions::StepKind;
    use crate::wizard::update::go_to;

    #[test]
    fn review_text_fits_the_pane_and_problems_lead_to_their_field() {
        for p in profiles::all() {
            let mut s = WizardState::new_host(
                Catalog::embedded(),
                PathBuf::from("/srv/a host"),
                DirState::default(),
                Some(p),
            );
            s.draft
                .set("services.constellation.enable", &Value::Bool(true));
            go_to(&mut s, StepKind::Review);
            for width in [40, 52, 90] {
                for l in review_lines(&s, width) {
                    let diff = matches!(
                        l.style,
                        LineStyle::DiffAdd
                            | LineStyle::DiffRemove
                            | LineStyle::DiffHunk
                            | LineStyle::DiffHeader
                            | LineStyle::Text
                    ) && !l.text.starts_with("  ");
                    if !diff {
                        assert!(
                            l.text.chars().count() <= width || l.text.starts_with("    at "),
                            "{}: {width}: {:?}",
                            p.name,
                            l.text
                        );
                    }
                }
                for l in done_lines(&s, width) {
                    assert!(l.text.chars().count() <= width, "{width}: {:?}", l.text);
                }
            }
        }
    }
}
