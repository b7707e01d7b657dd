//! The only place the wizard's state changes: `update(state, action) -> effect`.
//! Pure: what needs the outside world (writing files, quitting) is returned as an
//! [`Effect`] for the edge to carry out.
//!
//! This module dispatches: the edge's reports (resize, written, job events) first,
//! then the open overlay ([`overlay`]), then the edit in progress (`edit`), then the
//! keys every step shares, then the current step's own module (`start`, `form`,
//! `review`, `write`, `done`). `navigate` moves between steps, `focus` moves
//! within a step's list; `preview` and `probes` fold the background jobs' events in.
mod done;
mod edit;
mod focus;
mod form;
mod navigate;
pub mod overlay;
mod preview;
mod probes;
mod review;
mod start;
mod write;

#[cfg(test)]
mod fixtures;

pub use done::done_pane_lines;
pub use navigate::{go_to, refresh_apply_plan};
pub use review::{jump_to, lines_now};

use super::action::{Action, Effect};
use super::questions::StepKind;
use super::state::{Message, Overlay, WizardState};
use crate::catalog::Level;
use done::done_step;
use edit::editing;
use form::form_step;
use navigate::{leave_start_implicitly, next_step, step_by};
use preview::{cancel_preview, preview_event};
use probes::{cancel_probes, probe_event};
use review::{clamp_review, review_step};
use start::start_step;
use write::{write_step, written};

/// Applies one action; returns what the edge must do.
pub fn update(s: &mut WizardState, action: Action) -> Effect {
    match action {
        Action::Resize(w, h) => {
            s.size = (w, h);
            clamp_review(s);
            return Effect::None;
        }
        Action::Written(outcome) => {
            written(s, outcome);
            return Effect::None;
        }
        Action::DirRead(dir_state) => {
            s.dir_state = dir_state;
            return Effect::None;
        }
        Action::PreviewEvent(event) => {
            preview_event(s, event);
            return Effect::None;
        }
        Action::CancelPreview => return cancel_preview(s),
        Action::ProbeEvent(event) => {
            probe_event(s, event);
            return Effect::None;
        }
        Action::CancelProbe => return cancel_probes(s),
        Action::Suspend => return Effect::Suspend,
        _ => {}
    }
    s.message = None;
    if let Some(overlay) = s.overlay.clone() {
        return overlay::update(s, overlay, action);
    }
    if s.edit.is_some() {
        return editing(s, action);
    }
    match action {
        Action::Quit => quit(s),
        Action::Help => {
            s.overlay = Some(Overlay::Help { scroll: 0 });
            Effect::None
        }
        Action::JumpList => {
            s.overlay = Some(Overlay::Jump {
                selected: s.step_index(),
            });
            Effect::None
        }
        Action::ToReview => {
            leave_start_implicitly(s);
            go_to(s, StepKind::Review);
            Effect::None
        }
        Action::PrevStep => {
            step_by(s, -1);
            Effect::None
        }
        Action::NextStep => next_step(s),
        Action::Back if s.step == StepKind::Done && s.preview.as_ref().is_some_and(|p| p.open) => {
            if s.preview.as_ref().is_some_and(|p| p.running) {
                return cancel_preview(s);
            }
            if let Some(p) = &mut s.preview {
                p.open = false;
            }
            s.review_scroll = 0;
            Effect::None
        }
        Action::Back
            if s.step == StepKind::Review && s.probes.as_ref().is_some_and(|p| p.running) =>
        {
            cancel_probes(s)
        }
        Action::Back => {
            if s.step == StepKind::Start {
                say(s, Level::Warning, "This is the first step: q quits.");
            } else {
                step_by(s, -1);
            }
            Effect::None
        }
        Action::ClickStep(i) => {
            if let Some(step) = s.steps().get(i).map(|st| st.kind.clone()) {
                leave_start_implicitly(s);
                go_to(s, step);
            }
            Effect::None
        }
        other => match s.step.clone() {
            StepKind::Start => start_step(s, other),
            StepKind::Review => review_step(s, other),
            StepKind::Write => write_step(s, other),
            StepKind::Done => done_step(s, other),
            _ => form_step(s, other),
        },
    }
}

fn say(s: &mut WizardState, level: Level, text: impl Into<String>) {
    s.message = Some(Message {
        level,
        text: text.into(),
    });
}

fn quit(s: &mut WizardState) -> Effect {
    if s.dirty() {
        s.overlay = Some(Overlay::ConfirmQuit);
        Effect::None
    } else {
        Effect::Quit(0)
    }
}
