//! Quit and lose the answers not written yet?
use crate::wizard::action::{Action, Effect};
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
