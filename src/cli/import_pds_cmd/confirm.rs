//! The step before writing: what the import would change, summed up in one sentence,
//! and the operator's yes to it.
use super::perform::{self, NextSteps};
use super::{Cx, Import, Step};
use crate::cli::apply_cmd::Confirm;
use crate::exit_status::ExitStatus;
use crate::import_pds::data;
use crate::import_pds::data_copy::Scan;
use crate::import_pds::secret_files::FileState;
use crate::report::outcome;
use crate::safe_text::escape;
use crate::write_host::Prepared;

/// What the import would write or copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counts {
    pub host_files: usize,
    pub secret_files: usize,
    pub data_files: usize,
    pub data_bytes: u64,
}

impl Counts {
    fn of(host: &Prepared, secrets: &[FileState], scan: Option<&Scan>) -> Counts {
        let (data_files, data_bytes) = scan.map_or((0, 0), |s| s.to_copy());
        Counts {
            host_files: host.plan.changes.len(),
            secret_files: secrets
                .iter()
                .filter(|s| matches!(s, FileState::New | FileState::Replace))
                .count(),
            data_files,
            data_bytes,
        }
    }

    fn is_empty(&self) -> bool {
        self.host_files + self.secret_files + self.data_files == 0
    }
}

/// A confirmed import: what it writes, and what writing needs.
pub(super) struct Work {
    pub counts: Counts,
    /// The pds user's ids, to give it the copied data: only when running as root, and
    /// looked up under `--root`, in the passwd of the system being installed.
    pub owner: Option<(u32, u32)>,
    pub next: NextSteps,
}

/// Says what the import would do and asks. Ends the command when there is nothing to
/// do, on a dry run, and when the operator does not agree.
pub(super) fn summary(cx: &mut Cx, confirm: Confirm, import: &Import) -> Step<Work> {
    let counts = Counts::of(
        &import.host,
        &import.secrets.states,
        import.data.scan.as_ref(),
    );
    let next = NextSteps::before_writing(cx, import);
    let owner = if is_root() {
        data::pds_owner(&import.inputs.root)
    } else {
        None
    };
    if counts.is_empty() {
        let all_copied = import.data.scan.is_some();
        cx.put(&format!(
            "No changes: the host in {}, the PDS's secrets{} are already in place.\n",
            escape(&import.inputs.dir_here.display().to_string()),
            if all_copied { " and its data" } else { "" }
        ));
        perform::finish(cx, import, &next, all_copied, all_copied && owner.is_some());
        return Err(ExitStatus::Success);
    }
    let action = action(&counts);
    if cx.opts.dry_run {
        cx.put(&format!(
            "Dry run: it would {action}; nothing was written.\n"
        ));
        return Err(ExitStatus::Success);
    }
    if !cx.opts.yes {
        match confirm(&format!("{}? [y/N] ", question(&action))) {
            Some(true) => {}
            Some(false) => {
                cx.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
                return Err(ExitStatus::NotWritten);
            }
            None => {
                cx.put("Nothing was written: there is no terminal to ask for confirmation; pass --yes to write without asking.\n");
                return Err(ExitStatus::NotWritten);
            }
        }
    }
    Ok(Work {
        counts,
        owner,
        next,
    })
}

/// The import as one action, "write 4 files and 3 secret files, and copy 8 files of
/// data (59.3 KiB)": for the dry run and, capitalised, the question. Empty when
/// there is nothing to do.
fn action(counts: &Counts) -> String {
    let mut what = Vec::new();
    if counts.host_files > 0 {
        what.push(outcome::files_count(counts.host_files));
    }
    if counts.secret_files > 0 {
        what.push(format!(
            "{} secret file{}",
            counts.secret_files,
            plural(counts.secret_files)
        ));
    }
    let mut action = String::new();
    if !what.is_empty() {
        action = format!("write {}", what.join(" and "));
    }
    if counts.data_files > 0 {
        if !action.is_empty() {
            action.push_str(", and ");
        }
        action.push_str(&format!(
            "copy {} file{} of data ({})",
            counts.data_files,
            plural(counts.data_files),
            data::size_text(counts.data_bytes)
        ));
    }
    action
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `action` as a question's start: its first letter capitalised.
fn question(action: &str) -> String {
    let mut question = action.to_string();
    if let Some(first) = question.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    question
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(
        host_files: usize,
        secret_files: usize,
        data_files: usize,
        data_bytes: u64,
    ) -> Counts {
        Counts {
            host_files,
            secret_files,
            data_files,
            data_bytes,
        }
    }

    #[test]
    fn the_action_names_each_kind_of_write_with_its_count() {
        assert_eq!(
            action(&counts(4, 3, 8, 60_684)),
            "write 4 files and 3 secret files, and copy 8 files of data (59.3 KiB)"
        );
        assert_eq!(action(&counts(1, 0, 0, 0)), "write 1 file");
        assert_eq!(action(&counts(0, 1, 0, 0)), "write 1 secret file");
        assert_eq!(
            action(&counts(2, 0, 1, 512)),
            "write 2 files, and copy 1 file of data (512 bytes)"
        );
        assert_eq!(
            action(&counts(0, 0, 3, 3 * 1024 * 1024)),
            "copy 3 files of data (3.0 MiB)"
        );
        assert_eq!(action(&counts(0, 0, 0, 0)), "");
    }

    #[test]
    fn the_question_capitalises_the_action() {
        assert_eq!(
            question("write 1 file and 2 secret files"),
            "Write 1 file and 2 secret files"
        );
        assert_eq!(
            question("copy 1 file of data (512 bytes)"),
            "Copy 1 file of data (512 bytes)"
        );
        assert_eq!(question(""), "");
    }
}
