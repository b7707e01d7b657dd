//! The steps that work out and show what `import-pds` would do: the answers and their
//! check, the host's files, the secrets' files and the data. Nothing here writes.
use std::net::{Ipv4Addr, SocketAddr};

use super::inputs::Inputs;
use super::{Cx, Step};
use crate::catalog::Service;
use crate::cli::check_cmd;
use crate::exit_status::ExitStatus;
use crate::import_pds::data::{self, DataPlan};
use crate::import_pds::data_copy::{self, DataError, Scan};
use crate::import_pds::plan::{self, ImportPlan, SERVICE};
use crate::import_pds::secret_files::{self, FileState};
use crate::import_pds::secrets::{self, Layout};
use crate::plan::PlanView;
use crate::report::{diff, files, import_pds as words, outcome};
use crate::validate::validate;
use crate::write_host::{self, Prepared, Readiness};

/// Works out the answers from the inputs and checks them as `check` does; answers
/// with errors stop the command before anything else is shown.
pub(super) fn plan(cx: &mut Cx, inputs: &Inputs) -> Step<ImportPlan> {
    let built = plan::build(&plan::Inputs {
        catalog: cx.catalog,
        env: &inputs.env,
        caddy: inputs.caddy.as_ref(),
        existing: inputs.existing.as_ref(),
        backend: cx.opts.secrets,
        answers_name: &inputs.answers_name,
    });
    let plan = match built {
        Ok(plan) => plan,
        Err(e) => {
            cx.problem(e.status() == ExitStatus::Refused, &e.to_string());
            cx.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
            return Err(e.status());
        }
    };
    let diagnostics = validate(cx.catalog, &plan.answers.tree);
    let valid = !diagnostics.iter().any(|d| d.is_error());
    cx.put(&words::accounting(&plan, valid, cx.style));
    if !diagnostics.is_empty() {
        cx.put("\n");
        cx.put(&check_cmd::text_report(
            &plan.answers,
            &diagnostics,
            cx.style,
        ));
    }
    if !valid {
        cx.put("Nothing was written: the answers made from pds.env have the errors above. Fix pds.env (or the host's atproto.toml), then run import-pds again.\n");
        return Err(ExitStatus::Problems);
    }
    Ok(plan)
}

/// What keeps anything from being written. Gathered rather than stopping at the first,
/// so that the operator sees every problem at once.
#[derive(Default)]
pub(super) struct Stops {
    /// What is refused: nothing is wrong, but writing would not be safe.
    refusals: Vec<String>,
    /// What could not be read.
    failures: Vec<String>,
}

impl Stops {
    /// Prints a data error and records it.
    fn data(&mut self, cx: &mut Cx, e: &DataError) {
        cx.problem(e.is_refusal(), &e.to_string());
        if e.is_refusal() {
            self.refusals.push(match e {
                DataError::Running(_) => "a PDS is running".into(),
                _ => "the data".into(),
            });
        } else {
            self.failures.push("the data".into());
        }
    }

    /// Stops the command when anything was found, failures first.
    pub fn check(self, cx: &mut Cx) -> Step<()> {
        if !self.failures.is_empty() {
            cx.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
            return Err(ExitStatus::Unusable);
        }
        if !self.refusals.is_empty() {
            let line = format!(
                "\n{}: nothing was written ({}).\n",
                cx.style.error("refused"),
                self.refusals.join("; ")
            );
            cx.put(&line);
            return Err(ExitStatus::Refused);
        }
        Ok(())
    }
}

/// Prepares the host's files as `apply` would write them and shows them: each diff,
/// each refusal, the list of files and the notes.
pub(super) fn host_files(
    cx: &mut Cx,
    inputs: &Inputs,
    plan: &ImportPlan,
    stops: &mut Stops,
) -> Step<Prepared> {
    let dir_here = &inputs.dir_here;
    let prepared = match write_host::prepare(cx.catalog, &plan.answers, dir_here, false) {
        Ok(prepared) => prepared,
        Err(e) => {
            cx.problem(e.is_refusal(), &e.to_string());
            cx.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
            return Err(write_host::read_failure_status(&e));
        }
    };
    let style = cx.style;
    cx.put("\n");
    for change in &prepared.plan.changes {
        cx.put(&diff::coloured(&change.diff(), style));
    }
    for refusal in &prepared.plan.refusals {
        cx.put(&outcome::refusal(refusal, style));
    }
    cx.put(&files::text(&prepared.plan, dir_here, style));
    cx.put(&outcome::notes(&prepared.plan, style));
    if prepared.readiness() == Readiness::Refused {
        stops.refusals.push("a host file (above)".into());
    }
    Ok(prepared)
}

