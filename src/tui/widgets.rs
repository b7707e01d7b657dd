//! Widgets every screen shares: the title bar, the step list (a symbol and a word for
//! each state, never colour alone), the help pane, the message line, the key-hint bar
//! and the overlays (help, quit confirmation, jump list, choice list).
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::input::{KEYS, hints};
use super::theme::Theme;
use crate::catalog::Level;
use crate::safe_text::escape;
use crate::wizard::layout::{Area, list_start};
use crate::wizard::profiles;
use crate::wizard::questions::{QuestionKind, StepKind, display_value};
use crate::wizard::resume::ResumeOffer;
use crate::wizard::state::{Mode, Overlay, StepStatus, WizardState};
use crate::wizard::text::{truncate, wrap};

pub fn rect(a: Area) -> Rect {
    Rect::new(a.x, a.y, a.width, a.height)
}

pub fn block<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border())
        .title(Span::styled(format!(" {title} "), theme.title()))
}

/// The top line: what is being done where, and whether answers are unsaved.
pub fn title_bar(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let dash = if state.look.ascii { "-" } else { "—" };
    let what = match state.mode {
        Mode::New => format!("new host in {}", state.dir.display()),
        Mode::Edit => format!("editing {}", state.dir.join("atproto.toml").display()),
    };
    let status = if state.written() && !state.dirty() {
        "written"
    } else if state.dirty() {
        "not written yet"
    } else {
        "no changes"
    };
    let steps = state.steps();
    let right = format!(
        "step {}/{} {dash} {status} ",
        state.step_index() + 1,
        steps.len()
    );
    let left = format!(" atproto-wizard {dash} {what}");
    let w = area.width as usize;
    let room = w.saturating_sub(right.chars().count() + 1);
    let left = truncate(&left, room, state.look.ellipsis());
    let pad = w.saturating_sub(left.chars().count() + right.chars().count());
    let line = Line::from(vec![
        Span::styled(left, theme.heading()),
        Span::raw(" ".repeat(pad)),
        Span::styled(right, theme.dim()),
    ]);
    f.render_widget(Paragraph::new(line), rect(area));
}

fn status_style(s: StepStatus, theme: &Theme) -> Style {
    match s {
        StepStatus::Errors(_) => theme.error(),
        StepStatus::Warnings(_) => theme.warning(),
        StepStatus::Done => theme.ok(),
        StepStatus::Todo => theme.dim(),
    }
}

/// A short word for the step list (a symbol stands beside it).
pub fn short_word(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Todo => "to do",
        StepStatus::Done => "done",
        StepStatus::Warnings(_) => "warn",
        StepStatus::Errors(_) => "error",
    }
}

/// The step list: marker, symbol, title and word per step; scrolls to the current one.
pub fn step_list(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let look = state.look;
    let steps = state.steps();
    let inner = area.inner();
    let current = state.step_index();
    let start = list_start(&vec![1; steps.len()], current, inner.height as usize);
    let tw = (inner.width as usize).saturating_sub(2 + 2 + 6);
    let mut lines = Vec::new();
    for (i, step) in steps.iter().enumerate().skip(start) {
        let status = state.step_status(&step.kind);
        let here = i == current;
        let marker = if here { look.current() } else { " " };
        let title = truncate(&step.title, tw, look.ellipsis());
        let base = if here { theme.focus() } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker} "), base),
            Span::styled(
                look.status(status).to_string(),
                base.patch(status_style(status, theme)),
            ),
            Span::styled(format!(" {title:<tw$} "), base),
            Span::styled(
                format!("{:<5}", short_word(status)),
                base.patch(status_style(status, theme)),
            ),
        ]));
    }
    f.render_widget(
        Paragraph::new(lines).block(block("Steps", theme)),
        rect(area),
    );
}

/// What the help pane (and the top of the help overlay) says about the current field.
pub fn help_text(state: &WizardState) -> (String, Vec<String>) {
    match &state.step {
        StepKind::Start if state.mode == Mode::New => {
            let p = &profiles::all()[state.focus().min(profiles::all().len() - 1)];
            (p.title.to_string(), vec![p.description()])
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
                if let Some(d) = crate::wizard::questions::default_value(&state.view(), &q.path) {
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
                paras.push(format!("In atproto.toml: {}", q.path));
                (q.label.clone(), paras)
            }
        },
    }
}

