//! The Review step's document: the summary, every problem (errors block writing,
//! warnings do not; Enter on one jumps to its field), then what `apply` would do to
//! each file with its diff. Built from the state for a given width; the update uses it
//! to move the cursor and jump, the drawing to paint it.
use super::lines::{LineStyle, ReviewLine, line};
use super::probe_lines::probe_lines;
use super::state::WriteOutcome;
use super::state::{Look, WizardState};
use super::summary::{first_switch_step, next_steps, summarize};
use super::text::wrap;
use crate::catalog::Level;
use crate::report::diff::{self, DiffLine};
use crate::report::files::{self, Verb};
use crate::safe_text::escape;

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
    // Not a problem with the plan but with this machine: the switch needs the flake
    // where host.flake_url says.
    if let Some(step) = state
        .machine
        .as_ref()
        .and_then(|m| first_switch_step(&state.view(), &state.dir, m))
    {
        out.push(line("Before the first switch", LineStyle::Heading));
        out.extend(step_lines(
            step.trim_start_matches("Before the first switch: "),
            width,
            "  ",
            LineStyle::Warning,
        ));
        out.push(line("", LineStyle::Text));
    }
    out.extend(probe_lines(state.probes.as_ref(), look, width));

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
            for row in files::rows(plan) {
                let text = format!("{} {}: {}", row.verb.word(), row.name_and_counts(), row.why);
                let (style, text) = match row.verb {
                    Verb::Create | Verb::Update => (LineStyle::Ok, text),
                    Verb::Refuse => (LineStyle::Error, format!("{} {text}", look.error())),
                    Verb::Keep => (LineStyle::Dim, text),
                };
                for (i, w) in wrap(&text, width - 4).into_iter().enumerate() {
                    let pad = if i == 0 { "  " } else { "    " };
                    out.push(line(format!("{pad}{w}"), style));
                }
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
                    let style = match diff::class(l) {
                        DiffLine::Header => LineStyle::DiffHeader,
                        DiffLine::Hunk => LineStyle::DiffHunk,
                        DiffLine::Added => LineStyle::DiffAdd,
                        DiffLine::Removed => LineStyle::DiffRemove,
                        DiffLine::Context => LineStyle::Text,
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
    let steps = next_steps(&state.view(), &state.dir, &git_add, state.machine.as_ref());
    for (i, step) in steps.iter().enumerate() {
        out.extend(step_lines(
            step,
            width,
            &format!("{:>2}. ", i + 1),
            LineStyle::Text,
        ));
    }
    out
}

/// A next step as lines: its instruction wrapped after `lead` (the following lines
/// indented as far), then each command on lines of its own.
fn step_lines(step: &str, width: usize, lead: &str, style: LineStyle) -> Vec<ReviewLine> {
    let indent = " ".repeat(lead.chars().count());
    let room = width - indent.len();
    let mut out = Vec::new();
    for (j, part) in step.split('\n').enumerate() {
        if j == 0 {
            for (k, l) in wrap(part, room).into_iter().enumerate() {
                let lead = if k == 0 { lead } else { &indent };
                out.push(line(format!("{lead}{l}"), style));
            }
        } else {
            // A command: cut by characters, never at a space that would look like an
            // argument boundary.
            let cmd: Vec<char> = part.trim_start().chars().collect();
            for chunk in cmd.chunks(room) {
                out.push(line(
                    format!("{indent}{}", chunk.iter().collect::<String>()),
                    LineStyle::DiffHunk,
                ));
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
    use crate::wizard::first_switch::{Kept, Machine, OwnFlake};
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
            s.machine = Some(away_from_home());
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

    #[test]
    fn a_plan_rule_error_is_listed_and_leads_to_its_field() {
        // Caddy's on-demand handle certificates with ACME off: the rule's error stands
        // in the problems, blocks the diff, and Enter on it goes to integrations.tls.acme.
        let p = profiles::find("community-pds").unwrap();
        let mut s = WizardState::new_host(
            Catalog::embedded(),
            PathBuf::from("/srv/host"),
            DirState::default(),
            Some(p),
        );
        assert_eq!(
            s.draft.get("integrations.tls.handles"),
            Some(Value::Str("on-demand".into()))
        );
        s.draft.set("integrations.tls.acme", &Value::Bool(false));
        go_to(&mut s, StepKind::Review);
        let lines = review_lines(&s, 200);
        assert!(lines[0].text.starts_with("Problems: 1 error"), "{lines:#?}");
        let error = lines
            .iter()
            .find(|l| l.style == LineStyle::Error)
            .expect("an error line");
        assert_eq!(
            error.text,
            "  ✗ error: Caddy gets on-demand certificates for handles from ACME: set \
             integrations.tls.acme = true, or set integrations.tls.handles = \"none\" and \
             bring your own certificates."
        );
        assert_eq!(error.target.as_deref(), Some("integrations.tls.acme"));
        assert!(
            lines
                .iter()
                .any(|l| l.text == "    at integrations.tls.acme")
        );
        assert!(lines.iter().any(|l| {
            l.text.contains(
                "The changes to the files are shown here once the errors above are fixed.",
            )
        }));
    }

    fn away_from_home() -> Machine {
        Machine {
            own: Some(OwnFlake {
                dir: PathBuf::from("/home/ann/src/atproto-nix"),
                kept: Kept::Git,
            }),
            holds_flake: |_| false,
        }
    }

    #[test]
    fn the_review_and_done_say_what_to_copy_before_the_first_switch() {
        let p = profiles::find("relay-node").unwrap();
        let mut s = WizardState::new_host(
            Catalog::embedded(),
            PathBuf::from("/etc/nixos"),
            DirState::default(),
            Some(p),
        );
        go_to(&mut s, StepKind::Review);
        // Nobody looked at this machine (tests, and the default): nothing is said.
        let text = |lines: &[ReviewLine]| {
            lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert!(!text(&review_lines(&s, 100)).contains("Before the first switch"));

        s.machine = Some(away_from_home());
        let lines = review_lines(&s, 100);
        let at = lines
            .iter()
            .position(|l| l.text == "Before the first switch")
            .expect("the section");
        assert_eq!(lines[at].style, LineStyle::Heading);
        // After the problems, before the summary.
        let summary = lines.iter().position(|l| l.text == "Summary").unwrap();
        assert!(at < summary);
        let section: Vec<&ReviewLine> = lines[at + 1..summary].iter().collect();
        let words: String = section
            .iter()
            .filter(|l| l.style == LineStyle::Warning)
            .map(|l| l.text.trim())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            words.starts_with(
                "host.flake_url is path:/etc/nixos/atproto-nix, but /etc/nixos/atproto-nix \
                 does not hold this project's flake on this machine"
            ),
            "{words}"
        );
        let commands: Vec<&str> = section
            .iter()
            .filter(|l| l.style == LineStyle::DiffHunk)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(
            commands,
            [
                "  sudo mkdir -p /etc/nixos/atproto-nix",
                "  git -C /home/ann/src/atproto-nix archive HEAD | sudo tar -x -C /etc/nixos/atproto-nix"
            ]
        );
        // In a narrow pane a command is cut by characters, so it still reads whole.
        let narrow: String = review_lines(&s, 40)
            .iter()
            .filter(|l| l.style == LineStyle::DiffHunk && l.text.starts_with("  "))
            .skip(1)
            .take_while(|l| !l.text.trim().is_empty())
            .map(|l| l.text.trim_start())
            .collect();
        assert!(
            narrow.starts_with(
                "git -C /home/ann/src/atproto-nix archive HEAD | sudo tar -x -C /etc/nixos/atproto-nix"
            ),
            "{narrow}"
        );

        // The Done step's next steps carry the same step, before the switch.
        let done = text(&done_lines(&s, 100));
        let copy = done
            .find(" 2. Before the first switch: host.flake_url")
            .expect(&done);
        let switch = done.find("nixos-rebuild switch").expect(&done);
        assert!(copy < switch, "{done}");

        // With the flake in place, neither says anything.
        s.machine = Some(Machine {
            holds_flake: |_| true,
            ..away_from_home()
        });
        assert!(!text(&review_lines(&s, 100)).contains("Before the first switch"));
        assert!(!text(&done_lines(&s, 100)).contains("Before the first switch"));
    }
}
