//! The line mode's journey, over the wizard's pure core: the steps and questions of
//! `crate::wizard::questions`, the answers in a [`Draft`] (validated with
//! `crate::validate` after every answer), the steps of `crate::wizard::journey`, the
//! review from `crate::wizard::summary`, and the write through `crate::write_host` with
//! `crate::report`'s words, exactly as `apply` writes. All talk with the operator goes
//! through a [`Prompter`].
//!
//! Navigation, as the prompts say:
//! - Each step with questions opens with its current answers and a choice: go through
//!   the questions, keep the answers and go on, `< Back` to the previous step, `? Help`.
//! - At a question, Enter keeps the current value, `?` explains the field (the
//!   catalog's help), `<` goes back to the previous question (from the first one, to
//!   the step's choice), `-` removes a written value so the default applies again.
//!   Lists have "< Back" and "? Help" entries instead (typing `<` or `?` filters to them).
//! - An answer the validator rejects (wrong type, a required value left empty) is not
//!   kept: its message is shown at once and the question is asked again. Problems that
//!   involve other answers (a port clash, a rule) are shown and kept; the review lists
//!   them and writing waits until every error is fixed.
//! - Esc or Ctrl-C asks "Discard your answers? (y/N)" when anything changed; nothing is
//!   written until the operator answers yes to "Write these files? (y/N)".
//! - The answers are kept in a draft before every question ([`super::keep`]); the
//!   journey opens by offering a draft an earlier session left.
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::catalog::{Catalog, FieldType, Level};
use crate::fleet::seat::{Candidate, referring_field};
use crate::safe_text::escape;
use crate::validate::Diagnostic;
use crate::value::Value;
use crate::wizard::first_switch::Machine;
use crate::wizard::hand_off::{self, HandOff};
use crate::wizard::journey;
pub use crate::wizard::look::Look;
use crate::wizard::questions::{self as q, Question, QuestionKind, StepKind};
use crate::wizard::{ANSWERS_NAME, Draft, profiles};

use super::keep::Kept;
use super::prompter::{ConfirmAsk, MultiAsk, PromptError, Prompter, Reply, SelectAsk, TextAsk};
use super::text::{first_sentence, wrap, wrap_hanging};

pub use crate::exit_status::ExitStatus;

/// The message when there is no terminal to ask on.
pub const NO_TERMINAL: &str = "atproto-wizard needs a terminal for questions; write an answers file and run `atproto-wizard apply --answers FILE --dir DIR`";

/// Where the journey starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    /// A new host: at the Start step, or with this profile already chosen.
    New { profile: Option<&'static str> },
    /// An existing host: these are its answers (the directory's atproto.toml).
    Edit { text: String },
    /// One host of a fleet: its answers, checked with its fleet; writing saves them alone.
    InFleet {
        text: String,
        seat: crate::fleet::seat::Seat,
    },
}

/// Why the flow ends before its last step: the operator quit, or something stopped it,
/// with the exit status to end with.
pub(super) enum Quit {
    Exit(ExitStatus),
}

/// What a question or step gives back, unless the flow ends there.
pub(super) type Asked<T> = Result<T, Quit>;

/// Where a step sends the operator.
pub(super) enum Nav {
    Next,
    Back,
    /// The step has nothing to ask: go on in the direction we were going.
    Skip,
    Exit(ExitStatus),
}

/// Where a question sends the operator.
pub(super) enum QuestionNav {
    Next,
    Back,
}

/// What the operator answered at a question, before it is checked.
enum Typed {
    Back,
    Help,
    /// `-`: remove the written value.
    Clear,
    /// The current value, unchanged.
    Keep,
    Text(String),
}

const HINT_KEYS: &str = "? explains, < goes back, Esc quits";

