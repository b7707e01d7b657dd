//! The jump list (`g`): every step with its status; Enter goes there.
use super::super::navigate::{go_to, leave_start_implicitly};
use super::super::{quit, say};
use super::{OverlayView, Tone, list_move, toned};
use crate::catalog::Level;
use crate::wizard::action::{Action, Effect};
use crate::wizard::cursor::ListCursor;
use crate::wizard::layout::{Area, list_start};
use crate::wizard::questions::StepKind;
use crate::wizard::state::{Overlay, WizardState};
use crate::wizard::text::truncate;

pub(super) fn update(s: &mut WizardState, selected: usize, action: Action) -> Effect {
    let cursor = ListCursor::new(selected, s.steps().len());
    if let Some(moved) = list_move(cursor, &action) {
        s.overlay = Some(Overlay::Jump {
            selected: moved.index,
        });
        return Effect::None;
    }
    match action {
        Action::Enter | Action::ClickItem(_) => {
            let i = match action {
                Action::ClickItem(i) => i,
                _ => selected,
            };
            s.overlay = None;
            if let Some(step) = s.steps().get(i).map(|st| st.kind.clone()) {
                leave_start_implicitly(s);
                if step == StepKind::Done && !s.written() {
                    say(s, Level::Warning, "Write the files first.");
                } else {
                    go_to(s, step);
                }
            }
        }
        Action::Quit => {
            s.overlay = None;
            return quit(s);
        }
        _ => s.overlay = None,
    }
    Effect::None
}

pub(super) fn hints(s: &WizardState) -> Vec<(&'static str, &'static str)> {
    vec![
        (s.look.up_down(), "choose"),
        ("Enter", "go"),
        ("Esc", "close"),
    ]
}

/// A row per step.
pub(super) fn size(s: &WizardState) -> (u16, u16) {
    (44, s.steps().len() as u16 + 2)
}

/// Each step with its status, scrolled to keep the selected one in view.
pub(super) fn view(s: &WizardState, selected: usize, inner: Area) -> OverlayView {
    let look = s.look;
    let width = inner.width as usize;
    let lines: Vec<_> = s
        .steps()
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let st = s.step_status(&step.kind);
            let marker = if i == selected { look.current() } else { " " };
            let text = format!(
                "{marker} {} {:<w$} {}",
                st.symbol(look),
                truncate(&step.title, width.saturating_sub(14), look.ellipsis()),
                st.word(),
                w = width.saturating_sub(14)
            );
            let tone = if i == selected {
                Tone::Focus
            } else {
                Tone::Plain
            };
            toned(text, tone)
        })
        .collect();
    let start = list_start(&vec![1; lines.len()], selected, inner.height as usize);
    OverlayView {
        title: "Go to step".into(),
        lines: lines.into_iter().skip(start).collect(),
    }
}
