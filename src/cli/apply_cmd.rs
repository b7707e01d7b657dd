//! `atproto-wizard apply`: write the host's files into a directory. Validates the
//! answers as `check` does, shows a diff of every file that would change, asks, then
//! writes (backups first, each file atomically, in an order where nothing refers to a
//! file not yet written). What to write is decided by the pure `crate::apply`; this
//! file only reads, prints, asks and writes.
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{check_cmd, write_flow};
use crate::catalog::Catalog;
use crate::disk;
use crate::exit_status::ExitStatus;
use crate::plan::Answers;
use crate::report::{self, Printer, Style, outcome};
use crate::wizard::summary::next_steps;
use crate::write_host::{self};

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
    let diagnostics = check_cmd::diagnostics(catalog, &answers);
    if !diagnostics.is_empty() {
        p.put(&check_cmd::text_report(&answers, &diagnostics, style));
    }
    if diagnostics.iter().any(|d| d.is_error()) {
        p.put("Nothing was written: fix the errors above, then run apply again.\n");
        return ExitStatus::Problems;
    }
    let dir = &opts.dir;
    let prepared = match write_host::prepare(catalog, &answers, dir, opts.force) {
        Ok(p) => p,
        // A host file that is a link or not a regular file: refused, never read.
        Err(e) => {
            let label = if e.is_refusal() { "refused" } else { "error" };
            p.put(&format!("{}: {e}\n", style.error(label)));
            if e.is_refusal() {
                p.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
            }
            return write_host::read_failure_status(&e);
        }
    };
    let plan = &prepared.plan;
    let asking = write_flow::Asking {
        yes: opts.yes,
        dry_run: opts.dry_run,
        scope: "",
    };
    if let Some(status) =
        write_flow::show_and_decide(&mut p, &prepared, dir, style, &asking, confirm)
    {
        return status;
    }
    match write_host::commit(dir, &prepared) {
        Ok(written) => {
            write_flow::show_written(&mut p, &written, dir, &plan.git_add, style);
            p.put(&next(catalog, &answers, dir, style));
            ExitStatus::Success
        }
        Err(failure) => {
            p.put(&outcome::write_failure(
                &failure,
                outcome::AGAIN_APPLY,
                style,
            ));
            write_host::write_failure_status(&failure)
        }
    }
}

/// What to do after writing: the wizard's own next steps (the git hint is said above),
/// with what this machine needs before the first switch.
fn next(catalog: &Catalog, answers: &Answers, dir: &Path, style: Style) -> String {
    let view = crate::plan::PlanView::new(catalog, &answers.tree);
    let machine = disk::own_flake::this_machine();
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    report::next::numbered(&next_steps(&view, &dir, &[], Some(&machine)), style)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
