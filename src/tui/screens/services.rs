//! The Services step: every service in the catalog with its status, the disk and
//! memory it needs and its ports; Space or Enter turns one on or off. The help pane
//! describes the focused one.
use ratatui::Frame;

use super::draw_form;
use crate::tui::form::services_header;
use crate::tui::theme::Theme;
use crate::wizard::layout::Area;
use crate::wizard::state::WizardState;

pub fn draw(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let on = state.view().enabled_services().count();
    let title = format!("Services: what this host runs ({on} on)");
    draw_form(
        f,
        area,
        state,
        theme,
        &title,
        Some(services_header(area.inner().width)),
    );
}
