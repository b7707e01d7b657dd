//! The windows over the screen ([`Overlay`]): while one is open it takes every key.
//! One module per overlay, each with all of it: how it changes the state, its own
//! letter keys, the hints, its size and what it shows. The front end draws any of them
//! the same way from an [`OverlayView`], so it names none.
mod choice;
mod confirm_profile;
mod confirm_quit;
mod help;
mod jump;
mod reference;
mod resume;

use crate::wizard::action::{Action, Effect};
use crate::wizard::cursor::ListCursor;
use crate::wizard::layout::Area;
use crate::wizard::state::{Overlay, WizardState};
use crate::wizard::text::wrap;

/// How a part of an overlay's line is painted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Heading,
    /// Key names.
    Key,
    /// The selected entry of a list.
    Focus,
}

/// One line of an overlay: its parts, each with its tone.
pub type ViewLine = Vec<(String, Tone)>;

/// What an overlay's window shows inside its border, and the border's title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayView {
    pub title: String,
    pub lines: Vec<ViewLine>,
}

fn plain(text: impl Into<String>) -> ViewLine {
    toned(text, Tone::Plain)
}

fn toned(text: impl Into<String>, tone: Tone) -> ViewLine {
    vec![(text.into(), tone)]
}

/// Applies an action to the open overlay (`overlay` is a copy of `s.overlay`).
pub(super) fn update(s: &mut WizardState, overlay: Overlay, action: Action) -> Effect {
    match overlay {
        Overlay::Help { scroll } => help::update(s, scroll, action),
        Overlay::Resume(offer) => resume::update(s, &offer, action),
        Overlay::ConfirmQuit => confirm_quit::update(s, action),
        Overlay::ConfirmProfile(index) => confirm_profile::update(s, index, action),
        Overlay::Jump { selected } => jump::update(s, selected, action),
        Overlay::Choice {
            path,
            choices,
            selected,
        } => choice::update(s, &path, &choices, selected, action),
        Overlay::Reference {
            path,
            list,
            candidates,
            selected,
        } => reference::update(s, &path, list, &candidates, selected, action),
    }
}

/// What a letter (or Space) means in the overlay, when it has a meaning of its own
/// there; else Space toggles and any other letter closes the window.
pub fn letter(overlay: &Overlay, c: char) -> Option<Action> {
    match overlay {
        Overlay::Help { .. } => help::letter(c),
        Overlay::Resume(_) => resume::letter(c),
        Overlay::ConfirmQuit => confirm_quit::letter(c),
        Overlay::ConfirmProfile(_) => confirm_profile::letter(c),
        Overlay::Jump { .. } => None,
        Overlay::Choice { .. } => choice::letter(c),
        Overlay::Reference { .. } => None,
    }
}

/// The key hints while the overlay is open: (key, what).
pub fn hints(s: &WizardState, overlay: &Overlay) -> Vec<(&'static str, &'static str)> {
    match overlay {
        Overlay::Help { .. } => help::hints(s),
        Overlay::Resume(_) => resume::hints(),
        Overlay::ConfirmQuit => confirm_quit::hints(),
        Overlay::ConfirmProfile(_) => confirm_profile::hints(),
        Overlay::Jump { .. } => jump::hints(s),
        Overlay::Choice { .. } => choice::hints(s),
        Overlay::Reference { list, .. } => reference::hints(s, *list),
    }
}

/// Where the open overlay's window is, border included.
pub fn area(s: &WizardState) -> Option<Area> {
    let (width, height) = match s.overlay.as_ref()? {
        Overlay::Help { .. } => help::size(s),
        Overlay::Resume(offer) => resume::size(s, offer),
        Overlay::ConfirmQuit => confirm_quit::SIZE,
        Overlay::ConfirmProfile(_) => confirm_profile::SIZE,
        Overlay::Jump { .. } => jump::size(s),
        Overlay::Choice { choices, .. } => choice::size(choices),
        Overlay::Reference {
            candidates, list, ..
        } => reference::size(candidates, *list),
    };
    Some(centered(s.size, width, height))
}

