//! The focused entry of a step's list (its questions, or the profiles at Start).
use crate::wizard::action::Action;
use crate::wizard::cursor::ListCursor;
use crate::wizard::state::WizardState;

/// How far PgUp/PgDn move the focus.
const PAGE: usize = 5;

/// Moves the current step's focus; a step without entries keeps the one it had.
pub(super) fn move_focus(s: &mut WizardState, to: impl FnOnce(ListCursor) -> ListCursor) {
    let cursor = ListCursor::new(s.focus(), s.entries());
    if cursor.is_empty() {
        return;
    }
    s.focus.insert(s.step.clone(), to(cursor).index);
}

pub(super) fn list_keys(s: &mut WizardState, action: &Action) -> bool {
    match action {
        Action::Up | Action::ScrollUp => move_focus(s, ListCursor::up),
        Action::Down | Action::ScrollDown => move_focus(s, ListCursor::down),
        Action::First => move_focus(s, ListCursor::home),
        Action::Last => move_focus(s, ListCursor::end),
        Action::PageUp => move_focus(s, |c| c.page_up(PAGE)),
        Action::PageDown => move_focus(s, |c| c.page_down(PAGE)),
        Action::ClickItem(i) => move_focus(s, |c| c.to(*i)),
        _ => return false,
    }
    true
}