/// The secrets' files and what is in their place now.
pub(super) struct Secrets {
    pub layout: Layout,
    /// One for each of `layout.files`; empty when they could not be inspected.
    pub states: Vec<FileState>,
}

/// Works out where the backend wants the secrets, looks at what is there and shows it.
pub(super) fn secrets(
    cx: &mut Cx,
    inputs: &Inputs,
    plan: &ImportPlan,
    stops: &mut Stops,
) -> Secrets {
    let layout = secrets::layout(
        cx.catalog,
        plan.backend,
        SERVICE,
        &plan.secrets,
        &inputs.root,
        &inputs.dir_here,
        plan.repo_file.as_deref(),
    );
    let states = match secret_files::inspect(&layout) {
        Ok(states) => {
            cx.put(&words::secrets(plan.backend, &layout, &states, cx.style));
            if states.contains(&FileState::Conflict) {
                stops
                    .refusals
                    .push("a secret file that holds a different secret".into());
            }
            states
        }
        Err(e) => {
            cx.problem(e.is_refusal(), &e.to_string());
            if e.is_refusal() {
                stops.refusals.push("the secrets' directory".into());
            } else {
                stops.failures.push("the secrets".into());
            }
            Vec::new()
        }
    };
    Secrets { layout, states }
}

/// The data: what to copy, where a running PDS would answer, and (with `--copy-data`)
/// everything the copy would do.
pub(super) struct Data {
    pub plan: DataPlan,
    probes: Vec<SocketAddr>,
    /// Only with `--copy-data`, and only when the data could be looked at.
    pub scan: Option<Scan>,
}

impl Data {
    /// The address a PDS answers on, if one does. Asked only when there is data to
    /// copy, and again just before copying it.
    pub fn running(&self) -> Option<SocketAddr> {
        self.probes.iter().copied().find(|a| data::answers(*a))
    }
}

/// Plans the data, scans it with `--copy-data`, shows it, and refuses a copy while a
/// PDS is running.
pub(super) fn data(cx: &mut Cx, inputs: &Inputs, plan: &ImportPlan, stops: &mut Stops) -> Data {
    let service = cx
        .catalog
        .service(SERVICE)
        .expect("the catalog has the PDS");
    let dest = plan::data_dir(service).unwrap_or_else(|| "/var/lib/pds".into());
    let data_plan = data::plan(
        &cx.opts.from,
        &plan.blobs,
        &dest,
        &secrets::under(&inputs.root, &dest),
    );
    let probes = probes(cx, plan, service);
    let style = cx.style;
    let scan = if cx.opts.copy_data {
        match data_copy::scan(&data_plan) {
            Ok(scan) => Some(scan),
            Err(e) => {
                cx.put(&words::data(&data_plan, None, style));
                stops.data(cx, &e);
                None
            }
        }
    } else {
        None
    };
    if !cx.opts.copy_data || scan.is_some() {
        cx.put(&words::data(&data_plan, scan.as_ref(), style));
    }
    let data = Data {
        plan: data_plan,
        probes,
        scan,
    };
    if let Some(scan) = &data.scan
        && scan.to_copy().0 > 0
        && let Some(addr) = data.running()
    {
        stops.data(cx, &DataError::Running(addr));
    }
    data
}

/// Where to look for a running PDS: `--probe`, else the Docker PDS's port and the
/// NixOS PDS's when the host gives it another.
fn probes(cx: &Cx, plan: &ImportPlan, service: &Service) -> Vec<SocketAddr> {
    if let Some(addr) = cx.opts.probe {
        return vec![addr];
    }
    let resolved = crate::apply::resolve_answers(&plan.answers, cx.catalog);
    let view = PlanView::new(cx.catalog, &resolved.tree);
    let mut ports = vec![plan.port];
    for port in &service.ports {
        if let Some(n) = view
            .get(&format!("services.{SERVICE}.ports.{}", port.name))
            .and_then(|v| v.as_int())
            .and_then(|n| u16::try_from(n).ok())
            && !ports.contains(&n)
        {
            ports.push(n);
        }
    }
    ports
        .into_iter()
        .map(|n| SocketAddr::from((Ipv4Addr::LOCALHOST, n)))
        .collect()
}
