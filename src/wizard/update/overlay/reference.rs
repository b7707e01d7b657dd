//! A setting that points at another service, in a host of a fleet: the fleet's services
//! of the kinds it takes, to choose from rather than type (the answers keep
//! `@<host>/<service>`). A one-value setting takes the chosen one and closes; a list
//! (a PDS's crawlers) toggles each entry and closes at "Done". The last entries type a
//! value by hand instead (a URL outside the fleet).
use super::super::edit::start_edit;
use super::super::form::report_field;
use super::super::quit;
use super::{OverlayView, Tone, list_move, toned};
use crate::fleet::seat::Candidate;
use crate::value::Value;
use crate::wizard::action::{Action, Effect};
use crate::wizard::cursor::ListCursor;
use crate::wizard::questions::edit_text;
use crate::wizard::state::{Overlay, WizardState};

/// The entries after the candidates: a list has "Done" too.
fn extra(list: bool) -> usize {
    if list { 2 } else { 1 }
}

/// The references a list setting holds now.
fn in_list(s: &WizardState, path: &str) -> Vec<String> {
    match s.draft.get(path) {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|i| match i {
                Value::Str(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) fn update(
    s: &mut WizardState,
    path: &str,
    list: bool,
    candidates: &[Candidate],
    selected: usize,
    action: Action,
) -> Effect {
    let n = candidates.len() + extra(list);
    let reopen = |s: &mut WizardState, selected: usize| {
        s.overlay = Some(Overlay::Reference {
            path: path.to_string(),
            list,
            candidates: candidates.to_vec(),
            selected,
        });
    };
    if let Some(moved) = list_move(ListCursor::new(selected, n), &action) {
        reopen(s, moved.index);
        return Effect::None;
    }
    let pick = |s: &mut WizardState, i: usize| {
        s.overlay = None;
        if let Some(c) = candidates.get(i) {
            if list {
                let mut items = in_list(s, path);
                match items.iter().position(|x| *x == c.reference) {
                    Some(at) => {
                        items.remove(at);
                    }
                    None => items.push(c.reference.clone()),
                }
                s.draft.set(
                    path,
                    &Value::List(items.into_iter().map(Value::Str).collect()),
                );
                reopen(s, i);
            } else {
                s.draft.set(path, &Value::Str(c.reference.clone()));
            }
            report_field(s, path);
        } else if i == candidates.len() {
            // Type it: the usual edit of the question.
            if let Some(q) = s.focused_question().filter(|q| q.path == path) {
                let text = edit_text(&s.view(), &q);
                start_edit(s, &q.path, q.kind.clone(), text);
            }
        }
    };
    match action {
        Action::Enter | Action::Toggle => pick(s, selected),
        Action::ClickItem(i) => pick(s, i),
        Action::Quit => {
            s.overlay = None;
            return quit(s);
        }
        _ => s.overlay = None,
    }
    Effect::None
}

pub(super) fn hints(s: &WizardState, list: bool) -> Vec<(&'static str, &'static str)> {
    vec![
        (s.look.up_down(), "choose"),
        ("Enter", if list { "add/remove" } else { "set" }),
        ("Esc", "close"),
    ]
}

/// A row per entry, wide enough for a reference, its label and its URL (the screen
/// narrows it where it must).
pub(super) fn size(candidates: &[Candidate], list: bool) -> (u16, u16) {
    let widest = candidates
        .iter()
        .map(|c| c.reference.chars().count() + c.label.chars().count() + c.url.chars().count())
        .max()
        .unwrap_or(0);
    // Marker, "[x] ", the two spaces and the brackets, the border.
    let width = (widest + 16).clamp(60, 140) as u16;
    (width, (candidates.len() + extra(list)) as u16 + 2)
}

/// Each candidate with its label and URL, the current ones marked.
pub(super) fn view(
    s: &WizardState,
    path: &str,
    list: bool,
    candidates: &[Candidate],
    selected: usize,
) -> OverlayView {
    let look = s.look;
    let now = if list {
        in_list(s, path)
    } else {
        match s.draft.get(path) {
            Some(Value::Str(t)) => vec![t],
            _ => Vec::new(),
        }
    };
    let mut entries: Vec<String> = candidates
        .iter()
        .map(|c| {
            let mark = match (list, now.contains(&c.reference)) {
                (true, true) => "[x] ",
                (true, false) => "[ ] ",
                (false, true) => "(now) ",
                (false, false) => "",
            };
            format!("{mark}{}  {} ({})", c.reference, c.label, c.url)
        })
        .collect();
    entries.push(if list {
        "Type the list by hand (URLs outside the fleet)".into()
    } else {
        "Type a URL by hand (a service outside the fleet)".into()
    });
    if list {
        entries.push("Done".into());
    }
    let lines = entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let marker = if i == selected { look.current() } else { " " };
            let tone = if i == selected {
                Tone::Focus
            } else {
                Tone::Plain
            };
            toned(format!("{marker} {e}"), tone)
        })
        .collect();
    let title = path.rsplit('.').next().unwrap_or(path);
    OverlayView {
        title: format!("{title}: a service of the fleet"),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::DirState;
    use crate::catalog::Catalog;
    use crate::wizard::draft::Draft;
    use crate::wizard::fleet_view::seat;
    use crate::wizard::questions::StepKind;
    use crate::wizard::update::{go_to, update};

    /// Host `name` of the example fleet, open in the wizard with its fleet.
    fn fleet_host(name: &str) -> WizardState {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/fleet");
        let (fleet, _, hosts) = crate::fleet::example();
        let trees: Vec<_> = hosts
            .iter()
            .map(|(n, a)| (n.clone(), a.tree.clone()))
            .collect();
        let (_, answers) = hosts.iter().find(|(n, _)| n == name).unwrap();
        let draft = Draft::parse(Catalog::embedded(), &answers.text)
            .unwrap()
            .in_fleet(seat(&fleet, &trees, name));
        WizardState::edit_host(dir.join("hosts").join(name), DirState::default(), draft)
    }

    fn focus_on(s: &mut WizardState, step: StepKind, path: &str) {
        go_to(s, step);
        let i = s.questions().iter().position(|q| q.path == path).unwrap();
        update(s, Action::ClickItem(i));
    }

    #[test]
    fn a_list_setting_toggles_the_fleets_services_and_a_single_one_takes_one() {
        let mut s = fleet_host("pds1");
        let path = "services.bluesky-pds.settings.crawlers";
        focus_on(&mut s, StepKind::Settings("bluesky-pds".into()), path);
        update(&mut s, Action::Enter);
        let Some(Overlay::Reference {
            list, candidates, ..
        }) = s.overlay.clone()
        else {
            panic!("the fleet's services to choose from: {:?}", s.overlay)
        };
        assert!(list);
        assert_eq!(candidates[0].reference, "@relay1/indigo-relay");
        let list_now = |s: &WizardState| match s.draft.get(path) {
            Some(Value::List(items)) => items,
            other => panic!("{other:?}"),
        };
        // The example already names the relay (and Bluesky's): Enter takes it out,
        // again puts it back; the URL typed by hand stays throughout.
        assert!(list_now(&s).contains(&Value::Str("@relay1/indigo-relay".into())));
        update(&mut s, Action::Enter);
        assert!(!list_now(&s).contains(&Value::Str("@relay1/indigo-relay".into())));
        assert!(list_now(&s).contains(&Value::Str("https://bsky.network".into())));
        assert!(
            matches!(s.overlay, Some(Overlay::Reference { .. })),
            "a list stays open"
        );
        update(&mut s, Action::Enter);
        assert!(list_now(&s).contains(&Value::Str("@relay1/indigo-relay".into())));
        // "Done" closes it.
        update(&mut s, Action::Last);
        update(&mut s, Action::Enter);
        assert!(s.overlay.is_none());
        assert!(!s.draft.has_errors(), "{:?}", s.draft.diagnostics());

        let mut s = fleet_host("microcosm1");
        let path = "services.constellation.settings.jetstream";
        s.draft.set(path, &Value::Str("@relay9/jetstream".into()));
        assert!(s.draft.diagnostics_at(path)[0].is_error());
        focus_on(&mut s, StepKind::Settings("constellation".into()), path);
        update(&mut s, Action::Enter);
        update(&mut s, Action::Enter);
        assert!(s.overlay.is_none(), "a single value closes once chosen");
        assert_eq!(
            s.draft.get(path),
            Some(Value::Str("@relay1/jetstream".into()))
        );
        assert!(s.draft.diagnostics_at(path).is_empty());
        // "Type a URL by hand" starts the usual edit.
        update(&mut s, Action::Enter);
        update(&mut s, Action::Last);
        update(&mut s, Action::Enter);
        assert!(s.overlay.is_none() && s.edit.is_some());
    }
}