/// The help pane: the current field explained in plain words.
pub fn help_pane(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let (title, paras) = help_text(state);
    let inner = area.inner();
    let width = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        for l in wrap(p, width) {
            lines.push(Line::raw(l));
        }
    }
    let h = inner.height as usize;
    if lines.len() > h && h > 0 {
        lines.truncate(h - 1);
        lines.push(Line::from(Span::styled("(? shows all of it)", theme.dim())));
    }
    let title = format!(
        "Help: {}",
        truncate(&title, width.saturating_sub(8), state.look.ellipsis())
    );
    f.render_widget(
        Paragraph::new(lines).block(block(&title, theme)),
        rect(area),
    );
}

/// The message line: the last thing the wizard has to say, with its symbol and word.
pub fn message_line(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let look = state.look;
    let Some(m) = &state.message else {
        return;
    };
    let (sym, style) = match m.level {
        Level::Error => (format!("{} error: ", look.error()), theme.error()),
        Level::Warning => ("note: ".to_string(), theme.warning()),
    };
    let text = truncate(
        &format!(" {sym}{}", m.text),
        area.width as usize,
        look.ellipsis(),
    );
    f.render_widget(Paragraph::new(Span::styled(text, style)), rect(area));
}

/// The key-hint bar.
pub fn hint_bar(f: &mut Frame, area: Area, state: &WizardState, theme: &Theme) {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (key, what) in hints(state) {
        let n = key.chars().count() + what.chars().count() + 3;
        if used + n > area.width as usize {
            break;
        }
        used += n;
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), rect(area));
}

fn centered(size: (u16, u16), width: u16, height: u16) -> Area {
    let w = width.min(size.0.saturating_sub(4)).max(10);
    let h = height.min(size.1.saturating_sub(2)).max(3);
    Area {
        x: (size.0.saturating_sub(w)) / 2,
        y: (size.1.saturating_sub(h)) / 2,
        width: w,
        height: h,
    }
}

/// Where the overlay's window is.
pub fn overlay_area(state: &WizardState) -> Option<Area> {
    let size = state.size;
    Some(match state.overlay.as_ref()? {
        Overlay::Help { .. } => centered(size, 84, size.1.saturating_sub(4)),
        Overlay::ConfirmQuit | Overlay::ConfirmProfile(_) => centered(size, 58, 8),
        Overlay::Jump { .. } => centered(size, 44, state.steps().len() as u16 + 2),
        Overlay::Choice { choices, .. } => centered(size, 44, choices.len() as u16 + 2),
        Overlay::Resume(offer) => {
            // The window's inner width as `centered` makes it, for the intro's lines.
            let inner = 72.min(size.0.saturating_sub(4)).max(10) as usize - 2;
            let intro = wrap(&resume_intro(state, offer), inner).len();
            let changes = offer.change_lines(RESUME_LINES).len();
            centered(size, 72, (intro + changes + 4) as u16)
        }
    })
}

/// The rows of a list overlay (jump list, choices), for clicks.
pub fn overlay_list_area(state: &WizardState) -> Option<Area> {
    match state.overlay.as_ref()? {
        Overlay::Jump { .. } | Overlay::Choice { .. } => overlay_area(state).map(|a| a.inner()),
        _ => None,
    }
}

