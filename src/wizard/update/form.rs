//! The question steps (Host, Services, each service's settings, each integration):
//! Enter toggles, opens the choices or starts an edit; d puts a value back.
use super::edit::start_edit;
use super::focus::list_keys;
use super::{Effect, say};
use crate::catalog::Level;
use crate::fleet::seat::referring_field;
use crate::safe_text::escape;
use crate::value::Value;
use crate::wizard::action::Action;
use crate::wizard::questions::{QuestionKind, StepKind, display_value, edit_text};
use crate::wizard::state::{Overlay, WizardState};

pub(super) fn form_step(s: &mut WizardState, action: Action) -> Effect {
    if list_keys(s, &action) {
        return Effect::None;
    }
    let Some(q) = s.focused_question() else {
        return Effect::None;
    };
    match action {
        Action::Enter | Action::Toggle if reference_overlay(s, &q.path, &q.kind) => Effect::None,
        Action::Enter | Action::Toggle => {
            match &q.kind {
                QuestionKind::Bool => {
                    let now = s.draft.get(&q.path) == Some(Value::Bool(true));
                    s.draft.set(&q.path, &Value::Bool(!now));
                    if !now && s.step == StepKind::Services {
                        give_own_domain(s, &q.path);
                    }
                    report_field(s, &q.path);
                }
                QuestionKind::Choice(choices) => {
                    let current = s.draft.get(&q.path).map(|v| display_value(&v));
                    let selected = choices
                        .iter()
                        .position(|c| Some(c) == current.as_ref())
                        .unwrap_or(0);
                    s.overlay = Some(Overlay::Choice {
                        path: q.path.clone(),
                        choices: choices.clone(),
                        selected,
                    });
                }
                _ => start_edit(s, &q.path, q.kind.clone(), edit_text(&s.view(), &q)),
            }
            Effect::None
        }
        Action::Reset => {
            if q.path.ends_with(".enable") && q.path.starts_with("services.") {
                say(
                    s,
                    Level::Warning,
                    "Enter or Space turns a service on or off.",
                );
            } else if s.draft.is_written(&q.path) {
                s.draft.clear(&q.path);
                say(
                    s,
                    Level::Warning,
                    format!("{} is back to its default.", q.path),
                );
            }
            Effect::None
        }
        _ => Effect::None,
    }
}

/// In a host of a fleet, a setting that points at another service opens the list of
/// the fleet's services it may name (`true`); elsewhere it is typed as usual.
fn reference_overlay(s: &mut WizardState, path: &str, kind: &QuestionKind) -> bool {
    let catalog = s.catalog();
    let (Some(seat), Some(field)) = (s.draft.seat(), referring_field(catalog, path)) else {
        return false;
    };
    let candidates = seat.candidates(catalog, s.draft.tree(), field);
    let list = *kind == QuestionKind::List;
    let current: Vec<String> = match s.draft.get(path) {
        Some(Value::Str(t)) => vec![t],
        Some(Value::List(items)) => items.iter().map(display_value).collect(),
        _ => Vec::new(),
    };
    let selected = candidates
        .iter()
        .position(|c| current.contains(&c.reference))
        .unwrap_or(0);
    s.overlay = Some(Overlay::Reference {
        path: path.to_string(),
        list,
        candidates,
        selected,
    });
    true
}

/// A service just turned on that the proxy would serve at a name another enabled
/// service already has gets `<id>.<host.domain>` instead, and the operator is told:
/// the same name the `domain-clash` diagnostic would suggest, without the error.
fn give_own_domain(s: &mut WizardState, enable_path: &str) {
    let Some(id) = enable_path
        .strip_prefix("services.")
        .and_then(|p| p.strip_suffix(".enable"))
    else {
        return;
    };
    let path = format!("services.{id}.domain");
    let clash = s
        .draft
        .diagnostics_at(&path)
        .iter()
        .any(|d| d.code == "domain-clash");
    let host = s
        .draft
        .get("host.domain")
        .filter(|v| Value::is_set(Some(v)));
    if let (true, Some(host)) = (clash, host) {
        let name = format!("{id}.{host}");
        s.draft.set(&path, &Value::Str(name.clone()));
        let title = s
            .catalog()
            .service(id)
            .map_or(id.to_string(), |c| c.title.clone());
        say(
            s,
            Level::Warning,
            format!("{title} will be served at {name} (its own name; change it in its settings)."),
        );
    }
}

/// After a change: an error at the field goes to the message line too.
pub(super) fn report_field(s: &mut WizardState, path: &str) {
    if let Some(d) = s.draft.diagnostics_at(path).first()
        && d.level == Level::Error
    {
        let text = format!("{}: {}", escape(path), escape(&d.message));
        say(s, Level::Error, text);
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{run, state};
    use super::*;
    use crate::wizard::update::go_to;

    #[test]
    fn turning_a_service_on_adds_its_step_and_its_own_domain() {
        let mut s = state(Some("community-pds"));
        go_to(&mut s, StepKind::Services);
        let i = s
            .questions()
            .iter()
            .position(|q| q.path == "services.constellation.enable")
            .unwrap();
        run(&mut s, &[Action::ClickItem(i), Action::Toggle]);
        assert!(
            s.steps()
                .iter()
                .any(|st| st.kind == StepKind::Settings("constellation".into()))
        );
        assert_eq!(
            s.draft.get("services.constellation.domain"),
            Some(Value::Str("constellation.pds.example.com".into()))
        );
        assert!(!s.draft.has_errors(), "{:?}", s.draft.diagnostics());
        run(&mut s, &[Action::Toggle]);
        assert!(!s.view().is_enabled("constellation"));
    }
}
