//! `atproto-wizard apply`: write the host's files into a directory. Validates the
//! answers as `check` does, shows a diff of every file that would change, asks, then
//! writes (backups first, each file atomically, in an order where nothing refers to a
//! file not yet written). What to write is decided by the pure `crate::apply`; this
//! file only reads, prints, asks and writes.
use std::io::Write;
use std::path::{Path, PathBuf};

use super::check_cmd;
use super::style::{Printer, Style};
use crate::apply::{self, ApplyPlan, DirState, FileChange, RefusalKind};
use crate::catalog::Catalog;
use crate::fsio;
use crate::plan::Answers;
use crate::safe_text::{escape, escape_lines};
use crate::validate::validate;
use crate::wizard::summary::next_steps;

use crate::exit_status::ExitStatus;

/// The command line's options.
#[derive(Debug, Clone)]
pub struct Options {
    pub answers: PathBuf,
    pub dir: PathBuf,
    pub yes: bool,
    pub dry_run: bool,
    pub force: bool,
}

/// Asks the operator a yes/no question: `Some(answer)`, or `None` when there is no
/// terminal to ask on.
pub type Confirm<'a> = &'a mut dyn FnMut(&str) -> Option<bool>;

/// Runs `apply`, printing to `out`; returns the exit status.
pub fn run(
    catalog: &Catalog,
    opts: &Options,
    style: Style,
    confirm: Confirm,
    out: &mut dyn Write,
) -> ExitStatus {
    let mut p = Printer { out };
    let answers = match Answers::read(&opts.answers) {
        Ok(a) => a,
        Err(e) => {
            p.put(&check_cmd::unreadable(&e, false, style).output);
            return ExitStatus::Unusable;
        }
    };
    let diagnostics = validate(catalog, &answers.tree);
    if !diagnostics.is_empty() {
        p.put(&check_cmd::text_report(&answers, &diagnostics, style));
    }
    if diagnostics.iter().any(|d| d.is_error()) {
        p.put("Nothing was written: fix the errors above, then run apply again.\n");
        return ExitStatus::Problems;
    }
    let dir = &opts.dir;
    let state = match fsio::host::read_dir_state(dir) {
        Ok(s) => s,
        // A host file that is a link or not a regular file: refused, never read.
        Err(e) if e.is_refusal() => {
            p.put(&format!(
                "{}: {e}\nNothing was written.\n",
                style.error("refused")
            ));
            return ExitStatus::Refused;
        }
        Err(e) => {
            p.put(&format!("{}: {e}\n", style.error("error")));
            return ExitStatus::Unusable;
        }
    };
    let plan = apply::plan_apply(&answers, catalog, &state, opts.force);

    for change in &plan.changes {
        p.put(&colour_diff(&change.diff(), style));
    }
    for refusal in &plan.refusals {
        // The reasons may quote the host's files.
        p.put(&format!(
            "\n{}: {}: {}\n",
            style.error("refused"),
            escape(&refusal.path),
            escape(&refusal.why)
        ));
        if let Some(edits) = &refusal.hand_edits {
            p.put("The edits by hand (what atproto-wizard wrote last time, then the file now):\n");
            p.put(&colour_diff(edits, style));
        } else if refusal.kind == RefusalKind::HandEdited {
            p.put("atproto-wizard cannot tell which lines were edited: the whole diff below is what would change.\n");
        }
        if let Some(change) = &refusal.change {
            p.put("What would be lost (the file now, then what apply would write):\n");
            p.put(&colour_diff(&change.diff(), style));
        }
        p.put(&format!("What to do: {}\n", escape_lines(&refusal.by_hand)));
    }

    p.put(&summary(&plan, dir, style));
    for note in &plan.notes {
        p.put(&format!("{}: {}\n", style.warning("note"), escape(note)));
    }
    if !plan.refusals.is_empty() {
        p.put(&format!(
            "{}: nothing was written.\n",
            style.error("refused")
        ));
        return ExitStatus::Refused;
    }
    if plan.changes.is_empty() {
        p.put(&format!("No changes: {} is up to date.\n", dir.display()));
        git_note(&mut p, &plan, dir);
        return ExitStatus::Success;
    }
    let n = plan.changes.len();
    let files = if n == 1 { "file" } else { "files" };
    if opts.dry_run {
        p.put(&format!(
            "Dry run: {n} {files} would be written; nothing was written.\n"
        ));
        return ExitStatus::Success;
    }
    if !opts.yes {
        match confirm(&format!("Write {n} {files}? [y/N] ")) {
            Some(true) => {}
            Some(false) => {
                p.put("Nothing was written.\n");
                return ExitStatus::NotWritten;
            }
            None => {
                p.put("Nothing was written: there is no terminal to ask for confirmation; pass --yes to write without asking.\n");
                return ExitStatus::NotWritten;
            }
        }
    }
    let status = write(&mut p, &state, &plan.changes, dir, style);
    if status == ExitStatus::Success {
        git_note(&mut p, &plan, dir);
        next(&mut p, catalog, &answers, dir, style);
    }
    status
}

