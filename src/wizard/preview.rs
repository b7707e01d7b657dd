//! The preview at the Done step, as plain data: the
//! edge runs `crate::preview`'s background jobs (the deep check when Nix is here, then
//! the `nixos-rebuild` preview) and turns their events into [`PreviewEvent`]s;
//! [`super::update`] folds them into a [`PreviewPane`]; [`preview_lines`] is what the
//! pane shows. Deep-check findings are tied to the wizard's steps by their answers path,
//! the same mapping the review uses for diagnostics.
use super::questions::StepKind;
use super::review::{LineStyle, ReviewLine};
use super::state::WizardState;
use super::text::wrap;
use crate::catalog::Level;
use crate::preview::deep::Finding;
use crate::preview::rebuild::CannotRun;
use crate::safe_text::escape;

/// What the edge reports about the running preview, already in plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviewEvent {
    /// A job begins: `Deep check` or `Preview`.
    Phase(String),
    /// A step of the job begins (`index` from 0 of `total`).
    Started {
        index: usize,
        total: usize,
        step: String,
        title: String,
        command: String,
    },
    /// A line the step's command printed.
    Line { step: String, text: String },
    /// The step ended.
    Finished {
        step: String,
        ok: bool,
        note: String,
    },
    /// The deep check's result: its findings, one summary line, and what else it said
    /// (not available here, why the evaluation stopped), in words.
    Deep {
        findings: Vec<Finding>,
        summary: String,
        notes: Vec<String>,
        cancelled: bool,
    },
    /// The `nixos-rebuild` preview's result.
    Rebuild {
        summary: Vec<String>,
        cannot_run: Option<CannotRun>,
        notes: Vec<String>,
        cancelled: bool,
    },
    /// Something the preview could not get past (the directory cannot be read), or a
    /// part left out and why.
    Note(String),
    /// Everything ended.
    End,
}

/// A deep-check finding and the step it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFinding {
    pub step: StepKind,
    pub finding: Finding,
}

/// The preview pane at the Done step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviewPane {
    /// Shown in the Done step's pane (Esc hides it once it ended).
    pub open: bool,
    pub running: bool,
    /// Esc or Ctrl-C was pressed; the jobs are being stopped.
    pub cancelling: bool,
    pub cancelled: bool,
    /// The job and step running now: `Deep check [1/1] eval: …`.
    pub progress: Option<String>,
    /// The job now running (`Deep check`, `Preview`).
    pub phase: String,
    /// What the commands printed, as it came (the last [`LOG_LINES`] lines).
    pub log: Vec<String>,
    pub findings: Vec<StepFinding>,
    pub cannot_run: Option<CannotRun>,
    pub notes: Vec<String>,
    pub summary: Vec<String>,
}

/// How many output lines the pane keeps.
pub const LOG_LINES: usize = 2000;

impl PreviewPane {
    /// A preview just started.
    pub fn started() -> PreviewPane {
        PreviewPane {
            open: true,
            running: true,
            ..PreviewPane::default()
        }
    }

    fn log(&mut self, text: String) {
        self.log.push(text);
        if self.log.len() > LOG_LINES {
            let cut = self.log.len() - LOG_LINES;
            self.log.drain(..cut);
        }
    }

    /// Folds one event in; `step_of` maps an answers path to its step.
    pub fn apply(&mut self, event: PreviewEvent, step_of: &dyn Fn(&str) -> StepKind) {
        match event {
            PreviewEvent::Phase(name) => {
                self.progress = Some(format!("{name}: starting"));
                self.phase = name;
            }
            PreviewEvent::Started {
                index,
                total,
                step,
                title,
                command,
            } => {
                self.progress = Some(format!(
                    "{} [{}/{total}] {step}: {title}",
                    self.phase,
                    index + 1
                ));
                self.log(format!("[{}/{total}] {step}: {title}", index + 1));
                if !command.is_empty() {
                    self.log(format!("$ {command}"));
                }
            }
            PreviewEvent::Line { step, text } => self.log(format!("{step} | {text}")),
            PreviewEvent::Finished { step, ok, note } => {
                let word = if ok { "done" } else { "stopped" };
                let first = note.lines().next().unwrap_or("");
                self.log(format!("{step}: {word}: {first}"));
            }
            PreviewEvent::Deep {
                findings,
                summary,
                notes,
                cancelled,
            } => {
                for finding in findings {
                    let step = finding
                        .answers_path
                        .as_deref()
                        .or(finding.section().as_deref())
                        .map_or(StepKind::Review, step_of);
                    self.findings.push(StepFinding { step, finding });
                }
                self.notes.extend(notes);
                self.summary.push(format!("deep check: {summary}"));
                self.cancelled |= cancelled;
            }
            PreviewEvent::Rebuild {
                summary,
                cannot_run,
                notes,
                cancelled,
            } => {
                self.summary.extend(summary);
                self.cannot_run = cannot_run;
                self.notes.extend(notes);
                self.cancelled |= cancelled;
            }
            PreviewEvent::Note(text) => self.notes.push(text),
            PreviewEvent::End => {
                self.running = false;
                self.progress = None;
                if self.cancelling {
                    self.cancelled = true;
                }
                self.cancelling = false;
            }
        }
    }

