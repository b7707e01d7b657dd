//! The choices of an enum question; Enter, a digit or a first letter picks one.
use super::super::form::report_field;
use super::super::quit;
use super::{OverlayView, Tone, list_move, toned};
use crate::value::Value;
use crate::wizard::action::{Action, Effect};
use crate::wizard::cursor::ListCursor;
use crate::wizard::questions::display_value;
use crate::wizard::state::{Overlay, WizardState};

pub(super) fn update(
    s: &mut WizardState,
    path: &str,
    choices: &[String],
    selected: usize,
    action: Action,
) -> Effect {
    let n = choices.len();
    let pick = |s: &mut WizardState, i: usize| {
        s.overlay = None;
        if let Some(c) = choices.get(i) {
            s.draft.set(path, &Value::Str(c.clone()));
            report_field(s, path);
        }
    };
    if let Some(moved) = list_move(ListCursor::new(selected, n), &action) {
        s.overlay = Some(Overlay::Choice {
            path: path.to_string(),
            choices: choices.to_vec(),
            selected: moved.index,
        });
        return Effect::None;
    }
    match action {
        Action::Enter | Action::Toggle => pick(s, selected),
        Action::ClickItem(i) => pick(s, i),
        Action::Type(c) => {
            // A digit picks by number; a letter picks the first choice starting with it.
            let i = c
                .to_digit(10)
                .and_then(|d| (d as usize).checked_sub(1))
                .filter(|&i| i < n)
                .or_else(|| {
                    choices
                        .iter()
                        .position(|ch| ch.starts_with(c.to_ascii_lowercase()))
                });
            if let Some(i) = i {
                pick(s, i);
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

/// Any letter or digit picks (Space toggles, as elsewhere).
pub(super) fn letter(c: char) -> Option<Action> {
    (c != ' ').then_some(Action::Type(c))
}

pub(super) fn hints(s: &WizardState) -> Vec<(&'static str, &'static str)> {
    vec![
        (s.look.up_down(), "choose"),
        ("Enter", "set"),
        ("Esc", "cancel"),
    ]
}

/// A row per choice.
pub(super) fn size(choices: &[String]) -> (u16, u16) {
    (44, choices.len() as u16 + 2)
}

/// The choices, numbered, the current value marked "(now)".
pub(super) fn view(
    s: &WizardState,
    path: &str,
    choices: &[String],
    selected: usize,
) -> OverlayView {
    let look = s.look;
    let current = s.draft.get(path).map(|v| display_value(&v));
    let lines = choices
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let marker = if i == selected { look.current() } else { " " };
            let now = if Some(c) == current.as_ref() {
                "  (now)"
            } else {
                ""
            };
            let tone = if i == selected {
                Tone::Focus
            } else {
                Tone::Plain
            };
            toned(format!("{marker} {}. {c}{now}", i + 1), tone)
        })
        .collect();
    let title = path.rsplit('.').next().unwrap_or(path);
    OverlayView {
        title: format!("Choose {title}"),
        lines,
    }
}
