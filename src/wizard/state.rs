//! Everything the full-screen wizard shows, as plain data: the answers (a [`Draft`],
//! toml_edit underneath, so comments survive), the current step and question, the edit
//! buffer, the open overlay, what the host directory holds and the outcome of writing.
//! Drawing (`crate::tui::screens`) is a pure function of this; only
//! [`super::update::update`] changes it.
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use toml_edit::DocumentMut;

use super::draft::Draft;
use super::first_switch::Machine;
use super::hand_off::HandOff;
use super::journey;
pub use super::look::Look;
use super::preview::PreviewPane;
use super::probes::ProbePane;
use super::profiles::Profile;
use super::questions::{self, Question, QuestionKind, Step, StepKind};
use super::resume::ResumeOffer;
use crate::apply::{ApplyPlan, DirState};
use crate::catalog::{Catalog, Level};
use crate::plan::PlanView;
use crate::validate::Diagnostic;

/// How the wizard was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `atproto-wizard new`: a new host, from a profile.
    New,
    /// `atproto-wizard edit DIR`: the host's atproto.toml, every screen filled in.
    Edit,
}

/// A line being edited for a text, number, port or list question. The draft holds the
/// typed value as it is typed (so validation runs on every keystroke); `snapshot` is
/// the document before the edit, restored by Esc.
#[derive(Debug, Clone)]
pub struct EditBuffer {
    pub path: String,
    pub kind: QuestionKind,
    pub text: String,
    /// The cursor, in characters from the start.
    pub cursor: usize,
    /// Why the text cannot be read as a value (`parse_answer`'s message), if it cannot.
    pub error: Option<String>,
    pub snapshot: DocumentMut,
}

/// A window over the screen.
///
/// Adding one: a variant here (its data), and a module in
/// `crate::wizard::update::overlay` with everything else about it (how it changes the
/// state, its letter keys, hints, size and what it shows). The compiler then points at
/// the dispatch in that module's `mod.rs`; the terminal front end draws and sizes
/// every overlay from that module, so it needs no change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// `?`: the current field's help and every key; scrolled by this many lines.
    Help { scroll: usize },
    /// Quit and lose the unsaved answers?
    ConfirmQuit,
    /// Replace the answers with this profile (index in `profiles::all()`)?
    ConfirmProfile(usize),
    /// `g`: steps and problems to jump to; the selected entry.
    Jump { selected: usize },
    /// The choices of an enum question; the selected one.
    Choice {
        path: String,
        choices: Vec<String>,
        selected: usize,
    },
    /// Answers kept from an earlier session that ended before writing: take them up?
    Resume(ResumeOffer),
    /// A setting that points at another service, in a host of a fleet: the fleet's
    /// services it may name; `list` when the setting holds several.
    Reference {
        path: String,
        list: bool,
        candidates: Vec<crate::fleet::seat::Candidate>,
        selected: usize,
    },
}

/// A line in the status bar above the key hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

/// What came of writing the host's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    Written {
        /// Each file written: its name, whether it is new, its backup's file name.
        files: Vec<WrittenFile>,
        notes: Vec<String>,
        /// Files git must track for the flake to see them (`git add`).
        git_add: Vec<String>,
        /// The answers as written to atproto.toml (resolved).
        answers_text: String,
    },
    /// The directory already holds exactly these files.
    NothingToDo { notes: Vec<String> },
    /// `apply` refuses to write: (file, why, what to do by hand). Nothing was written.
    Refused(Vec<(String, String, String)>),
    /// An I/O error; what was and was not written is in the message.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub path: String,
    pub created: bool,
    pub backup: Option<String>,
}

/// The state of a step in the step list. Never shown by colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Not looked at yet.
    Todo,
    Done,
    Warnings(usize),
    Errors(usize),
}

impl StepStatus {
    /// Its symbol in `look` (always shown with its word).
    pub fn symbol(self, look: Look) -> &'static str {
        match self {
            StepStatus::Todo => look.todo(),
            StepStatus::Done => look.done(),
            StepStatus::Warnings(_) => look.warning(),
            StepStatus::Errors(_) => look.error(),
        }
    }
    /// The word the step list shows.
    pub fn word(self) -> &'static str {
        match self {
            StepStatus::Todo => "to do",
            StepStatus::Done => "done",
            StepStatus::Warnings(_) => "warning",
            StepStatus::Errors(_) => "error",
        }
    }
}

