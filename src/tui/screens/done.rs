//! The Done step: what was written, and the commands to run next (preview, switch,
//! DNS, where to read the PDS admin password once: explained, never shown). Scrolls.
use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::theme::Theme;
use crate::tui::widgets::{block, rect};
use crate::wizard::layout::Area;
use crate::wizard::review::{LineStyle, done_lines};
use crate::wizard::state::WizardState;

pub fn draw(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let inner = area.inner();
    let all = done_lines(state, inner.width as usize);
    let max = all.len().saturating_sub(inner.height as usize);
    let lines: Vec<Line> = all
        .into_iter()
        .skip(state.review_scroll.min(max))
        .map(|l| {
            let style = match l.style {
                LineStyle::Ok => theme.ok(),
                LineStyle::Warning => theme.warning(),
                LineStyle::Heading => theme.heading(),
                LineStyle::DiffHunk => theme.key(),
                _ => Style::new(),
            };
            Line::from(Span::styled(l.text, style))
        })
        .collect();
    let title = if max > 0 {
        "Done (Up/Down scroll)"
    } else {
        "Done"
    };
    f.render_widget(Paragraph::new(lines).block(block(title, theme)), rect(area));
}
