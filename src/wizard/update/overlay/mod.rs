//! The windows over the screen ([`Overlay`]): while one is open it takes every key.
//! One module per overlay.
mod choice;
mod confirm_profile;
mod confirm_quit;
mod help;
mod jump;
mod resume;

use crate::wizard::action::{Action, Effect};
use crate::wizard::cursor::ListCursor;
use crate::wizard::state::{Overlay, WizardState};

/// Applies an action to the open overlay (`overlay` is a copy of `s.overlay`).
pub(super) fn update(s: &mut WizardState, overlay: Overlay, action: Action) -> Effect {
    match overlay {
        Overlay::Help { scroll } => help::update(s, scroll, action),
        Overlay::Resume(offer) => resume::update(s, &offer, action),
        Overlay::ConfirmQuit => confirm_quit::update(s, action),
        Overlay::ConfirmProfile(index) => confirm_profile::update(s, index, action),
        Overlay::Jump { selected } => jump::update(s, selected, action),
        Overlay::Choice {
            path,
            choices,
            selected,
        } => choice::update(s, &path, &choices, selected, action),
    }
}

/// The moves of a list window (the jump list, the choices): Up/Down and the wheel,
/// Home/End. Any other key is the window's own (PgUp/PgDn close it, as other keys do).
fn list_move(cursor: ListCursor, action: &Action) -> Option<ListCursor> {
    Some(match action {
        Action::Up | Action::ScrollUp => cursor.up(),
        Action::Down | Action::ScrollDown => cursor.down(),
        Action::First => cursor.home(),
        Action::Last => cursor.end(),
        _ => return None,
    })
}
