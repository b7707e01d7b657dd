//! One file per screen. Each draws the main pane of its step from the state; the
//! frame around it (title bar, step list, help pane, hints) is `super::draw`'s.
pub mod done;
pub mod host;
pub mod integrations;
pub mod review;
pub mod services;
pub mod settings;
pub mod start;
pub mod write;

use ratatui::Frame;
use ratatui::layout::Position;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::form;
use super::theme::Theme;
use super::widgets::{block, rect};
use crate::wizard::layout::Area;
use crate::wizard::state::WizardState;

/// A question list in a bordered pane: the shared body of the Host, Services, settings
/// and integration screens. `header` is drawn above the list (column headings).
pub fn draw_form(
    f: &mut Frame,
    area: Area,
    state: &WizardState,
    theme: &Theme,
    title: &str,
    header: Option<String>,
) {
    let inner = area.inner();
    let questions = state.questions();
    let top = header.as_ref().map_or(0, |_| 1u16);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(h) = header {
        lines.push(Line::from(Span::styled(h, theme.dim())));
    }
    if questions.is_empty() {
        lines.push(Line::from(Span::styled(
            "  Nothing here applies to the plan as it is now. Go on with Right or PgDn.",
            theme.dim(),
        )));
    }
    let rows = form::rows(state, &questions, inner.width, theme);
    let height = inner.height.saturating_sub(top);
    let first = form::first_shown(&rows, state.focus(), height);
    let mut cursor = None;
    let mut y = top;
    for (i, r) in rows.into_iter().enumerate().skip(first) {
        if let Some((cx, cy)) = r.cursor
            && i == state.focus()
        {
            cursor = Some((cx, y + cy));
        }
        y += r.lines.len() as u16;
        lines.extend(r.lines);
    }
    f.render_widget(Paragraph::new(lines).block(block(title, theme)), rect(area));
    if let Some((cx, cy)) = cursor
        && cy < inner.height
    {
        f.set_cursor_position(Position::new(
            inner.x + cx.min(inner.width.saturating_sub(1)),
            inner.y + cy,
        ));
    }
}
