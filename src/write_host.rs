//! The one way a host's files get written, for `apply`, the line mode and the full
//! screen alike: [`prepare`] reads the directory and works out the plan (the pure
//! `crate::apply`), the front end shows it and asks as it does, then [`commit`] writes
//! it through `disk::host::write_changes` (the check that nothing changed since it was
//! read, backups, atomic replacement, in an order where nothing refers to a file not
//! yet written). How each way it can end maps to an exit status is decided here.
//!
//! The answers are validated before: each front end shows errors its own way (the
//! `check` report, the Review step), and none of them prepares a plan with errors.
use std::path::Path;

use crate::apply::{self, ApplyPlan, DirState};
use crate::catalog::Catalog;
use crate::disk::host::{WriteFailure, Written, read_dir_state, write_changes};
use crate::disk::read::ReadError;
use crate::exit_status::ExitStatus;
use crate::plan::Answers;

/// A host directory as read now, and what writing the answers into it would do.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub dir_state: DirState,
    pub plan: ApplyPlan,
}

/// Where a prepared write stands before anyone is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// A file is refused: nothing at all may be written.
    Refused,
    /// The directory already holds exactly these files.
    UpToDate,
    /// Files to write, once the operator agrees.
    Ready,
}

impl Prepared {
    pub fn readiness(&self) -> Readiness {
        if !self.plan.refusals.is_empty() {
            Readiness::Refused
        } else if self.plan.changes.is_empty() {
            Readiness::UpToDate
        } else {
            Readiness::Ready
        }
    }
}

impl Readiness {
    /// The exit status of a command that stops here without writing: `None` when there
    /// is something to write.
    pub fn status(self) -> Option<ExitStatus> {
        match self {
            Readiness::Refused => Some(ExitStatus::Refused),
            Readiness::UpToDate => Some(ExitStatus::Success),
            Readiness::Ready => None,
        }
    }
}

/// Reads `dir` (never through a link) and plans writing `answers` into it. `force`
/// replaces managed files edited by hand (`apply --force`).
pub fn prepare(
    catalog: &Catalog,
    answers: &Answers,
    dir: &Path,
    force: bool,
) -> Result<Prepared, ReadError> {
    let dir_state = read_dir_state(dir)?;
    let plan = apply::plan_apply(answers, catalog, &dir_state, force);
    Ok(Prepared { dir_state, plan })
}

/// What the wizard's Write step writes: the host's files as [`prepare`] plans them, or,
/// for one host of a fleet, its answers alone
/// ([`crate::fleet::seat::answers_plan`]: the fleet writes every host's Nix at once).
pub fn prepare_for_wizard(
    catalog: &Catalog,
    answers: &Answers,
    dir: &Path,
    fleet_host: bool,
) -> Result<Prepared, ReadError> {
    if !fleet_host {
        return prepare(catalog, answers, dir, false);
    }
    let dir_state = read_dir_state(dir)?;
    let plan = crate::fleet::seat::answers_plan(catalog, answers, &dir_state);
    Ok(Prepared { dir_state, plan })
}

/// Writes a prepared plan. Refused when any file changed since [`prepare`] read it.
pub fn commit(dir: &Path, prepared: &Prepared) -> Result<Vec<Written>, WriteFailure> {
    debug_assert_eq!(prepared.readiness(), Readiness::Ready);
    write_changes(dir, &prepared.dir_state, &prepared.plan.changes)
}

/// The exit status of a directory that could not be read: a link or a file that is
/// not a regular one is refused, anything else is unusable input.
pub fn read_failure_status(e: &ReadError) -> ExitStatus {
    if e.is_refusal() {
        ExitStatus::Refused
    } else {
        ExitStatus::Unusable
    }
}

/// The exit status of a write that stopped: refused when nothing is wrong on disk (a
/// file changed meanwhile, another writer at work), unusable on an I/O error.
pub fn write_failure_status(f: &WriteFailure) -> ExitStatus {
    if f.is_refusal() {
        ExitStatus::Refused
    } else {
        ExitStatus::Unusable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relay_node() -> Answers {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/relay-node.toml");
        Answers::read(&path).unwrap()
    }

    #[test]
    fn a_new_directory_is_ready_then_up_to_date_once_written() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("host");
        let c = Catalog::embedded();
        let first = prepare(c, &relay_node(), &dir, false).unwrap();
        assert_eq!(first.readiness(), Readiness::Ready);
        assert_eq!(first.readiness().status(), None);
        let written = commit(&dir, &first).unwrap();
        assert_eq!(written.len(), first.plan.changes.len());
        let again = prepare(c, &relay_node(), &dir, false).unwrap();
        assert_eq!(again.readiness(), Readiness::UpToDate);
        assert_eq!(again.readiness().status(), Some(ExitStatus::Success));
    }

    #[test]
    fn a_hand_edit_is_refused_and_a_change_meanwhile_stops_the_write() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("host");
        let c = Catalog::embedded();
        commit(&dir, &prepare(c, &relay_node(), &dir, false).unwrap()).unwrap();
        let nix = dir.join("atproto.nix");
        let text = std::fs::read_to_string(&nix).unwrap();
        std::fs::write(&nix, format!("{text}# mine\n")).unwrap();
        let edited = prepare(c, &relay_node(), &dir, false).unwrap();
        assert_eq!(edited.readiness(), Readiness::Refused);
        assert_eq!(edited.readiness().status(), Some(ExitStatus::Refused));

        let forced = prepare(c, &relay_node(), &dir, true).unwrap();
        assert_eq!(forced.readiness(), Readiness::Ready);
        std::fs::write(&nix, "# changed meanwhile\n").unwrap();
        let failure = commit(&dir, &forced).unwrap_err();
        assert_eq!(write_failure_status(&failure), ExitStatus::Refused);
        assert_eq!(
            std::fs::read_to_string(&nix).unwrap(),
            "# changed meanwhile\n"
        );
    }
}