/// Runs the whole journey, keeping the answers in `kept` (when given) as they change;
/// returns the exit status.
pub fn run(
    prompter: &mut dyn Prompter,
    catalog: &'static Catalog,
    dir: &Path,
    start: Start,
    look: Look,
    width: usize,
    kept: Option<Kept>,
) -> ExitStatus {
    let (start, seat) = match start {
        Start::InFleet { text, seat } => (Start::Edit { text }, Some(seat)),
        other => (other, None),
    };
    let (draft, step, edit, profile, start_text) = match start {
        Start::New { profile } => {
            let chosen = profile.and_then(profiles::find);
            let draft = chosen.map_or_else(|| Draft::empty(catalog), |p| p.draft(catalog));
            let text = draft.text().to_string();
            let step = if chosen.is_some() {
                StepKind::Host
            } else {
                StepKind::Start
            };
            (draft, step, false, chosen.map(|p| p.name), text)
        }
        Start::Edit { text } => match Draft::parse(catalog, &text) {
            Ok(d) => {
                let d = match seat {
                    Some(seat) => d.in_fleet(seat),
                    None => d,
                };
                (d, StepKind::Host, true, None, text)
            }
            Err(e) => {
                let path = dir.join(ANSWERS_NAME);
                prompter.say(&format!(
                    "{}: {}: {}\n",
                    path.display(),
                    look.style().error("error"),
                    escape(&e.message)
                ));
                return ExitStatus::Unusable;
            }
        },
        Start::InFleet { .. } => unreachable!("taken apart above"),
    };
    let mut flow = Flow {
        p: prompter,
        catalog,
        dir: dir.to_path_buf(),
        edit,
        draft,
        start_text,
        profile,
        look,
        width,
        visited: HashSet::new(),
        machine: crate::disk::own_flake::this_machine(),
        kept,
        offers: if edit {
            Vec::new()
        } else {
            crate::disk::host::read_host_files(dir, crate::disk::read::Links::Refuse)
                .map(|state| {
                    hand_off::offers(
                        &state,
                        std::path::Path::new(hand_off::DOCKER_PDS_ENV).is_file(),
                    )
                })
                .unwrap_or_default()
        },
    };
    flow.intro();
    let code = match flow.offer_resume(step).and_then(|step| flow.journey(step)) {
        Ok(code) | Err(Quit::Exit(code)) => code,
    };
    flow.leave_draft(code);
    code
}

pub(super) struct Flow<'p> {
    pub(super) p: &'p mut dyn Prompter,
    pub(super) catalog: &'static Catalog,
    pub(super) dir: PathBuf,
    pub(super) edit: bool,
    pub(super) draft: Draft,
    /// The answers when the journey began, to tell whether anything changed.
    pub(super) start_text: String,
    /// The profile chosen at the Start step.
    pub(super) profile: Option<&'static str>,
    pub(super) look: Look,
    /// The terminal's width, to wrap text at.
    pub(super) width: usize,
    pub(super) visited: HashSet<StepKind>,
    /// Where this project's flake is on this machine (the step before the first switch).
    pub(super) machine: Machine,
    /// The draft the answers are kept in, when drafts are kept.
    pub(super) kept: Option<Kept>,
    /// The Start step's other ways in (adopt, import-pds), after the profiles.
    pub(super) offers: Vec<HandOff>,
}

