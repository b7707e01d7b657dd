//! The offer to take up the answers of an earlier session that ended before writing.
use super::super::navigate::go_to;
use super::super::say;
use super::{OverlayView, Tone, ViewLine, plain, toned};
use crate::catalog::Level;
use crate::safe_text::escape;
use crate::wizard::action::{Action, Effect};
use crate::wizard::draft::Draft;
use crate::wizard::layout::Area;
use crate::wizard::profiles;
use crate::wizard::questions::StepKind;
use crate::wizard::resume::ResumeOffer;
use crate::wizard::state::{Mode, WizardState};
use crate::wizard::text::{truncate, wrap};

pub(super) fn update(s: &mut WizardState, offer: &ResumeOffer, action: Action) -> Effect {
    match action {
        Action::Yes | Action::Enter => {
            s.overlay = None;
            take_offer(s, offer);
            Effect::None
        }
        Action::No => {
            s.overlay = None;
            say(
                s,
                Level::Warning,
                "Starting afresh: the earlier answers are discarded.",
            );
            Effect::None
        }
        // Quitting here leaves the kept answers as they are, for another time.
        Action::Quit => Effect::Quit(0),
        _ => Effect::None,
    }
}

/// Puts the answers of an earlier session back; a new host goes on from its profile.
fn take_offer(s: &mut WizardState, offer: &ResumeOffer) {
    let draft = match Draft::parse(s.catalog(), &offer.answers) {
        Ok(d) => d,
        Err(e) => {
            let text = format!(
                "The earlier answers cannot be read ({}); starting afresh.",
                escape(&e.message)
            );
            say(s, Level::Error, text);
            return;
        }
    };
    s.draft = draft;
    s.apply_plan = None;
    if s.mode == Mode::New {
        let all = profiles::all();
        let index = offer
            .profile
            .as_deref()
            .and_then(|name| all.iter().position(|p| p.name == name))
            .or_else(|| all.iter().position(|p| p.name == "custom"))
            .unwrap_or(0);
        s.profile = Some(all[index].name);
        s.focus.insert(StepKind::Start, index);
        if s.step == StepKind::Start {
            go_to(s, StepKind::Host);
        }
    }
    let text = format!("Resumed the answers saved {}.", offer.saved);
    say(s, Level::Warning, text);
}

/// y takes them up, n discards them, q quits (they stay kept for another time).
pub(super) fn letter(c: char) -> Option<Action> {
    match c {
        'y' | 'Y' => Some(Action::Yes),
        'n' | 'N' => Some(Action::No),
        'q' => Some(Action::Quit),
        _ => None,
    }
}

pub(super) fn hints() -> Vec<(&'static str, &'static str)> {
    vec![("y", "resume them"), ("n", "discard them"), ("q", "quit")]
}

/// How many changed keys the offer lists before "and N more".
const RESUME_LINES: usize = 8;

/// High enough for the intro and the changes.
pub(super) fn size(s: &WizardState, offer: &ResumeOffer) -> (u16, u16) {
    // The window's inner width as `centered` makes it, for the intro's lines.
    let inner = 72.min(s.size.0.saturating_sub(4)).max(10) as usize - 2;
    let intro = wrap(&intro(s, offer), inner).len();
    let changes = offer.change_lines(RESUME_LINES).len();
    (72, (intro + changes + 4) as u16)
}

fn intro(s: &WizardState, offer: &ResumeOffer) -> String {
    format!(
        "Answers typed for {} in an earlier session were not written; they were kept {}. \
         Against {}:",
        escape(&s.dir.display().to_string()),
        offer.saved,
        offer.against
    )
}

/// When the answers were saved, what differs, the keys.
pub(super) fn view(s: &WizardState, offer: &ResumeOffer, inner: Area) -> OverlayView {
    let width = inner.width as usize;
    let mut lines: Vec<ViewLine> = wrap(&intro(s, offer), width)
        .into_iter()
        .map(plain)
        .collect();
    for change in offer.change_lines(RESUME_LINES) {
        let line = format!("  {change}");
        lines.push(plain(truncate(&line, width, s.look.ellipsis())));
    }
    lines.push(plain(""));
    lines.push(toned("y resume them   n discard them   q quit", Tone::Key));
    OverlayView {
        title: "Resume your answers?".into(),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::super::fixtures::{run, state};
    use super::*;
    use crate::apply::DirState;
    use crate::catalog::Catalog;
    use crate::wizard::state::Overlay;

    fn offer(answers: &str, profile: Option<&str>) -> ResumeOffer {
        ResumeOffer {
            saved: "5 minutes ago".into(),
            against: "an empty plan".into(),
            changes: Vec::new(),
            answers: answers.into(),
            profile: profile.map(String::from),
        }
    }

    #[test]
    fn an_earlier_session_is_resumed_or_discarded() {
        let text = "schema = 1\n[host]\nhostname = \"kept\"\n";
        let mut s = state(None);
        s.overlay = Some(Overlay::Resume(offer(text, Some("relay-node"))));
        run(&mut s, &[Action::Down, Action::Yes]);
        assert_eq!(s.overlay, None);
        assert_eq!(s.draft.text(), text);
        assert_eq!(
            (s.profile, s.step.clone()),
            (Some("relay-node"), StepKind::Host)
        );
        assert!(s.dirty(), "resumed answers are not written yet");
        assert!(s.message.unwrap().text.contains("saved 5 minutes ago"));

        // No: the state stays as it was started.
        let mut s = state(None);
        s.overlay = Some(Overlay::Resume(offer(text, None)));
        run(&mut s, &[Action::No]);
        assert_eq!((s.overlay.clone(), s.profile), (None, None));
        assert_eq!(s.draft.text(), "schema = 1\n");

        // Quitting at the offer asks nothing and leaves the offer open for the edge.
        let mut s = state(Some("relay-node"));
        s.overlay = Some(Overlay::Resume(offer(text, None)));
        assert_eq!(run(&mut s, &[Action::Quit]), Effect::Quit(0));
        assert!(matches!(s.overlay, Some(Overlay::Resume(_))));

        // Editing a host: the draft's answers stand in for the directory's.
        let draft = profiles::find("relay-node")
            .unwrap()
            .draft(Catalog::embedded());
        let mut s = WizardState::edit_host(PathBuf::from("/x"), DirState::default(), draft);
        s.overlay = Some(Overlay::Resume(offer(text, None)));
        run(&mut s, &[Action::Enter]);
        assert_eq!(
            (s.mode, s.profile, s.step.clone()),
            (Mode::Edit, None, StepKind::Host)
        );
        assert_eq!(s.draft.text(), text);
        assert!(s.dirty());

        // Answers that no longer read are said so; nothing changes.
        let mut s = state(None);
        s.overlay = Some(Overlay::Resume(offer("schema = 99\n", Some("custom"))));
        run(&mut s, &[Action::Enter]);
        assert_eq!((s.profile, s.step.clone()), (None, StepKind::Start));
        assert_eq!(s.message.unwrap().level, Level::Error);
    }
}
