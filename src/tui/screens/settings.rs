//! A service's settings: its domain (when the proxy serves it), its ports and the
//! catalog's settings, typed, with defaults and help per field.
use ratatui::Frame;

use super::draw_form;
use crate::tui::theme::Theme;
use crate::wizard::layout::Area;
use crate::wizard::questions::StepKind;
use crate::wizard::state::WizardState;

pub fn draw(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let title = match &state.step {
        StepKind::Settings(id) => state
            .catalog()
            .service(id)
            .map_or(id.clone(), |s| format!("{}: settings", s.title)),
        _ => String::new(),
    };
    draw_form(f, area, state, theme, &title, None);
}
