//! The preview pane's lines at the Done step. Reads the state (its directory, steps
//! and look), so it sits above it; the pane itself, [`super::preview`], sits below.
use super::lines::{LineStyle, ReviewLine, line};
use super::questions::StepKind;
use super::state::WizardState;
use super::text::wrap;
use crate::catalog::Level;
use crate::safe_text::escape;

fn push_wrapped(
    out: &mut Vec<ReviewLine>,
    text: &str,
    width: usize,
    indent: usize,
    style: LineStyle,
) {
    let lead = " ".repeat(indent);
    for l in wrap(text, width.saturating_sub(indent).max(10)) {
        out.push(line(format!("{lead}{l}"), style));
    }
}

/// The preview pane's lines at `width`: the output as it streamed, then the findings
/// under the name of their step, why it cannot run here (with the commands), the
/// summary and how it ended.
pub fn preview_lines(state: &WizardState, width: usize) -> Vec<ReviewLine> {
    let Some(p) = &state.preview else {
        return Vec::new();
    };
    let look = state.look;
    let width = width.max(20);
    let mut out = Vec::new();
    push_wrapped(
        &mut out,
        &format!(
            "Preview of {} (nothing is built or switched):",
            state.dir.display()
        ),
        width,
        0,
        LineStyle::Heading,
    );
    for l in &p.log {
        let chars: Vec<char> = l.chars().collect();
        for chunk in chars.chunks(width) {
            out.push(line(chunk.iter().collect::<String>(), LineStyle::Dim));
        }
    }
    if !p.findings.is_empty() {
        out.push(line("", LineStyle::Text));
        out.push(line("Deep check, by step:", LineStyle::Heading));
        let steps = state.steps();
        let mut seen: Vec<&StepKind> = Vec::new();
        for f in &p.findings {
            if seen.contains(&&f.step) {
                continue;
            }
            seen.push(&f.step);
            let title = steps
                .iter()
                .find(|s| s.kind == f.step && s.kind != StepKind::Review)
                .map_or("The whole host".to_string(), |s| s.title.clone());
            out.push(line(format!("  {title}"), LineStyle::Heading));
            for g in p.findings.iter().filter(|g| g.step == f.step) {
                let (sym, word, style) = match g.finding.level {
                    Level::Error => (look.error(), "error", LineStyle::Error),
                    Level::Warning => (look.warning(), "warning", LineStyle::Warning),
                };
                push_wrapped(
                    &mut out,
                    &format!("{sym} {word}: {}", escape(&g.finding.message)),
                    width,
                    4,
                    style,
                );
                let at = match (&g.finding.answers_path, &g.finding.option) {
                    (Some(path), Some(opt)) => format!("at {path} (NixOS option {opt})"),
                    (Some(path), None) => format!("at {path}"),
                    (None, Some(opt)) => format!("NixOS option {opt}"),
                    (None, None) => String::new(),
                };
                if !at.is_empty() {
                    push_wrapped(&mut out, &at, width, 6, LineStyle::Dim);
                }
            }
        }
    }
    if let Some(c) = &p.cannot_run {
        out.push(line("", LineStyle::Text));
        push_wrapped(
            &mut out,
            &format!("{} cannot run here: {}", look.warning(), c.why),
            width,
            0,
            LineStyle::Warning,
        );
        out.push(line("On the host, run:", LineStyle::Text));
        for cmd in &c.commands {
            let chars: Vec<char> = cmd.chars().collect();
            for chunk in chars.chunks(width.saturating_sub(2).max(10)) {
                out.push(line(
                    format!("  {}", chunk.iter().collect::<String>()),
                    LineStyle::DiffHunk,
                ));
            }
        }
    }
    for n in &p.notes {
        push_wrapped(
            &mut out,
            &format!("note: {n}"),
            width,
            0,
            LineStyle::Warning,
        );
    }
    if !p.summary.is_empty() {
        out.push(line("", LineStyle::Text));
        out.push(line("Summary:", LineStyle::Heading));
        for s in &p.summary {
            push_wrapped(&mut out, s, width, 2, LineStyle::Text);
        }
    }
    if p.cancelled {
        push_wrapped(
            &mut out,
            "Cancelled: the preview was stopped and its commands killed. p runs it again.",
            width,
            0,
            LineStyle::Warning,
        );
    } else if p.cancelling {
        out.push(line(
            format!("Cancelling{}", look.ellipsis()),
            LineStyle::Warning,
        ));
    } else if !p.running {
        push_wrapped(
            &mut out,
            "Finished. p runs it again; Esc goes back to the next steps.",
            width,
            0,
            LineStyle::Ok,
        );
    }
    out
}
