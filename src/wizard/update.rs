//! The only place the wizard's state changes: `update(state, action) -> effect`.
//! Pure: what needs the outside world (writing files, quitting) is returned as an
//! [`Effect`] for the edge to carry out.
use super::action::{Action, Effect};
use super::draft::Draft;
use super::layout::panes;
use super::preview::{PreviewEvent, PreviewPane, preview_lines};
use super::probes::{ProbeEvent, ProbePane};
use super::profiles;
use super::questions::{QuestionKind, StepKind, display_value, edit_text, parse_answer};
use super::resume::ResumeOffer;
use super::review::{ReviewLine, done_lines, first_target, review_lines};
use super::state::{EditBuffer, Message, Mode, Overlay, WizardState, WriteOutcome};
use crate::apply::plan_apply;
use crate::catalog::Level;
use crate::preview::probes;
use crate::safe_text::escape;
use crate::value::Value;

/// Applies one action; returns what the edge must do.
pub fn update(s: &mut WizardState, action: Action) -> Effect {
    match action {
        Action::Resize(w, h) => {
            s.size = (w, h);
            clamp_review(s);
            return Effect::None;
        }
        Action::Written(outcome) => {
            written(s, outcome);
            return Effect::None;
        }
        Action::DirRead(dir_state) => {
            s.dir_state = dir_state;
            return Effect::None;
        }
        Action::PreviewEvent(event) => {
            preview_event(s, event);
            return Effect::None;
        }
        Action::CancelPreview => return cancel_preview(s),
        Action::ProbeEvent(event) => {
            probe_event(s, event);
            return Effect::None;
        }
        Action::CancelProbe => return cancel_probes(s),
        Action::Suspend => return Effect::Suspend,
        _ => {}
    }
    s.message = None;
    if let Some(overlay) = s.overlay.clone() {
        return in_overlay(s, overlay, action);
    }
    if s.edit.is_some() {
        return editing(s, action);
    }
    match action {
        Action::Quit => quit(s),
        Action::Help => {
            s.overlay = Some(Overlay::Help { scroll: 0 });
            Effect::None
        }
        Action::JumpList => {
            s.overlay = Some(Overlay::Jump {
                selected: s.step_index(),
            });
            Effect::None
        }
        Action::ToReview => {
            leave_start_implicitly(s);
            go_to(s, StepKind::Review);
            Effect::None
        }
        Action::PrevStep => {
            step_by(s, -1);
            Effect::None
        }
        Action::NextStep => next_step(s),
        Action::Back if s.step == StepKind::Done && s.preview.as_ref().is_some_and(|p| p.open) => {
            if s.preview.as_ref().is_some_and(|p| p.running) {
                return cancel_preview(s);
            }
            if let Some(p) = &mut s.preview {
                p.open = false;
            }
            s.review_scroll = 0;
            Effect::None
        }
        Action::Back
            if s.step == StepKind::Review && s.probes.as_ref().is_some_and(|p| p.running) =>
        {
            cancel_probes(s)
        }
        Action::Back => {
            if s.step == StepKind::Start {
                say(s, Level::Warning, "This is the first step: q quits.");
            } else {
                step_by(s, -1);
            }
            Effect::None
        }
        Action::ClickStep(i) => {
            if let Some(step) = s.steps().get(i).map(|st| st.kind.clone()) {
                leave_start_implicitly(s);
                go_to(s, step);
            }
            Effect::None
        }
        other => match s.step.clone() {
            StepKind::Start => start_step(s, other),
            StepKind::Review => review_step(s, other),
            StepKind::Write => write_step(s, other),
            StepKind::Done => done_step(s, other),
            _ => form_step(s, other),
        },
    }
}

fn say(s: &mut WizardState, level: Level, text: impl Into<String>) {
    s.message = Some(Message {
        level,
        text: text.into(),
    });
}

fn quit(s: &mut WizardState) -> Effect {
    if s.dirty() {
        s.overlay = Some(Overlay::ConfirmQuit);
        Effect::None
    } else {
        Effect::Quit(0)
    }
}

// ------------------------------------------------------------------ steps

