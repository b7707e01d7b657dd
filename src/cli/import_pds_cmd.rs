//! `atproto-wizard import-pds`: move a PDS installed by Bluesky's installer.sh (Docker,
//! its data in /pds) onto the host in DIR. Reads pds.env and the Caddyfile, works out
//! the answers through the catalog (`crate::import_pds::plan`), validates them as
//! `check` does, then shows everything it would do (the diff of every host file, the
//! secrets' files, the data) and asks once. Writing goes in the order that can never
//! leave the host generating a new secret or starting on empty data: the secrets
//! first, then the data (with `--copy-data`), then the host's files through the one
//! write path, `crate::write_host`, exactly as `apply` writes them.
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use super::apply_cmd::Confirm;
use super::check_cmd;
use crate::catalog::Catalog;
use crate::disk::read::{Links, read_text};
use crate::exit_status::ExitStatus;
use crate::import_pds::data;
use crate::import_pds::data_copy::{self, DataError};
use crate::import_pds::plan::{self, Inputs, SERVICE};
use crate::import_pds::secret_files::{self, FileState};
use crate::import_pds::secrets::{self, Backend};
use crate::import_pds::{caddyfile, env_file};
use crate::plan::{Answers, PlanView};
use crate::report::{self, Printer, Style, diff, files, import_pds as words, outcome};
use crate::safe_text::escape;
use crate::validate::validate;
use crate::write_host::{self, Readiness};

/// The command line's options.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Docker PDS's data directory (`/pds`).
    pub from: PathBuf,
    /// The host's configuration directory, as the host sees it.
    pub dir: PathBuf,
    /// Prefixes every path written on this machine (a mounted disk, a test).
    pub root: Option<PathBuf>,
    pub secrets: Option<Backend>,
    pub copy_data: bool,
    pub dry_run: bool,
    pub yes: bool,
    /// Where to look for a running PDS before copying; by default 127.0.0.1 on the
    /// port pds.env gives it.
    pub probe: Option<SocketAddr>,
}

/// Where the installer keeps the Caddyfile, under the data directory.
pub const CADDYFILE: &str = "caddy/etc/caddy/Caddyfile";