/// The whole wizard.
#[derive(Debug, Clone)]
pub struct WizardState {
    pub mode: Mode,
    /// The host directory, as given.
    pub dir: PathBuf,
    pub draft: Draft,
    /// The answers text last saved (edit: read from disk; after writing: written);
    /// `None` in a new host until it is written.
    pub saved_text: Option<String>,
    /// The profile chosen at the Start step (new hosts).
    pub profile: Option<&'static str>,
    /// What the host directory held when read (for the review's diff).
    pub dir_state: DirState,
    pub step: StepKind,
    /// The focused question (or entry) of each step.
    pub focus: HashMap<StepKind, usize>,
    pub visited: HashSet<StepKind>,
    /// Once the Review step was seen every step shows its real status.
    pub reviewed: bool,
    pub edit: Option<EditBuffer>,
    pub overlay: Option<Overlay>,
    /// The review's cursor line and first visible line.
    pub review_cursor: usize,
    pub review_scroll: usize,
    /// What `apply` would do, worked out when the Review or Write step is entered.
    pub apply_plan: Option<ApplyPlan>,
    pub outcome: Option<WriteOutcome>,
    pub message: Option<Message>,
    /// The terminal's size (columns, rows).
    pub size: (u16, u16),
    pub look: Look,
    /// The preview started at the Done step (`p`), running or ended.
    pub preview: Option<PreviewPane>,
    /// The preflight probes started on the Review step (`c`), running or ended.
    pub probes: Option<ProbePane>,
    /// Where this project's flake is on this machine, for the step before the first
    /// switch; set by the edge (`crate::tui`), `None` when nobody looked.
    pub machine: Option<Machine>,
    /// The Start step's other ways in, listed after the profiles (set by the edge,
    /// which knows what is on this machine).
    pub offers: Vec<HandOff>,
    /// The one chosen: the wizard ends and that command runs.
    pub hand_off: Option<HandOff>,
}

impl WizardState {
    /// A new host in `dir`: at the Start step, or at Host with a profile already chosen.
    pub fn new_host(
        catalog: &'static Catalog,
        dir: PathBuf,
        dir_state: DirState,
        profile: Option<&'static Profile>,
    ) -> WizardState {
        let mut s = WizardState {
            mode: Mode::New,
            dir,
            draft: Draft::empty(catalog),
            saved_text: None,
            profile: None,
            dir_state,
            step: StepKind::Start,
            focus: HashMap::new(),
            visited: HashSet::from([StepKind::Start]),
            reviewed: false,
            edit: None,
            overlay: None,
            review_cursor: 0,
            review_scroll: 0,
            apply_plan: None,
            outcome: None,
            message: None,
            size: (80, 24),
            look: Look::default(),
            preview: None,
            probes: None,
            machine: None,
            offers: Vec::new(),
            hand_off: None,
        };
        if let Some(p) = profile {
            s.draft = p.draft(catalog);
            s.profile = Some(p.name);
            let index = super::profiles::all()
                .iter()
                .position(|q| q.name == p.name)
                .unwrap_or(0);
            s.focus.insert(StepKind::Start, index);
            s.step = StepKind::Host;
            s.visited.insert(StepKind::Host);
        }
        s
    }

    /// An existing host: its answers (already read and parsed) in `draft`.
    pub fn edit_host(dir: PathBuf, dir_state: DirState, draft: Draft) -> WizardState {
        let saved = draft.text().to_string();
        let mut s = WizardState {
            mode: Mode::Edit,
            dir,
            draft,
            saved_text: Some(saved),
            profile: None,
            dir_state,
            step: StepKind::Host,
            focus: HashMap::new(),
            visited: HashSet::new(),
            reviewed: true,
            edit: None,
            overlay: None,
            review_cursor: 0,
            review_scroll: 0,
            apply_plan: None,
            outcome: None,
            message: None,
            size: (80, 24),
            look: Look::default(),
            preview: None,
            probes: None,
            machine: None,
            offers: Vec::new(),
            hand_off: None,
        };
        s.visited.insert(StepKind::Start);
        s.visited.insert(StepKind::Host);
        s
    }