    /// The deep-check (errors, warnings) tied to a step.
    pub fn counts(&self, step: &StepKind) -> (usize, usize) {
        let of_step = self.findings.iter().filter(|f| f.step == *step);
        let errors = of_step.clone().filter(|f| f.finding.is_error()).count();
        (errors, of_step.count() - errors)
    }
}

fn line(text: impl Into<String>, style: LineStyle) -> ReviewLine {
    ReviewLine {
        text: text.into(),
        style,
        target: None,
    }
}

fn push_wrapped(
    out: &mut Vec<ReviewLine>,
    text: &str,
    width: usize,
    indent: usize,
    style: LineStyle,
) {
    let lead = " ".repeat(indent);
    for l in wrap(text, width.saturating_sub(indent).max(10)) {
        out.push(line(format!("{lead}{l}"), style));
    }
}

/// The preview pane's lines at `width`: the output as it streamed, then the findings
/// under the name of their step, why it cannot run here (with the commands), the
/// summary and how it ended.
pub fn preview_lines(state: &WizardState, width: usize) -> Vec<ReviewLine> {
    let Some(p) = &state.preview else {
        return Vec::new();
    };
    let look = state.look;
    let width = width.max(20);
    let mut out = Vec::new();
    push_wrapped(
        &mut out,
        &format!(
            "Preview of {} (nothing is built or switched):",
            state.dir.display()
        ),
        width,
        0,
        LineStyle::Heading,
    );
    for l in &p.log {
        let chars: Vec<char> = l.chars().collect();
        for chunk in chars.chunks(width) {
            out.push(line(chunk.iter().collect::<String>(), LineStyle::Dim));
        }
    }
    if !p.findings.is_empty() {
        out.push(line("", LineStyle::Text));
        out.push(line("Deep check, by step:", LineStyle::Heading));
        let steps = state.steps();
        let mut seen: Vec<&StepKind> = Vec::new();
        for f in &p.findings {
            if seen.contains(&&f.step) {
                continue;
            }
            seen.push(&f.step);
            let title = steps
                .iter()
                .find(|s| s.kind == f.step && s.kind != StepKind::Review)
                .map_or("The whole host".to_string(), |s| s.title.clone());
            out.push(line(format!("  {title}"), LineStyle::Heading));
            for g in p.findings.iter().filter(|g| g.step == f.step) {
                let (sym, word, style) = match g.finding.level {
                    Level::Error => (look.error(), "error", LineStyle::Error),
                    Level::Warning => (look.warning(), "warning", LineStyle::Warning),
                };
                push_wrapped(
                    &mut out,
                    &format!("{sym} {word}: {}", escape(&g.finding.message)),
                    width,
                    4,
                    style,
                );
                let at = match (&g.finding.answers_path, &g.finding.option) {
                    (Some(path), Some(opt)) => format!("at {path} (NixOS option {opt})"),
                    (Some(path), None) => format!("at {path}"),
                    (None, Some(opt)) => format!("NixOS option {opt}"),
                    (None, None) => String::new(),
                };
                if !at.is_empty() {
                    push_wrapped(&mut out, &at, width, 6, LineStyle::Dim);
                }
            }
        }
    }
    if let Some(c) = &p.cannot_run {
        out.push(line("", LineStyle::Text));
        push_wrapped(
            &mut out,
            &format!("{} cannot run here: {}", look.warning(), c.why),
            width,
            0,
            LineStyle::Warning,
        );
        out.push(line("On the host, run:", LineStyle::Text));
        for cmd in &c.commands {
            let chars: Vec<char> = cmd.chars().collect();
            for chunk in chars.chunks(width.saturating_sub(2).max(10)) {
                out.push(line(
                    format!("  {}", chunk.iter().collect::<String>()),
                    LineStyle::DiffHunk,
                ));
            }
        }
    }
    for n in &p.notes {
        push_wrapped(
            &mut out,
            &format!("note: {n}"),
            width,
            0,
            LineStyle::Warning,
        );
    }
    if !p.summary.is_empty() {
        out.push(line("", LineStyle::Text));
        out.push(line("Summary:", LineStyle::Heading));
        for s in &p.summary {
            push_wrapped(&mut out, s, width, 2, LineStyle::Text);
        }
    }
    if p.cancelled {
        push_wrapped(
            &mut out,
            "Cancelled: the preview was stopped and its commands killed. p runs it again.",
            width,
            0,
            LineStyle::Warning,
        );
    } else if p.cancelling {
        out.push(line(
            format!("Cancelling{}", look.ellipsis()),
            LineStyle::Warning,
        ));
    } else if !p.running {
        push_wrapped(
            &mut out,
            "Finished. p runs it again; Esc goes back to the next steps.",
            width,
            0,
            LineStyle::Ok,
        );
    }
    out
}