/// Draws the open overlay over the screen.
pub fn overlay(f: &mut Frame, state: &WizardState, theme: &Theme) {
    let Some(o) = &state.overlay else {
        return;
    };
    let Some(area) = overlay_area(state) else {
        return;
    };
    let look = state.look;
    f.render_widget(Clear, rect(area));
    let inner = area.inner();
    let width = inner.width as usize;
    match o {
        Overlay::Help { scroll } => {
            let (title, paras) = help_text(state);
            let mut lines: Vec<Line> = vec![Line::from(Span::styled(title, theme.heading()))];
            for p in &paras {
                for l in wrap(p, width) {
                    lines.push(Line::raw(l));
                }
                lines.push(Line::raw(""));
            }
            lines.pop();
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled("Keys", theme.heading())));
            let kw = 24.min(width / 3);
            for (keys, what) in KEYS {
                for (i, l) in wrap(what, width.saturating_sub(kw + 1))
                    .into_iter()
                    .enumerate()
                {
                    let k = if i == 0 { *keys } else { "" };
                    lines.push(Line::from(vec![
                        Span::styled(
                            format!("{:<kw$} ", truncate(k, kw, look.ellipsis())),
                            theme.key(),
                        ),
                        Span::raw(l),
                    ]));
                }
            }
            let max = lines.len().saturating_sub(inner.height as usize);
            let skip = (*scroll).min(max);
            let lines: Vec<Line> = lines.into_iter().skip(skip).collect();
            f.render_widget(
                Paragraph::new(lines).block(block("Help (Esc closes)", theme)),
                rect(area),
            );
        }
        Overlay::ConfirmQuit => {
            let text = format!(
                "Quit without writing? Your answers are not written to {} yet and will be lost. Nothing in the directory has been changed.",
                state.dir.display()
            );
            confirm(f, area, "Quit?", &text, "y quit   n stay", theme);
        }
        Overlay::ConfirmProfile(i) => {
            let p = &profiles::all()[*i];
            let text = format!(
                "Start again from {}? The answers you changed so far are replaced.",
                p.name
            );
            confirm(
                f,
                area,
                "Replace the answers?",
                &text,
                "y replace   n keep mine",
                theme,
            );
        }
        Overlay::Resume(offer) => resume(f, area, state, offer, theme),
        Overlay::Jump { selected } => {
            let steps = state.steps();
            let lines: Vec<Line> = steps
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let st = state.step_status(&s.kind);
                    let marker = if i == *selected { look.current() } else { " " };
                    let text = format!(
                        "{marker} {} {:<w$} {}",
                        look.status(st),
                        truncate(&s.title, width.saturating_sub(14), look.ellipsis()),
                        st.word(),
                        w = width.saturating_sub(14)
                    );
                    let style = if i == *selected {
                        theme.focus()
                    } else {
                        Style::new()
                    };
                    Line::from(Span::styled(text, style))
                })
                .collect();
            let start = list_start(&vec![1; lines.len()], *selected, inner.height as usize);
            let lines: Vec<Line> = lines.into_iter().skip(start).collect();
            f.render_widget(
                Paragraph::new(lines).block(block("Go to step", theme)),
                rect(area),
            );
        }
        Overlay::Choice {
            path,
            choices,
            selected,
        } => {
            let current = state.draft.get(path).map(|v| display_value(&v));
            let lines: Vec<Line> = choices
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let marker = if i == *selected { look.current() } else { " " };
                    let now = if Some(c) == current.as_ref() {
                        "  (now)"
                    } else {
                        ""
                    };
                    let style = if i == *selected {
                        theme.focus()
                    } else {
                        Style::new()
                    };
                    Line::from(Span::styled(format!("{marker} {}. {c}{now}", i + 1), style))
                })
                .collect();
            let title = path.rsplit('.').next().unwrap_or(path);
            f.render_widget(
                Paragraph::new(lines).block(block(&format!("Choose {title}"), theme)),
                rect(area),
            );
        }
    }
}

/// How many changed keys the resume offer lists before "and N more".
const RESUME_LINES: usize = 8;

fn resume_intro(state: &WizardState, offer: &ResumeOffer) -> String {
    format!(
        "Answers typed for {} in an earlier session were not written; they were kept {}. \
         Against {}:",
        escape(&state.dir.display().to_string()),
        offer.saved,
        offer.against
    )
}

/// The offer to resume: when the answers were saved, what differs, the keys.
fn resume(f: &mut Frame, area: Area, state: &WizardState, offer: &ResumeOffer, theme: &Theme) {
    let width = area.inner().width as usize;
    let text = resume_intro(state, offer);
    let mut lines: Vec<Line> = wrap(&text, width).into_iter().map(Line::raw).collect();
    for change in offer.change_lines(RESUME_LINES) {
        let line = format!("  {change}");
        lines.push(Line::raw(truncate(&line, width, state.look.ellipsis())));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "y resume them   n discard them   q quit",
        theme.key(),
    )));
    f.render_widget(
        Paragraph::new(lines).block(block("Resume your answers?", theme)),
        rect(area),
    );
}

fn confirm(f: &mut Frame, area: Area, title: &str, text: &str, keys: &str, theme: &Theme) {
    let width = area.inner().width as usize;
    let mut lines: Vec<Line> = wrap(text, width).into_iter().map(Line::raw).collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(keys.to_string(), theme.key())));
    f.render_widget(Paragraph::new(lines).block(block(title, theme)), rect(area));
}
