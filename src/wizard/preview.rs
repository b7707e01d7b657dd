//! The preview at the Done step, as plain data: the edge runs `crate::preview`'s
//! background jobs (the deep check when Nix is here, then the `nixos-rebuild` preview)
//! and turns their events into [`PreviewEvent`]s; [`super::update`] folds them into a
//! [`PreviewPane`]; `super::preview_lines` is what the pane shows. Deep-check findings
//! are tied to the wizard's steps by their answers path, the same mapping the review
//! uses for diagnostics.
use super::questions::StepKind;
use crate::preview::deep::Finding;
use crate::preview::rebuild::CannotRun;

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
