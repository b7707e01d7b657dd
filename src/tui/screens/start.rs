//! The Start step: a new host chooses what to run (a profile, or custom); an edited
//! host is told where its answers come from.
use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::theme::Theme;
use crate::tui::widgets::{block, rect};
use crate::wizard::layout::Area;
use crate::wizard::profiles;
use crate::wizard::state::{Mode, WizardState};
use crate::wizard::text::truncate;

pub fn draw(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let look = state.look;
    if state.mode == Mode::Edit {
        let text = vec![
            Line::from(Span::styled(
                format!("Editing {}", state.dir.join("atproto.toml").display()),
                theme.heading(),
            )),
            Line::raw(""),
            Line::raw(
                "Every step is filled in from this host's answers. Change what you want (add a service, move to PostgreSQL, turn on backups): nothing is written until the Write step, and the Review shows exactly what will change in each file first.",
            ),
            Line::raw(""),
            Line::from(vec![
                Span::styled("Enter", theme.key()),
                Span::raw(" or "),
                Span::styled(look.left_right(), theme.key()),
                Span::raw(" to go through the steps."),
            ]),
        ];
        f.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(block("Start", theme)),
            rect(area),
        );
        return;
    }
    let width = area.inner().width as usize;
    let profiles = profiles::all().iter().map(|p| {
        let mark = if state.profile == Some(p.name) {
            "(x)"
        } else {
            "( )"
        };
        format!("{mark} {}", p.title)
    });
    // After the profiles, the ways in another command takes.
    let offers = state
        .offers
        .iter()
        .map(|o| format!("{:<3} {}", look.arrow(), o.title()));
    let lines: Vec<Line> = profiles
        .chain(offers)
        .enumerate()
        .map(|(i, entry)| {
            let focused = i == state.focus();
            let marker = if focused { look.current() } else { " " };
            let text = truncate(&format!("{marker} {entry}"), width, look.ellipsis());
            let style = if focused { theme.focus() } else { Style::new() };
            Line::from(Span::styled(format!("{text:<width$}"), style))
        })
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(block("Start: what will this host run?", theme)),
        rect(area),
    );
}
