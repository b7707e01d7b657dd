//! `atproto-wizard fleet check FILE [--json]` and `fleet apply FILE --dir D`: a fleet's
//! hosts checked together, then written as one flake for the deployment engine. Reads
//! `fleet.toml` and each host's answers file (relative to it), then the pure
//! `crate::fleet::check` and `crate::fleet::apply`; prints each host's problems at
//! their place in its answers file, as `check` does, and writes as `apply` does.
use std::path::{Path, PathBuf};

use serde_json::json;

use super::check_cmd::{self, Outcome};
use crate::catalog::Catalog;
use crate::disk::read::{Links, read_text};
use crate::exit_status::ExitStatus;
use crate::fleet::{self, FleetFile, HostTree};
use crate::plan::Answers;
use crate::report::Style;
use crate::safe_text::{escape, escape_json};
use crate::validate::Diagnostic;

/// A fleet as read: its file, its text, and each host's answers in the fleet's order.
pub(crate) struct Loaded {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) fleet: FleetFile,
    pub(crate) answers: Vec<(String, Answers)>,
    /// Each host's answers file, in the same order.
    pub(crate) paths: Vec<PathBuf>,
}

impl Loaded {
    pub(crate) fn trees(&self) -> Vec<HostTree> {
        self.answers
            .iter()
            .map(|(n, a)| (n.clone(), a.tree.clone()))
            .collect()
    }
}

/// Reads the fleet file at `path` and each host's answers; the report of what could not
/// be read (exit status 2) otherwise.
pub(crate) fn load(path: &Path, as_json: bool, style: Style) -> Result<Loaded, Outcome> {
    let name = path.display().to_string();
    let unusable = |message: String| Outcome {
        output: if as_json {
            let v = json!({ "file": name, "valid": false, "error": { "message": message } });
            escape_json(&serde_json::to_string_pretty(&v).unwrap()).into_owned() + "\n"
        } else {
            format!("{}: {}\n", style.error("error"), escape(&message))
        },
        status: ExitStatus::Unusable,
    };
    let text = match read_text(path, Links::Follow) {
        Ok(Some(t)) => t,
        Ok(None) => return Err(unusable(format!("{name}: no such file"))),
        Err(e) => return Err(unusable(e.to_string())),
    };
    let fleet = FleetFile::parse(&name, &text).map_err(unusable)?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut answers: Vec<(String, Answers)> = Vec::new();
    let mut paths = Vec::new();
    for host in &fleet.hosts {
        let file: PathBuf = base.join(&host.answers);
        match Answers::read(&file) {
            Ok(a) => {
                answers.push((host.name.clone(), a));
                paths.push(file);
            }
            Err(e) => {
                let mut out = check_cmd::unreadable(&e, as_json, style);
                if !as_json {
                    out.output = format!(
                        "{}{}: host {:?} of the fleet has no readable answers file\n",
                        out.output,
                        escape(&name),
                        host.name
                    );
                }
                return Err(out);
            }
        }
    }
    Ok(Loaded {
        name,
        text,
        fleet,
        answers,
        paths,
    })
}

/// Runs `fleet check` on the fleet file at `path`.
pub fn check(catalog: &Catalog, path: &Path, as_json: bool, style: Style) -> Outcome {
    match load(path, as_json, style) {
        Ok(loaded) => {
            let report = fleet::check(catalog, &loaded.fleet, &loaded.trees());
            check_report(&loaded, &report, as_json, style)
        }
        Err(out) => out,
    }
}

/// What `fleet check` prints for a checked fleet, and its exit status.
fn check_report(
    loaded: &Loaded,
    report: &fleet::FleetReport,
    as_json: bool,
    style: Style,
) -> Outcome {
    let (name, answers) = (&loaded.name, &loaded.answers);
    let status = if report.has_errors() {
        ExitStatus::Problems
    } else {
        ExitStatus::Success
    };
    let of = |host: &str| -> Vec<Diagnostic> {
        report
            .hosts
            .iter()
            .filter(|h| h.host == host)
            .map(|h| h.diagnostic.clone())
            .collect()
    };
    let output = if as_json {
        let hosts: Vec<_> = answers
            .iter()
            .map(|(host, a)| {
                let items: Vec<_> = of(host)
                    .iter()
                    .map(|d| {
                        let l = a.locate(&d.path);
                        json!({
                            "level": d.level, "code": d.code, "path": d.path, "message": d.message,
                            "line": l.line, "column": l.column,
                        })
                    })
                    .collect();
                json!({ "name": host, "answers": a.name, "diagnostics": items })
            })
            .collect();
        let v = json!({
            "file": name, "valid": !report.has_errors(), "fleet": report.fleet, "hosts": hosts,
        });
        escape_json(&serde_json::to_string_pretty(&v).unwrap()).into_owned() + "\n"
    } else {
        let mut out = String::new();
        for problem in &report.fleet {
            out.push_str(&format!(
                "{}: {}: {}\n",
                escape(name),
                style.error("error"),
                escape(problem)
            ));
        }
        for (host, a) in answers {
            out.push_str(&format!("{}\n", style.bold(&format!("{host}:"))));
            out.push_str(&check_cmd::text_report(a, &of(host), style));
        }
        let errors = report
            .hosts
            .iter()
            .filter(|h| h.diagnostic.is_error())
            .count()
            + report.fleet.len();
        out.push_str(&if errors == 0 {
            style.ok(&format!(
                "{}: the fleet is valid ({} hosts)\n",
                escape(name),
                answers.len()
            ))
        } else {
            style.error(&format!(
                "{}: the fleet is invalid: {errors} error{}\n",
                escape(name),
                if errors == 1 { "" } else { "s" }
            ))
        });
        out
    };
    Outcome { output, status }
}

