//! Replace the changed answers with another profile?
use super::super::quit;
use super::super::start::load_profile;
use crate::wizard::action::{Action, Effect};
use crate::wizard::state::WizardState;

pub(super) fn update(s: &mut WizardState, index: usize, action: Action) -> Effect {
    match action {
        Action::Yes => {
            s.overlay = None;
            load_profile(s, index);
        }
        Action::No | Action::Back | Action::Enter => s.overlay = None,
        Action::Quit => {
            s.overlay = None;
            return quit(s);
        }
        _ => {}
    }
    Effect::None
}

#[cfg(test)]
mod tests {
    use super::super::super::fixtures::{run, state};
    use super::*;
    use crate::wizard::questions::StepKind;
    use crate::wizard::state::Overlay;
    use crate::wizard::update::go_to;

    #[test]
    fn another_profile_replaces_changed_answers_only_when_confirmed() {
        let mut s = state(Some("relay-node"));
        run(&mut s, &[Action::Enter, Action::Type('x'), Action::Enter]);
        go_to(&mut s, StepKind::Start);
        run(&mut s, &[Action::ClickItem(0), Action::Enter]);
        assert_eq!(s.overlay, Some(Overlay::ConfirmProfile(0)));
        run(&mut s, &[Action::No]);
        assert_eq!(s.profile, Some("relay-node"));
        run(&mut s, &[Action::Enter, Action::Yes]);
        assert_eq!(s.profile, Some("community-pds"));
        assert_eq!(s.step, StepKind::Host);
    }
}
