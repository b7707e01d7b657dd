//! The Start step: choosing a profile (a new host) or beginning (editing one).
use super::focus::list_keys;
use super::navigate::{go_to, step_by};
use super::{Effect, say};
use crate::catalog::Level;
use crate::wizard::action::Action;
use crate::wizard::profiles;
use crate::wizard::questions::StepKind;
use crate::wizard::state::{Mode, Overlay, WizardState};

pub(super) fn start_step(s: &mut WizardState, action: Action) -> Effect {
    if s.mode == Mode::Edit {
        if action == Action::Enter {
            step_by(s, 1);
        }
        return Effect::None;
    }
    if list_keys(s, &action) {
        return Effect::None;
    }
    match action {
        Action::Enter | Action::Toggle => choose_profile(s, s.focus()),
        _ => Effect::None,
    }
}

pub(super) fn choose_profile(s: &mut WizardState, index: usize) -> Effect {
    let Some(p) = profiles::all().get(index) else {
        return Effect::None;
    };
    if s.profile == Some(p.name) {
        go_to(s, StepKind::Host);
        return Effect::None;
    }
    if s.dirty() {
        s.overlay = Some(Overlay::ConfirmProfile(index));
        return Effect::None;
    }
    load_profile(s, index);
    Effect::None
}

pub(super) fn load_profile(s: &mut WizardState, index: usize) {
    let p = &profiles::all()[index];
    s.draft = p.draft(s.catalog());
    s.profile = Some(p.name);
    s.focus.clear();
    s.focus.insert(StepKind::Start, index);
    s.visited.retain(|k| *k == StepKind::Start);
    s.reviewed = false;
    s.apply_plan = None;
    go_to(s, StepKind::Host);
    let text = if p.name == "custom" {
        "An empty plan: answer each step; * marks what must be answered.".to_string()
    } else {
        format!(
            "Loaded {}: change the example values (host name, domain, email) to yours.",
            p.name
        )
    };
    say(s, Level::Warning, text);
}
