//! What the help pane and the help window say about the current field (or step): a
//! title and paragraphs, from the state.
use super::cursor::ListCursor;
use super::profiles;
use super::questions::{QuestionKind, StepKind, default_value, display_value};
use super::state::{Mode, WizardState};

/// What the help pane (and the top of the help overlay) says about the current field.
pub fn help_text(state: &WizardState) -> (String, Vec<String>) {
    match &state.step {
        StepKind::Start if state.mode == Mode::New => {
            let all = profiles::all();
            let at = ListCursor::clamped(state.focus(), all.len() + state.offers.len()).index;
            match all.get(at) {
                Some(p) => (p.title.to_string(), vec![p.description()]),
                None => {
                    let offer = state.offers[at - all.len()];
                    (offer.title().to_string(), vec![offer.description().to_string()])
                }
            }
        }
        StepKind::Start => (
            "Editing a host".into(),
            vec![format!(
                "Every step is filled in from {}. Change what you want; the Review step shows exactly what will change in each file before anything is written.",
                state.dir.join("atproto.toml").display()
            )],
        ),
        StepKind::Review => (
            "Review".into(),
            vec![
                "Problems first: errors must be fixed before writing, warnings are allowed. Enter on a problem goes to its field. Then a summary of the host, then every file that will change, as a diff.".into(),
            ],
        ),
        StepKind::Write => (
            "Write".into(),
            vec!["Enter writes the files listed, as `atproto-wizard apply` would: every replaced file is backed up first, each file is written atomically. Nothing is written before you press Enter.".into()],
        ),
        StepKind::Done => (
            "Done".into(),
            vec!["The files are written. The commands to run next are listed; nothing has been built or switched yet. p previews the host here: Nix checks its assertions (when Nix is installed) and nixos-rebuild shows what would be built and restarted, or what to run on the host when this is not NixOS. Esc or Ctrl-C cancels it.".into()],
        ),
        _ => match state.focused_question() {
            None => (
                "Nothing to ask".into(),
                vec!["Nothing on this step applies to the plan as it is.".into()],
            ),
            Some(q) => {
                let mut paras = vec![q.help.clone()];
                let mut facts = Vec::new();
                if let Some(d) = default_value(&state.view(), &q.path) {
                    facts.push(format!("Default: {}.", display_value(&d)));
                }
                if let Some(ex) = &q.example {
                    facts.push(format!("Example: {ex}."));
                }
                match &q.kind {
                    QuestionKind::Choice(c) => facts.push(format!("One of: {}.", c.join(", "))),
                    QuestionKind::Int { min, max } => {
                        if let Some(m) = min {
                            facts.push(format!("At least {m}."));
                        }
                        if let Some(m) = max {
                            facts.push(format!("At most {m}."));
                        }
                    }
                    QuestionKind::List => facts.push("Several values: separate them with commas.".into()),
                    _ => {}
                }
                if q.required {
                    facts.push("Required (*).".into());
                }
                if !facts.is_empty() {
                    paras.push(facts.join(" "));
                }
                if let Some(kinds) = fleet_kinds(state, &q.path) {
                    paras.push(format!(
                        "In a fleet, another host's {kinds} can be named \"@<host>/<service>\" (atproto-wizard fleet check)."
                    ));
                }
                paras.push(format!("In atproto.toml: {}", q.path));
                (q.label.clone(), paras)
            }
        },
    }
}

/// The kinds of service a setting can point at (`refers_to`), as words: "relay" or
/// "firehose or relay"; `None` for any other question.
fn fleet_kinds(state: &WizardState, path: &str) -> Option<String> {
    let [_, id, _, key] = path.split('.').collect::<Vec<_>>()[..] else {
        return None;
    };
    let refers = state
        .catalog()
        .service(id)?
        .setting(key)?
        .refers_to
        .as_ref()?;
    let words: Vec<String> = refers
        .kinds
        .iter()
        .filter_map(|k| serde_json::to_value(k).ok()?.as_str().map(String::from))
        .collect();
    Some(words.join(" or "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::DirState;
    use crate::catalog::Catalog;
    use crate::wizard::questions::StepKind;

    #[test]
    fn a_setting_that_points_at_another_service_says_how_a_fleet_names_it() {
        let c = Catalog::embedded();
        let p = profiles::find("community-pds").unwrap();
        let mut s = WizardState::new_host(c, "/tmp/h".into(), DirState::default(), Some(p));
        s.step = StepKind::Settings("bluesky-pds".into());
        let questions = s.questions();
        let at = |key: &str| {
            questions
                .iter()
                .position(|q| q.path == format!("services.bluesky-pds.settings.{key}"))
                .unwrap()
        };
        s.focus.insert(s.step.clone(), at("crawlers"));
        let (_, paras) = help_text(&s);
        assert!(
            paras.iter().any(|p| p
                == "In a fleet, another host's relay can be named \"@<host>/<service>\" (atproto-wizard fleet check)."),
            "{paras:#?}"
        );
        s.focus.insert(s.step.clone(), at("invite_required"));
        let (_, paras) = help_text(&s);
        assert!(
            !paras.iter().any(|p| p.contains("In a fleet")),
            "{paras:#?}"
        );
    }
}