/// Goes to a step: remembers it was seen and works out what `apply` would do when it
/// is the Review or Write step.
pub fn go_to(s: &mut WizardState, step: StepKind) {
    s.visited.insert(step.clone());
    s.step = step.clone();
    let n = s.entries();
    if let Some(f) = s.focus.get_mut(&step) {
        *f = (*f).min(n.saturating_sub(1));
    }
    if matches!(step, StepKind::Review | StepKind::Write) {
        refresh_apply_plan(s);
    }
    if step == StepKind::Done {
        s.review_scroll = 0;
    }
    if step == StepKind::Review {
        s.reviewed = true;
        let lines = lines_now(s);
        s.review_cursor = first_target(&lines);
        s.review_scroll = 0;
    }
}

/// Works out the file changes for the current answers against the directory as read
/// (only when the plan has no errors: `apply` refuses those).
pub fn refresh_apply_plan(s: &mut WizardState) {
    s.apply_plan = if s.draft.has_errors() {
        None
    } else {
        Some(plan_apply(
            s.draft.answers(),
            s.catalog(),
            &s.dir_state,
            false,
        ))
    };
}

fn step_by(s: &mut WizardState, delta: isize) {
    let steps = s.steps();
    let i = s.step_index() as isize + delta;
    if i < 0 || i as usize >= steps.len() {
        return;
    }
    let target = steps[i as usize].kind.clone();
    if target == StepKind::Done && !s.written() {
        say(
            s,
            Level::Warning,
            "Write the files first: Enter at this step.",
        );
        return;
    }
    go_to(s, target);
}

fn next_step(s: &mut WizardState) -> Effect {
    if s.step == StepKind::Start && s.mode == Mode::New && s.profile.is_none() {
        return choose_profile(s, s.focus());
    }
    step_by(s, 1);
    Effect::None
}

/// Leaving the Start step of a new host without choosing: an empty plan ("custom").
fn leave_start_implicitly(s: &mut WizardState) {
    if s.mode == Mode::New && s.profile.is_none() {
        s.profile = Some("custom");
        say(
            s,
            Level::Warning,
            "Starting from an empty plan (custom); the Start step offers the profiles.",
        );
    }
}

// ------------------------------------------------------------------ focus

fn move_focus(s: &mut WizardState, to: isize) {
    let n = s.entries();
    if n == 0 {
        return;
    }
    let f = to.clamp(0, n as isize - 1) as usize;
    s.focus.insert(s.step.clone(), f);
}

fn list_keys(s: &mut WizardState, action: &Action) -> bool {
    let f = s.focus() as isize;
    match action {
        Action::Up | Action::ScrollUp => move_focus(s, f - 1),
        Action::Down | Action::ScrollDown => move_focus(s, f + 1),
        Action::First => move_focus(s, 0),
        Action::Last => move_focus(s, isize::MAX / 2),
        Action::PageUp => move_focus(s, f - 5),
        Action::PageDown => move_focus(s, f + 5),
        Action::ClickItem(i) => move_focus(s, *i as isize),
        _ => return false,
    }
    true
}

// ------------------------------------------------------------------ start

fn start_step(s: &mut WizardState, action: Action) -> Effect {
    if s.mode == Mode::Edit {
        if action == Action::Enter {
            step_by(s, 1);
        }
        return Effect::None;
    }
    if list_keys(s, &action) {
        return Effect::None;
    }
    match action {
        Action::Enter | Action::Toggle => choose_profile(s, s.focus()),
        _ => Effect::None,
    }
}

fn choose_profile(s: &mut WizardState, index: usize) -> Effect {
    let Some(p) = profiles::all().get(index) else {
        return Effect::None;
    };
    if s.profile == Some(p.name) {
        go_to(s, StepKind::Host);
        return Effect::None;
    }
    if s.dirty() {
        s.overlay = Some(Overlay::ConfirmProfile(index));
        return Effect::None;
    }
    load_profile(s, index);
    Effect::None
}

fn load_profile(s: &mut WizardState, index: usize) {
    let p = &profiles::all()[index];
    s.draft = p.draft(s.catalog());
    s.profile = Some(p.name);
    s.focus.clear();
    s.focus.insert(StepKind::Start, index);
    s.visited.retain(|k| *k == StepKind::Start);
    s.reviewed = false;
    s.apply_plan = None;
    go_to(s, StepKind::Host);
    let text = if p.name == "custom" {
        "An empty plan: answer each step; * marks what must be answered.".to_string()
    } else {
        format!(
            "Loaded {}: change the example values (host name, domain, email) to yours.",
            p.name
        )
    };
    say(s, Level::Warning, text);
}

