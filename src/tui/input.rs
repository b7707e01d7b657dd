//! Terminal events to [`Action`]s, and the key hints for the bar at the bottom. The
//! same key means different things while editing a value, in an overlay, or on a list:
//! the state says which.
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::form;
use super::theme::Theme;
use crate::wizard::action::Action;
use crate::wizard::layout::{list_start, panes};
use crate::wizard::questions::{QuestionKind, StepKind};
use crate::wizard::state::{Mode, WizardState};
use crate::wizard::update::overlay;

/// The action for a terminal event, if any.
pub fn map_event(state: &WizardState, event: &Event) -> Option<Action> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => map_key(state, k),
        Event::Mouse(m) => map_mouse(state, m),
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        // A paste is text for the field being edited; elsewhere it means nothing.
        Event::Paste(text) if state.edit.is_some() && state.overlay.is_none() => {
            Some(Action::Paste(text.clone()))
        }
        _ => None,
    }
}

fn map_key(state: &WizardState, k: &KeyEvent) -> Option<Action> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let previewing = state.preview.as_ref().is_some_and(|p| p.running);
    if previewing
        && state.overlay.is_none()
        && (k.code == KeyCode::Esc || (ctrl && k.code == KeyCode::Char('c')))
    {
        return Some(Action::CancelPreview);
    }
    let checking =
        state.step == StepKind::Review && state.probes.as_ref().is_some_and(|p| p.running);
    if checking
        && state.overlay.is_none()
        && state.edit.is_none()
        && (k.code == KeyCode::Esc || (ctrl && k.code == KeyCode::Char('c')))
    {
        return Some(Action::CancelProbe);
    }
    if ctrl && matches!(k.code, KeyCode::Char('c')) {
        return Some(Action::Quit);
    }
    // Raw mode turns off the terminal's own Ctrl-Z: do what it would.
    if ctrl && matches!(k.code, KeyCode::Char('z')) {
        return Some(Action::Suspend);
    }
    if let Some(open) = &state.overlay {
        return Some(match k.code {
            KeyCode::Up | KeyCode::BackTab | KeyCode::Char('k') => Action::Up,
            KeyCode::Down | KeyCode::Tab | KeyCode::Char('j') => Action::Down,
            KeyCode::Home => Action::First,
            KeyCode::End => Action::Last,
            KeyCode::PageUp => Action::PageUp,
            KeyCode::PageDown => Action::PageDown,
            KeyCode::Enter => Action::Enter,
            // The overlay's own letters (y/n, a choice's first letter); else Space
            // toggles and any other key closes the window.
            KeyCode::Char(c) => overlay::letter(open, c).unwrap_or(if c == ' ' {
                Action::Toggle
            } else {
                Action::Back
            }),
            _ => Action::Back,
        });
    }
    if state.edit.is_some() {
        // Nothing here uses Alt: an Alt key while editing is an Esc that arrived glued
        // to the next key, and Esc always cancels the edit.
        if k.modifiers.contains(KeyModifiers::ALT) {
            return Some(Action::Back);
        }
        return match k.code {
            KeyCode::Char('u') if ctrl => Some(Action::ClearLine),
            KeyCode::Char('a') if ctrl => Some(Action::CursorHome),
            KeyCode::Char('e') if ctrl => Some(Action::CursorEnd),
            KeyCode::Char(c) if !ctrl => Some(Action::Type(c)),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Delete => Some(Action::DeleteChar),
            KeyCode::Left => Some(Action::CursorLeft),
            KeyCode::Right => Some(Action::CursorRight),
            KeyCode::Home => Some(Action::CursorHome),
            KeyCode::End => Some(Action::CursorEnd),
            KeyCode::Enter => Some(Action::Enter),
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Up | KeyCode::BackTab => Some(Action::Up),
            KeyCode::Down | KeyCode::Tab => Some(Action::Down),
            _ => None,
        };
    }
    let review = state.step == StepKind::Review;
    match k.code {
        KeyCode::Up | KeyCode::BackTab | KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Down | KeyCode::Tab | KeyCode::Char('j') => Some(Action::Down),
        KeyCode::Home => Some(Action::First),
        KeyCode::End => Some(Action::Last),
        KeyCode::Left | KeyCode::PageUp => Some(Action::PrevStep),
        KeyCode::Right | KeyCode::PageDown => Some(Action::NextStep),
        KeyCode::Enter => Some(Action::Enter),
        KeyCode::Char(' ') if review => Some(Action::PageDown),
        KeyCode::Char('b') if review => Some(Action::PageUp),
        KeyCode::Char(' ') => Some(Action::Toggle),
        KeyCode::Esc => Some(Action::Back),
        KeyCode::Char('?') => Some(Action::Help),
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Char('g') => Some(Action::JumpList),
        KeyCode::Char('r') => Some(Action::ToReview),
        KeyCode::Char('p') if state.step == StepKind::Done => Some(Action::Preview),
        KeyCode::Char('c') if review => Some(Action::Probe),
        KeyCode::Char('d') | KeyCode::Delete => Some(Action::Reset),
        // Letters are commands here; typing a value starts with Enter.
        _ => None,
    }
}

