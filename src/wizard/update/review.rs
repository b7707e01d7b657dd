//! The Review step: the problems (Up/Down between them, Enter to the field, d removes
//! an unknown key or an inline secret) over the summary and the diff.
use super::navigate::{go_to, refresh_apply_plan, step_by};
use super::{Effect, say};
use crate::catalog::Level;
use crate::wizard::action::Action;
use crate::wizard::layout::panes;
use crate::wizard::lines::ReviewLine;
use crate::wizard::probes::ProbePane;
use crate::wizard::questions::StepKind;
use crate::wizard::review::{first_target, review_lines};
use crate::wizard::state::WizardState;

/// The review document at the current width.
pub fn lines_now(s: &WizardState) -> Vec<ReviewLine> {
    let main = panes(s.size, &StepKind::Review).main.inner();
    review_lines(s, main.width as usize)
}

fn review_height(s: &WizardState) -> usize {
    panes(s.size, &StepKind::Review).main.inner().height.max(1) as usize
}

pub(super) fn clamp_review(s: &mut WizardState) {
    if s.step != StepKind::Review {
        return;
    }
    let n = lines_now(s).len();
    let max = n.saturating_sub(review_height(s));
    s.review_scroll = s.review_scroll.min(max);
}

/// First lines of the problems (each problem spans its wrapped lines and its path).
fn problem_starts(lines: &[ReviewLine]) -> Vec<usize> {
    (0..lines.len())
        .filter(|&i| {
            lines[i].target.is_some() && (i == 0 || lines[i - 1].target != lines[i].target)
        })
        .collect()
}

fn block_end(lines: &[ReviewLine], start: usize) -> usize {
    let mut end = start;
    while end + 1 < lines.len() && lines[end + 1].target == lines[start].target {
        end += 1;
    }
    end
}

pub(super) fn review_step(s: &mut WizardState, action: Action) -> Effect {
    if action == Action::Probe {
        if s.probes.as_ref().is_some_and(|p| p.running) {
            say(
                s,
                Level::Warning,
                "The checks are running: Esc cancels them.",
            );
            return Effect::None;
        }
        s.probes = Some(ProbePane::started());
        say(
            s,
            Level::Warning,
            "Checking this machine in the background; writing does not wait for it.",
        );
        return Effect::StartProbes;
    }
    let lines = lines_now(s);
    let height = review_height(s);
    let max = lines.len().saturating_sub(height);
    let starts = problem_starts(&lines);
    let show = |s: &mut WizardState, start: usize| {
        s.review_cursor = start;
        let end = block_end(&lines, start);
        if start < s.review_scroll {
            s.review_scroll = start;
        } else if end >= s.review_scroll + height {
            s.review_scroll = (end + 1 - height).min(start);
        }
    };
    let cursor_visible = |s: &WizardState| {
        s.review_cursor >= s.review_scroll && s.review_cursor < s.review_scroll + height
    };
    match action {
        Action::Down => match starts.iter().find(|&&i| i > s.review_cursor) {
            Some(&next) if cursor_visible(s) || next >= s.review_scroll => show(s, next),
            _ => s.review_scroll = (s.review_scroll + 1).min(max),
        },
        Action::Up => {
            let prev = starts.iter().rev().find(|&&i| i < s.review_cursor).copied();
            if !cursor_visible(s) && s.review_scroll > s.review_cursor {
                s.review_scroll -= 1;
            } else if let Some(prev) = prev {
                show(s, prev);
            } else {
                s.review_scroll = s.review_scroll.saturating_sub(1);
            }
        }
        Action::ScrollDown => s.review_scroll = (s.review_scroll + 3).min(max),
        Action::ScrollUp => s.review_scroll = s.review_scroll.saturating_sub(3),
        Action::PageDown | Action::Toggle => {
            s.review_scroll = (s.review_scroll + height.saturating_sub(1).max(1)).min(max)
        }
        Action::PageUp => {
            s.review_scroll = s
                .review_scroll
                .saturating_sub(height.saturating_sub(1).max(1))
        }
        Action::First => {
            s.review_scroll = 0;
            s.review_cursor = first_target(&lines);
        }
        Action::Last => s.review_scroll = max,
        Action::ClickItem(row) => {
            let i = s.review_scroll + row;
            if let Some(&start) = starts.iter().rev().find(|&&st| st <= i)
                && block_end(&lines, start) >= i
            {
                s.review_cursor = start;
            }
        }
        Action::Enter => {
            let target = lines
                .get(s.review_cursor)
                .filter(|_| cursor_visible(s))
                .and_then(|l| l.target.clone());
            match target {
                Some(path) => jump_to(s, &path),
                None if starts.is_empty() => step_by(s, 1),
                None => say(
                    s,
                    Level::Warning,
                    "Select a problem with Up/Down, then Enter.",
                ),
            }
        }
        Action::Reset => {
            // Unknown keys and inline secrets can be removed from here.
            let target = lines.get(s.review_cursor).and_then(|l| l.target.clone());
            if let Some(path) = target {
                let removable = s
                    .draft
                    .diagnostics_at(&path)
                    .iter()
                    .any(|d| d.code == "unknown-key" || d.code == "inline-secret");
                if removable {
                    s.draft.clear(&path);
                    refresh_apply_plan(s);
                    let lines = lines_now(s);
                    s.review_cursor = first_target(&lines);
                    clamp_review(s);
                    say(
                        s,
                        Level::Warning,
                        format!("Removed {path} from the answers."),
                    );
                } else {
                    say(s, Level::Warning, "Enter goes to the field to change it.");
                }
            }
        }
        _ => {}
    }
    Effect::None
}