// ------------------------------------------------------------------ forms

fn form_step(s: &mut WizardState, action: Action) -> Effect {
    if list_keys(s, &action) {
        return Effect::None;
    }
    let Some(q) = s.focused_question() else {
        return Effect::None;
    };
    match action {
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
fn report_field(s: &mut WizardState, path: &str) {
    if let Some(d) = s.draft.diagnostics_at(path).first()
        && d.level == Level::Error
    {
        let text = format!("{}: {}", escape(path), escape(&d.message));
        say(s, Level::Error, text);
    }
}

fn start_edit(s: &mut WizardState, path: &str, kind: QuestionKind, text: String) {
    s.edit = Some(EditBuffer {
        path: path.to_string(),
        kind,
        cursor: text.chars().count(),
        text,
        error: None,
        snapshot: s.draft.snapshot(),
    });
}

fn editing(s: &mut WizardState, action: Action) -> Effect {
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
        Action::Enter if commit_edit(s) => {
            let f = s.focus() as isize;
            move_focus(s, f + 1);
        }
        Action::Up | Action::Down if commit_edit(s) => {
            let f = s.focus() as isize;
            move_focus(s, if action == Action::Up { f - 1 } else { f + 1 });
        }
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

// ------------------------------------------------------------------ overlays

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

fn in_overlay(s: &mut WizardState, overlay: Overlay, action: Action) -> Effect {
    match overlay {
        Overlay::Help { scroll } => {
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
        Overlay::Resume(offer) => match action {
            Action::Yes | Action::Enter => {
                s.overlay = None;
                take_offer(s, &offer);
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
        },
        Overlay::ConfirmQuit => match action {
            Action::Yes | Action::Quit => Effect::Quit(0),
            Action::No | Action::Back | Action::Enter => {
                s.overlay = None;
                Effect::None
            }
            _ => Effect::None,
        },
        Overlay::ConfirmProfile(index) => {
            match action {
                Action::Yes => {
                    s.overlay = None;
                    load_profile(s, index);
                }
                Action::No | Action::Back | Action::Enter => s.overlay = None,
                Action::Quit => {
                    s.overlay = None;
                    return quit(s);
                }
                _ => {}
            }
            Effect::None
        }
        Overlay::Jump { selected } => {
            let n = s.steps().len();
            match action {
                Action::Up | Action::ScrollUp => {
                    s.overlay = Some(Overlay::Jump {
                        selected: selected.saturating_sub(1),
                    })
                }
                Action::Down | Action::ScrollDown => {
                    s.overlay = Some(Overlay::Jump {
                        selected: (selected + 1).min(n - 1),
                    })
                }
                Action::First => s.overlay = Some(Overlay::Jump { selected: 0 }),
                Action::Last => s.overlay = Some(Overlay::Jump { selected: n - 1 }),
                Action::Enter | Action::ClickItem(_) => {
                    let i = match action {
                        Action::ClickItem(i) => i,
                        _ => selected,
                    };
                    s.overlay = None;
                    if let Some(step) = s.steps().get(i).map(|st| st.kind.clone()) {
                        leave_start_implicitly(s);
                        if step == StepKind::Done && !s.written() {
                            say(s, Level::Warning, "Write the files first.");
                        } else {
                            go_to(s, step);
                        }
                    }
                }
                Action::Quit => {
                    s.overlay = None;
                    return quit(s);
                }
                _ => s.overlay = None,
            }
            Effect::None
        }
        Overlay::Choice {
            path,
            choices,
            selected,
        } => {
            let n = choices.len();
            let pick = |s: &mut WizardState, i: usize| {
                s.overlay = None;
                if let Some(c) = choices.get(i) {
                    s.draft.set(&path, &Value::Str(c.clone()));
                    report_field(s, &path);
                }
            };
            match action {
                Action::Up | Action::ScrollUp => {
                    s.overlay = Some(Overlay::Choice {
                        path: path.clone(),
                        choices: choices.clone(),
                        selected: selected.saturating_sub(1),
                    })
                }
                Action::Down | Action::ScrollDown => {
                    s.overlay = Some(Overlay::Choice {
                        path: path.clone(),
                        choices: choices.clone(),
                        selected: (selected + 1).min(n - 1),
                    })
                }
                Action::First | Action::Last => {
                    s.overlay = Some(Overlay::Choice {
                        path: path.clone(),
                        choices: choices.clone(),
                        selected: if action == Action::First { 0 } else { n - 1 },
                    })
                }
                Action::Enter | Action::Toggle => pick(s, selected),
                Action::ClickItem(i) => pick(s, i),
                Action::Type(c) => {
                    // A digit picks by number; a letter picks the first choice starting with it.
                    let i = c
                        .to_digit(10)
                        .and_then(|d| (d as usize).checked_sub(1))
                        .filter(|&i| i < n)
                        .or_else(|| {
                            choices
                                .iter()
                                .position(|ch| ch.starts_with(c.to_ascii_lowercase()))
                        });
                    if let Some(i) = i {
                        pick(s, i);
                    }
                }
                Action::Quit => {
                    s.overlay = None;
                    return quit(s);
                }
                _ => s.overlay = None,
            }
            Effect::None
        }
    }
}

// ------------------------------------------------------------------ review

/// The review document at the current width.
pub fn lines_now(s: &WizardState) -> Vec<ReviewLine> {
    let main = panes(s.size, &StepKind::Review).main.inner();
    review_lines(s, main.width as usize)
}

fn review_height(s: &WizardState) -> usize {
    panes(s.size, &StepKind::Review).main.inner().height.max(1) as usize
}

fn clamp_review(s: &mut WizardState) {
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

fn probe_event(s: &mut WizardState, event: ProbeEvent) {
    let Some(pane) = &mut s.probes else {
        return;
    };
    let ended = matches!(event, ProbeEvent::Done { .. });
    pane.apply(event);
    if ended {
        let said = if pane.cancelled {
            (Level::Warning, "Checks cancelled.".to_string())
        } else {
            (
                Level::Warning,
                format!(
                    "This machine: {} (advisory; writing does not wait for it).",
                    probes::counts(&pane.results)
                ),
            )
        };
        say(s, said.0, said.1);
    }
    clamp_review(s);
}

fn cancel_probes(s: &mut WizardState) -> Effect {
    match &mut s.probes {
        Some(p) if p.running => {
            p.cancelling = true;
            say(s, Level::Warning, "Cancelling the checks.");
            Effect::CancelProbes
        }
        _ => Effect::None,
    }
}

fn review_step(s: &mut WizardState, action: Action) -> Effect {
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

/// The lines the Done step's pane shows now: the preview when it is open, else what
/// was written and the next steps.
pub fn done_pane_lines(s: &WizardState, width: usize) -> Vec<ReviewLine> {
    if s.preview.as_ref().is_some_and(|p| p.open) {
        preview_lines(s, width)
    } else {
        done_lines(s, width)
    }
}

/// The Done pane's last scroll position (the tail).
fn done_max_scroll(s: &WizardState) -> usize {
    let main = panes(s.size, &StepKind::Done).main.inner();
    let n = done_pane_lines(s, main.width as usize).len();
    n.saturating_sub(main.height.max(1) as usize)
}

fn preview_event(s: &mut WizardState, event: PreviewEvent) {
    // Follow the output while the operator has not scrolled up.
    let follow = s.step != StepKind::Done || s.review_scroll >= done_max_scroll(s);
    let Some(mut pane) = s.preview.take() else {
        return;
    };
    let ended = event == PreviewEvent::End;
    pane.apply(event, &|path| s.step_of_path(path));
    if ended {
        let errors: usize = pane
            .findings
            .iter()
            .filter(|f| f.finding.is_error())
            .count();
        let said = if pane.cancelled {
            Some((Level::Warning, "Preview cancelled.".to_string()))
        } else if errors > 0 {
            Some((
                Level::Error,
                format!(
                    "The deep check found {errors} failed assertion{}: see the steps marked error.",
                    if errors == 1 { "" } else { "s" }
                ),
            ))
        } else if pane.cannot_run.is_some() {
            Some((
                Level::Warning,
                "The preview cannot run here: it says what to run on the host.".to_string(),
            ))
        } else {
            None
        };
        if let Some((level, text)) = said {
            say(s, level, text);
        }
    }
    s.preview = Some(pane);
    if follow && s.step == StepKind::Done {
        s.review_scroll = done_max_scroll(s);
    }
}

fn cancel_preview(s: &mut WizardState) -> Effect {
    match &mut s.preview {
        Some(p) if p.running => {
            p.cancelling = true;
            say(
                s,
                Level::Warning,
                "Cancelling the preview: its commands are being stopped.",
            );
            Effect::CancelPreview
        }
        _ => Effect::None,
    }
}

fn done_step(s: &mut WizardState, action: Action) -> Effect {
    let main = panes(s.size, &StepKind::Done).main.inner();
    let n = done_pane_lines(s, main.width as usize).len();
    let height = main.height.max(1) as usize;
    let max = n.saturating_sub(height);
    let page = height.saturating_sub(1).max(1);
    s.review_scroll = match action {
        Action::Preview if s.preview.as_ref().is_some_and(|p| p.running) => {
            say(s, Level::Warning, "The preview is running: Esc cancels it.");
            return Effect::None;
        }
        Action::Preview => {
            s.preview = Some(PreviewPane::started());
            s.review_scroll = 0;
            return Effect::StartPreview;
        }
        Action::Enter if s.preview.as_ref().is_some_and(|p| p.running) => {
            say(
                s,
                Level::Warning,
                "The preview is running: Esc cancels it, q quits (and stops it).",
            );
            return Effect::None;
        }
        Action::Enter => return Effect::Quit(0),
        Action::Down => s.review_scroll + 1,
        Action::ScrollDown => s.review_scroll + 3,
        Action::PageDown | Action::Toggle => s.review_scroll + page,
        Action::Up => s.review_scroll.saturating_sub(1),
        Action::ScrollUp => s.review_scroll.saturating_sub(3),
        Action::PageUp => s.review_scroll.saturating_sub(page),
        Action::First => 0,
        Action::Last => max,
        _ => s.review_scroll,
    }
    .min(max);
    Effect::None
}

// ------------------------------------------------------------------ write

fn write_step(s: &mut WizardState, action: Action) -> Effect {
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

fn written(s: &mut WizardState, outcome: WriteOutcome) {
    match &outcome {
        WriteOutcome::Written { answers_text, .. } => {
            if let Ok(d) = Draft::parse(s.catalog(), answers_text) {
                s.draft = d;
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
    use std::path::PathBuf;

    use super::*;
    use crate::apply::DirState;
    use crate::catalog::Catalog;
    use crate::wizard::state::Overlay;

    fn state(profile: Option<&str>) -> WizardState {
        WizardState::new_host(
            Catalog::embedded(),
            PathBuf::from("/tmp/x"),
            DirState::default(),
            profile.map(|p| profiles::find(p).unwrap()),
        )
    }

    fn run(s: &mut WizardState, actions: &[Action]) -> Effect {
        let mut last = Effect::None;
        for a in actions {
            last = update(s, a.clone());
        }
        last
    }

    fn typed(text: &str) -> Vec<Action> {
        text.chars().map(Action::Type).collect()
    }

    #[test]
    fn navigation_keeps_what_was_typed() {
        let mut s = state(Some("community-pds"));
        assert_eq!(s.step, StepKind::Host);
        run(&mut s, &[Action::Enter, Action::ClearLine]);
        run(&mut s, &typed("mypds"));
        run(&mut s, &[Action::Enter]);
        assert_eq!(s.focus(), 1, "Enter keeps the value and moves on");
        run(
            &mut s,
            &[
                Action::NextStep,
                Action::NextStep,
                Action::PrevStep,
                Action::PrevStep,
            ],
        );
        assert_eq!(s.step, StepKind::Host);
        assert_eq!(s.focus(), 1, "each step remembers its question");
        assert_eq!(
            s.draft.get("host.hostname"),
            Some(Value::Str("mypds".into()))
        );
    }

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
    fn quitting_asks_only_when_answers_would_be_lost() {
        let mut s = state(None);
        assert_eq!(run(&mut s, &[Action::Quit]), Effect::Quit(0));
        let mut s = state(Some("relay-node"));
        assert_eq!(run(&mut s, &[Action::Quit]), Effect::None);
        assert_eq!(s.overlay, Some(Overlay::ConfirmQuit));
        assert_eq!(run(&mut s, &[Action::No]), Effect::None);
        assert_eq!(s.overlay, None);
        assert_eq!(run(&mut s, &[Action::Quit, Action::Yes]), Effect::Quit(0));
        // Ctrl-C twice quits too.
        let mut s = state(Some("relay-node"));
        assert_eq!(run(&mut s, &[Action::Quit, Action::Quit]), Effect::Quit(0));
    }

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

    #[test]
    fn editing_an_existing_host_asks_only_after_a_change() {
        let draft = profiles::find("relay-node")
            .unwrap()
            .draft(Catalog::embedded());
        let mut s = WizardState::edit_host(PathBuf::from("/x"), DirState::default(), draft);
        assert_eq!(run(&mut s, &[Action::Quit]), Effect::Quit(0));
        run(
            &mut s,
            &[
                Action::Down,
                Action::Enter,
                Action::Type('x'),
                Action::Enter,
            ],
        );
        assert!(s.dirty());
        assert_eq!(run(&mut s, &[Action::Quit]), Effect::None);
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

    #[test]
    fn another_profile_replaces_changed_answers_only_when_confirmed() {
        let mut s = state(Some("relay-node"));
        run(&mut s, &[Action::Enter, Action::Type('x'), Action::Enter]);
        go_to(&mut s, StepKind::Start);
        run(&mut s, &[Action::ClickItem(0), Action::Enter]);
        assert_eq!(s.overlay, Some(Overlay::ConfirmProfile(0)));
        run(&mut s, &[Action::No]);
        assert_eq!(s.profile, Some("relay-node"));
        run(&mut s, &[Action::Enter, Action::Yes]);
        assert_eq!(s.profile, Some("community-pds"));
        assert_eq!(s.step, StepKind::Host);
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

    // ------------------------------------------------------------ preview

    fn at_done() -> WizardState {
        let mut s = state(Some("community-pds"));
        update(&mut s, Action::Resize(80, 24));
        update(
            &mut s,
            Action::Written(WriteOutcome::NothingToDo { notes: vec![] }),
        );
        assert_eq!(s.step, StepKind::Done);
        s
    }

    fn ev(s: &mut WizardState, e: PreviewEvent) {
        assert_eq!(update(s, Action::PreviewEvent(e)), Effect::None);
    }

    fn pane_text(s: &WizardState) -> String {
        done_pane_lines(s, 60)
            .into_iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn p_starts_the_preview_and_its_output_streams() {
        let mut s = at_done();
        assert_eq!(update(&mut s, Action::Preview), Effect::StartPreview);
        assert!(s.preview.as_ref().unwrap().running);
        // Enter does not quit under a running preview; p does not start a second one.
        assert_eq!(update(&mut s, Action::Enter), Effect::None);
        assert_eq!(update(&mut s, Action::Preview), Effect::None);
        ev(&mut s, PreviewEvent::Phase("Preview".into()));
        ev(
            &mut s,
            PreviewEvent::Started {
                index: 0,
                total: 2,
                step: "dry-build".into(),
                title: "what would be built and fetched".into(),
                command: "nixos-rebuild dry-build --flake /srv/host#pds".into(),
            },
        );
        for i in 0..40 {
            ev(
                &mut s,
                PreviewEvent::Line {
                    step: "dry-build".into(),
                    text: format!("line {i}"),
                },
            );
        }
        let p = s.preview.as_ref().unwrap();
        assert_eq!(
            p.progress.as_deref(),
            Some("Preview [1/2] dry-build: what would be built and fetched")
        );
        let text = pane_text(&s);
        assert!(text.contains("$ nixos-rebuild dry-build --flake"), "{text}");
        assert!(text.contains("dry-build | line 39"), "{text}");
        // The pane follows the output: the last line is in view.
        assert_eq!(s.review_scroll, done_max_scroll(&s));
        assert!(s.review_scroll > 0);
        ev(
            &mut s,
            PreviewEvent::Finished {
                step: "dry-build".into(),
                ok: true,
                note: "3 derivations".into(),
            },
        );
        ev(
            &mut s,
            PreviewEvent::Rebuild {
                summary: vec!["build: 3 derivations to build".into()],
                cannot_run: None,
                notes: vec![],
                cancelled: false,
            },
        );
        ev(&mut s, PreviewEvent::End);
        let p = s.preview.as_ref().unwrap();
        assert!(!p.running && !p.cancelled);
        let text = pane_text(&s);
        assert!(text.contains("Summary:"), "{text}");
        assert!(text.contains("build: 3 derivations to build"), "{text}");
        assert!(text.contains("Finished."), "{text}");
        // Esc hides the pane (the next steps again); Enter quits.
        update(&mut s, Action::Back);
        assert_eq!(s.step, StepKind::Done);
        assert!(pane_text(&s).contains("Next:"));
        assert_eq!(update(&mut s, Action::Enter), Effect::Quit(0));
    }

    #[test]
    fn a_preview_that_cannot_run_says_what_to_run_on_the_host() {
        let mut s = at_done();
        update(&mut s, Action::Preview);
        ev(
            &mut s,
            PreviewEvent::Rebuild {
                summary: vec!["nixos-rebuild: not run here".into()],
                cannot_run: Some(crate::preview::rebuild::CannotRun {
                    why: "this is not NixOS".into(),
                    commands: vec!["nixos-rebuild dry-build --flake /srv/host#pds".into()],
                }),
                notes: vec![],
                cancelled: false,
            },
        );
        ev(&mut s, PreviewEvent::End);
        let text = pane_text(&s);
        assert!(
            text.contains("cannot run here: this is not NixOS"),
            "{text}"
        );
        assert!(text.contains("  nixos-rebuild dry-build --flake"), "{text}");
        assert!(s.message.as_ref().unwrap().text.contains("cannot run here"));
    }

    #[test]
    fn esc_cancels_a_running_preview() {
        let mut s = at_done();
        update(&mut s, Action::Preview);
        assert_eq!(update(&mut s, Action::CancelPreview), Effect::CancelPreview);
        assert!(s.preview.as_ref().unwrap().cancelling);
        // Esc at the Done step while it runs cancels too (never leaves the step).
        assert_eq!(update(&mut s, Action::Back), Effect::CancelPreview);
        assert_eq!(s.step, StepKind::Done);
        ev(
            &mut s,
            PreviewEvent::Rebuild {
                summary: vec![],
                cannot_run: None,
                notes: vec![],
                cancelled: true,
            },
        );
        ev(&mut s, PreviewEvent::End);
        let p = s.preview.as_ref().unwrap();
        assert!(p.cancelled && !p.running && !p.cancelling);
        assert!(pane_text(&s).contains("Cancelled"));
        assert_eq!(s.message.as_ref().unwrap().text, "Preview cancelled.");
        // Nothing runs now: cancelling again does nothing.
        assert_eq!(update(&mut s, Action::CancelPreview), Effect::None);
    }

    #[test]
    fn deep_check_findings_go_to_their_steps() {
        let mut s = at_done();
        let c = s.catalog();
        update(&mut s, Action::Preview);
        let tls = StepKind::Integration("tls".into());
        ev(
            &mut s,
            PreviewEvent::Deep {
                findings: vec![
                    crate::preview::deep::Finding::from_text(
                        Level::Error,
                        "atproto.integration.tls.handles: the wildcard needs a DNS provider",
                        c,
                    ),
                    crate::preview::deep::Finding::from_text(
                        Level::Warning,
                        "atproto.host.admin_email: looks like a placeholder",
                        c,
                    ),
                    crate::preview::deep::Finding::from_text(Level::Warning, "something else", c),
                ],
                summary: "1 assertion failed, 1 warning".into(),
                notes: vec![],
                cancelled: false,
            },
        );
        ev(&mut s, PreviewEvent::End);
        let p = s.preview.as_ref().unwrap();
        assert_eq!(p.findings[0].step, tls);
        assert_eq!(p.findings[1].step, StepKind::Host);
        assert_eq!(
            s.step_status(&tls),
            crate::wizard::state::StepStatus::Errors(1)
        );
        assert_eq!(
            s.step_status(&StepKind::Host),
            crate::wizard::state::StepStatus::Warnings(1)
        );
        let text = pane_text(&s);
        let title = s
            .steps()
            .into_iter()
            .find(|st| st.kind == tls)
            .unwrap()
            .title;
        let at = text.find(&format!("  {title}")).expect(&text);
        assert!(
            text[at..].contains("error: the wildcard needs a DNS provider"),
            "{text}"
        );
        assert!(text.contains("The whole host"), "{text}");
        assert!(
            s.message
                .as_ref()
                .unwrap()
                .text
                .contains("1 failed assertion")
        );
    }

    // ------------------------------------------------------------ probes

    fn probe_result(
        id: &str,
        title: &str,
        status: crate::preview::probes::ProbeStatus,
        detail: &str,
        fix: Option<&str>,
    ) -> crate::preview::probes::ProbeResult {
        crate::preview::probes::ProbeResult {
            id: id.into(),
            title: title.into(),
            status,
            detail: detail.into(),
            fix: fix.map(String::from),
        }
    }

    fn review_text(s: &WizardState) -> String {
        lines_now(s)
            .into_iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn c_on_the_review_checks_this_machine_and_lists_the_results() {
        use crate::preview::probes::ProbeStatus;
        let mut s = state(Some("community-pds"));
        update(&mut s, Action::Resize(100, 40));
        go_to(&mut s, StepKind::Review);
        assert_eq!(update(&mut s, Action::Probe), Effect::StartProbes);
        // A second c while they run starts nothing.
        assert_eq!(update(&mut s, Action::Probe), Effect::None);
        let e = update(
            &mut s,
            Action::ProbeEvent(ProbeEvent::Started {
                index: 1,
                total: 4,
                title: "port 80 is free for the proxy".into(),
            }),
        );
        assert_eq!(e, Effect::None);
        let text = review_text(&s);
        assert!(
            text.contains("[2/4] port 80 is free for the proxy (Esc cancels)"),
            "{text}"
        );
        update(
            &mut s,
            Action::ProbeEvent(ProbeEvent::Done {
                results: vec![
                    probe_result(
                        "port:80",
                        "port 80 is free for the proxy",
                        ProbeStatus::Failed,
                        "port 80 is held by nginx (pid 42)",
                        Some("stop nginx or choose it as the proxy"),
                    ),
                    probe_result(
                        "dns:pds.example.com",
                        "pds.example.com resolves to this machine",
                        ProbeStatus::Unknown,
                        "could not check: no network",
                        Some("check the A record once online"),
                    ),
                    probe_result(
                        "nixos",
                        "this machine runs NixOS",
                        ProbeStatus::Ok,
                        "/etc/NIXOS exists",
                        None,
                    ),
                ],
                cancelled: false,
            }),
        );
        let p = s.probes.as_ref().unwrap();
        assert!(!p.running && !p.cancelled && p.results.len() == 3);
        let text = review_text(&s);
        assert!(
            text.contains("✗ problem: port 80 is free for the proxy: port 80 is held by nginx"),
            "{text}"
        );
        assert!(
            text.contains("what to do: stop nginx or choose it as the proxy"),
            "{text}"
        );
        // The word is said once.
        assert!(
            text.contains("? could not check: pds.example.com resolves")
                && !text.contains("could not check: could not check"),
            "{text}"
        );
        assert!(text.contains("✓ ok: this machine runs NixOS"), "{text}");
        assert!(
            text.contains("1 ok, 1 problem, 1 could not check. c checks again."),
            "{text}"
        );
        assert!(s.message.as_ref().unwrap().text.contains("advisory"));
        // Advisory: the next step is still the Write step, and writing is not refused.
        assert_eq!(update(&mut s, Action::NextStep), Effect::None);
        assert_eq!(s.step, StepKind::Write);
        assert_eq!(update(&mut s, Action::Enter), Effect::Write);
    }

    #[test]
    fn esc_cancels_running_probes() {
        let mut s = state(Some("community-pds"));
        go_to(&mut s, StepKind::Review);
        assert_eq!(update(&mut s, Action::Probe), Effect::StartProbes);
        assert_eq!(update(&mut s, Action::Back), Effect::CancelProbes);
        assert_eq!(s.step, StepKind::Review, "Esc cancels, it does not go back");
        assert!(s.probes.as_ref().unwrap().cancelling);
        assert!(review_text(&s).contains("Cancelling"));
        update(
            &mut s,
            Action::ProbeEvent(ProbeEvent::Done {
                results: vec![],
                cancelled: true,
            }),
        );
        let p = s.probes.as_ref().unwrap();
        assert!(p.cancelled && !p.running && !p.cancelling);
        assert_eq!(s.message.as_ref().unwrap().text, "Checks cancelled.");
        assert!(review_text(&s).contains("Cancelled. c checks again."));
        // Nothing runs now: Esc goes back, CancelProbe does nothing.
        assert_eq!(update(&mut s, Action::CancelProbe), Effect::None);
        update(&mut s, Action::Back);
        assert_ne!(s.step, StepKind::Review);
    }
}
