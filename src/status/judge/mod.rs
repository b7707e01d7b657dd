//! The judgement (pure): probe outputs, read against the targets, become the report,
//! each problem with what to do next.
mod host;
mod service;
mod units;

use super::observed::{Observations, Observed};
use super::probes;
use super::report::{Check, Level, Report, Section};
use super::targets::StatusTargets;

/// What the judgement needs beside the outputs.
#[derive(Debug, Clone)]
pub struct Context {
    /// The host directory as the operator named it.
    pub dir: String,
    /// `user@machine` with `--host`: next steps are then run there through ssh.
    pub via: Option<String>,
    /// The secrets backend (`generate`, `sops`, `agenix`).
    pub backend: String,
    /// The reverse proxy (`nginx`, `caddy`), if any.
    pub proxy: Option<String>,
    /// The command that switches the host to DIR's configuration.
    pub switch: String,
    /// Unix seconds now.
    pub now: i64,
}

impl Context {
    /// A command to run on the host, as the operator types it from here.
    fn on_host(&self, command: &str) -> String {
        match &self.via {
            Some(target) => format!("ssh {target} -- {command}"),
            None => command.to_string(),
        }
    }
}

pub fn judge(t: &StatusTargets, obs: &Observations, cx: &Context) -> Report {
    let missing = Observed::CouldNotRun("not probed".into());
    let get = |key: &str| obs.get(key).unwrap_or(&missing);
    let mut sections = Vec::new();
    for s in &t.services {
        let units: Vec<&String> = std::iter::once(&s.unit).chain(&s.companions).collect();
        let mut checks: Vec<Check> = units
            .iter()
            .map(|u| units::service_unit(u, get(&probes::unit_key(u)), cx))
            .collect();
        checks.push(service::health(
            s,
            s.health.as_ref().map(|_| get(&probes::health_key(&s.id))),
            cx,
        ));
        for u in &units {
            checks.push(service::journal(u, get(&probes::journal_key(u)), cx));
        }
        for d in &s.state_dirs {
            checks.push(service::disk(
                s,
                d,
                get(&probes::du_key(d)),
                get(&probes::df_key(d)),
                cx,
            ));
        }
        if let Some(u) = &s.secrets_unit {
            checks.push(units::secrets_unit(u, get(&probes::unit_key(u)), cx));
        }
        sections.push(Section {
            id: s.id.clone(),
            title: format!("{} ({})", s.title, s.id),
            checks,
        });
    }
    let secrets: Vec<Check> = t
        .secret_files
        .iter()
        .map(|f| host::secret_file(f, get(&probes::stat_key(&f.file)), cx))
        .collect();
    if !secrets.is_empty() {
        sections.push(host_section("secrets", "Secrets", secrets));
    }
    let tls: Vec<Check> = t
        .tls
        .iter()
        .map(|n| host::tls(n, get(&probes::tls_key(&n.label)), cx))
        .collect();
    if !tls.is_empty() {
        sections.push(host_section("tls", "Public names (TLS)", tls));
    }
    let mut system = Vec::new();
    if let Some(b) = &t.backup {
        system.push(units::backup(b, get(&probes::unit_key(&b.unit)), cx));
    }
    system.push(host::generation(
        t,
        get(probes::RUNNING_KEY),
        t.flake.then(|| get(probes::BUILT_KEY)),
        cx,
    ));
    sections.push(host_section("system", "System", system));
    Report {
        host: t.flake_name.clone(),
        via: cx.via.clone(),
        checked_at: cx.now,
        sections,
    }
}

fn host_section(id: &str, title: &str, checks: Vec<Check>) -> Section {
    Section {
        id: id.into(),
        title: title.into(),
        checks,
    }
}

/// A check that could not be made: a warning (nothing is known to be wrong, but
/// nothing is known to be right).
fn not_checked(check: &'static str, subject: &str, o: &Observed, next: Vec<String>) -> Check {
    Check {
        check,
        subject: subject.into(),
        level: Level::Warning,
        summary: format!("could not check: {}", o.problem()),
        details: Vec::new(),
        next,
    }
}

fn check(check: &'static str, subject: &str, level: Level, summary: String) -> Check {
    Check {
        check,
        subject: subject.into(),
        level,
        summary,
        details: Vec::new(),
        next: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