/// `fleet apply`'s options.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    pub file: PathBuf,
    pub dir: PathBuf,
    pub yes: bool,
    pub dry_run: bool,
}

/// Runs `fleet apply`: checks the fleet as `fleet check` does (nothing is written with
/// an error), shows the diff of every file, asks once for the whole fleet, then writes
/// through the one write path (backups, atomic replacement, nothing on a refusal).
pub fn apply(
    catalog: &Catalog,
    opts: &ApplyOptions,
    style: Style,
    confirm: super::apply_cmd::Confirm,
    out: &mut dyn std::io::Write,
) -> ExitStatus {
    use crate::apply::DirState;
    use crate::disk::host::{read_host_files, write_changes};
    use crate::fleet::apply::{FLEET_TOML, FleetDir, host_dir, plan_fleet};
    use crate::report::{Printer, outcome};
    use crate::write_host::Prepared;

    let mut p = Printer { out };
    let loaded = match load(&opts.file, false, style) {
        Ok(l) => l,
        Err(unreadable) => {
            p.put(&unreadable.output);
            p.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
            return unreadable.status;
        }
    };
    let report = fleet::check(catalog, &loaded.fleet, &loaded.trees());
    if report.has_errors() {
        let checked = check_report(&loaded, &report, false, style);
        p.put(&checked.output);
        p.put(&format!("{}\n", outcome::NOTHING_WRITTEN));
        return checked.status;
    }
    let (fleet, fleet_text, answers) = (&loaded.fleet, &loaded.text, &loaded.answers);

    let dir = &opts.dir;
    let read = |rel: &str| read_text(&dir.join(rel), Links::Refuse);
    let (flake_nix, fleet_toml) = match (read(crate::apply::FLAKE_NIX), read(FLEET_TOML)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            p.put(&format!(
                "{}: {e}\n{}\n",
                style.error("error"),
                outcome::NOTHING_WRITTEN
            ));
            return crate::write_host::read_failure_status(&e);
        }
    };
    let mut hosts_state = std::collections::BTreeMap::new();
    for (host, _) in answers {
        match read_host_files(&dir.join(host_dir(host)), Links::Refuse) {
            Ok(state) => {
                hosts_state.insert(host.clone(), state);
            }
            Err(e) => {
                p.put(&format!(
                    "{}: {e}\n{}\n",
                    style.error("error"),
                    outcome::NOTHING_WRITTEN
                ));
                return crate::write_host::read_failure_status(&e);
            }
        }
    }
    let fleet_dir = FleetDir {
        flake_nix: flake_nix.clone(),
        fleet_toml,
        hosts: hosts_state,
    };
    let plan = plan_fleet(
        catalog,
        fleet,
        fleet_text,
        answers,
        &report.resolved,
        &fleet_dir,
    );
    let prepared = Prepared {
        dir_state: DirState {
            flake_nix,
            ..DirState::default()
        },
        plan,
    };
    let plan = &prepared.plan;
    let asking = super::write_flow::Asking {
        yes: opts.yes,
        dry_run: opts.dry_run,
        scope: " for the whole fleet",
    };
    if let Some(status) =
        super::write_flow::show_and_decide(&mut p, &prepared, dir, style, &asking, confirm)
    {
        return status;
    }
    match write_changes(dir, &prepared.dir_state, &plan.changes) {
        Ok(written) => {
            super::write_flow::show_written(&mut p, &written, dir, &plan.git_add, style);
            p.put(&crate::report::next::numbered(
                &next_steps(fleet, dir),
                style,
            ));
            ExitStatus::Success
        }
        Err(failure) => {
            p.put(&outcome::write_failure(
                &failure,
                "changed since fleet apply read it; nothing was written: run fleet apply again.",
                style,
            ));
            crate::write_host::write_failure_status(&failure)
        }
    }
}

