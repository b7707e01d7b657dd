//! Editing a value in place: typing, pasting, moving the cursor; validated as it is
//! typed, kept by Enter, put back by Esc.
use super::focus::move_focus;
use super::form::report_field;
use super::{Effect, quit, say, update};
use crate::catalog::Level;
use crate::value::Value;
use crate::wizard::action::Action;
use crate::wizard::cursor::ListCursor;
use crate::wizard::questions::{QuestionKind, parse_answer};
use crate::wizard::state::{EditBuffer, Overlay, WizardState};

pub(super) fn start_edit(s: &mut WizardState, path: &str, kind: QuestionKind, text: String) {
    s.edit = Some(EditBuffer {
        path: path.to_string(),
        kind,
        cursor: text.chars().count(),
        text,
        error: None,
        snapshot: s.draft.snapshot(),
    });
}

pub(super) fn editing(s: &mut WizardState, action: Action) -> Effect {
    match action {
        Action::Type(c) => insert(s, c.encode_utf8(&mut [0; 4])),
        Action::Paste(text) => insert(s, &text),
        Action::Backspace => {
            let e = s.edit.as_mut().expect("editing");
            if e.cursor > 0 {
                let at = byte_at(&e.text, e.cursor - 1);
                e.text.remove(at);
                e.cursor -= 1;
                retype(s);
            }
        }
        Action::DeleteChar => {
            let e = s.edit.as_mut().expect("editing");
            if e.cursor < e.text.chars().count() {
                let at = byte_at(&e.text, e.cursor);
                e.text.remove(at);
                retype(s);
            }
        }
        Action::ClearLine => {
            let e = s.edit.as_mut().expect("editing");
            e.text.clear();
            e.cursor = 0;
            retype(s);
        }
        Action::CursorLeft => {
            let e = s.edit.as_mut().expect("editing");
            e.cursor = e.cursor.saturating_sub(1);
        }
        Action::CursorRight => {
            let e = s.edit.as_mut().expect("editing");
            e.cursor = (e.cursor + 1).min(e.text.chars().count());
        }
        Action::CursorHome => s.edit.as_mut().expect("editing").cursor = 0,
        Action::CursorEnd => {
            let e = s.edit.as_mut().expect("editing");
            e.cursor = e.text.chars().count();
        }
        Action::Back => cancel_edit(s),
        // A value that does not read stays in the editor (commit_edit says why).
        Action::Enter | Action::Down if commit_edit(s) => move_focus(s, ListCursor::down),
        Action::Up if commit_edit(s) => move_focus(s, ListCursor::up),
        Action::ClickStep(_) | Action::ClickItem(_) => {
            if !commit_edit(s) {
                cancel_edit(s);
            }
            return update(s, action);
        }
        Action::Quit => {
            cancel_edit(s);
            return quit(s);
        }
        Action::Help => s.overlay = Some(Overlay::Help { scroll: 0 }),
        _ => {}
    }
    Effect::None
}

