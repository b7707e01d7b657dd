//! Widgets every screen shares: the title bar, the step list (a symbol and a word for
//! each state, never colour alone), the help pane, the message line, the key-hint bar
//! and the open overlay (each overlay's module in `crate::wizard::update::overlay` says
//! what it shows and where; this draws any of them).
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::input::hints;
use super::theme::Theme;
use crate::catalog::Level;
use crate::wizard::field_help::help_text;
use crate::wizard::layout::{Area, list_start};
use crate::wizard::state::{Mode, StepStatus, WizardState};
use crate::wizard::text::{truncate, wrap};
use crate::wizard::update::overlay::{self, Tone};

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
                status.symbol(look).to_string(),
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

fn tone_style(tone: Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Plain => Style::new(),
        Tone::Heading => theme.heading(),
        Tone::Key => theme.key(),
        Tone::Focus => theme.focus(),
    }
}

/// Draws the open overlay over the screen: every overlay the same way, from what its
/// module says it shows and where (`crate::wizard::update::overlay`).
pub fn overlay(f: &mut Frame, state: &WizardState, theme: &Theme) {
    let Some(area) = overlay::area(state) else {
        return;
    };
    let Some(view) = overlay::view(state, area.inner()) else {
        return;
    };
    f.render_widget(Clear, rect(area));
    let lines: Vec<Line> = view
        .lines
        .into_iter()
        .map(|parts| {
            let spans: Vec<Span> = parts
                .into_iter()
                .map(|(text, tone)| Span::styled(text, tone_style(tone, theme)))
                .collect();
            Line::from(spans)
        })
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(block(&view.title, theme)),
        rect(area),
    );
}
