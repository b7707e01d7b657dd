//! The help window (`?`): the current field's help and every key, scrolled.
use super::super::quit;
use crate::wizard::action::{Action, Effect};
use crate::wizard::state::{Overlay, WizardState};

pub(super) fn update(s: &mut WizardState, scroll: usize, action: Action) -> Effect {
    s.overlay = match action {
        Action::Down | Action::ScrollDown => Some(Overlay::Help { scroll: scroll + 1 }),
        Action::Up | Action::ScrollUp => Some(Overlay::Help {
            scroll: scroll.saturating_sub(1),
        }),
        Action::PageDown | Action::Toggle => Some(Overlay::Help {
            scroll: scroll + 10,
        }),
        Action::PageUp => Some(Overlay::Help {
            scroll: scroll.saturating_sub(10),
        }),
        Action::Quit => {
            s.overlay = None;
            return quit(s);
        }
        _ => None,
    };
    Effect::None
}