    pub fn catalog(&self) -> &'static Catalog {
        self.draft.catalog()
    }

    pub fn view(&self) -> PlanView<'_> {
        self.draft.view()
    }

    /// The steps as the plan is now.
    pub fn steps(&self) -> Vec<Step> {
        questions::steps(self.catalog(), &self.view())
    }

    /// The current step's index in [`WizardState::steps`].
    pub fn step_index(&self) -> usize {
        self.steps()
            .iter()
            .position(|s| s.kind == self.step)
            .unwrap_or(0)
    }

    /// The questions of the current step.
    pub fn questions(&self) -> Vec<Question> {
        questions::questions(self.catalog(), &self.view(), &self.step)
    }

    /// The focused entry of the current step.
    pub fn focus(&self) -> usize {
        self.focus.get(&self.step).copied().unwrap_or(0)
    }

    /// The focused question, on a step that has questions.
    pub fn focused_question(&self) -> Option<Question> {
        self.questions().into_iter().nth(self.focus())
    }

    /// Whether quitting now would lose answers.
    pub fn dirty(&self) -> bool {
        match &self.saved_text {
            None => self.profile.is_some(),
            Some(saved) => self.draft.text() != saved,
        }
    }

    /// Whether the host was written in this session.
    pub fn written(&self) -> bool {
        matches!(
            self.outcome,
            Some(WriteOutcome::Written { .. } | WriteOutcome::NothingToDo { .. })
        )
    }

    /// The step a diagnostic belongs to, by its path ([`journey::step_of_path`]).
    pub fn step_of_path(&self, path: &str) -> StepKind {
        journey::step_of_path(self.catalog(), &self.view(), path)
    }

    /// The diagnostics that belong to a step.
    pub fn diagnostics_of(&self, step: &StepKind) -> Vec<&Diagnostic> {
        self.draft
            .diagnostics()
            .iter()
            .filter(|d| self.step_of_path(&d.path) == *step)
            .collect()
    }

    /// Whether a step is shown with its real status (else "to do"): visited, or every
    /// step once the review was seen or when editing a host.
    pub fn seen(&self, step: &StepKind) -> bool {
        self.reviewed || self.visited.contains(step)
    }

    /// A step's status: errors (once seen), warnings, done (once seen) or to do.
    pub fn step_status(&self, step: &StepKind) -> StepStatus {
        let diags = self.diagnostics_of(step);
        // The deep check's failed assertions and warnings count as the step's own.
        let (deep_errors, deep_warnings) = self.preview.as_ref().map_or((0, 0), |p| p.counts(step));
        let errors = diags.iter().filter(|d| d.level == Level::Error).count() + deep_errors;
        let warnings = diags.len() + deep_errors + deep_warnings - errors;
        // The deep check's findings show at once: the operator ran it to see them.
        let seen = self.seen(step) || deep_errors > 0;
        match step {
            StepKind::Start => {
                if self.mode == Mode::Edit || self.profile.is_some() {
                    if errors > 0 {
                        StepStatus::Errors(errors)
                    } else {
                        StepStatus::Done
                    }
                } else {
                    StepStatus::Todo
                }
            }
            StepKind::Review => {
                let all = self.draft.diagnostics();
                let errors = all.iter().filter(|d| d.level == Level::Error).count();
                match (self.visited.contains(step), errors, all.len() - errors) {
                    (false, _, _) => StepStatus::Todo,
                    (true, e, _) if e > 0 => StepStatus::Errors(e),
                    (true, _, w) if w > 0 => StepStatus::Warnings(w),
                    _ => StepStatus::Done,
                }
            }
            StepKind::Write | StepKind::Done => match &self.outcome {
                Some(WriteOutcome::Written { .. } | WriteOutcome::NothingToDo { .. }) => {
                    StepStatus::Done
                }
                Some(WriteOutcome::Refused(r)) if *step == StepKind::Write => {
                    StepStatus::Errors(r.len())
                }
                Some(WriteOutcome::Failed(_)) if *step == StepKind::Write => StepStatus::Errors(1),
                _ => StepStatus::Todo,
            },
            // A host that runs nothing is not done choosing its services.
            StepKind::Services
                if errors == 0 && self.view().enabled_services().next().is_none() =>
            {
                StepStatus::Todo
            }
            _ if errors > 0 && seen => StepStatus::Errors(errors),
            _ if errors > 0 => StepStatus::Todo,
            _ if warnings > 0 => StepStatus::Warnings(warnings),
            _ if seen => StepStatus::Done,
            _ => StepStatus::Todo,
        }
    }

    /// How many entries the current step's list has (questions, profiles, problems).
    pub fn entries(&self) -> usize {
        match &self.step {
            StepKind::Start if self.mode == Mode::New => {
                super::profiles::all().len() + self.offers.len()
            }
            StepKind::Start | StepKind::Write | StepKind::Done => 0,
            StepKind::Review => 0,
            _ => self.questions().len(),
        }
    }
}