fn byte_at(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

/// Typed or pasted text goes in at the cursor, without control characters (a pasted
/// line break, a tab), and the plan is validated once for all of it.
fn insert(s: &mut WizardState, text: &str) {
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    if text.is_empty() {
        return;
    }
    let e = s.edit.as_mut().expect("editing");
    let at = byte_at(&e.text, e.cursor);
    e.text.insert_str(at, &text);
    e.cursor += text.chars().count();
    retype(s);
}

/// Validation as the operator types: the text goes into the plan when it reads as a
/// value, and the whole plan is validated again.
fn retype(s: &mut WizardState) {
    let e = s.edit.as_mut().expect("editing");
    match parse_answer(&e.kind, &e.text) {
        Ok(v) => {
            e.error = None;
            let path = e.path.clone();
            if matches!(&v, Value::Str(t) if t.is_empty()) {
                s.draft.clear(&path);
            } else {
                s.draft.set(&path, &v);
            }
        }
        Err(m) => e.error = Some(m),
    }
}

fn commit_edit(s: &mut WizardState) -> bool {
    let e = s.edit.as_ref().expect("editing");
    if let Some(err) = &e.error {
        let text = format!("{}: {err} (Esc cancels the edit)", e.path);
        say(s, Level::Error, text);
        return false;
    }
    let path = e.path.clone();
    s.edit = None;
    report_field(s, &path);
    true
}

fn cancel_edit(s: &mut WizardState) {
    if let Some(e) = s.edit.take() {
        s.draft.restore(e.snapshot);
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{run, state, typed};
    use super::*;
    use crate::wizard::questions::StepKind;
    use crate::wizard::update::go_to;

    #[test]
    fn esc_cancels_an_edit_then_goes_back() {
        let mut s = state(Some("community-pds"));
        let before = s.draft.text().to_string();
        run(&mut s, &[Action::Enter, Action::ClearLine]);
        run(&mut s, &typed("other"));
        assert_eq!(
            s.draft.get("host.hostname"),
            Some(Value::Str("other".into()))
        );
        run(&mut s, &[Action::Back]);
        assert!(s.edit.is_none());
        assert_eq!(
            s.draft.text(),
            before,
            "the file is exactly as before the edit"
        );
        run(&mut s, &[Action::Back]);
        assert_eq!(s.step, StepKind::Start);
        run(&mut s, &[Action::Back]);
        assert_eq!(s.step, StepKind::Start);
        assert!(s.message.as_ref().unwrap().text.contains("first step"));
    }

    #[test]
    fn a_paste_goes_in_at_the_cursor_at_once_and_esc_still_cancels_it() {
        let mut s = state(Some("community-pds"));
        let before = s.draft.text().to_string();
        run(&mut s, &[Action::Enter, Action::ClearLine]);
        run(&mut s, &typed("pds"));
        run(&mut s, &[Action::CursorHome]);
        // Line breaks and tabs in a paste are not part of a value.
        run(&mut s, &[Action::Paste("my-\r\n\t".into())]);
        assert_eq!(s.edit.as_ref().unwrap().text, "my-pds");
        assert_eq!(s.edit.as_ref().unwrap().cursor, 3);
        let huge = "a".repeat(10_000);
        run(&mut s, &[Action::CursorEnd, Action::Paste(huge.clone())]);
        assert_eq!(s.edit.as_ref().unwrap().text, format!("my-pds{huge}"));
        run(&mut s, &[Action::Back]);
        assert!(s.edit.is_none());
        assert_eq!(s.draft.text(), before, "Esc put the file back as it was");
        // Suspending changes nothing; the edge does it.
        assert_eq!(update(&mut s, Action::Suspend), Effect::Suspend);
        assert_eq!(s.draft.text(), before);
    }

    #[test]
    fn validation_runs_as_the_operator_types() {
        let mut s = state(Some("community-pds"));
        run(&mut s, &[Action::Down, Action::Enter, Action::ClearLine]);
        run(&mut s, &typed("Bad.Name"));
        assert_eq!(s.draft.diagnostics_at("host.domain")[0].code, "field");
        run(&mut s, &[Action::ClearLine]);
        run(&mut s, &typed("pds.mine.org"));
        assert!(s.draft.diagnostics_at("host.domain").is_empty());
        // The PDS hostname follows the host's domain as it is typed.
        assert_eq!(
            s.draft.get("services.bluesky-pds.settings.hostname"),
            Some(Value::Str("pds.mine.org".into()))
        );
        run(&mut s, &[Action::Enter]);
        // A port that does not read stays in the editor with the reason.
        go_to(&mut s, StepKind::Settings("bluesky-pds".into()));
        let i = s
            .questions()
            .iter()
            .position(|q| q.path == "services.bluesky-pds.ports.http")
            .unwrap();
        s.focus.insert(s.step.clone(), i);
        run(&mut s, &[Action::Enter, Action::Type('x')]);
        assert!(s.edit.as_ref().unwrap().error.is_some());
        run(&mut s, &[Action::Enter]);
        assert!(
            s.edit.is_some(),
            "Enter does not keep a value that does not read"
        );
        assert_eq!(s.message.as_ref().unwrap().level, Level::Error);
        run(&mut s, &[Action::Back]);
        assert_eq!(
            s.draft.get("services.bluesky-pds.ports.http"),
            Some(Value::Int(3000))
        );
    }

    #[test]
    fn a_port_clash_shows_at_the_port_as_it_is_typed() {
        let mut s = state(Some("community-pds"));
        go_to(&mut s, StepKind::Integration("monitoring".into()));
        let i = s
            .questions()
            .iter()
            .position(|q| q.path == "integrations.monitoring.grafana_port")
            .unwrap();
        s.focus.insert(s.step.clone(), i);
        run(&mut s, &[Action::Enter, Action::ClearLine]);
        run(&mut s, &typed("3000"));
        assert_eq!(
            s.draft
                .diagnostics_at("integrations.monitoring.grafana_port")[0]
                .code,
            "port-clash"
        );
    }
}