impl Flow<'_> {
    fn journey(&mut self, first: StepKind) -> Asked<ExitStatus> {
        let mut step = first;
        let mut forward = true;
        loop {
            let nav = match step.clone() {
                StepKind::Start => self.start_step()?,
                StepKind::Services => self.services_step()?,
                StepKind::Review | StepKind::Write | StepKind::Done => self.review_step()?,
                kind => self.question_step(&kind)?,
            };
            let direction = match nav {
                Nav::Exit(code) => return Ok(code),
                Nav::Next => 1,
                Nav::Back => -1,
                Nav::Skip if forward => 1,
                Nav::Skip => -1,
            };
            forward = direction > 0;
            match journey::neighbour(&self.steps(), &step, direction) {
                Some(next) => step = next,
                None => {
                    self.say("This is the first step.\n");
                    forward = true;
                }
            }
        }
    }

    // ------------------------------------------------------------------ output

    pub(super) fn say(&mut self, text: &str) {
        self.p.say(text);
    }

    /// A paragraph, wrapped, indented by `indent` spaces.
    pub(super) fn para(&mut self, text: &str, indent: usize) {
        let wrapped = wrap(text, self.width.saturating_sub(1), indent);
        self.p.say(&wrapped);
    }

    /// A numbered or bulleted item, its following lines under its text.
    pub(super) fn item(&mut self, text: &str, indent: usize, hang: usize) {
        let wrapped = wrap_hanging(text, self.width.saturating_sub(1), indent, hang);
        self.p.say(&wrapped);
    }

    fn intro(&mut self) {
        let what = if self.edit {
            format!(
                "Changing the host in {}: every answer starts as {} has it.",
                self.dir.display(),
                ANSWERS_NAME
            )
        } else {
            format!("A new host in {}.", self.dir.display())
        };
        self.say(&format!("atproto-wizard, line mode. {what}\n"));
        if !self.edit && self.dir.join(ANSWERS_NAME).exists() {
            let word = self.level_word(Level::Warning);
            self.para(
                &format!(
                    "{word}: {} already has an {ANSWERS_NAME}: these answers replace it (the \
                     review shows the difference). To change that host instead, quit and run \
                     atproto-wizard edit {}",
                    self.dir.display(),
                    self.dir.display()
                ),
                0,
            );
        }
        self.para(
            "At each question: Enter keeps the value shown in parentheses, ? explains the \
             question, < goes back, Esc or Ctrl-C quits. Nothing is written before you \
             say yes at the end.",
            0,
        );
    }

    pub(super) fn level_word(&self, level: Level) -> String {
        match level {
            Level::Error => self.look.style().error("error"),
            Level::Warning => self.look.style().warning("warning"),
        }
    }

    /// A diagnostic in words; `at` names where it is (a question's label, or a path).
    pub(super) fn say_diagnostic(&mut self, d: &Diagnostic, at: Option<&str>) {
        let word = self.level_word(d.level);
        // Messages quote values and keys from the file.
        let message = escape(&d.message);
        let text = match at {
            Some(at) => format!("{word}: {message} (at {})", escape(at)),
            None => format!("{word}: {message}"),
        };
        self.para(&text, 2);
    }

    /// Where a diagnostic is, for the operator: the label of the question that sets
    /// its path ("Crawlers"), else the path itself.
    fn place(questions: &[Question], path: &str) -> String {
        questions
            .iter()
            .find(|q| q.path == path)
            .map_or_else(|| path.to_string(), |q| format!("question {:?}", q.label))
    }

    // ------------------------------------------------------------------ prompts

    pub(super) fn failed(&mut self, e: PromptError) -> Quit {
        match e {
            PromptError::NoTerminal => self.say(&format!("{NO_TERMINAL}\n")),
            PromptError::Io(e) => {
                let word = self.look.style().error("error");
                self.say(&format!("{word}: the terminal: {e}\n"));
            }
        }
        Quit::Exit(ExitStatus::Unusable)
    }

    /// Asks a text question; a cancel asks whether to discard, then asks again.
    pub(super) fn text(&mut self, ask: &TextAsk) -> Asked<String> {
        self.keep_draft();
        loop {
            match self.p.text(ask) {
                Ok(Reply::Answer(a)) => return Ok(a),
                Ok(Reply::Cancel) => self.cancel()?,
                Err(e) => return Err(self.failed(e)),
            }
        }
    }

    pub(super) fn select(&mut self, ask: &SelectAsk) -> Asked<usize> {
        self.keep_draft();
        loop {
            match self.p.select(ask) {
                Ok(Reply::Answer(a)) => return Ok(a),
                Ok(Reply::Cancel) => self.cancel()?,
                Err(e) => return Err(self.failed(e)),
            }
        }
    }

    fn multi_select(&mut self, ask: &MultiAsk) -> Asked<Vec<usize>> {
        self.keep_draft();
        loop {
            match self.p.multi_select(ask) {
                Ok(Reply::Answer(a)) => return Ok(a),
                Ok(Reply::Cancel) => self.cancel()?,
                Err(e) => return Err(self.failed(e)),
            }
        }
    }

    pub(super) fn confirm(&mut self, message: &str, hint: &str) -> Asked<bool> {
        self.keep_draft();
        let ask = ConfirmAsk {
            message: message.into(),
            default: false,
            hint: hint.into(),
        };
        match self.p.confirm(&ask) {
            Ok(Reply::Answer(a)) => Ok(a),
            // Esc at a yes/no question is no.
            Ok(Reply::Cancel) => Ok(false),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// Whether the answers differ from where the journey began (a chosen profile counts).
    pub(super) fn changed(&self) -> bool {
        self.draft.text() != self.start_text || (!self.edit && self.profile.is_some())
    }

    /// Esc or Ctrl-C: quit when nothing changed or the operator discards; else go on.
    pub(super) fn cancel(&mut self) -> Asked<()> {
        if self.changed() {
            let discard = match self.p.confirm(&ConfirmAsk {
                message: "Discard your answers? (y/N)".into(),
                default: false,
                hint: "y quits without writing anything; n or Enter goes back to the question"
                    .into(),
            }) {
                Ok(Reply::Answer(a)) => a,
                // A second Esc or Ctrl-C means it.
                Ok(Reply::Cancel) => true,
                Err(e) => return Err(self.failed(e)),
            };
            if !discard {
                return Ok(());
            }
        }
        self.discard_draft();
        self.say(&format!(
            "Nothing was written; {} is as it was.\n",
            self.dir.display()
        ));
        Err(Quit::Exit(ExitStatus::NotWritten))
    }

    // ------------------------------------------------------------------ steps

    /// The steps the line mode walks ([`journey::line_mode_steps`]).
    fn steps(&self) -> Vec<q::Step> {
        journey::line_mode_steps(self.catalog, &self.draft.view(), self.edit)
    }

    pub(super) fn header(&mut self, kind: &StepKind) {
        let steps = self.steps();
        let at = steps.iter().position(|s| s.kind == *kind).unwrap_or(0);
        let title = steps
            .get(at)
            .map_or_else(|| "?".to_string(), |s| s.title.clone());
        self.say(&format!("\nStep {} of {}: {title}\n", at + 1, steps.len()));
    }

    /// The step a diagnostic's path belongs to, as the full screen files it.
    pub(super) fn step_of_path(&self, path: &str) -> StepKind {
        journey::step_of_path(self.catalog, &self.draft.view(), path)
    }

    fn step_diagnostics(&self, kind: &StepKind) -> Vec<Diagnostic> {
        self.draft
            .diagnostics()
            .iter()
            .filter(|d| self.step_of_path(&d.path) == *kind)
            .cloned()
            .collect()
    }

    pub(super) fn questions(&self, kind: &StepKind) -> Vec<Question> {
        q::questions(self.catalog, &self.draft.view(), kind)
    }

    // ------------------------------------------------------------------ Start

    fn start_step(&mut self) -> Asked<Nav> {
        self.header(&StepKind::Start);
        self.para(
            "What will this host run? Each choice is a ready plan from profiles/; every \
             answer can be changed in the next steps.",
            0,
        );
        let all = profiles::all();
        let mut options: Vec<String> = all
            .iter()
            .map(|p| format!("{}: {}", p.name, p.title))
            .collect();
        if !self.offers.is_empty() {
            self.para(
                "Something is already here: the choices after the profiles take it over \
                 instead of writing a new host.",
                0,
            );
        }
        options.extend(self.offers.iter().map(|o| format!("-> {}", o.title())));
        options.push("? Help: what each choice sets up".into());
        let start = self
            .profile
            .and_then(|name| all.iter().position(|p| p.name == name))
            .unwrap_or(0);
        loop {
            let chosen = self.select(&SelectAsk {
                message: "What will this host run?".into(),
                options: options.clone(),
                start,
                hint: "up/down to move, Enter to choose, type to filter, Esc quits".into(),
            })?;
            let Some(profile) = all.get(chosen) else {
                if let Some(offer) = self.offers.get(chosen - all.len()).copied() {
                    return Ok(Nav::Exit(self.hand_off(offer)));
                }
                for p in all {
                    self.para(&format!("{}: {}", p.name, p.description()), 2);
                }
                for o in self.offers.clone() {
                    self.para(&format!("{}: {}", o.title(), o.description()), 2);
                }
                continue;
            };
            if self.profile == Some(profile.name) {
                return Ok(Nav::Next);
            }
            if let Some(before) = self.profile.and_then(profiles::find)
                && before.draft(self.catalog).text() != self.draft.text()
                && !self.confirm(
                    &format!(
                        "Start again from {}? Your answers so far are replaced. (y/N)",
                        profile.name
                    ),
                    "y replaces them; n or Enter keeps them",
                )?
            {
                continue;
            }
            self.draft = profile.draft(self.catalog);
            self.profile = Some(profile.name);
            self.para(
                &format!("Starting from {}. {}", profile.name, profile.description()),
                0,
            );
            return Ok(Nav::Next);
        }
    }

    /// Runs the command a Start choice hands over to, its report said here and its one
    /// question asked here.
    fn hand_off(&mut self, offer: HandOff) -> ExitStatus {
        let said = std::cell::RefCell::new(Vec::<u8>::new());
        let mut out = SaidBuffer(&said);
        let style = self.look.style();
        let catalog = self.catalog;
        let dir = self.dir.clone();
        let mut confirm = |question: &str| {
            let text = String::from_utf8_lossy(&said.borrow_mut().split_off(0)).into_owned();
            self.p.say(&text);
            Some(
                self.confirm(
                    question.trim_end_matches(" [y/N] "),
                    "y writes; n or Enter writes nothing",
                )
                .unwrap_or(false),
            )
        };
        let status = crate::cli::hand_off::run(offer, catalog, &dir, style, &mut confirm, &mut out);
        let rest = String::from_utf8_lossy(&said.borrow()).into_owned();
        self.p.say(&rest);
        status
    }

    // ------------------------------------------------------------------ Services

    pub(super) fn services_step(&mut self) -> Asked<Nav> {
        self.header(&StepKind::Services);
        self.para(
            "Tick the services this host runs. Each line: the service, its status \
             upstream, the disk and memory it needs, and what it does.",
            0,
        );
        let questions = self.questions(&StepKind::Services);
        let mut options: Vec<String> = questions
            .iter()
            .map(|question| self.service_line(question))
            .collect();
        let help = options.len();
        options.push("? Help: tick this, then Enter, to read every service's description".into());
        let back = options.len();
        options.push("< Back: tick this, then Enter, to go to the previous step".into());
        let mut selected: Vec<usize> = questions
            .iter()
            .enumerate()
            .filter(|(_, question)| self.draft.get(&question.path) == Some(Value::Bool(true)))
            .map(|(i, _)| i)
            .collect();
        loop {
            let chosen = self.multi_select(&MultiAsk {
                message: "Which services?".into(),
                options: options.clone(),
                selected: selected.clone(),
                hint: "up/down to move, space to tick or untick, type to filter, Enter to accept"
                    .into(),
            })?;
            if chosen.contains(&back) {
                return Ok(Nav::Back);
            }
            if chosen.contains(&help) {
                for question in &questions {
                    self.para(&format!("{}: {}", question.label, question.help), 2);
                }
                selected = chosen.into_iter().filter(|i| *i != help).collect();
                continue;
            }
            for (i, question) in questions.iter().enumerate() {
                let want = chosen.contains(&i);
                let have = self.draft.get(&question.path) == Some(Value::Bool(true));
                if want != have {
                    self.draft.set(&question.path, &Value::Bool(want));
                }
            }
            let enabled: Vec<String> = self
                .draft
                .view()
                .enabled_services()
                .map(|s| s.title.clone())
                .collect();
            if enabled.is_empty() {
                let word = self.level_word(Level::Warning);
                self.say(&format!(
                    "  {word}: no service is chosen; the host will run none.\n"
                ));
            } else {
                self.para(&format!("Chosen: {}.", enabled.join(", ")), 2);
            }
            for d in self.step_diagnostics(&StepKind::Services) {
                let at = Self::place(&questions, &d.path);
                self.say_diagnostic(&d, Some(&at));
            }
            self.visited.insert(StepKind::Services);
            return Ok(Nav::Next);
        }
    }

    fn service_line(&self, question: &Question) -> String {
        let id = question
            .path
            .strip_prefix("services.")
            .and_then(|p| p.strip_suffix(".enable"))
            .unwrap_or_default();
        match self.catalog.service(id) {
            Some(s) => format!(
                "{} ({id}): {}, {} GB disk, {} MB memory. {}",
                s.title,
                q::status_word(s.status),
                s.resources.disk_gb,
                s.resources.memory_mb,
                first_sentence(&s.summary)
            ),
            None => question.label.clone(),
        }
    }

    // ------------------------------------------------------------------ questions

    fn question_step(&mut self, kind: &StepKind) -> Asked<Nav> {
        let mut show = true;
        loop {
            let questions = self.questions(kind);
            if questions.is_empty() {
                return Ok(Nav::Skip);
            }
            let diagnostics = self.step_diagnostics(kind);
            if show {
                self.header(kind);
                self.step_intro(kind);
                self.say("Now:\n");
                for question in &questions {
                    let value = self.shown_value(question);
                    self.say(&format!("  {}: {value}\n", question.label));
                }
                for d in &diagnostics {
                    let at = Self::place(&questions, &d.path);
                    self.say_diagnostic(d, Some(&at));
                }
            }
            show = true;
            let first_visit = self.visited.insert(kind.clone());
            let has_errors = diagnostics.iter().any(Diagnostic::is_error);
            let n = questions.len();
            let options = vec![
                if n == 1 {
                    "Go through the question".to_string()
                } else {
                    format!("Go through the {n} questions")
                },
                "Keep these answers and go on".to_string(),
                "< Back: the previous step".to_string(),
                "? Help: how to answer".to_string(),
            ];
            let start = usize::from(!(has_errors || (first_visit && !self.edit)));
            let title = self.step_title(kind);
            match self.select(&SelectAsk {
                message: format!("{title}:"),
                options,
                start,
                hint: "up/down to move, Enter to choose, Esc quits".into(),
            })? {
                0 => {
                    if self.walk(kind)? {
                        return Ok(Nav::Next);
                    }
                }
                1 => return Ok(Nav::Next),
                2 => return Ok(Nav::Back),
                _ => {
                    self.para(
                        "Each question shows its current value in parentheses: Enter keeps it. \
                         Type ? and Enter to read what the field is, a good value and what \
                         breaks if it is wrong. Type < and Enter to go back one question. \
                         Type - and Enter to remove a value you wrote, so the default applies \
                         again. In lists, choose \"< Back\" or \"? Help\" (typing < or ? \
                         finds them). Esc or Ctrl-C quits, after asking.",
                        2,
                    );
                    show = false;
                }
            }
        }
    }

    fn step_intro(&mut self, kind: &StepKind) {
        match kind {
            StepKind::Settings(id) => {
                if let Some(s) = self.catalog.service(id) {
                    let text = format!("{} ({id}): {}", s.title, first_sentence(&s.summary));
                    self.para(&text, 0);
                }
            }
            StepKind::Host => self.para(
                "The machine: its name, the public domain, the admin's email, and how \
                 NixOS builds it.",
                0,
            ),
            _ => {}
        }
    }

    /// The effective value as shown in lists: the value, "(not set)", and "default"
    /// when the file does not write it.
    fn shown_value(&self, question: &Question) -> String {
        match self.draft.get(&question.path) {
            Some(v) if Value::is_set(Some(&v)) || matches!(v, Value::List(_)) => {
                let text = escape(&q::display_value(&v)).into_owned();
                let text = if text.is_empty() {
                    "(empty)".into()
                } else {
                    text
                };
                if self.draft.is_written(&question.path) {
                    text
                } else {
                    format!("{text} (default)")
                }
            }
            _ if question.required => "(not set; required)".into(),
            _ => "(not set)".into(),
        }
    }

    /// Goes through a step's questions; `false` when the operator went back from the
    /// first one.
    fn walk(&mut self, kind: &StepKind) -> Asked<bool> {
        let mut at = 0;
        loop {
            let questions = self.questions(kind);
            let Some(question) = questions.get(at).cloned() else {
                return Ok(true);
            };
            let went = self.ask(&question, at + 1, questions.len())?;
            // The questions may change with the answer (a database kind, a switch).
            let now = self.questions(kind);
            let here = now.iter().position(|x| x.path == question.path);
            match went {
                QuestionNav::Next => at = here.map_or(at + 1, |i| i + 1),
                QuestionNav::Back => {
                    if at == 0 {
                        return Ok(false);
                    }
                    at = here.map_or(at - 1, |i| i.saturating_sub(1));
                }
            }
        }
    }

    /// Asks one question until it has an answer the validator takes (or the operator
    /// goes back).
    pub(super) fn ask(
        &mut self,
        question: &Question,
        n: usize,
        total: usize,
    ) -> Asked<QuestionNav> {
        let message = format!("[{n}/{total}] {}", question.label);
        loop {
            let current = q::edit_text(&self.draft.view(), question);
            let written = self.draft.is_written(&question.path);
            let candidates = self.fleet_candidates(question);
            let typed = match &question.kind {
                _ if !candidates.is_empty() => {
                    match self.ask_reference(question, &message, &candidates, &current)? {
                        Some(typed) => typed,
                        None => self.ask_text(question, &message, &current, written)?,
                    }
                }
                QuestionKind::Choice(choices) => {
                    self.ask_choice(question, &message, choices, &current)?
                }
                _ => self.ask_text(question, &message, &current, written)?,
            };
            match typed {
                Typed::Back => return Ok(QuestionNav::Back),
                Typed::Help => self.explain(question),
                Typed::Clear => {
                    self.draft.clear(&question.path);
                    let now = q::edit_text(&self.draft.view(), question);
                    let shown = if now.is_empty() { "not set" } else { &now };
                    self.say(&format!("  Back to the default: {}.\n", escape(shown)));
                    if self.accepted(question) {
                        return Ok(QuestionNav::Next);
                    }
                }
                Typed::Keep => {
                    if self.accepted(question) {
                        return Ok(QuestionNav::Next);
                    }
                }
                Typed::Text(text) => {
                    let before = self.draft.snapshot();
                    if let Err(message) = self.draft.answer(question, &text) {
                        let word = self.level_word(Level::Error);
                        self.para(&format!("{word}: {message}. Try again."), 2);
                        continue;
                    }
                    if self.accepted(question) {
                        return Ok(QuestionNav::Next);
                    }
                    // Not kept: the value stays what it was.
                    self.draft.restore(before);
                }
            }
        }
    }

    /// In a host of a fleet, the fleet's services a setting that points at another
    /// service may name; none elsewhere.
    fn fleet_candidates(&self, question: &Question) -> Vec<Candidate> {
        let Some(seat) = self.draft.seat() else {
            return Vec::new();
        };
        match referring_field(self.catalog, &question.path) {
            Some(field) => seat.candidates(self.catalog, self.draft.tree(), field),
            None => Vec::new(),
        }
    }

    /// A setting that points at another service, in a host of a fleet: chosen from the
    /// fleet's services (several for a list); `None` when the operator would rather
    /// type it (a service outside the fleet).
    fn ask_reference(
        &mut self,
        question: &Question,
        message: &str,
        candidates: &[Candidate],
        current: &str,
    ) -> Asked<Option<Typed>> {
        let shown = |c: &Candidate| format!("{}  {} ({})", c.reference, c.label, c.url);
        if question.kind == QuestionKind::List {
            let now: Vec<String> = current
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            let options = vec![
                format!(
                    "Keep: {}",
                    if now.is_empty() {
                        "none".to_string()
                    } else {
                        escape(current).into_owned()
                    }
                ),
                "Choose from the fleet's services".to_string(),
                "Type the list by hand (URLs outside the fleet)".to_string(),
                "< Back: the previous question".to_string(),
                "? Help: explain this question".to_string(),
            ];
            let chosen = self.select(&SelectAsk {
                message: message.into(),
                options,
                start: 0,
                hint: format!("{}; up/down, Enter to choose, {HINT_KEYS}", question.path),
            })?;
            return Ok(match chosen {
                0 => Some(Typed::Keep),
                1 => {
                    let selected = candidates
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| now.contains(&c.reference))
                        .map(|(i, _)| i)
                        .collect();
                    let picked = self.multi_select(&MultiAsk {
                        message: format!("{message}: the fleet's services"),
                        options: candidates.iter().map(shown).collect(),
                        selected,
                        hint: "Space ticks, Enter takes them (URLs typed before are kept)".into(),
                    })?;
                    // What is not a service of the fleet (a URL typed by hand) stays.
                    let mut items: Vec<String> = now
                        .into_iter()
                        .filter(|t| !candidates.iter().any(|c| c.reference == *t))
                        .collect();
                    items.extend(picked.iter().map(|&i| candidates[i].reference.clone()));
                    Some(Typed::Text(items.join(", ")))
                }
                2 => None,
                3 => Some(Typed::Back),
                _ => Some(Typed::Help),
            });
        }
        let mut options: Vec<String> = candidates
            .iter()
            .map(|c| {
                if c.reference == current {
                    format!("{} (now)", shown(c))
                } else {
                    shown(c)
                }
            })
            .collect();
        let n = candidates.len();
        options.push("Type a URL by hand (a service outside the fleet)".into());
        options.push("< Back: the previous question".into());
        options.push("? Help: explain this question".into());
        let start = candidates
            .iter()
            .position(|c| c.reference == current)
            .unwrap_or(0);
        let chosen = self.select(&SelectAsk {
            message: message.into(),
            options,
            start,
            hint: format!("{}; up/down, Enter to choose, {HINT_KEYS}", question.path),
        })?;
        Ok(match chosen {
            i if i < n && candidates[i].reference == current => Some(Typed::Keep),
            i if i < n => Some(Typed::Text(candidates[i].reference.clone())),
            i if i == n => None,
            i if i == n + 1 => Some(Typed::Back),
            _ => Some(Typed::Help),
        })
    }

    /// A choice question as a list: the choices, then Back and Help.
    fn ask_choice(
        &mut self,
        question: &Question,
        message: &str,
        choices: &[String],
        current: &str,
    ) -> Asked<Typed> {
        let mut options: Vec<String> = choices
            .iter()
            .map(|c| {
                if c == current {
                    format!("{c} (now)")
                } else {
                    c.clone()
                }
            })
            .collect();
        options.push("< Back: the previous question".into());
        options.push("? Help: explain this question".into());
        let start = choices.iter().position(|c| c == current).unwrap_or(0);
        let chosen = self.select(&SelectAsk {
            message: message.into(),
            options,
            start,
            hint: format!("{}; up/down, Enter to choose, {HINT_KEYS}", question.path),
        })?;
        Ok(match chosen {
            i if i < choices.len() && choices[i] == current => Typed::Keep,
            i if i < choices.len() => Typed::Text(choices[i].clone()),
            i if i == choices.len() => Typed::Back,
            _ => Typed::Help,
        })
    }

    /// Any other question as a line of text, with the current value as its default.
    fn ask_text(
        &mut self,
        question: &Question,
        message: &str,
        current: &str,
        written: bool,
    ) -> Asked<Typed> {
        let mut hint = vec![question.path.clone()];
        match &question.kind {
            QuestionKind::Bool => hint.push("yes or no".into()),
            QuestionKind::List => hint.push("items separated by commas".into()),
            QuestionKind::Port => hint.push("a port, 1 to 65535".into()),
            QuestionKind::Int {
                min: Some(a),
                max: Some(b),
            } => hint.push(format!("a whole number, {a} to {b}")),
            QuestionKind::Int { .. } => hint.push("a whole number".into()),
            _ => {}
        }
        if current.is_empty() {
            if let Some(e) = &question.example {
                hint.push(format!("like {e}"));
            }
        } else {
            hint.push("Enter keeps it".into());
        }
        if written {
            // What `-` would leave: the default, or nothing (pointless when required).
            let mut cleared = self.draft.clone();
            cleared.clear(&question.path);
            if Value::is_set(cleared.get(&question.path).as_ref()) {
                hint.push("- for the default".into());
            } else if !question.required {
                hint.push("- removes it".into());
            }
        }
        hint.push(HINT_KEYS.into());
        // The current value is offered escaped; taking the offer keeps the value as it is.
        let shown = escape(current);
        let typed = self.text(&TextAsk {
            message: message.into(),
            default: (!current.is_empty()).then(|| shown.to_string()),
            hint: hint.join("; "),
        })?;
        Ok(match typed.trim() {
            "<" => Typed::Back,
            "?" => Typed::Help,
            "-" if written => Typed::Clear,
            t if t == current || t == shown => Typed::Keep,
            t => Typed::Text(t.to_string()),
        })
    }

    /// After an answer: the validator's words about this field. A field error (wrong
    /// type, required and empty) means the answer is not taken: `false`, ask again.
    /// Other problems (they involve other answers) are shown and the answer is kept.
    fn accepted(&mut self, question: &Question) -> bool {
        let found: Vec<Diagnostic> = self
            .draft
            .diagnostics_at(&question.path)
            .into_iter()
            .cloned()
            .collect();
        for d in &found {
            self.say_diagnostic(d, None);
        }
        if found.iter().any(|d| {
            d.is_error() && matches!(d.code.as_str(), "field" | "password-in-value" | "required")
        }) {
            self.para("Try again (? explains the question).", 2);
            return false;
        }
        if found.iter().any(Diagnostic::is_error) {
            self.para(
                "Kept. Type < at the next question to come back to it; the review lists \
                 every error, and nothing is written while there is one.",
                2,
            );
        }
        true
    }

    /// The catalog's help for a question: what it is, a good value, what breaks.
    fn explain(&mut self, question: &Question) {
        self.say(&format!("\n{} ({}):\n", question.label, question.path));
        for paragraph in question.help.split("\n\n") {
            self.para(paragraph, 2);
        }
        let mut facts = Vec::new();
        match &question.kind {
            QuestionKind::Text(ty) => {
                if let Some(spec) = self.catalog.type_spec(*ty)
                    && *ty != FieldType::String
                {
                    facts.push(format!("The value {}.", spec.message));
                }
            }
            QuestionKind::Choice(choices) => {
                facts.push(format!("Choices: {}.", choices.join(", ")));
            }
            _ => {}
        }
        if let Some(e) = &question.example {
            facts.push(format!("Example: {e}."));
        }
        if question.required {
            facts.push("Required.".into());
        }
        let current = q::edit_text(&self.draft.view(), question);
        if !current.is_empty() {
            let source = if self.draft.is_written(&question.path) {
                "your answer"
            } else {
                "the default"
            };
            facts.push(format!("Now: {} ({source}).", escape(&current)));
        }
        if !facts.is_empty() {
            self.para(&facts.join(" "), 2);
        }
        self.say("\n");
    }
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Collects what a handed-over command prints, said through the prompter in order.
pub(super) struct SaidBuffer<'a>(pub(super) &'a std::cell::RefCell<Vec<u8>>);

impl std::io::Write for SaidBuffer<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
