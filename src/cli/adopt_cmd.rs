//! `atproto-wizard adopt`: a hand-written NixOS host becomes one the wizard manages.
//! Reads the host (`disk::adopt`), plans with the pure `crate::adopt`, shows what it
//! found and the diff of every file, asks once, then writes through the one write path
//! (`write_host::commit`): backups, atomic replacement, nothing written on a refusal.
use std::io::Write;
use std::path::PathBuf;

use super::apply_cmd::Confirm;
use super::{check_cmd, write_flow};
use std::collections::BTreeMap;

use crate::adopt::{Context, evaluate, plan_adoption};
use crate::catalog::Catalog;
use crate::disk::adopt::{AdoptReadError, read_host};
use crate::exit_status::ExitStatus;
use crate::hostedit::Lit;
use crate::report::{self, Printer, Style, outcome};
use crate::shell::shell_word;
use crate::write_host::{self, Prepared};

/// The command line's options.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    /// The flake's `nixosConfigurations` entry, when it has several.
    pub host: Option<String>,
    pub admin_email: Option<String>,
    pub yes: bool,
    pub dry_run: bool,
}

/// Runs `adopt`, printing to `out`; returns the exit status.
pub fn run(
    catalog: &Catalog,
    opts: &Options,
    style: Style,
    confirm: Confirm,
    out: &mut dyn Write,
) -> ExitStatus {
    let mut p = Printer { out };
    let dir = &opts.dir;
    let (sources, flake_host) = match read_host(dir, opts.host.as_deref()) {
        Ok(read) => read,
        Err(e) => {
            let refusal = matches!(&e, AdoptReadError::Read(r) if r.is_refusal());
            p.put(&format!(
                "{}: {e}\n{}\n",
                style.error(if refusal { "refused" } else { "error" }),
                outcome::NOTHING_WRITTEN
            ));
            return if refusal {
                ExitStatus::Refused
            } else {
                ExitStatus::Unusable
            };
        }
    };
    let mut ctx = Context {
        flake_host: flake_host.clone(),
        admin_email: opts.admin_email.clone(),
        flake: sources.dir_state.flake_nix.is_some(),
        evaluated: None,
    };
    let mut adoption = plan_adoption(catalog, &sources, &ctx);
    // Values the text cannot give: one evaluation of the host, when Nix can do it.
    let wanted = adoption.recognised.to_evaluate.clone();
    let mut evaluation_note = None;
    if !wanted.is_empty() {
        let (values, note) = evaluate_host(dir, flake_host.as_deref(), &wanted);
        ctx.evaluated = Some(values);
        evaluation_note = note;
        adoption = plan_adoption(catalog, &sources, &ctx);
    }
    if let Some(note) = evaluation_note {
        adoption.recognised.notes.push(note);
    }
    p.put(&report::adopt::sources(
        &sources,
        flake_host.as_deref(),
        style,
    ));
    p.put(&report::adopt::findings(&adoption, style));
    if !adoption.recognised.problems.is_empty() {
        p.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
        return ExitStatus::Problems;
    }
    let Some(answers) = &adoption.answers else {
        p.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
        return ExitStatus::Problems;
    };
    if !adoption.diagnostics.is_empty() {
        p.put("\n");
        p.put(&check_cmd::text_report(
            answers,
            &adoption.diagnostics,
            style,
        ));
    }
    if adoption.diagnostics.iter().any(|d| d.is_error()) {
        p.put(
            "Nothing was written: the host as it is does not pass the wizard's checks. Fix the errors above in the host's files (the place each value came from is shown), then adopt again.\n",
        );
        return ExitStatus::Problems;
    }
    let prepared = Prepared {
        dir_state: sources.dir_state.clone(),
        plan: adoption.plan.clone(),
    };
    let plan = &prepared.plan;
    p.put("\n");
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
            let d = shell_word(&dir.display().to_string());
            let view = crate::plan::PlanView::new(catalog, &answers.tree);
            let steps = vec![
                format!(
                    "Check that the host evaluates as before, with every assertion passing:\n\
                     atproto-wizard preview {d} --deep"
                ),
                crate::wizard::summary::switch_step(&view, dir),
                format!("From now on, change the host with:\natproto-wizard edit {d}"),
            ];
            p.put(&report::next::numbered(&steps, style));
            ExitStatus::Success
        }
        Err(failure) => {
            p.put(&outcome::write_failure(
                &failure,
                outcome::AGAIN_ADOPT,
                style,
            ));
            write_host::write_failure_status(&failure)
        }
    }
}

/// Asks Nix for the options in `paths`; what it gave, and a note when it could not.
fn evaluate_host(
    dir: &std::path::Path,
    flake_host: Option<&str>,
    paths: &[String],
) -> (BTreeMap<String, Lit>, Option<String>) {
    use crate::preview::process::{CancelToken, run_checked};
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let spec = evaluate::command(&dir, flake_host, paths)
        .with_timeout(std::time::Duration::from_secs(300));
    let failed = |why: String| {
        (
            BTreeMap::new(),
            Some(format!(
                "{} of the host's values are expressions, and Nix could not evaluate the host ({why}): they stay as written, and what the answers need from them must be given by hand.",
                paths.len()
            )),
        )
    };
    match run_checked(&spec, &CancelToken::new(), &mut |_, _| {}) {
        Ok(out) => match evaluate::read(&out.stdout().join("\n")) {
            Ok(values) => (values, None),
            Err(e) => failed(format!("`{}` printed {e}", spec.program)),
        },
        Err(e) => failed(match &e {
            crate::preview::process::RunError::NotFound { program } => {
                format!("{program} is not installed")
            }
            crate::preview::process::RunError::Failed { output, .. } => output
                .stderr_tail(1)
                .first()
                .cloned()
                .unwrap_or_else(|| "it failed".into()),
            crate::preview::process::RunError::TimedOut { after, .. } => {
                format!("it ran longer than {} s", after.as_secs())
            }
            crate::preview::process::RunError::Spawn { error, .. } => error.to_string(),
            crate::preview::process::RunError::Cancelled { .. } => "it was stopped".into(),
        }),
    }
}
