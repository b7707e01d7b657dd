//! The Write step (Enter writes, unless errors or a refusal stand in the way) and what
//! came of writing.
use super::navigate::go_to;
use super::{Effect, say};
use crate::catalog::Level;
use crate::wizard::action::Action;
use crate::wizard::draft::Draft;
use crate::wizard::questions::StepKind;
use crate::wizard::state::{WizardState, WriteOutcome};

pub(super) fn write_step(s: &mut WizardState, action: Action) -> Effect {
    if action != Action::Enter {
        return Effect::None;
    }
    let errors = s
        .draft
        .diagnostics()
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    if errors > 0 {
        say(
            s,
            Level::Error,
            format!(
                "{errors} error{} must be fixed first: the Review step lists them.",
                if errors == 1 { "" } else { "s" }
            ),
        );
        return Effect::None;
    }
    if s.apply_plan
        .as_ref()
        .is_some_and(|p| !p.refusals.is_empty())
    {
        say(
            s,
            Level::Error,
            "apply refuses to change some files (see above): nothing can be written.",
        );
        return Effect::None;
    }
    Effect::Write
}

pub(super) fn written(s: &mut WizardState, outcome: WriteOutcome) {
    match &outcome {
        WriteOutcome::Written { answers_text, .. } => {
            if let Ok(d) = Draft::parse(s.catalog(), answers_text) {
                // A fleet's host stays checked with its fleet.
                s.draft = match s.draft.seat() {
                    Some(seat) => d.in_fleet(seat.clone()),
                    None => d,
                };
            }
            s.saved_text = Some(s.draft.text().to_string());
            s.apply_plan = None;
            s.outcome = Some(outcome);
            go_to(s, StepKind::Done);
        }
        WriteOutcome::NothingToDo { .. } => {
            s.saved_text = Some(s.draft.text().to_string());
            s.outcome = Some(outcome);
            go_to(s, StepKind::Done);
        }
        WriteOutcome::Refused(_) => {
            s.outcome = Some(outcome);
            say(s, Level::Error, "Nothing was written: see why above.");
        }
        WriteOutcome::Failed(m) => {
            let text = format!("Writing failed: {m}");
            s.outcome = Some(outcome);
            say(s, Level::Error, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{run, state};
    use super::*;
    use crate::value::Value;
    use crate::wizard::state::Overlay;
    use crate::wizard::update::go_to;

    #[test]
    fn choices_and_writing() {
        let mut s = state(Some("relay-node"));
        go_to(&mut s, StepKind::Integration("proxy".into()));
        run(&mut s, &[Action::Enter]);
        assert!(matches!(s.overlay, Some(Overlay::Choice { .. })));
        run(&mut s, &[Action::Down, Action::Enter]);
        assert_eq!(
            s.draft.get("integrations.proxy.kind"),
            Some(Value::Str("caddy".into()))
        );
        go_to(&mut s, StepKind::Write);
        assert_eq!(run(&mut s, &[Action::Enter]), Effect::Write);
        // With an error, Write says why and asks for nothing.
        s.draft.clear("host.hostname");
        go_to(&mut s, StepKind::Write);
        assert_eq!(run(&mut s, &[Action::Enter]), Effect::None);
        assert_eq!(s.message.as_ref().unwrap().level, Level::Error);
        assert_eq!(run(&mut s, &[Action::NextStep]), Effect::None);
        assert_eq!(s.step, StepKind::Write, "Done needs the files written");
    }
}