/// What to do after writing: the wizard's own next steps (the git hint is said above),
/// with what this machine needs before the first switch.
fn next(p: &mut Printer, catalog: &Catalog, answers: &Answers, dir: &Path, style: Style) {
    let view = crate::plan::PlanView::new(catalog, &answers.tree);
    let machine = fsio::own_flake::this_machine();
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    p.put(&format!("\n{}\n", style.bold("Next:")));
    for (i, step) in next_steps(&view, &dir, &[], Some(&machine))
        .iter()
        .enumerate()
    {
        let mut parts = step.split('\n');
        p.put(&format!(
            "{:>2}. {}\n",
            i + 1,
            parts.next().unwrap_or_default()
        ));
        for command in parts {
            p.put(&format!("      {}\n", command.trim_start()));
        }
    }
}

/// Backs up and writes the changes (`fsio::host::write_changes`, shared with the
/// wizard), printing what happened; returns the exit status.
fn write(
    p: &mut Printer,
    read: &DirState,
    changes: &[FileChange],
    dir: &Path,
    style: Style,
) -> ExitStatus {
    use crate::fsio::host::{WriteFailure, write_changes};
    let print_written = |p: &mut Printer, written: &[fsio::host::Written]| {
        for w in written {
            p.put(&format!("{w}\n"));
        }
    };
    match write_changes(dir, read, changes) {
        Ok(written) => {
            print_written(p, &written);
            let n = changes.len();
            p.put(&format!(
                "{}\n",
                style.ok(&format!(
                    "Wrote {n} file{} in {}.",
                    if n == 1 { "" } else { "s" },
                    dir.display()
                ))
            ));
            ExitStatus::Success
        }
        Err(failure) => {
            if let WriteFailure::Write { written, .. } = &failure {
                print_written(p, written);
            }
            let label = if failure.is_refusal() {
                "refused"
            } else {
                "error"
            };
            p.put(&format!(
                "{}: {}\n",
                style.error(label),
                failure
                    .describe("changed since apply read it; nothing was written: run apply again.")
            ));
            if failure.is_refusal() {
                ExitStatus::Refused
            } else {
                ExitStatus::Unusable
            }
        }
    }
}

/// One line per host file: what happens to it and why.
fn summary(plan: &ApplyPlan, dir: &Path, style: Style) -> String {
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for c in &plan.changes {
        let (added, removed) = apply::diff::stat(&c.diff());
        let verb = if c.old.is_none() { "create" } else { "update" };
        rows.push((
            verb.into(),
            c.path.clone(),
            format!("{} (+{added} -{removed})", c.why),
        ));
    }
    for r in &plan.refusals {
        let what = match r.kind {
            RefusalKind::HandEdited => "edited by hand; --force replaces it",
            RefusalKind::CannotEdit => "cannot be edited safely; change it by hand",
        };
        rows.push(("refuse".into(), r.path.clone(), what.into()));
    }
    for u in &plan.unchanged {
        rows.push(("keep".into(), u.clone(), "already up to date".into()));
    }
    let order = |name: &str| {
        apply::WRITE_ORDER
            .iter()
            .position(|n| *n == name)
            .unwrap_or(usize::MAX)
    };
    rows.sort_by_key(|(_, path, _)| order(path));
    let width = rows.iter().map(|(_, p, _)| p.len()).max().unwrap_or(0);
    let mut out = format!("\n{}\n", style.bold(&format!("In {}:", dir.display())));
    for (verb, path, why) in rows {
        let verb_text = format!("{verb:<7}");
        let verb = match verb.as_str() {
            "refuse" => style.error(&verb_text),
            "keep" => style.dim(&verb_text),
            _ => style.ok(&verb_text),
        };
        out.push_str(&format!("  {verb} {path:<width$}  {why}\n"));
    }
    out
}

