//! The Write step's I/O: the one write path `atproto-wizard apply` takes for the same
//! answers (`crate::write_host`: read the directory, plan, write).
use crate::apply::{ATPROTO_TOML, DirState};
use crate::disk::host::read_dir_state;
use crate::report::outcome;
use crate::wizard::state::{WizardState, WriteOutcome, WrittenFile};
use crate::write_host::{self, Readiness};

/// Writes the host's files for the state's answers into its directory. Returns what
/// came of it, and the directory as it is afterwards (when it could be read).
pub fn write_host(state: &WizardState) -> (WriteOutcome, Option<DirState>) {
    let catalog = state.catalog();
    let answers = state.draft.answers();
    // The draft validated these answers as they were typed.
    let errors = state
        .draft
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .count();
    if errors > 0 {
        return (
            WriteOutcome::Failed(format!(
                "the answers have {errors} errors; nothing was written"
            )),
            None,
        );
    }
    let dir = &state.dir;
    let fleet_host = state.draft.seat().is_some();
    let prepared = match write_host::prepare_for_wizard(catalog, answers, dir, fleet_host) {
        Ok(p) => p,
        Err(e) => {
            return (
                WriteOutcome::Failed(format!("{e}; nothing was written")),
                None,
            );
        }
    };
    let plan = &prepared.plan;
    match prepared.readiness() {
        Readiness::Refused => {
            let r = plan
                .refusals
                .iter()
                .map(|r| (r.path.clone(), r.why.clone(), r.by_hand.clone()))
                .collect();
            return (WriteOutcome::Refused(r), Some(prepared.dir_state));
        }
        Readiness::UpToDate => {
            return (
                WriteOutcome::NothingToDo {
                    notes: plan.notes.clone(),
                },
                Some(prepared.dir_state),
            );
        }
        Readiness::Ready => {}
    }
    let answers_text = plan
        .changes
        .iter()
        .find(|c| c.path == ATPROTO_TOML)
        .map(|c| c.new.clone())
        .or_else(|| prepared.dir_state.atproto_toml.clone())
        .unwrap_or_default();
    let outcome = match write_host::commit(dir, &prepared) {
        Ok(written) => WriteOutcome::Written {
            files: written
                .iter()
                .zip(&plan.changes)
                .map(|(w, c)| WrittenFile {
                    path: c.path.clone(),
                    created: c.old.is_none(),
                    backup: w.backup.clone(),
                })
                .collect(),
            notes: plan.notes.clone(),
            git_add: plan.git_add.clone(),
            answers_text,
        },
        Err(failure) => WriteOutcome::Failed(failure.describe(outcome::AGAIN_FULL_SCREEN)),
    };
    (outcome, read_dir_state(dir).ok())
}
