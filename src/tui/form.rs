//! The rows of a question list (Host, a service's settings, an integration, and the
//! Services list): each question is one line with its value, then its diagnostics
//! right under it, wrapped. Both the drawing and the mouse mapping use these rows, so a
//! click lands on the question drawn there.
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::catalog::Level;
use crate::safe_text::escape;
use crate::value::Value;
use crate::wizard::layout::list_start;
use crate::wizard::questions::{Question, QuestionKind, StepKind, display_value};
use crate::wizard::state::WizardState;
use crate::wizard::text::{truncate, wrap};

/// One question's lines, and where the edit cursor goes (column, line) when editing it.
pub struct Rows {
    pub lines: Vec<Line<'static>>,
    pub cursor: Option<(u16, u16)>,
}

/// Lines above the list (the Services step's column headings).
pub fn header_height(step: &StepKind) -> u16 {
    match step {
        StepKind::Services => 1,
        _ => 0,
    }
}

/// The rows of every question of the current step, for a list `width` wide.
pub fn rows(state: &WizardState, questions: &[Question], width: u16, theme: &Theme) -> Vec<Rows> {
    questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            if state.step == StepKind::Services {
                service_rows(state, q, i == state.focus(), width, theme)
            } else {
                question_rows(state, q, i == state.focus(), width, theme)
            }
        })
        .collect()
}

/// The first question shown, so the focused one is visible in `height` lines.
pub fn first_shown(rows: &[Rows], focus: usize, height: u16) -> usize {
    let heights: Vec<usize> = rows.iter().map(|r| r.lines.len()).collect();
    list_start(&heights, focus, height as usize)
}

fn label_width(width: u16) -> usize {
    (width as usize * 2 / 5).clamp(12, 26)
}

fn question_rows(
    state: &WizardState,
    q: &Question,
    focused: bool,
    width: u16,
    theme: &Theme,
) -> Rows {
    let look = state.look;
    let width = width as usize;
    let lw = label_width(width as u16);
    let marker = if focused {
        format!("{} ", look.current())
    } else {
        "  ".into()
    };
    let label = format!("{}{}", q.label, if q.required { " *" } else { "" });
    let label = format!("{:<lw$}", truncate(&label, lw - 1, look.ellipsis()));
    let vw = width.saturating_sub(2 + lw).max(4);
    let row_style = if focused { theme.focus() } else { Style::new() };
    let mut spans = vec![
        Span::styled(marker, row_style),
        Span::styled(label, row_style.patch(theme.heading())),
    ];
    let mut cursor = None;
    let editing = state.edit.as_ref().filter(|e| e.path == q.path);
    if let Some(e) = editing {
        // Keep the cursor in view: scroll the text left when it is longer than the cell.
        let chars: Vec<char> = e.text.chars().collect();
        let skip = (e.cursor + 1).saturating_sub(vw);
        let shown: String = chars.iter().skip(skip).take(vw).collect();
        cursor = Some(((2 + lw + e.cursor - skip) as u16, 0));
        let pad = vw.saturating_sub(shown.chars().count());
        spans.push(Span::styled(
            format!("{shown}{}", " ".repeat(pad)),
            Style::new().add_modifier(ratatui::style::Modifier::UNDERLINED),
        ));
    } else {
        let (text, style) = value_text(state, q, theme);
        spans.push(Span::styled(
            truncate(&text, vw, look.ellipsis()),
            row_style.patch(style),
        ));
    }
    let mut lines = vec![Line::from(spans)];
    let indent = 4;
    let mut note = |sym: &str, word: &str, msg: &str, style: Style| {
        for (i, l) in wrap(
            &format!("{sym} {word}: {msg}"),
            width.saturating_sub(indent + 2),
        )
        .into_iter()
        .enumerate()
        {
            let pad = if i == 0 { indent } else { indent + 2 };
            lines.push(Line::from(Span::styled(
                format!("{}{l}", " ".repeat(pad)),
                style,
            )));
        }
    };
    if let Some(err) = editing.and_then(|e| e.error.as_ref()) {
        note(look.error(), "error", err, theme.error());
    }
    for d in state.draft.diagnostics_at(&q.path) {
        match d.level {
            Level::Error => note(look.error(), "error", &escape(&d.message), theme.error()),
            Level::Warning => note(
                look.warning(),
                "warning",
                &escape(&d.message),
                theme.warning(),
            ),
        }
    }
    if focused
        && lines.len() == 1
        && let Some(ex) = &q.example
        && !Value::is_set(state.draft.get(&q.path).as_ref())
    {
        lines.push(Line::from(Span::styled(
            format!("{}like {ex}", " ".repeat(indent)),
            theme.dim(),
        )));
    }
    Rows { lines, cursor }
}

