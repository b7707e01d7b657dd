//! What the update's tests share: a new host's state, and running actions on it.
use std::path::PathBuf;

use super::update;
use crate::apply::DirState;
use crate::catalog::Catalog;
use crate::wizard::action::{Action, Effect};
use crate::wizard::profiles;
use crate::wizard::state::WizardState;

pub(super) fn state(profile: Option<&str>) -> WizardState {
    WizardState::new_host(
        Catalog::embedded(),
        PathBuf::from("/tmp/x"),
        DirState::default(),
        profile.map(|p| profiles::find(p).unwrap()),
    )
}

pub(super) fn run(s: &mut WizardState, actions: &[Action]) -> Effect {
    let mut last = Effect::None;
    for a in actions {
        last = update(s, a.clone());
    }
    last
}

pub(super) fn typed(text: &str) -> Vec<Action> {
    text.chars().map(Action::Type).collect()
}
