//! The probes' part of the review document: their progress, each result with its
//! symbol and word, and what to do. Reads the look from the state, so it sits above it
//! (the pane itself, [`super::probes`], below).
use super::lines::{LineStyle, ReviewLine, line};
use super::probes::ProbePane;
use super::state::Look;
use super::text::wrap;
use crate::preview::probes::{ProbeStatus, counts, result_text};

/// A status's symbol (always shown with its word) and how it is painted.
pub fn status_look(look: Look, status: ProbeStatus) -> (&'static str, LineStyle) {
    match status {
        ProbeStatus::Ok => (look.done(), LineStyle::Ok),
        ProbeStatus::Warning => (look.warning(), LineStyle::Warning),
        ProbeStatus::Failed => (look.error(), LineStyle::Error),
        ProbeStatus::Unknown => ("?", LineStyle::Dim),
    }
}

fn push_wrapped(
    out: &mut Vec<ReviewLine>,
    text: &str,
    width: usize,
    indent: usize,
    style: LineStyle,
) {
    let lead = " ".repeat(indent);
    for (i, l) in wrap(text, width.saturating_sub(indent + 2).max(10))
        .into_iter()
        .enumerate()
    {
        let pad = if i == 0 {
            lead.clone()
        } else {
            format!("{lead}  ")
        };
        out.push(line(format!("{pad}{l}"), style));
    }
}

/// The probes' lines in the review at `width` (followed by an empty line), or none
/// when they were never run.
pub fn probe_lines(pane: Option<&ProbePane>, look: Look, width: usize) -> Vec<ReviewLine> {
    let Some(p) = pane else {
        return Vec::new();
    };
    let width = width.max(20);
    let mut out = Vec::new();
    push_wrapped(
        &mut out,
        "This machine (advisory; writing does not wait for it):",
        width,
        0,
        LineStyle::Heading,
    );
    if p.running {
        let now = p.progress.as_deref().unwrap_or("starting");
        let word = if p.cancelling {
            "Cancelling"
        } else {
            "Checking"
        };
        push_wrapped(
            &mut out,
            &format!("{word}{} {now} (Esc cancels)", look.ellipsis()),
            width,
            2,
            LineStyle::Dim,
        );
    }
    for r in &p.results {
        let (sym, style) = status_look(look, r.status);
        let (head, fix) = result_text(r);
        push_wrapped(
            &mut out,
            &format!("{sym} {}: {head}", r.status.word()),
            width,
            2,
            style,
        );
        if let Some(fix) = fix
            && r.status != ProbeStatus::Ok
        {
            push_wrapped(&mut out, &fix, width, 4, LineStyle::Text);
        }
    }
    if !p.running {
        let end = if p.cancelled {
            "Cancelled. c checks again.".to_string()
        } else if p.results.is_empty() {
            "Nothing was checked. c checks again.".to_string()
        } else {
            format!("{}. c checks again.", counts(&p.results))
        };
        push_wrapped(&mut out, &end, width, 2, LineStyle::Dim);
    }
    out.push(line("", LineStyle::Text));
    out
}