fn map_mouse(state: &WizardState, m: &MouseEvent) -> Option<Action> {
    let (x, y) = (m.column, m.row);
    match m.kind {
        MouseEventKind::ScrollUp => return Some(Action::ScrollUp),
        MouseEventKind::ScrollDown => return Some(Action::ScrollDown),
        MouseEventKind::Down(MouseButton::Left) => {}
        _ => return None,
    }
    if state.overlay.is_some() {
        // Only a list overlay's rows take clicks.
        let list = overlay::list_area(state)?;
        return list
            .contains(x, y)
            .then(|| Action::ClickItem((y - list.y) as usize));
    }
    let p = panes(state.size, &state.step);
    let steps = p.steps.inner();
    if steps.contains(x, y) {
        let n = state.steps().len();
        let start = list_start(&vec![1; n], state.step_index(), steps.height as usize);
        let i = start + (y - steps.y) as usize;
        return (i < n).then_some(Action::ClickStep(i));
    }
    let main = p.main.inner();
    if !main.contains(x, y) {
        return None;
    }
    let row = (y - main.y) as usize;
    match &state.step {
        StepKind::Start if state.mode == Mode::New => Some(Action::ClickItem(row)),
        StepKind::Review => Some(Action::ClickItem(row)),
        StepKind::Start | StepKind::Write | StepKind::Done => None,
        step => {
            let top = form::header_height(step) as usize;
            let row = row.checked_sub(top)?;
            let questions = state.questions();
            let theme = Theme::new(state.look);
            let rows = form::rows(state, &questions, main.width, &theme);
            let height = main.height.saturating_sub(top as u16);
            let first = form::first_shown(&rows, state.focus(), height);
            let mut at = 0;
            for (i, r) in rows.iter().enumerate().skip(first) {
                at += r.lines.len();
                if row < at {
                    return Some(Action::ClickItem(i));
                }
            }
            None
        }
    }
}

