//! The line mode's last steps: the review (the plain summary, every error and warning,
//! the unified diff of the files `apply` would write), the question "Write these
//! files?", the write itself through `apply`'s write path, and what to do next.
use crate::apply::ApplyPlan;
use crate::catalog::Level;
use crate::preview::Event;
use crate::preview::probes::{self, ProbeInputs};
use crate::report::{self, diff, files, outcome};
use crate::safe_text::escape;
use crate::validate::Diagnostic;
use crate::wizard::ANSWERS_NAME;
use crate::wizard::journey;
use crate::wizard::questions::{self as q, StepKind};
use crate::wizard::summary::{first_switch_step, next_steps, summarize};
use crate::write_host::{self, Prepared, Readiness};

use super::flow::{Asked, ExitStatus, Flow, Nav, plural};
use super::prompter::{SelectAsk, TextAsk};

impl Flow<'_> {
    pub(super) fn review_step(&mut self) -> Asked<Nav> {
        self.visited.insert(StepKind::Review);
        loop {
            self.header(&StepKind::Review);
            self.say("Summary:\n");
            let lines = summarize(&self.draft.view()).lines();
            for line in lines {
                let indent = line.len() - line.trim_start().len();
                self.para(line.trim_start(), 2 + indent);
            }
            let dir = self.host_dir();
            if let Some(step) = first_switch_step(&self.draft.view(), &dir, &self.machine) {
                let word = self.level_word(Level::Warning);
                let step = step.replacen("Before the first switch: ", "", 1);
                self.say(&format!("Before the first switch ({word}):\n"));
                self.step_text(&step, 2);
            }
            let diagnostics = self.draft.diagnostics().to_vec();
            let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
            if diagnostics.is_empty() {
                self.say("Problems: none.\n");
            } else {
                self.say(&format!(
                    "Problems: {} error{}, {} warning{}.\n",
                    errors.len(),
                    plural(errors.len()),
                    diagnostics.len() - errors.len(),
                    plural(diagnostics.len() - errors.len())
                ));
                for d in &diagnostics {
                    let step = self.step_title(&self.step_of_path(&d.path));
                    let word = self.level_word(d.level);
                    self.para(
                        &format!(
                            "{word}: {} (at {}, step {step})",
                            escape(&d.message),
                            escape(&d.path)
                        ),
                        2,
                    );
                }
            }
            if !errors.is_empty() {
                match self.fix_errors(&errors)? {
                    Some(nav) => return Ok(nav),
                    None => continue,
                }
            }
            return self.files();
        }
    }

    pub(super) fn step_title(&self, kind: &StepKind) -> String {
        journey::title(&q::steps(self.catalog, &self.draft.view()), kind)
    }

    /// With errors: choose one to fix (its question is asked), go back or quit.
    /// `None` means: review again.
    fn fix_errors(&mut self, errors: &[&Diagnostic]) -> Asked<Option<Nav>> {
        self.para(
            "Nothing can be written while the plan has errors. Choose one to answer its \
             question again, or go back through the steps.",
            0,
        );
        let mut options: Vec<String> = errors
            .iter()
            .map(|d| format!("Fix {}: {}", escape(&d.path), escape(&d.message)))
            .collect();
        options.push("< Back: the previous step".into());
        options.push("Quit without writing".into());
        let chosen = self.select(&SelectAsk {
            message: "Fix which?".into(),
            options,
            start: 0,
            hint: "up/down to move, Enter to choose, Esc quits".into(),
        })?;
        if chosen == errors.len() {
            return Ok(Some(Nav::Back));
        }
        if chosen > errors.len() {
            self.cancel()?;
            return Ok(None);
        }
        let path = errors[chosen].path.clone();
        let step = self.step_of_path(&path);
        if step == StepKind::Services {
            self.services_step()?;
            return Ok(None);
        }
        let questions = self.questions(&step);
        match questions.iter().position(|x| x.path == path) {
            Some(i) => {
                let question = questions[i].clone();
                self.say(&format!("\n{}\n", self.step_title(&step)));
                self.ask(&question, i + 1, questions.len())?;
            }
            None => {
                let word = self.level_word(Level::Error);
                self.para(
                    &format!(
                        "{word}: no question sets {}: it is written in {ANSWERS_NAME} by \
                         hand. Quit, change or remove it there, and run atproto-wizard edit \
                         again.",
                        escape(&path)
                    ),
                    2,
                );
            }
        }
        Ok(None)
    }

    /// The files: what `apply` would write, the diff, then the question.
    fn files(&mut self) -> Asked<Nav> {
        let fleet_host = self.draft.seat().is_some();
        let prepared = match write_host::prepare_for_wizard(
            self.catalog,
            self.draft.answers(),
            &self.dir,
            fleet_host,
        ) {
            Ok(p) => p,
            Err(e) => {
                let word = if e.is_refusal() { "refused" } else { "error" };
                let word = self.look.style().error(word);
                self.say(&format!("{word}: {e}\n{}\n", outcome::NOTHING_WRITTEN));
                return Ok(Nav::Exit(write_host::read_failure_status(&e)));
            }
        };
        self.show_plan(&prepared.plan);
        match prepared.readiness() {
            Readiness::Refused => {
                let options = vec![
                    "< Back: the previous step".to_string(),
                    "Quit without writing".to_string(),
                ];
                let chosen = self.select(&SelectAsk {
                    message: "Nothing can be written here. Now?".into(),
                    options,
                    start: 0,
                    hint: "up/down to move, Enter to choose".into(),
                })?;
                return Ok(match chosen {
                    0 => Nav::Back,
                    _ => {
                        self.say(&format!("{}\n", outcome::NOTHING_WRITTEN));
                        Nav::Exit(ExitStatus::Refused)
                    }
                });
            }
            Readiness::UpToDate => {
                self.say(&outcome::up_to_date(&self.dir));
                return Ok(Nav::Exit(ExitStatus::Success));
            }
            Readiness::Ready => {}
        }
        // The preflight checks look at this machine; a fleet's host is another one.
        if !fleet_host
            && self.confirm(
            "Check this machine first (DNS, ports 80/443, disk, NixOS)? (y/N)",
            "y runs the preflight checks (advisory: writing does not wait for them); n or Enter skips them",
        )? {
            self.check_machine();
        }
        loop {
            let typed = self.text(&TextAsk {
                message: "Write these files? (y/N)".into(),
                default: None,
                hint: "y writes them; n or Enter writes nothing; < goes back to change answers"
                    .into(),
            })?;
            match typed.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => return Ok(Nav::Exit(self.write(&prepared))),
                "<" => return Ok(Nav::Back),
                "?" => self.para(
                    "Yes writes the files listed above into the directory: each replaced \
                     file is first copied to <name>.<time>.bak, and each file is replaced \
                     in one step, as atproto-wizard apply does. No writes nothing.",
                    2,
                ),
                "" | "n" | "no" => {
                    self.say(&format!("{}\n", outcome::NOTHING_WRITTEN));
                    self.cancel()?;
                }
                _ => {
                    let word = self.level_word(Level::Error);
                    self.say(&format!("  {word}: answer y or n (or < to go back).\n"));
                }
            }
        }
    }

    /// The preflight probes for the current answers, with the CLI's words
    /// ([`probes::result_text`]); advisory, never blocks writing.
    fn check_machine(&mut self) {
        let style = self.look.style();
        let inputs = ProbeInputs::from_answers(self.catalog, &self.draft.answers().tree);
        self.say("Checking this machine (advisory):\n");
        let report = probes::spawn(inputs).wait(&mut |event| {
            if let Event::Started { title, .. } = event {
                self.p.say(&format!("  checking: {title}\n"));
            }
        });
        let Some(report) = report else {
            self.say("  The checks stopped before the end.\n");
            return;
        };
        self.say(&report::probes::lines(&report.results, style));
        self.say(&format!(
            "This machine: {} (advisory; writing does not wait for it).\n",
            probes::counts(&report.results)
        ));
    }

    fn show_plan(&mut self, plan: &ApplyPlan) {
        let style = self.look.style();
        if !plan.changes.is_empty() {
            self.say("\nThe changes, file by file (unified diff):\n");
        }
        for change in &plan.changes {
            self.say(&diff::coloured(&change.diff(), style));
        }
        // The report's words, its paragraphs wrapped to the terminal (diffs as they are).
        for refusal in &plan.refusals {
            self.say("\n");
            self.para(&outcome::refusal_head(refusal, style), 0);
            self.say(&outcome::refusal_evidence(refusal, style));
            self.para(&outcome::what_to_do(refusal), 2);
        }
        self.say(&files::text(plan, &self.dir, style));
        for note in &plan.notes {
            self.para(&outcome::note(note, style), 2);
        }
    }

    /// Writes through the one write path `apply` takes ([`write_host::commit`]: the
    /// same check that nothing changed meanwhile, backups, atomic writes, in the same
    /// order), then says what to do next.
    fn write(&mut self, prepared: &Prepared) -> ExitStatus {
        let style = self.look.style();
        match write_host::commit(&self.dir, prepared) {
            Ok(written) => {
                self.say(&outcome::written(&written));
                self.say(&outcome::wrote(written.len(), &self.dir, style));
                let git = outcome::git_note(&prepared.plan.git_add, &self.dir);
                if !git.is_empty() {
                    self.para(git.trim_end(), 0);
                }
                // The answers are on disk now: nothing left to lose.
                self.start_text = self.draft.text().to_string();
                if self.draft.seat().is_none() {
                    self.next_steps();
                }
                ExitStatus::Success
            }
            Err(failure) => {
                self.say(&outcome::write_failure(
                    &failure,
                    outcome::AGAIN_LINE_MODE,
                    style,
                ));
                write_host::write_failure_status(&failure)
            }
        }
    }

    /// The host directory as the commands after writing name it: absolute.
    fn host_dir(&self) -> std::path::PathBuf {
        std::fs::canonicalize(&self.dir).unwrap_or_else(|_| self.dir.clone())
    }

    /// A step's instruction as a paragraph at `indent`, then its commands under it.
    fn step_text(&mut self, step: &str, indent: usize) {
        let mut parts = step.split('\n');
        self.para(parts.next().unwrap_or_default(), indent);
        for command in parts {
            self.say(&format!(
                "{}{}\n",
                " ".repeat(indent + 2),
                command.trim_start()
            ));
        }
    }

    /// What next: the shared list ([`next_steps`]) numbered as `apply` prints it, each
    /// instruction wrapped to the terminal; the git hint was said already.
    fn next_steps(&mut self) {
        let dir = self.host_dir();
        let steps = next_steps(&self.draft.view(), &dir, &[], Some(&self.machine));
        let heading = self.look.style().bold(report::next::HEADING);
        self.say(&format!("\n{heading}\n"));
        for (i, step) in steps.iter().enumerate() {
            let (instruction, commands) = report::next::parts(step);
            // Indented like `apply`'s " 1." (a leading space would not survive wrapping).
            self.item(&format!("{}. {instruction}", i + 1), 1, 3);
            for command in commands {
                self.say(&format!("      {command}\n"));
            }
        }
    }
}