/// Goes to the step and question of an answers path (from a review problem).
pub fn jump_to(s: &mut WizardState, path: &str) {
    let step = s.step_of_path(path);
    go_to(s, step.clone());
    let questions = s.questions();
    match questions.iter().position(|q| q.path == path) {
        Some(i) => {
            s.focus.insert(step, i);
            say(s, Level::Warning, "Fix it here; r goes back to the review.");
        }
        None => {
            // A problem at a service's table or an unknown key: the nearest question.
            let near = questions
                .iter()
                .position(|q| path.starts_with(&q.path) || q.path.starts_with(path));
            s.focus.insert(step, near.unwrap_or(0));
            if near.is_none() {
                say(
                    s,
                    Level::Warning,
                    format!(
                        "{path} is not one of the questions: Review lists it, and d there removes it."
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::fixtures::{run, state};
    use super::*;
    use crate::apply::DirState;
    use crate::catalog::Catalog;
    use crate::value::Value;
    use crate::wizard::draft::Draft;
    use crate::wizard::profiles;

    #[test]
    fn review_jumps_to_the_field_of_a_problem() {
        let mut s = state(Some("community-pds"));
        s.draft
            .set("services.constellation.enable", &Value::Bool(true));
        go_to(&mut s, StepKind::Review);
        assert_eq!(
            s.step_status(&StepKind::Review),
            crate::wizard::state::StepStatus::Errors(1)
        );
        run(&mut s, &[Action::Enter]);
        assert_eq!(s.step, StepKind::Settings("constellation".into()));
        assert_eq!(
            s.focused_question().unwrap().path,
            "services.constellation.domain"
        );
        // Down in the review moves to the next problem.
        go_to(&mut s, StepKind::Review);
        run(&mut s, &[Action::Down, Action::Enter]);
        assert_eq!(s.step, StepKind::Settings("bluesky-pds".into()));
        assert_eq!(
            s.focused_question().unwrap().path,
            "services.bluesky-pds.settings.email_from_address"
        );
    }

    #[test]
    fn unknown_keys_are_removed_from_the_review() {
        let text = profiles::find("relay-node")
            .unwrap()
            .text
            .replace("[host]\n", "[host]\nhostnme = \"typo\"\n");
        let draft = Draft::parse(Catalog::embedded(), &text).unwrap();
        let mut s = WizardState::edit_host(PathBuf::from("/x"), DirState::default(), draft);
        go_to(&mut s, StepKind::Review);
        assert!(s.draft.has_errors());
        run(&mut s, &[Action::Reset]);
        assert!(!s.draft.has_errors(), "{:?}", s.draft.diagnostics());
        assert!(!s.draft.text().contains("hostnme"));
    }
}
