//! Quit and lose the answers not written yet?
use super::{OverlayView, QUESTION_SIZE, question_view, yes_no};
use crate::wizard::action::{Action, Effect};
use crate::wizard::layout::Area;
use crate::wizard::state::WizardState;

pub(super) fn update(s: &mut WizardState, action: Action) -> Effect {
    match action {
        Action::Yes | Action::Quit => Effect::Quit(0),
        Action::No | Action::Back | Action::Enter => {
            s.overlay = None;
            Effect::None
        }
        _ => Effect::None,
    }
}

pub(super) const SIZE: (u16, u16) = QUESTION_SIZE;

pub(super) fn letter(c: char) -> Option<Action> {
    yes_no(c)
}

pub(super) fn hints() -> Vec<(&'static str, &'static str)> {
    vec![("y", "quit, lose the answers"), ("n", "stay")]
}

pub(super) fn view(s: &WizardState, inner: Area) -> OverlayView {
    let text = format!(
        "Quit without writing? Your answers are not written to {} yet and will be lost. Nothing in the directory has been changed.",
        s.dir.display()
    );
    question_view("Quit?", &text, "y quit   n stay", inner)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::super::fixtures::{run, state};
    use super::*;
    use crate::apply::DirState;
    use crate::catalog::Catalog;
    use crate::wizard::profiles;
    use crate::wizard::state::Overlay;

    #[test]
    fn quitting_asks_only_when_answers_would_be_lost() {
        let mut s = state(None);
        assert_eq!(run(&mut s, &[Action::Quit]), Effect::Quit(0));
        let mut s = state(Some("relay-node"));
        assert_eq!(run(&mut s, &[Action::Quit]), Effect::None);
        assert_eq!(s.overlay, Some(Overlay::ConfirmQuit));
        assert_eq!(run(&mut s, &[Action::No]), Effect::None);
        assert_eq!(s.overlay, None);
        assert_eq!(run(&mut s, &[Action::Quit, Action::Yes]), Effect::Quit(0));
        // Ctrl-C twice quits too.
        let mut s = state(Some("relay-node"));
        assert_eq!(run(&mut s, &[Action::Quit, Action::Quit]), Effect::Quit(0));
    }

    #[test]
    fn editing_an_existing_host_asks_only_after_a_change() {
        let draft = profiles::find("relay-node")
            .unwrap()
            .draft(Catalog::embedded());
        let mut s = WizardState::edit_host(PathBuf::from("/x"), DirState::default(), draft);
        assert_eq!(run(&mut s, &[Action::Quit]), Effect::Quit(0));
        run(
            &mut s,
            &[
                Action::Down,
                Action::Enter,
                Action::Type('x'),
                Action::Enter,
            ],
        );
        assert!(s.dirty());
        assert_eq!(run(&mut s, &[Action::Quit]), Effect::None);
    }
}