/// The rows of a list overlay (jump list, choices), one entry a row, for clicks.
pub fn list_area(s: &WizardState) -> Option<Area> {
    match s.overlay.as_ref()? {
        Overlay::Jump { .. } | Overlay::Choice { .. } | Overlay::Reference { .. } => {
            area(s).map(|a| a.inner())
        }
        _ => None,
    }
}

/// What the open overlay shows inside its window's border (`inner`).
pub fn view(s: &WizardState, inner: Area) -> Option<OverlayView> {
    Some(match s.overlay.as_ref()? {
        Overlay::Help { scroll } => help::view(s, *scroll, inner),
        Overlay::Resume(offer) => resume::view(s, offer, inner),
        Overlay::ConfirmQuit => confirm_quit::view(s, inner),
        Overlay::ConfirmProfile(index) => confirm_profile::view(*index, inner),
        Overlay::Jump { selected } => jump::view(s, *selected, inner),
        Overlay::Choice {
            path,
            choices,
            selected,
        } => choice::view(s, path, choices, *selected),
        Overlay::Reference {
            path,
            list,
            candidates,
            selected,
        } => reference::view(s, path, *list, candidates, *selected),
    })
}

/// A window of at most `width` × `height` cells in the middle of a screen of `size`.
fn centered(size: (u16, u16), width: u16, height: u16) -> Area {
    let w = width.min(size.0.saturating_sub(4)).max(10);
    let h = height.min(size.1.saturating_sub(2)).max(3);
    Area {
        x: (size.0.saturating_sub(w)) / 2,
        y: (size.1.saturating_sub(h)) / 2,
        width: w,
        height: h,
    }
}

/// The moves of a list window (the jump list, the choices): Up/Down and the wheel,
/// Home/End. Any other key is the window's own (PgUp/PgDn close it, as other keys do).
fn list_move(cursor: ListCursor, action: &Action) -> Option<ListCursor> {
    Some(match action {
        Action::Up | Action::ScrollUp => cursor.up(),
        Action::Down | Action::ScrollDown => cursor.down(),
        Action::First => cursor.home(),
        Action::Last => cursor.end(),
        _ => return None,
    })
}

/// The size of a yes/no question's window.
const QUESTION_SIZE: (u16, u16) = (58, 8);

/// The letters of a yes/no question: y, n, and q (which does not quit: it says no).
fn yes_no(c: char) -> Option<Action> {
    match c {
        'y' | 'Y' => Some(Action::Yes),
        'n' | 'N' | 'q' => Some(Action::No),
        _ => None,
    }
}

/// A question window: its text wrapped to the window, then the keys that answer it.
fn question_view(title: &str, text: &str, keys: &str, inner: Area) -> OverlayView {
    let mut lines: Vec<ViewLine> = wrap(text, inner.width as usize)
        .into_iter()
        .map(plain)
        .collect();
    lines.push(plain(""));
    lines.push(toned(keys, Tone::Key));
    OverlayView {
        title: title.to_string(),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::state;
    use super::*;

    #[test]
    fn a_list_window_has_a_row_per_entry_and_other_windows_take_no_clicks() {
        let mut s = state(Some("relay-node"));
        s.overlay = Some(Overlay::Choice {
            path: "integrations.proxy.kind".into(),
            choices: vec!["none".into(), "caddy".into(), "nginx".into()],
            selected: 2,
        });
        let rows = list_area(&s).unwrap();
        let shown = view(&s, rows).unwrap();
        assert_eq!(shown.lines.len(), rows.height as usize);
        assert_eq!(shown.lines[2][0].1, Tone::Focus);
        assert_eq!(shown.lines[0][0].1, Tone::Plain);
        s.overlay = Some(Overlay::ConfirmQuit);
        assert!(area(&s).is_some() && list_area(&s).is_none());
        s.overlay = None;
        assert!(area(&s).is_none() && view(&s, Area::default()).is_none());
    }
}
