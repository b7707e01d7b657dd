//! Moving between steps: going to one (and what entering it works out), the next or
//! previous one, and leaving the Start step without choosing a profile.
use super::review::lines_now;
use super::start::choose_profile;
use super::{Effect, say};
use crate::apply::plan_apply;
use crate::catalog::Level;
use crate::wizard::cursor::ListCursor;
use crate::wizard::journey;
use crate::wizard::questions::StepKind;
use crate::wizard::review::first_target;
use crate::wizard::state::{Mode, WizardState};

/// Goes to a step: remembers it was seen and works out what `apply` would do when it
/// is the Review or Write step.
pub fn go_to(s: &mut WizardState, step: StepKind) {
    s.visited.insert(step.clone());
    s.step = step.clone();
    let n = s.entries();
    if let Some(f) = s.focus.get_mut(&step) {
        *f = ListCursor::clamped(*f, n).index;
    }
    if matches!(step, StepKind::Review | StepKind::Write) {
        refresh_apply_plan(s);
    }
    if step == StepKind::Done {
        s.review_scroll = 0;
    }
    if step == StepKind::Review {
        s.reviewed = true;
        let lines = lines_now(s);
        s.review_cursor = first_target(&lines);
        s.review_scroll = 0;
    }
}

/// Works out the file changes for the current answers against the directory as read
/// (only when the plan has no errors: `apply` refuses those).
pub fn refresh_apply_plan(s: &mut WizardState) {
    s.apply_plan = if s.draft.has_errors() {
        None
    } else if s.draft.seat().is_some() {
        Some(crate::fleet::seat::answers_plan(
            s.catalog(),
            s.draft.answers(),
            &s.dir_state,
        ))
    } else {
        Some(plan_apply(
            s.draft.answers(),
            s.catalog(),
            &s.dir_state,
            false,
        ))
    };
}

pub(super) fn step_by(s: &mut WizardState, delta: isize) {
    let Some(target) = journey::neighbour(&s.steps(), &s.step, delta) else {
        return;
    };
    if target == StepKind::Done && !s.written() {
        say(
            s,
            Level::Warning,
            "Write the files first: Enter at this step.",
        );
        return;
    }
    go_to(s, target);
}

pub(super) fn next_step(s: &mut WizardState) -> Effect {
    if s.step == StepKind::Start && s.mode == Mode::New && s.profile.is_none() {
        return choose_profile(s, s.focus());
    }
    step_by(s, 1);
    Effect::None
}

/// Leaving the Start step of a new host without choosing: an empty plan ("custom").
pub(super) fn leave_start_implicitly(s: &mut WizardState) {
    if s.mode == Mode::New && s.profile.is_none() {
        s.profile = Some("custom");
        say(
            s,
            Level::Warning,
            "Starting from an empty plan (custom); the Start step offers the profiles.",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{run, state, typed};
    use super::*;
    use crate::value::Value;
    use crate::wizard::action::Action;

    #[test]
    fn navigation_keeps_what_was_typed() {
        let mut s = state(Some("community-pds"));
        assert_eq!(s.step, StepKind::Host);
        run(&mut s, &[Action::Enter, Action::ClearLine]);
        run(&mut s, &typed("mypds"));
        run(&mut s, &[Action::Enter]);
        assert_eq!(s.focus(), 1, "Enter keeps the value and moves on");
        run(
            &mut s,
            &[
                Action::NextStep,
                Action::NextStep,
                Action::PrevStep,
                Action::PrevStep,
            ],
        );
        assert_eq!(s.step, StepKind::Host);
        assert_eq!(s.focus(), 1, "each step remembers its question");
        assert_eq!(
            s.draft.get("host.hostname"),
            Some(Value::Str("mypds".into()))
        );
    }
}