fn git_note(p: &mut Printer, plan: &ApplyPlan, dir: &Path) {
    if plan.git_add.is_empty() {
        return;
    }
    p.put(&format!(
        "git: a flake only sees the files git tracks; run `git -C {} add {}`\n",
        shell_word(&dir.display().to_string()),
        plan.git_add.join(" ")
    ));
}

/// A path quoted for a POSIX shell when it needs it.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,=".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A unified diff with its headers bold, hunk headers cyan, removed lines red and added
/// lines green (when the style colours at all).
pub fn colour_diff(diff: &str, style: Style) -> String {
    if !style.is_coloured() {
        return diff.to_string();
    }
    let mut out = String::with_capacity(diff.len() * 2);
    for line in diff.split_inclusive('\n') {
        let (text, end) = match line.strip_suffix('\n') {
            Some(t) => (t, "\n"),
            None => (line, ""),
        };
        let painted = if text.starts_with("--- ") || text.starts_with("+++ ") {
            style.bold(text)
        } else if text.starts_with("@@") {
            style.hunk(text)
        } else if text.starts_with('+') {
            style.added(text)
        } else if text.starts_with('-') {
            style.removed(text)
        } else {
            text.to_string()
        };
        out.push_str(&painted);
        out.push_str(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_diffs_stay_plain() {
        let d = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";
        assert_eq!(colour_diff(d, Style::plain()), d);
    }

    fn options(dir: &Path) -> Options {
        Options {
            answers: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("profiles/relay-node.toml"),
            dir: dir.to_path_buf(),
            yes: false,
            dry_run: false,
            force: false,
        }
    }

    fn run_with(opts: &Options, answer: Option<bool>) -> (ExitStatus, String, Vec<String>) {
        let mut asked = Vec::new();
        let mut confirm = |q: &str| {
            asked.push(q.to_string());
            answer
        };
        let mut out = Vec::new();
        let status = run(
            Catalog::embedded(),
            opts,
            Style::plain(),
            &mut confirm,
            &mut out,
        );
        (status, String::from_utf8(out).unwrap(), asked)
    }

    #[test]
    fn the_operator_is_asked_and_yes_writes() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("host");
        let (status, out, asked) = run_with(&options(&dir), Some(true));
        assert_eq!(status, ExitStatus::Success, "{out}");
        assert_eq!(asked, ["Write 4 files? [y/N] "]);
        assert!(dir.join("atproto.nix").exists());
        // Nothing left to ask about the second time.
        let (status, out, asked) = run_with(&options(&dir), Some(true));
        assert_eq!(status, ExitStatus::Success);
        assert!(asked.is_empty());
        assert!(out.contains("No changes"), "{out}");
    }

    #[test]
    fn no_means_nothing_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("host");
        let (status, out, _) = run_with(&options(&dir), Some(false));
        assert_eq!(status, ExitStatus::NotWritten);
        assert!(out.ends_with("Nothing was written.\n"), "{out}");
        assert!(!dir.exists());
    }

    #[test]
    fn a_file_changed_while_asking_stops_the_write() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let configuration = dir.join("configuration.nix");
        std::fs::write(&configuration, "{ ... }:\n{\n  imports = [ ];\n}\n").unwrap();
        let mut confirm = |_: &str| {
            std::fs::write(
                &configuration,
                "{ ... }:\n{\n  imports = [ ./mine.nix ];\n}\n",
            )
            .unwrap();
            Some(true)
        };
        let mut out = Vec::new();
        let status = run(
            Catalog::embedded(),
            &options(&dir),
            Style::plain(),
            &mut confirm,
            &mut out,
        );
        let out = String::from_utf8(out).unwrap();
        assert_eq!(status, ExitStatus::Refused, "{out}");
        assert!(out.contains("changed since apply read it"), "{out}");
        assert!(!dir.join("atproto.nix").exists());
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1, "only configuration.nix, no backup");
    }

    #[test]
    fn paths_are_quoted_only_when_needed() {
        assert_eq!(shell_word("/etc/nixos"), "/etc/nixos");
        assert_eq!(shell_word("/tmp/my host"), "'/tmp/my host'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }
}
