//! What every writing command shows before it writes, and how it decides: the diff of
//! each file, the refusals, the file rows and notes; then refused, nothing to do, a dry
//! run, or the one question (or `--yes`). `apply`, `adopt` and `fleet apply` share it,
//! so they speak and end alike.
use std::path::Path;

use super::apply_cmd::Confirm;
use crate::disk::host::Written;
use crate::exit_status::ExitStatus;
use crate::report::{Printer, Style, diff, files, outcome};
use crate::write_host::Prepared;

/// How to ask.
pub(crate) struct Asking<'a> {
    pub yes: bool,
    pub dry_run: bool,
    /// Said after "Write N files" in the question, like " for the whole fleet".
    pub scope: &'a str,
}

/// Shows `prepared` and decides: `None` to write, or the status to end with.
pub(crate) fn show_and_decide(
    p: &mut Printer,
    prepared: &Prepared,
    dir: &Path,
    style: Style,
    asking: &Asking,
    confirm: Confirm,
) -> Option<ExitStatus> {
    use crate::write_host::Readiness;
    let plan = &prepared.plan;
    for change in &plan.changes {
        p.put(&diff::coloured(&change.diff(), style));
    }
    for refusal in &plan.refusals {
        p.put(&outcome::refusal(refusal, style));
    }
    p.put(&files::text(plan, dir, style));
    p.put(&outcome::notes(plan, style));
    let readiness = prepared.readiness();
    match readiness {
        Readiness::Refused => p.put(&format!(
            "{}: nothing was written.\n",
            style.error("refused")
        )),
        Readiness::UpToDate => {
            p.put(&outcome::up_to_date(dir));
            p.put(&outcome::git_note(&plan.git_add, dir));
        }
        Readiness::Ready => {}
    }
    if let Some(status) = readiness.status() {
        return Some(status);
    }
    let count = outcome::files_count(plan.changes.len());
    if asking.dry_run {
        p.put(&format!(
            "Dry run: {count} would be written; nothing was written.\n"
        ));
        return Some(ExitStatus::Success);
    }
    if !asking.yes {
        match confirm(&format!("Write {count}{}? [y/N] ", asking.scope)) {
            Some(true) => {}
            Some(false) => {
                p.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
                return Some(ExitStatus::NotWritten);
            }
            None => {
                p.put("Nothing was written: there is no terminal to ask for confirmation; pass --yes to write without asking.\n");
                return Some(ExitStatus::NotWritten);
            }
        }
    }
    None
}

/// What was written, the count, and the `git add` a flake needs for the new files.
pub(crate) fn show_written(
    p: &mut Printer,
    written: &[Written],
    dir: &Path,
    git_add: &[String],
    style: Style,
) {
    p.put(&outcome::written(written));
    p.put(&outcome::wrote(written.len(), dir, style));
    p.put(&outcome::git_note(git_add, dir));
}
