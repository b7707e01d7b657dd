//! The Write step: the files that will be written and how, what blocks writing (errors,
//! refusals), and Enter to write. Nothing is written before Enter.
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::catalog::Level;
use crate::report::files::{self, Verb};
use crate::tui::theme::Theme;
use crate::tui::widgets::{block, rect};
use crate::wizard::layout::Area;
use crate::wizard::state::{WizardState, WriteOutcome};
use crate::wizard::text::wrap;

pub fn draw(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let look = state.look;
    let width = area.inner().width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let para = |lines: &mut Vec<Line>, text: &str, style| {
        for l in wrap(text, width) {
            lines.push(Line::from(Span::styled(l, style)));
        }
    };
    let errors = state
        .draft
        .diagnostics()
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    if errors > 0 {
        para(
            &mut lines,
            &format!(
                "{} error: {errors} error{} must be fixed before anything can be written. The Review step lists them; Enter there goes to each field.",
                look.error(),
                if errors == 1 { "" } else { "s" }
            ),
            theme.error(),
        );
    } else if let Some(plan) = &state.apply_plan {
        para(
            &mut lines,
            &format!("Into {}:", state.dir.display()),
            theme.heading(),
        );
        for row in files::rows(plan) {
            let verb = format!("  {:<7}", row.verb.word());
            match row.verb {
                Verb::Create | Verb::Update => lines.push(Line::from(vec![
                    Span::styled(verb, theme.ok()),
                    Span::raw(row.name_and_counts()),
                ])),
                Verb::Keep => lines.push(Line::from(Span::styled(
                    format!("{verb}{} ({})", row.path, row.why),
                    theme.dim(),
                ))),
                // Said in full below, with what to do.
                Verb::Refuse => {}
            }
        }
        for r in &plan.refusals {
            para(
                &mut lines,
                &format!(
                    "{} refused: {}: {}. {}",
                    look.error(),
                    r.path,
                    files::refusal_words(r.kind),
                    r.by_hand
                ),
                theme.error(),
            );
        }
        lines.push(Line::raw(""));
        if plan.changes.is_empty() && plan.refusals.is_empty() {
            para(
                &mut lines,
                "Nothing to write: the directory already holds these files. Enter finishes.",
                ratatui::style::Style::new(),
            );
        } else if plan.refusals.is_empty() {
            let what = if state.draft.seat().is_some() {
                "These are the host's answers alone: its Nix files are written with the whole fleet's, from the fleet view (a) or `atproto-wizard fleet apply`."
            } else {
                "This is what `atproto-wizard apply` writes for these answers."
            };
            para(
                &mut lines,
                &format!(
                    "Each replaced file is first copied to <name>.<UTC time>.bak beside it; each file is written atomically. {what}"
                ),
                theme.dim(),
            );
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::raw("Press "),
                Span::styled("Enter", theme.key()),
                Span::raw(" to write, "),
                Span::styled("Esc", theme.key()),
                Span::raw(" to go back."),
            ]));
        } else {
            para(
                &mut lines,
                "Nothing can be written while a file is refused (apply --force overwrites a hand-edited managed file after backing it up).",
                theme.error(),
            );
        }
    }
    match &state.outcome {
        Some(WriteOutcome::Refused(r)) => {
            lines.push(Line::raw(""));
            for (path, why, by_hand) in r {
                para(
                    &mut lines,
                    &format!("{} refused {path}: {why} {by_hand}", look.error()),
                    theme.error(),
                );
            }
        }
        Some(WriteOutcome::Failed(m)) => {
            lines.push(Line::raw(""));
            para(
                &mut lines,
                &format!("{} error: {m}", look.error()),
                theme.error(),
            );
        }
        _ => {}
    }
    f.render_widget(
        Paragraph::new(lines).block(block("Write the host's files", theme)),
        rect(area),
    );
}
