//! The Write step's I/O: exactly what `atproto-wizard apply` does for the same answers
//! (validate, read the directory, `apply::plan_apply`, `fsio::host::write_changes`).
use crate::apply::{ATPROTO_TOML, DirState, plan_apply};
use crate::fsio::host::{read_dir_state, write_changes};
use crate::validate::validate;
use crate::wizard::state::{WizardState, WriteOutcome, WrittenFile};

/// Writes the host's files for the state's answers into its directory. Returns what
/// came of it, and the directory as it is afterwards (when it could be read).
pub fn write_host(state: &WizardState) -> (WriteOutcome, Option<DirState>) {
    let catalog = state.catalog();
    let answers = state.draft.answers();
    let errors = validate(catalog, &answers.tree)
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
    let dir_state = match read_dir_state(dir) {
        Ok(s) => s,
        Err(e) => {
            return (
                WriteOutcome::Failed(format!("{e}; nothing was written")),
                None,
            );
        }
    };
    let plan = plan_apply(answers, catalog, &dir_state, false);
    if !plan.refusals.is_empty() {
        let r = plan
            .refusals
            .iter()
            .map(|r| (r.path.clone(), r.why.clone(), r.by_hand.clone()))
            .collect();
        return (WriteOutcome::Refused(r), Some(dir_state));
    }
    if plan.changes.is_empty() {
        return (
            WriteOutcome::NothingToDo { notes: plan.notes },
            Some(dir_state),
        );
    }
    let answers_text = plan
        .changes
        .iter()
        .find(|c| c.path == ATPROTO_TOML)
        .map(|c| c.new.clone())
        .or_else(|| dir_state.atproto_toml.clone())
        .unwrap_or_default();
    let outcome = match write_changes(dir, &dir_state, &plan.changes) {
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
            notes: plan.notes,
            git_add: plan.git_add,
            answers_text,
        },
        Err(failure) => WriteOutcome::Failed(failure.describe(
            "changed since the wizard read it; nothing was written: look at it, then go to \
             Review again.",
        )),
    };
    (outcome, read_dir_state(dir).ok())
}