/// Runs `import-pds`, printing to `out`; returns the exit status.
pub fn run(
    catalog: &Catalog,
    opts: &Options,
    style: Style,
    confirm: Confirm,
    out: &mut dyn Write,
) -> ExitStatus {
    let mut p = Printer { out };
    let error = |p: &mut Printer, label: &str, text: &str| {
        p.put(&format!("{}: {text}\n", style.error(label)));
    };
    let root = opts.root.clone().unwrap_or_else(|| PathBuf::from("/"));
    if opts.root.is_some() && !opts.dir.is_absolute() {
        error(
            &mut p,
            "error",
            "with --root, give --dir as the path on the host, like /etc/nixos",
        );
        return ExitStatus::Unusable;
    }
    let dir_here = match &opts.root {
        Some(r) => secrets::under(r, &opts.dir.display().to_string()),
        None => opts.dir.clone(),
    };

    // What the Docker PDS was given.
    let env_path = opts.from.join("pds.env");
    let env_text = match read_text(&env_path, Links::Follow) {
        Ok(Some(t)) => t,
        Ok(None) => {
            error(
                &mut p,
                "error",
                &format!(
                    "{}: no such file. Is --from the Docker PDS's data directory (installer.sh keeps it in /pds)?",
                    escape(&env_path.display().to_string())
                ),
            );
            return ExitStatus::Unusable;
        }
        Err(e) => {
            error(&mut p, "error", &escape(&e.to_string()));
            return ExitStatus::Unusable;
        }
    };
    let env = match env_file::parse(&env_path.display().to_string(), &env_text) {
        Ok(env) => env,
        Err(e) => {
            error(&mut p, "error", &e.to_string());
            return ExitStatus::Unusable;
        }
    };
    drop(env_text);
    let caddy_path = opts.from.join(CADDYFILE);
    let caddy = match read_text(&caddy_path, Links::Follow) {
        Ok(Some(t)) => Some(caddyfile::parse(&t)),
        Ok(None) => None,
        Err(e) => {
            p.put(&format!(
                "{}: {}; read as if there were none\n",
                style.warning("note"),
                escape(&e.to_string())
            ));
            None
        }
    };

    // The host's answers, when it has some: the PDS is added to them.
    let answers_path = dir_here.join(crate::apply::ATPROTO_TOML);
    let answers_name = answers_path.display().to_string();
    let existing = match read_text(&answers_path, Links::Refuse) {
        Ok(None) => None,
        Ok(Some(text)) => match Answers::parse(&answers_name, &text) {
            Ok(a) => Some(a),
            Err(e) => {
                p.put(&check_cmd::unreadable(&e, false, style).output);
                return ExitStatus::Unusable;
            }
        },
        Err(e) => {
            let label = if e.is_refusal() { "refused" } else { "error" };
            error(&mut p, label, &escape(&e.to_string()));
            return write_host::read_failure_status(&e);
        }
    };

    p.put(&words::read(
        &env_path,
        env.effective().len(),
        &caddy_path,
        caddy.as_ref(),
    ));
    let plan = match plan::build(&Inputs {
        catalog,
        env: &env,
        caddy: caddy.as_ref(),
        existing: existing.as_ref(),
        backend: opts.secrets,
        answers_name: &answers_name,
    }) {
        Ok(plan) => plan,
        Err(e) => {
            let label = if e.status() == ExitStatus::Refused {
                "refused"
            } else {
                "error"
            };
            error(&mut p, label, &e.to_string());
            p.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
            return e.status();
        }
    };

    // The answers, checked as `check` checks them.
    let diagnostics = validate(catalog, &plan.answers.tree);
    let valid = !diagnostics.iter().any(|d| d.is_error());
    p.put(&words::accounting(&plan, valid, style));
    if !diagnostics.is_empty() {
        p.put("\n");
        p.put(&check_cmd::text_report(&plan.answers, &diagnostics, style));
    }
    if !valid {
        p.put("Nothing was written: the answers made from pds.env have the errors above. Fix pds.env (or the host's atproto.toml), then run import-pds again.\n");
        return ExitStatus::Problems;
    }

    // The host's files, as `apply` would write them.
    let prepared = match write_host::prepare(catalog, &plan.answers, &dir_here, false) {
        Ok(prepared) => prepared,
        Err(e) => {
            let label = if e.is_refusal() { "refused" } else { "error" };
            error(&mut p, label, &e.to_string());
            p.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
            return write_host::read_failure_status(&e);
        }
    };
    p.put("\n");
    for change in &prepared.plan.changes {
        p.put(&diff::coloured(&change.diff(), style));
    }
    for refusal in &prepared.plan.refusals {
        p.put(&outcome::refusal(refusal, style));
    }
    p.put(&files::text(&prepared.plan, &dir_here, style));
    p.put(&outcome::notes(&prepared.plan, style));
    let readiness = prepared.readiness();
    let mut refusals: Vec<String> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    if readiness == Readiness::Refused {
        refusals.push("a host file (above)".into());
    }

    // The secrets.
    let layout = secrets::layout(
        catalog,
        plan.backend,
        SERVICE,
        &plan.secrets,
        &root,
        &dir_here,
        plan.repo_file.as_deref(),
    );
    let states = match secret_files::inspect(&layout) {
        Ok(states) => {
            p.put(&words::secrets(plan.backend, &layout, &states, style));
            if states.contains(&FileState::Conflict) {
                refusals.push("a secret file that holds a different secret".into());
            }
            states
        }
        Err(e) => {
            let label = if e.is_refusal() { "refused" } else { "error" };
            p.put(&format!("{}: {e}\n", style.error(label)));
            if e.is_refusal() {
                refusals.push("the secrets' directory".into());
            } else {
                failures.push("the secrets".into());
            }
            Vec::new()
        }
    };

    // The data.
    let service = catalog.service(SERVICE).expect("the catalog has the PDS");
    let dest = plan::data_dir(service).unwrap_or_else(|| "/var/lib/pds".into());
    let data_plan = data::plan(
        &opts.from,
        &plan.blobs,
        &dest,
        &secrets::under(&root, &dest),
    );
    // The Docker PDS's port, and the NixOS PDS's when the host gives it another.
    let probes: Vec<SocketAddr> = match opts.probe {
        Some(addr) => vec![addr],
        None => {
            let resolved = crate::apply::resolve_answers(&plan.answers, catalog);
            let view = PlanView::new(catalog, &resolved.tree);
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
    };
    let running = || probes.iter().copied().find(|a| data::answers(*a));
    let scan = if opts.copy_data {
        match data_copy::scan(&data_plan) {
            Ok(scan) => Some(scan),
            Err(e) => {
                p.put(&words::data(&data_plan, None, style));
                report_data_error(&mut p, &e, style, &mut refusals, &mut failures);
                None
            }
        }
    } else {
        None
    };
    if !opts.copy_data || scan.is_some() {
        p.put(&words::data(&data_plan, scan.as_ref(), style));
    }
    if let Some(scan) = &scan
        && scan.to_copy().0 > 0
        && let Some(addr) = running()
    {
        report_data_error(
            &mut p,
            &DataError::Running(addr),
            style,
            &mut refusals,
            &mut failures,
        );
    }

    if !failures.is_empty() {
        p.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
        return ExitStatus::Unusable;
    }
    if !refusals.is_empty() {
        p.put(&format!(
            "\n{}: nothing was written ({}).\n",
            style.error("refused"),
            refusals.join("; ")
        ));
        return ExitStatus::Refused;
    }

    let host_files = prepared.plan.changes.len();
    let secret_writes = states
        .iter()
        .filter(|s| matches!(s, FileState::New | FileState::Replace))
        .count();
    let (data_files, data_bytes) = scan.as_ref().map_or((0, 0), |s| s.to_copy());
    let host_dir = match &opts.root {
        Some(_) => opts.dir.clone(),
        None => std::fs::canonicalize(&dir_here).unwrap_or_else(|_| dir_here.clone()),
    };
    let machine = opts
        .root
        .is_none()
        .then(crate::disk::own_flake::this_machine);
    let owner = if is_root() {
        data::pds_owner(&root)
    } else {
        None
    };
    let view = PlanView::new(catalog, &plan.answers.tree);
    let sops_file_exists = layout.encrypted.as_ref().is_some_and(|f| f.is_file());
    let next = |copied: bool, chowned: bool| {
        report::next::numbered(
            &words::next_steps(&words::Next {
                view: &view,
                dir: &host_dir,
                backend: plan.backend,
                layout: &layout,
                sops_file_exists,
                data: &data_plan,
                copied,
                chowned,
                machine: machine.as_ref(),
            }),
            style,
        )
    };
    let all_copied = scan.is_some();
    if host_files + secret_writes + data_files == 0 {
        p.put(&format!(
            "No changes: the host in {}, the PDS's secrets{} are already in place.\n",
            escape(&dir_here.display().to_string()),
            if all_copied { " and its data" } else { "" }
        ));
        p.put(&outcome::git_note(&prepared.plan.git_add, &dir_here));
        p.put(&next(all_copied, all_copied && owner.is_some()));
        return ExitStatus::Success;
    }
    let mut what = Vec::new();
    if host_files > 0 {
        what.push(outcome::files_count(host_files));
    }
    if secret_writes > 0 {
        what.push(format!(
            "{secret_writes} secret file{}",
            if secret_writes == 1 { "" } else { "s" }
        ));
    }
    let mut action = String::new();
    if !what.is_empty() {
        action = format!("write {}", what.join(" and "));
    }
    if data_files > 0 {
        if !action.is_empty() {
            action.push_str(", and ");
        }
        action.push_str(&format!(
            "copy {data_files} file{} of data ({})",
            if data_files == 1 { "" } else { "s" },
            data::size_text(data_bytes)
        ));
    }
    if opts.dry_run {
        p.put(&format!(
            "Dry run: it would {action}; nothing was written.\n"
        ));
        return ExitStatus::Success;
    }
    let mut question = action.clone();
    if let Some(first) = question.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    if !opts.yes {
        match confirm(&format!("{question}? [y/N] ")) {
            Some(true) => {}
            Some(false) => {
                p.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
                return ExitStatus::NotWritten;
            }
            None => {
                p.put("Nothing was written: there is no terminal to ask for confirmation; pass --yes to write without asking.\n");
                return ExitStatus::NotWritten;
            }
        }
    }

    // 1. The secrets, before anything could make the host generate its own.
    if secret_writes > 0 {
        if let Err(e) = secret_files::write(&layout, &states) {
            let label = if e.is_refusal() { "refused" } else { "error" };
            p.put(&format!("{}: {e}\n", style.error(label)));
            p.put("The host's files were not written, nor the data copied: run import-pds again once this is fixed.\n");
            return if e.is_refusal() {
                ExitStatus::Refused
            } else {
                ExitStatus::Unusable
            };
        }
        for (f, s) in layout.files.iter().zip(&states) {
            if matches!(s, FileState::New | FileState::Replace) {
                p.put(&format!(
                    "wrote {} ({})\n",
                    escape(&f.path.display().to_string()),
                    f.what
                ));
            }
        }
    }
    // 2. The data, before the host could start a PDS on an empty directory.
    let mut chowned = false;
    if let Some(scan) = &scan {
        let copied = if data_files > 0
            && let Some(addr) = running()
        {
            Err(DataError::Running(addr))
        } else {
            data_copy::copy(&data_plan, scan, owner)
        };
        match copied {
            Ok(done) => {
                chowned = done.chowned;
                p.put(&words::copied(&done, &data_plan));
            }
            Err(e) => {
                let label = if e.is_refusal() { "refused" } else { "error" };
                p.put(&format!("{}: {e}\n", style.error(label)));
                p.put("The secrets are in place; the host's files were not written: run import-pds again once this is fixed.\n");
                return if e.is_refusal() {
                    ExitStatus::Refused
                } else {
                    ExitStatus::Unusable
                };
            }
        }
    }
    // 3. The host's files, as `apply` writes them.
    if readiness == Readiness::Ready {
        match write_host::commit(&dir_here, &prepared) {
            Ok(written) => {
                p.put(&outcome::written(&written));
                p.put(&outcome::wrote(written.len(), &dir_here, style));
            }
            Err(failure) => {
                p.put(&outcome::write_failure(
                    &failure,
                    "changed since import-pds read it; nothing was written: run import-pds again.",
                    style,
                ));
                return write_host::write_failure_status(&failure);
            }
        }
    }
    p.put(&outcome::git_note(&prepared.plan.git_add, &dir_here));
    p.put(&next(all_copied, chowned));
    ExitStatus::Success
}

fn report_data_error(
    p: &mut Printer,
    e: &DataError,
    style: Style,
    refusals: &mut Vec<String>,
    failures: &mut Vec<String>,
) {
    let label = if e.is_refusal() { "refused" } else { "error" };
    p.put(&format!("{}: {e}\n", style.error(label)));
    if e.is_refusal() {
        refusals.push(match e {
            DataError::Running(_) => "a PDS is running".into(),
            _ => "the data".into(),
        });
    } else {
        failures.push("the data".into());
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_dir_with_a_root_is_refused_before_anything_is_read() {
        let opts = Options {
            from: PathBuf::from("/nonexistent"),
            dir: PathBuf::from("etc/nixos"),
            root: Some(PathBuf::from("/mnt")),
            secrets: None,
            copy_data: false,
            dry_run: true,
            yes: false,
            probe: None,
        };
        let mut out = Vec::new();
        let mut confirm = |_: &str| None;
        let status = run(
            Catalog::embedded(),
            &opts,
            Style::plain(),
            &mut confirm,
            &mut out,
        );
        assert_eq!(status, ExitStatus::Unusable);
        assert!(String::from_utf8(out).unwrap().contains("with --root"));
    }
}
