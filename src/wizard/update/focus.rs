//! The focused entry of a step's list (its questions, or the profiles at Start).
use crate::wizard::action::Action;
use crate::wizard::state::WizardState;

pub(super) fn move_focus(s: &mut WizardState, to: isize) {
    let n = s.entries();
    if n == 0 {
        return;
    }
    let f = to.clamp(0, n as isize - 1) as usize;
    s.focus.insert(s.step.clone(), f);
}

pub(super) fn list_keys(s: &mut WizardState, action: &Action) -> bool {
    let f = s.focus() as isize;
    match action {
        Action::Up | Action::ScrollUp => move_focus(s, f - 1),
        Action::Down | Action::ScrollDown => move_focus(s, f + 1),
        Action::First => move_focus(s, 0),
        Action::Last => move_focus(s, isize::MAX / 2),
        Action::PageUp => move_focus(s, f - 5),
        Action::PageDown => move_focus(s, f + 5),
        Action::ClickItem(i) => move_focus(s, *i as isize),
        _ => return false,
    }
    true
}
