//! The help window (`?`): the current field's help and every key, scrolled.
use super::super::quit;
use super::{OverlayView, Tone, ViewLine, plain, toned};
use crate::wizard::action::{Action, Effect};
use crate::wizard::field_help::help_text;
use crate::wizard::keys::KEYS;
use crate::wizard::layout::Area;
use crate::wizard::state::{Overlay, WizardState};
use crate::wizard::text::{truncate, wrap};

pub(super) fn update(s: &mut WizardState, scroll: usize, action: Action) -> Effect {
    s.overlay = match action {
        Action::Down | Action::ScrollDown => Some(Overlay::Help { scroll: scroll + 1 }),
        Action::Up | Action::ScrollUp => Some(Overlay::Help {
            scroll: scroll.saturating_sub(1),
        }),
        Action::PageDown | Action::Toggle => Some(Overlay::Help {
            scroll: scroll + 10,
        }),
        Action::PageUp => Some(Overlay::Help {
            scroll: scroll.saturating_sub(10),
        }),
        Action::Quit => {
            s.overlay = None;
            return quit(s);
        }
        _ => None,
    };
    Effect::None
}

/// Space pages down; q closes the window (it does not quit).
pub(super) fn letter(c: char) -> Option<Action> {
    match c {
        ' ' => Some(Action::PageDown),
        'q' => Some(Action::Back),
        _ => None,
    }
}

pub(super) fn hints(s: &WizardState) -> Vec<(&'static str, &'static str)> {
    vec![(s.look.up_down(), "scroll"), ("Esc", "close")]
}

/// Nearly the whole screen's height.
pub(super) fn size(s: &WizardState) -> (u16, u16) {
    (84, s.size.1.saturating_sub(4))
}

/// The field's help, then every key, from line `scroll` on (at most to the last page).
pub(super) fn view(s: &WizardState, scroll: usize, inner: Area) -> OverlayView {
    let look = s.look;
    let width = inner.width as usize;
    let (title, paras) = help_text(s);
    let mut lines: Vec<ViewLine> = vec![toned(title, Tone::Heading)];
    for p in &paras {
        for l in wrap(p, width) {
            lines.push(plain(l));
        }
        lines.push(plain(""));
    }
    lines.pop();
    lines.push(plain(""));
    lines.push(toned("Keys", Tone::Heading));
    let kw = 24.min(width / 3);
    for (keys, what) in KEYS {
        for (i, l) in wrap(what, width.saturating_sub(kw + 1))
            .into_iter()
            .enumerate()
        {
            let k = if i == 0 { *keys } else { "" };
            lines.push(vec![
                (
                    format!("{:<kw$} ", truncate(k, kw, look.ellipsis())),
                    Tone::Key,
                ),
                (l, Tone::Plain),
            ]);
        }
    }
    let max = lines.len().saturating_sub(inner.height as usize);
    let skip = scroll.min(max);
    OverlayView {
        title: "Help (Esc closes)".into(),
        lines: lines.into_iter().skip(skip).collect(),
    }
}
