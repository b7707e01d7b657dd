//! An integration: database, redis, reverse proxy, TLS (including how PDS handles get
//! certificates), monitoring, logging, security, backup or the secrets backend. Only
//! the questions that apply to the plan as it is are shown.
use ratatui::Frame;

use super::draw_form;
use crate::tui::theme::Theme;
use crate::wizard::layout::Area;
use crate::wizard::questions::{StepKind, integration_title};
use crate::wizard::state::WizardState;

pub fn draw(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let title = match &state.step {
        StepKind::Integration(section) => {
            format!(
                "Integration: {}",
                integration_title(state.catalog(), section)
            )
        }
        _ => String::new(),
    };
    draw_form(f, area, state, theme, &title, None);
}
