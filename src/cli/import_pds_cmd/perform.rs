//! The last step, once the operator agreed: the writes, in the one order that never
//! leaves the host generating a new secret or starting a PDS on empty data, then the
//! next steps.
use std::path::PathBuf;

use super::confirm::Work;
use super::{Cx, Import, Step, stopped};
use crate::exit_status::ExitStatus;
use crate::import_pds::data_copy::{self, DataError};
use crate::import_pds::secret_files::{self, FileState};
use crate::plan::PlanView;
use crate::report::{self, import_pds as words, outcome};
use crate::safe_text::escape;
use crate::wizard::first_switch::Machine;
use crate::write_host::{self, Readiness};

/// Writes the secrets, copies the data (with `--copy-data`), then writes the host's
/// files. A step that fails stops the ones after it, and says so.
pub(super) fn perform(cx: &mut Cx, import: &Import, work: &Work) -> Step<ExitStatus> {
    if work.counts.secret_files > 0 {
        write_secrets(cx, import)?;
    }
    let chowned = copy_data(cx, import, work)?;
    if import.host.readiness() == Readiness::Ready {
        write_host_files(cx, import)?;
    }
    finish(cx, import, &work.next, import.data.scan.is_some(), chowned);
    Ok(ExitStatus::Success)
}

/// First, so that nothing can make the host generate secrets of its own.
fn write_secrets(cx: &mut Cx, import: &Import) -> Step<()> {
    let secrets = &import.secrets;
    if let Err(e) = secret_files::write(&secrets.layout, &secrets.states) {
        cx.problem(e.is_refusal(), &e.to_string());
        cx.put("The host's files were not written, nor the data copied: run import-pds again once this is fixed.\n");
        return Err(stopped(e.is_refusal()));
    }
    for (f, s) in secrets.layout.files.iter().zip(&secrets.states) {
        if matches!(s, FileState::New | FileState::Replace) {
            cx.put(&format!(
                "wrote {} ({})\n",
                escape(&f.path.display().to_string()),
                f.what
            ));
        }
    }
    Ok(())
}

/// Second, so that the host never starts a PDS on an empty directory. A PDS that
/// started since it was asked about is refused again. Returns whether the copies were
/// given to the pds user.
fn copy_data(cx: &mut Cx, import: &Import, work: &Work) -> Step<bool> {
    let data = &import.data;
    let Some(scan) = &data.scan else {
        return Ok(false);
    };
    let copied = if work.counts.data_files > 0
        && let Some(addr) = data.running()
    {
        Err(DataError::Running(addr))
    } else {
        data_copy::copy(&data.plan, scan, work.owner)
    };
    match copied {
        Ok(done) => {
            cx.put(&words::copied(&done, &data.plan));
            Ok(done.chowned)
        }
        Err(e) => {
            cx.problem(e.is_refusal(), &e.to_string());
            cx.put("The secrets are in place; the host's files were not written: run import-pds again once this is fixed.\n");
            Err(stopped(e.is_refusal()))
        }
    }
}

/// Last, through the one write path, exactly as `apply` writes them.
fn write_host_files(cx: &mut Cx, import: &Import) -> Step<()> {
    let dir_here = &import.inputs.dir_here;
    match write_host::commit(dir_here, &import.host) {
        Ok(written) => {
            cx.put(&outcome::written(&written));
            cx.put(&outcome::wrote(written.len(), dir_here, cx.style));
            Ok(())
        }
        Err(failure) => {
            cx.put(&outcome::write_failure(
                &failure,
                "changed since import-pds read it; nothing was written: run import-pds again.",
                cx.style,
            ));
            Err(write_host::write_failure_status(&failure))
        }
    }
}

/// What to `git add`, and the numbered next steps.
pub(super) fn finish(cx: &mut Cx, import: &Import, next: &NextSteps, copied: bool, chowned: bool) {
    cx.put(&outcome::git_note(
        &import.host.plan.git_add,
        &import.inputs.dir_here,
    ));
    let text = next.text(cx, import, copied, chowned);
    cx.put(&text);
}

/// What the next steps say about the host, found before anything is written so that
/// they describe it as the import found it (the host's directory may not exist yet).
pub(super) struct NextSteps {
    /// The host's directory as the host sees it.
    host_dir: PathBuf,
    /// This machine, when it is the host (no `--root`).
    machine: Option<Machine>,
    sops_file_exists: bool,
}

impl NextSteps {
    pub fn before_writing(cx: &Cx, import: &Import) -> NextSteps {
        let dir_here = &import.inputs.dir_here;
        let host_dir = match &cx.opts.root {
            Some(_) => cx.opts.dir.clone(),
            None => std::fs::canonicalize(dir_here).unwrap_or_else(|_| dir_here.clone()),
        };
        let machine = cx
            .opts
            .root
            .is_none()
            .then(crate::disk::own_flake::this_machine);
        let sops_file_exists = import
            .secrets
            .layout
            .encrypted
            .as_ref()
            .is_some_and(|f| f.is_file());
        NextSteps {
            host_dir,
            machine,
            sops_file_exists,
        }
    }

    fn text(&self, cx: &Cx, import: &Import, copied: bool, chowned: bool) -> String {
        let view = PlanView::new(cx.catalog, &import.plan.answers.tree);
        report::next::numbered(
            &words::next_steps(&words::Next {
                view: &view,
                dir: &self.host_dir,
                backend: import.plan.backend,
                layout: &import.secrets.layout,
                sops_file_exists: self.sops_file_exists,
                data: &import.data.plan,
                copied,
                chowned,
                machine: self.machine.as_ref(),
            }),
            cx.style,
        )
    }
}
