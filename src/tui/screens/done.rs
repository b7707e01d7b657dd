//! The Done step: what was written, and the commands to run next (preview, switch,
//! DNS, where to read the PDS admin password once: explained, never shown). Scrolls.
use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::theme::Theme;
use crate::tui::widgets::{block, rect};
use crate::wizard::layout::Area;
use crate::wizard::lines::LineStyle;
use crate::wizard::state::WizardState;
use crate::wizard::update::done_pane_lines;

pub fn draw(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let inner = area.inner();
    let all = done_pane_lines(state, inner.width as usize);
    let max = all.len().saturating_sub(inner.height as usize);
    let lines: Vec<Line> = all
        .into_iter()
        .skip(state.review_scroll.min(max))
        .map(|l| {
            let style = match l.style {
                LineStyle::Ok => theme.ok(),
                LineStyle::Warning => theme.warning(),
                LineStyle::Error => theme.error(),
                LineStyle::Dim => theme.dim(),
                LineStyle::Heading => theme.heading(),
                LineStyle::DiffHunk => theme.key(),
                _ => Style::new(),
            };
            Line::from(Span::styled(l.text, style))
        })
        .collect();
    let scroll = if max > 0 { " (Up/Down scroll)" } else { "" };
    let title = match &state.preview {
        Some(p) if p.open && p.running => format!(
            "{}{}",
            if p.cancelling { "Cancelling: " } else { "" },
            p.progress.as_deref().unwrap_or("Preview: starting")
        ),
        Some(p) if p.open && p.cancelled => format!("Preview: cancelled{scroll}"),
        Some(p) if p.open => format!("Preview: finished{scroll}"),
        _ => format!("Done{scroll}"),
    };
    f.render_widget(
        Paragraph::new(lines).block(block(&title, theme)),
        rect(area),
    );
}
