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
        // Past the profiles: a way in that another command takes (adopt, import-pds).
        return match s.offers.get(index - profiles::all().len()) {
            Some(offer) => {
                s.hand_off = Some(*offer);
                Effect::Quit(0)
            }
            None => Effect::None,
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::DirState;
    use crate::catalog::Catalog;
    use crate::wizard::hand_off::HandOff;
    use crate::wizard::update::update;

    #[test]
    fn the_last_entries_hand_over_to_adopt_and_import_pds() {
        let mut s = WizardState::new_host(
            Catalog::embedded(),
            "/etc/nixos".into(),
            DirState::default(),
            None,
        );
        s.offers = vec![HandOff::Adopt, HandOff::ImportPds];
        let profiles = profiles::all().len();
        assert_eq!(s.entries(), profiles + 2);
        assert_eq!(choose_profile(&mut s, profiles + 1), Effect::Quit(0));
        assert_eq!(s.hand_off, Some(HandOff::ImportPds));
        // A profile still loads as before.
        s.hand_off = None;
        assert_eq!(update(&mut s, Action::Enter), Effect::None);
        assert_eq!(s.hand_off, None);
    }
}