/// The value as shown: written values plainly, defaults marked "(default)", unset ones
/// as "(required)" or "(not set)".
pub fn value_text(state: &WizardState, q: &Question, theme: &Theme) -> (String, Style) {
    let written = state.draft.is_written(&q.path);
    let value = state.draft.get(&q.path);
    let shown = |v: &Value| match (&q.kind, v) {
        (QuestionKind::Bool, Value::Bool(true)) => "[x] yes".to_string(),
        (QuestionKind::Bool, Value::Bool(false)) => "[ ] no".to_string(),
        (QuestionKind::List, Value::List(l)) if l.is_empty() => "(empty list)".to_string(),
        // ratatui drops control characters; escaped, they are seen.
        _ => escape(&display_value(v)).into_owned(),
    };
    match value {
        Some(v) if written => (shown(&v), Style::new()),
        Some(v) if Value::is_set(Some(&v)) || matches!(v, Value::Bool(_)) => {
            (format!("{} (default)", shown(&v)), theme.dim())
        }
        _ if q.required => ("(required)".into(), theme.dim()),
        _ => ("(not set)".into(), theme.dim()),
    }
}

/// Columns of the Services list for a list `width` wide: (title, status, ports).
/// A row is `M [x] title status disk memory ports` with disk 7 and memory 6 wide.
fn service_columns(width: u16) -> (usize, usize, usize) {
    let status = 12;
    let fixed = 1 + 3 + 1 + status + 1 + 7 + 1 + 6 + 1 + 1;
    let rest = (width as usize).saturating_sub(fixed);
    let ports = (rest / 4).clamp(5, 16);
    let title = rest.saturating_sub(ports).max(8);
    (title, status, ports)
}

/// The Services list's column headings.
pub fn services_header(width: u16) -> String {
    let (tw, sw, pw) = service_columns(width);
    format!(
        " On  {:<tw$} {:<sw$} {:>7} {:>6} {}",
        "Service",
        "Status",
        "Disk",
        "Memory",
        if pw >= 5 { "Ports" } else { "Port" }
    )
}

/// All the ports, or the first one and "+" when they do not fit.
fn ports_text(ports: &[String], width: usize) -> String {
    let all = ports.join(",");
    if all.chars().count() <= width || ports.len() < 2 {
        all
    } else {
        format!("{}+", ports[0])
    }
}

fn size_mb(mb: u32) -> String {
    if mb >= 1024 && mb.is_multiple_of(1024) {
        format!("{} GB", mb / 1024)
    } else if mb >= 1024 {
        format!("{:.1} GB", mb as f64 / 1024.0)
    } else {
        format!("{mb} MB")
    }
}

fn service_rows(
    state: &WizardState,
    q: &Question,
    focused: bool,
    width: u16,
    theme: &Theme,
) -> Rows {
    let look = state.look;
    let id = q
        .path
        .strip_prefix("services.")
        .and_then(|p| p.strip_suffix(".enable"))
        .unwrap_or_default();
    let catalog = state.catalog();
    let Some(service) = catalog.service(id) else {
        return question_rows(state, q, focused, width, theme);
    };
    let on = state.view().is_enabled(id);
    let (tw, sw, pw) = service_columns(width);
    let marker = if focused { look.current() } else { " " };
    let ports: Vec<String> = service
        .ports
        .iter()
        .map(|p| {
            state
                .draft
                .get(&format!("services.{id}.ports.{}", p.name))
                .map_or(p.default.to_string(), |v| display_value(&v))
        })
        .collect();
    let status = match service.status {
        crate::catalog::Status::UpstreamStub => "stub",
        s => crate::wizard::questions::status_word(s),
    };
    let text = format!(
        "{marker}{} {:<tw$} {:<sw$} {:>7} {:>6} {}",
        if on { "[x]" } else { "[ ]" },
        truncate(&service.title, tw, look.ellipsis()),
        status,
        format!("{} GB", service.resources.disk_gb),
        size_mb(service.resources.memory_mb),
        ports_text(&ports, pw),
    );
    let style = if focused { theme.focus() } else { Style::new() };
    let style = if on {
        style.patch(theme.heading())
    } else {
        style
    };
    let mut lines = vec![Line::from(Span::styled(text, style))];
    for d in state.draft.diagnostics_at(&q.path) {
        let (sym, word, st) = match d.level {
            Level::Error => (look.error(), "error", theme.error()),
            Level::Warning => (look.warning(), "warning", theme.warning()),
        };
        for (i, l) in wrap(
            &format!("{sym} {word}: {}", escape(&d.message)),
            (width as usize).saturating_sub(8),
        )
        .into_iter()
        .enumerate()
        {
            let pad = if i == 0 { 6 } else { 8 };
            lines.push(Line::from(Span::styled(
                format!("{}{l}", " ".repeat(pad)),
                st,
            )));
        }
    }
    Rows {
        lines,
        cursor: None,
    }
}
