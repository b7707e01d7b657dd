//! The jump list (`g`): every step with its status; Enter goes there.
use super::super::navigate::{go_to, leave_start_implicitly};
use super::super::{quit, say};
use crate::catalog::Level;
use crate::wizard::action::{Action, Effect};
use crate::wizard::questions::StepKind;
use crate::wizard::state::{Overlay, WizardState};

pub(super) fn update(s: &mut WizardState, selected: usize, action: Action) -> Effect {
    let n = s.steps().len();
    match action {
        Action::Up | Action::ScrollUp => {
            s.overlay = Some(Overlay::Jump {
                selected: selected.saturating_sub(1),
            })
        }
        Action::Down | Action::ScrollDown => {
            s.overlay = Some(Overlay::Jump {
                selected: (selected + 1).min(n - 1),
            })
        }
        Action::First => s.overlay = Some(Overlay::Jump { selected: 0 }),
        Action::Last => s.overlay = Some(Overlay::Jump { selected: n - 1 }),
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