/// The key hints for the bar: (key, what), for what the state shows now.
pub fn hints(state: &WizardState) -> Vec<(&'static str, &'static str)> {
    let ud = state.look.up_down();
    let lr = state.look.left_right();
    if let Some(open) = &state.overlay {
        return overlay::hints(state, open);
    }
    if state.edit.is_some() {
        return vec![
            ("Enter", "keep"),
            ("Esc", "cancel"),
            ("Tab", "keep, next"),
            ("Ctrl-U", "clear"),
            ("?", "help"),
        ];
    }
    match &state.step {
        StepKind::Start if state.mode == Mode::New => vec![
            (ud, "choose"),
            ("Enter", "use this profile"),
            ("?", "help"),
            ("q", "quit"),
        ],
        StepKind::Start => vec![
            ("Enter", "begin"),
            (lr, "step"),
            ("?", "help"),
            ("q", "quit"),
        ],
        StepKind::Services => vec![
            (ud, "move"),
            ("Space", "on/off"),
            (lr, "step"),
            ("?", "help"),
            ("q", "quit"),
        ],
        StepKind::Review if state.probes.as_ref().is_some_and(|p| p.running) => vec![
            (ud, "problems"),
            ("Esc", "cancel checks"),
            (lr, "step"),
            ("q", "quit"),
        ],
        StepKind::Review => vec![
            (ud, "problems"),
            ("c", "check"),
            ("Enter", "fix"),
            ("Space/b", "page"),
            (lr, "step"),
            ("q", "quit"),
        ],
        StepKind::Write => vec![("Enter", "write"), ("Esc", "back"), ("q", "quit")],
        StepKind::Done if state.preview.as_ref().is_some_and(|p| p.running) => vec![
            (ud, "scroll"),
            ("Esc/Ctrl-C", "cancel the preview"),
            ("q", "quit"),
        ],
        StepKind::Done if state.preview.as_ref().is_some_and(|p| p.open) => vec![
            (ud, "scroll"),
            ("p", "preview again"),
            ("Esc", "next steps"),
            ("Enter", "quit"),
        ],
        StepKind::Done => vec![
            ("p", "preview"),
            (ud, "scroll"),
            ("Enter", "quit"),
            ("Esc", "back"),
        ],
        _ => {
            let enter = match state.focused_question().map(|q| q.kind) {
                Some(QuestionKind::Bool) => "toggle",
                Some(QuestionKind::Choice(_)) => "choose",
                _ => "edit",
            };
            vec![
                (ud, "move"),
                ("Enter", enter),
                ("d", "default"),
                (lr, "step"),
                ("?", "help"),
                ("q", "quit"),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crossterm::event::{KeyEventState, MouseEvent};

    use super::*;
    use crate::apply::DirState;
    use crate::catalog::Catalog;
    use crate::wizard::profiles;

    fn state() -> WizardState {
        WizardState::new_host(
            Catalog::embedded(),
            PathBuf::from("/x"),
            DirState::default(),
            profiles::find("community-pds"),
        )
    }

    fn click(x: u16, y: u16) -> Event {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    }

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent {
            code,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        })
    }

    #[test]
    fn clicks_land_on_the_step_or_question_drawn_there() {
        let s = state();
        let p = panes(s.size, &s.step);
        let steps = p.steps.inner();
        assert_eq!(
            map_event(&s, &click(steps.x + 2, steps.y + 3)),
            Some(Action::ClickStep(3))
        );
        let main = p.main.inner();
        assert_eq!(
            map_event(&s, &click(main.x + 4, main.y + 2)),
            Some(Action::ClickItem(2))
        );
        // Below the last question: nothing.
        assert_eq!(
            map_event(&s, &click(main.x + 4, main.y + main.height - 1)),
            None
        );
        let wheel = Event::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: main.x,
            row: main.y,
            modifiers: KeyModifiers::NONE,
        });
        assert_eq!(map_event(&s, &wheel), Some(Action::ScrollDown));
    }

    #[test]
    fn letters_are_commands_unless_editing() {
        let mut s = state();
        assert_eq!(map_event(&s, &key(KeyCode::Char('q'))), Some(Action::Quit));
        assert_eq!(map_event(&s, &key(KeyCode::Char('?'))), Some(Action::Help));
        assert_eq!(map_event(&s, &key(KeyCode::Right)), Some(Action::NextStep));
        assert_eq!(map_event(&s, &key(KeyCode::BackTab)), Some(Action::Up));
        crate::wizard::update::update(&mut s, Action::Enter);
        assert!(s.edit.is_some());
        assert_eq!(
            map_event(&s, &key(KeyCode::Char('q'))),
            Some(Action::Type('q'))
        );
        assert_eq!(
            map_event(&s, &key(KeyCode::Right)),
            Some(Action::CursorRight)
        );
        assert_eq!(map_event(&s, &key(KeyCode::Esc)), Some(Action::Back));
        let ctrl_c = Event::Key(KeyEvent {
            code: KeyCode::Char('c'),
            modifiers: KeyModifiers::CONTROL,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        });
        assert_eq!(map_event(&s, &ctrl_c), Some(Action::Quit));
    }

    #[test]
    fn pastes_go_to_the_edit_ctrl_z_suspends_and_esc_glued_to_a_key_still_cancels() {
        let mut s = state();
        let paste = Event::Paste("pds1".into());
        assert_eq!(
            map_event(&s, &paste),
            None,
            "not editing: nothing to paste into"
        );
        let ctrl_z = Event::Key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
        assert_eq!(map_event(&s, &ctrl_z), Some(Action::Suspend));
        crate::wizard::update::update(&mut s, Action::Enter);
        assert_eq!(map_event(&s, &paste), Some(Action::Paste("pds1".into())));
        assert_eq!(map_event(&s, &ctrl_z), Some(Action::Suspend));
        let alt_x = Event::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT));
        assert_eq!(map_event(&s, &alt_x), Some(Action::Back));
    }

    #[test]
    fn in_an_overlay_letters_mean_what_that_overlay_says() {
        use crate::wizard::state::Overlay;
        let mut s = state();
        let press = |s: &WizardState, c: char| map_event(s, &key(KeyCode::Char(c)));
        s.overlay = Some(Overlay::ConfirmQuit);
        assert_eq!(press(&s, 'Y'), Some(Action::Yes));
        assert_eq!(press(&s, 'q'), Some(Action::No), "q does not quit here");
        assert_eq!(press(&s, 'k'), Some(Action::Up));
        s.overlay = Some(Overlay::Help { scroll: 0 });
        assert_eq!(press(&s, ' '), Some(Action::PageDown));
        assert_eq!(press(&s, 'q'), Some(Action::Back));
        s.overlay = Some(Overlay::Choice {
            path: "integrations.proxy.kind".into(),
            choices: vec!["caddy".into(), "nginx".into()],
            selected: 0,
        });
        assert_eq!(press(&s, 'n'), Some(Action::Type('n')));
        assert_eq!(press(&s, 'j'), Some(Action::Down), "j and k still move");
        assert_eq!(press(&s, ' '), Some(Action::Toggle));
        s.overlay = Some(Overlay::Jump { selected: 0 });
        assert_eq!(
            press(&s, 'x'),
            Some(Action::Back),
            "any other key closes it"
        );
        assert_eq!(map_event(&s, &key(KeyCode::Esc)), Some(Action::Back));
    }
}