/// What to run once the fleet is written: the engine's deployment, and for a machine
/// still to be installed, nixos-anywhere.
pub fn next_steps(fleet: &FleetFile, dir: &Path) -> Vec<String> {
    use crate::fleet::Engine;
    use crate::shell::shell_word;
    let d = shell_word(&dir.display().to_string());
    let mut steps = vec![format!(
        "A flake only sees the files git tracks: in a git repository, add them.\n  git -C {d} add ."
    )];
    steps.push(match fleet.engine {
        Engine::Colmena => format!("Deploy every host:\n  cd {d} && colmena apply"),
        Engine::DeployRs => {
            let hosts: Vec<String> = fleet
                .hosts
                .iter()
                .map(|h| {
                    format!(
                        "  cd {d} && deploy {}",
                        shell_word(&format!(".#{}", h.name))
                    )
                })
                .collect();
            format!("Deploy each host:\n{}", hosts.join("\n"))
        }
    });
    let installs: Vec<String> = fleet
        .hosts
        .iter()
        .map(|h| {
            format!(
                "  nixos-anywhere --flake {} {}",
                shell_word(&format!("{}#{}", dir.display(), h.name)),
                shell_word(&h.target)
            )
        })
        .collect();
    steps.push(format!(
        "A machine not yet running NixOS is installed from the fleet's flake first:\n{}",
        installs.join("\n")
    ));
    steps
}

/// `fleet preview`'s options: `preview`'s, for every host of the fleet in `dir`.
#[derive(Debug, Clone)]
pub struct PreviewOptions {
    pub dir: PathBuf,
    pub deep: bool,
    pub full: bool,
    pub probes: bool,
    pub no_rebuild: bool,
}

/// Runs `preview` for each host of the fleet written in `opts.dir` (its fleet.toml
/// names them), one after the other, then says how each ended. The exit status is the
/// worst: a host that fails (1) over one that could not be read (2) over a step that
/// could not run here (3); a signal stops at once.
pub fn preview(
    catalog: &Catalog,
    opts: &PreviewOptions,
    style: Style,
    out: &mut dyn std::io::Write,
    interrupt: &crate::preview::CancelToken,
) -> ExitStatus {
    use super::preview_cmd;
    use crate::fleet::apply::FLEET_TOML;
    let file = opts.dir.join(FLEET_TOML);
    let name = file.display().to_string();
    let fleet = match read_text(&file, Links::Refuse) {
        Ok(Some(text)) => FleetFile::parse(&name, &text),
        Ok(None) => Err(format!(
            "{name}: no such file. `fleet preview` reads a fleet written by `fleet apply`."
        )),
        Err(e) => Err(e.to_string()),
    };
    let fleet = match fleet {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(out, "{}: {}", style.error("error"), escape(&e));
            return ExitStatus::Unusable;
        }
    };
    let mut ended: Vec<(String, ExitStatus)> = Vec::new();
    for host in &fleet.hosts {
        let _ = writeln!(out, "\n{}", style.bold(&format!("== {} ==", host.name)));
        let status = preview_cmd::run(
            catalog,
            &preview_cmd::Options {
                dir: opts.dir.clone(),
                host: Some(host.name.clone()),
                build: false,
                deep: opts.deep || opts.full,
                full: opts.full,
                probes: opts.probes,
                no_rebuild: opts.no_rebuild,
                nix_args: Vec::new(),
                against: None,
            },
            style,
            out,
            interrupt,
        );
        if let ExitStatus::Signal(_) = status {
            return status;
        }
        ended.push((host.name.clone(), status));
    }
    let _ = writeln!(out, "\n{}", style.bold("Fleet:"));
    for (host, status) in &ended {
        let word = match status {
            ExitStatus::Success => style.ok("ok"),
            ExitStatus::Problems => style.error("fails"),
            ExitStatus::CannotRunHere => style.warning("could not run everything here"),
            _ => style.error("could not be read"),
        };
        let _ = writeln!(out, "  {host}: {word}");
    }
    worst(ended.iter().map(|(_, s)| *s))
}

/// The exit status that says the most about a set of runs.
fn worst(statuses: impl Iterator<Item = ExitStatus>) -> ExitStatus {
    let rank = |s: &ExitStatus| match s {
        ExitStatus::Problems => 3,
        ExitStatus::Unusable => 2,
        ExitStatus::CannotRunHere => 1,
        _ => 0,
    };
    statuses
        .max_by_key(rank)
        .filter(|s| rank(s) > 0)
        .unwrap_or(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_ending_is_the_fleets() {
        use ExitStatus::*;
        assert_eq!(
            worst([Success, CannotRunHere, Success].into_iter()),
            CannotRunHere
        );
        assert_eq!(
            worst([CannotRunHere, Problems, Unusable].into_iter()),
            Problems
        );
        assert_eq!(worst([Success, Success].into_iter()), Success);
        assert_eq!(worst(std::iter::empty()), Success);
    }
}
