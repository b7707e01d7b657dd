//! The jump list (`g`): every step with its status; Enter goes there.
use super::super::navigate::{go_to, leave_start_implicitly};
use super::super::{quit, say};
use super::list_move;
use crate::catalog::Level;
use crate::wizard::action::{Action, Effect};
use crate::wizard::cursor::ListCursor;
use crate::wizard::questions::StepKind;
use crate::wizard::state::{Overlay, WizardState};

pub(super) fn update(s: &mut WizardState, selected: usize, action: Action) -> Effect {
    let cursor = ListCursor::new(selected, s.steps().len());
    if let Some(moved) = list_move(cursor, &action) {
        s.overlay = Some(Overlay::Jump {
            selected: moved.index,
        });
        return Effect::None;
    }
    match action {
        Action::Enter | Action::ClickItem(_) => {
            let i = match action {
                Action::ClickItem(i) => i,
                _ => selected,
            };
            s.overlay = None;
            if let Some(step) = s.steps().get(i).map(|st| st.kind.clone()) {
                leave_start_implicitly(s);
                if step == StepKind::Done && !s.written() {
                    say(s, Level::Warning, "Write the files first.");
                } else {
                    go_to(s, step);
                }
            }
        }
        Action::Quit => {
            s.overlay = None;
            return quit(s);
        }
        _ => s.overlay = None,
    }
    Effect::None
}
