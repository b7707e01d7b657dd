//! The Host step: host name, domain, admin email, flake or classic, nixpkgs branch,
//! platform and state version.
use ratatui::Frame;

use super::draw_form;
use crate::tui::theme::Theme;
use crate::wizard::layout::Area;
use crate::wizard::state::WizardState;

pub fn draw(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    draw_form(
        f,
        area,
        state,
        theme,
        "Host: the machine and how it is built",
        None,
    );
}
