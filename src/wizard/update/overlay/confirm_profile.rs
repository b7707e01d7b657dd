//! Replace the changed answers with another profile?
use super::super::quit;
use super::super::start::load_profile;
use super::{OverlayView, QUESTION_SIZE, question_view, yes_no};
use crate::wizard::action::{Action, Effect};
use crate::wizard::layout::Area;
use crate::wizard::profiles;
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

pub(super) const SIZE: (u16, u16) = QUESTION_SIZE;

pub(super) fn letter(c: char) -> Option<Action> {
    yes_no(c)
}

pub(super) fn hints() -> Vec<(&'static str, &'static str)> {
    vec![("y", "replace the answers"), ("n", "keep them")]
}

pub(super) fn view(index: usize, inner: Area) -> OverlayView {
    let p = &profiles::all()[index];
    let text = format!(
        "Start again from {}? The answers you changed so far are replaced.",
        p.name
    );
    question_view(
        "Replace the answers?",
        &text,
        "y replace   n keep mine",
        inner,
    )
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
