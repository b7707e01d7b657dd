//! The Review step: every problem (Enter on one goes to its field), the plain summary,
//! then what `apply` would do to each file, with the diff. Scrolls.
use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::theme::Theme;
use crate::tui::widgets::{block, rect};
use crate::wizard::layout::Area;
use crate::wizard::lines::LineStyle;
use crate::wizard::review::review_lines;
use crate::wizard::state::WizardState;
use crate::wizard::text::truncate;

fn style_of(s: LineStyle, theme: &Theme) -> Style {
    match s {
        LineStyle::Heading => theme.heading(),
        LineStyle::Text => Style::new(),
        LineStyle::Dim => theme.dim(),
        LineStyle::Error => theme.error(),
        LineStyle::Warning => theme.warning(),
        LineStyle::Ok => theme.ok(),
        LineStyle::DiffHeader => theme.heading(),
        LineStyle::DiffHunk => theme.hunk(),
        LineStyle::DiffAdd => theme.added(),
        LineStyle::DiffRemove => theme.removed(),
    }
}

pub fn draw(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let inner = area.inner();
    let width = inner.width as usize;
    let all = review_lines(state, width);
    let total = all.len();
    let cursor_target = all.get(state.review_cursor).and_then(|l| l.target.clone());
    let look = state.look;
    let lines: Vec<Line> = all
        .into_iter()
        .enumerate()
        .skip(state.review_scroll)
        .take(inner.height as usize)
        .map(|(i, l)| {
            let selected = l.target.is_some() && l.target == cursor_target;
            let mut text = truncate(&l.text, width, look.ellipsis());
            let mut style = style_of(l.style, theme);
            if selected {
                if i == state.review_cursor && text.starts_with("  ") {
                    text = format!("{} {}", look.current(), &text[2..]);
                }
                style = style.patch(theme.focus());
            }
            Line::from(Span::styled(text, style))
        })
        .collect();
    let shown_to = (state.review_scroll + inner.height as usize).min(total);
    let title = format!(
        "Review: lines {}-{} of {}",
        (state.review_scroll + 1).min(total),
        shown_to,
        total
    );
    f.render_widget(
        Paragraph::new(lines).block(block(&title, theme)),
        rect(area),
    );
}
