//! Drawing: a pure function of the state. The frame (title bar, step list, help pane,
//! message line, key hints), the current step's screen, and the open overlay on top.
use ratatui::Frame;

use super::screens;
use super::theme::Theme;
use super::widgets;
use crate::wizard::layout::panes;
use crate::wizard::questions::StepKind;
use crate::wizard::state::WizardState;

/// Draws the whole wizard for `state` into the frame.
pub fn draw(f: &mut Frame, state: &WizardState) {
    let theme = Theme::new(state.look);
    let area = f.area();
    let p = panes((area.width, area.height), &state.step);
    widgets::title_bar(f, p.title, state, &theme);
    widgets::step_list(f, p.steps, state, &theme);
    match &state.step {
        StepKind::Start => screens::start::draw(f, p.main, state, &theme),
        StepKind::Host => screens::host::draw(f, p.main, state, &theme),
        StepKind::Services => screens::services::draw(f, p.main, state, &theme),
        StepKind::Settings(_) => screens::settings::draw(f, p.main, state, &theme),
        StepKind::Integration(_) => screens::integrations::draw(f, p.main, state, &theme),
        StepKind::Review => screens::review::draw(f, p.main, state, &theme),
        StepKind::Write => screens::write::draw(f, p.main, state, &theme),
        StepKind::Done => screens::done::draw(f, p.main, state, &theme),
    }
    if let Some(help) = p.help {
        widgets::help_pane(f, help, state, &theme);
    }
    widgets::message_line(f, p.message, state, &theme);
    widgets::hint_bar(f, p.hints, state, &theme);
    widgets::overlay(f, state, &theme);
}
