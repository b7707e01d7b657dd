//! The `nixos-rebuild` preview: what a switch to the host's
//! configuration would build and fetch (`dry-build`), which units it would start,
//! stop, restart or reload (`dry-activate`), and with `build` the new system built and
//! compared with the running one (`nix store diff-closures`). Each step's output
//! streams as it comes and is summarised at the end.
//!
//! Where the tools are not there (not NixOS), nothing runs: the report says which
//! commands would run on the host and why they cannot run here.
use std::path::{Path, PathBuf};

use super::deep::{Finding, NIX_FEATURES};
use super::job::{Job, Reporter};
use super::parse::{
    ClosureDiff, DryActivate, DryBuild, EvalProblem, parse_diff_closures, parse_dry_activate,
    parse_dry_build, parse_eval_failure, warnings,
};
use super::process::{self, CancelToken, CommandSpec, RunError, find_program};
use super::{Target, Verdict};
use crate::catalog::{Catalog, Level};
use crate::plan::Answers;
use crate::render::HostMode;

/// What to preview.
#[derive(Debug, Clone)]
pub struct PreviewOptions {
    /// Also build the system and diff its closure against the running one.
    pub build: bool,
    /// The system to compare with (`/run/current-system`).
    pub current_system: PathBuf,
    /// Where `nixos-rebuild build` leaves its `./result` link; `None`: a fresh
    /// directory under the system's temporary directory.
    pub result_dir: Option<PathBuf>,
}

impl Default for PreviewOptions {
    fn default() -> Self {
        PreviewOptions {
            build: false,
            current_system: PathBuf::from("/run/current-system"),
            result_dir: None,
        }
    }
}

/// What this machine has, as far as the preview cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    pub nixos_rebuild: bool,
    pub nix: bool,
    /// `/etc/NIXOS` exists.
    pub is_nixos: bool,
    pub is_root: bool,
    /// This machine's host name.
    pub hostname: Option<String>,
}

impl Environment {
    /// Looks at this machine.
    pub fn detect() -> Environment {
        Environment {
            nixos_rebuild: find_program("nixos-rebuild").is_some(),
            nix: find_program("nix").is_some(),
            is_nixos: Path::new("/etc/NIXOS").exists(),
            // SAFETY: geteuid has no preconditions and cannot fail.
            is_root: unsafe { libc::geteuid() } == 0,
            hostname: std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        }
    }
}

/// One command of the preview.
#[derive(Debug, Clone)]
pub struct PlannedStep {
    /// `dry-build`, `dry-activate`, `build` or `diff-closures`.
    pub step: &'static str,
    pub title: String,
    pub spec: CommandSpec,
}

/// Why the preview cannot run here, and what would run on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannotRun {
    pub why: String,
    /// The commands, as one would type them on the host.
    pub commands: Vec<String>,
}

/// What the preview will do on this machine.
#[derive(Debug, Clone)]
pub struct PreviewPlan {
    pub steps: Vec<PlannedStep>,
    /// Set when nothing can run here.
    pub cannot_run: Option<CannotRun>,
    /// Steps left out and why.
    pub notes: Vec<String>,
}

/// Every command of the preview for `target`, in order (pure).
pub fn commands(target: &Target, opts: &PreviewOptions, result_dir: &Path) -> Vec<PlannedStep> {
    let selector: Vec<String> = match target.mode {
        HostMode::Flake => vec!["--flake".to_string(), target.flake_ref()],
        HostMode::Classic => vec![
            "-I".to_string(),
            format!("nixos-config={}", target.configuration_nix().display()),
        ],
    };
    let rebuild = |action: &str| {
        let mut args = vec![action.to_string()];
        args.extend(selector.iter().cloned());
        CommandSpec::new("nixos-rebuild", args)
    };
    let mut steps = vec![
        PlannedStep {
            step: "dry-build",
            title: "what would be built and fetched".to_string(),
            spec: rebuild("dry-build"),
        },
        PlannedStep {
            step: "dry-activate",
            title: "which units would start, stop, restart or reload (builds the system first)"
                .to_string(),
            spec: rebuild("dry-activate"),
        },
    ];
    if opts.build {
        steps.push(PlannedStep {
            step: "build",
            title: "build the new system (./result)".to_string(),
            spec: rebuild("build").in_dir(result_dir),
        });
        let mut args: Vec<String> = NIX_FEATURES.iter().map(|s| s.to_string()).collect();
        args.extend([
            "store".to_string(),
            "diff-closures".to_string(),
            opts.current_system.display().to_string(),
            "./result".to_string(),
        ]);
        steps.push(PlannedStep {
            step: "diff-closures",
            title: "packages added, removed and upgraded against the running system".to_string(),
            spec: CommandSpec::new("nix", args).in_dir(result_dir),
        });
    }
    steps
}

/// What will run here, given this machine (pure).
pub fn plan(
    target: &Target,
    opts: &PreviewOptions,
    env: &Environment,
    result_dir: &Path,
) -> PreviewPlan {
    let all = commands(target, opts, result_dir);
    if !env.nixos_rebuild {
        let why = if env.is_nixos {
            "nixos-rebuild is not on PATH here, although this is NixOS (/etc/NIXOS exists)."
                .to_string()
        } else {
            "This machine is not NixOS (there is no /etc/NIXOS): it has no nixos-rebuild and no \
             running NixOS system to compare with. Run these on the host, as root (with the \
             host directory's path there, like /etc/nixos):"
                .to_string()
        };
        let mut commands: Vec<String> = Vec::new();
        for s in &all {
            if s.step == "build" {
                commands.push("cd \"$(mktemp -d)\"   # build leaves a ./result link here".into());
            }
            commands.push(s.spec.display());
        }
        return PreviewPlan {
            steps: Vec::new(),
            cannot_run: Some(CannotRun { why, commands }),
            notes: Vec::new(),
        };
    }
    let mut notes: Vec<String> = target.notes();
    let mut steps = Vec::new();
    for s in all {
        match s.step {
            "dry-activate" if !env.is_root => notes.push(format!(
                "dry-activate was left out: it needs root (switch-to-configuration takes its \
                 lock in /run/nixos). Run `sudo atproto-wizard preview` to see which units would \
                 restart, or on the host: {}",
                s.spec.display()
            )),
            "diff-closures" if !opts.current_system.exists() => notes.push(format!(
                "the closure diff was left out: {} does not exist (no NixOS system is running \
                 here to compare with)",
                opts.current_system.display()
            )),
            _ => steps.push(s),
        }
    }
    if let Some(here) = &env.hostname
        && !target.host.is_empty()
        && *here != target.host
        && steps.iter().any(|s| s.step == "dry-activate")
    {
        notes.push(format!(
            "this machine is {here} and the host is {}: dry-activate compares with the system \
             running here",
            target.host
        ));
    }
    PreviewPlan {
        steps,
        cannot_run: None,
        notes,
    }
}

/// A step that failed, and why.
#[derive(Debug, Clone)]
pub struct StepFailure {
    pub step: String,
    /// What the output says went wrong.
    pub problem: Option<EvalProblem>,
    /// How the tool ended (`` `nixos-rebuild` failed (exit status 1) ``), or why it
    /// could not run.
    pub message: String,
    /// Whether the cause is this machine rather than the host's configuration.
    pub environment: bool,
}

/// What the preview found.
#[derive(Debug, Clone, Default)]
pub struct PreviewReport {
    pub target: String,
    pub dry_build: Option<DryBuild>,
    pub dry_activate: Option<DryActivate>,
    pub closure: Option<ClosureDiff>,
    pub cannot_run: Option<CannotRun>,
    pub notes: Vec<String>,
    pub failure: Option<StepFailure>,
    /// Warnings Nix printed while evaluating, and the failed assertions a step stopped
    /// at, tied to the answers file where possible.
    pub findings: Vec<Finding>,
    pub cancelled: bool,
    /// The commands that ran, as typed.
    pub commands: Vec<String>,
}

impl PreviewReport {
    pub fn verdict(&self) -> Verdict {
        if self.cancelled {
            Verdict::Cancelled
        } else if let Some(f) = &self.failure {
            if f.environment {
                Verdict::CannotRun
            } else {
                Verdict::HostFails
            }
        } else if self.cannot_run.is_some() {
            Verdict::CannotRun
        } else {
            Verdict::Passed
        }
    }

    /// The summary, one line per part (`build: …`, `activate: …`, `closure: …`). A
    /// failed step says why in its own words and nothing else; its failed assertions
    /// and the warnings follow, each at its place in `answers` where it maps.
    pub fn summary(&self, answers: Option<&Answers>) -> Vec<String> {
        let mut out = Vec::new();
        if self.cannot_run.is_some() {
            out.push(
                "nixos-rebuild: not run here (the commands to run on the host are above)"
                    .to_string(),
            );
        }
        if let Some(f) = &self.failure {
            let why = f
                .problem
                .as_ref()
                .map(EvalProblem::headline)
                .unwrap_or_else(|| f.message.clone());
            out.push(format!("{}: failed: {why}", f.step));
        }
        for finding in self.findings.iter().filter(|f| f.is_error()) {
            out.push(format!("  {}", finding.summary_line(answers)));
        }
        if let Some(b) = &self.dry_build {
            out.push(format!("build: {}", b.summary()));
        }
        if let Some(a) = &self.dry_activate {
            for line in a.summary() {
                out.push(format!("activate: {line}"));
            }
            for note in &a.notes {
                out.push(format!("activate: {note}"));
            }
        }
        if let Some(c) = &self.closure {
            out.push(format!("closure: {}", c.summary()));
        }
        let warnings: Vec<&Finding> = self.findings.iter().filter(|f| !f.is_error()).collect();
        if !warnings.is_empty() {
            out.push(format!(
                "evaluation: {}",
                super::parse::count(warnings.len(), "warning", "warnings")
            ));
            for w in warnings {
                out.push(format!("  {}", w.summary_line(answers)));
            }
        }
        out
    }

    fn add(&mut self, level: Level, text: &str, catalog: &Catalog) {
        // dry-build and dry-activate evaluate the same system: one warning, once.
        if !self
            .findings
            .iter()
            .any(|f| f.level == level && f.text == text)
        {
            self.findings.push(Finding::from_text(level, text, catalog));
        }
    }
}

/// Runs the preview on the current thread (the job's body).
pub fn run(
    target: &Target,
    opts: &PreviewOptions,
    env: &Environment,
    catalog: &Catalog,
    reporter: &Reporter<PreviewReport>,
    cancel: &CancelToken,
) -> PreviewReport {
    let mut report = PreviewReport {
        target: target.describe(),
        ..PreviewReport::default()
    };
    let made_dir = if opts.result_dir.is_none() && opts.build && env.nixos_rebuild {
        fresh_dir().ok()
    } else {
        None
    };
    let result_dir = opts
        .result_dir
        .clone()
        .or(made_dir.clone())
        .unwrap_or_else(std::env::temp_dir);
    let plan = plan(target, opts, env, &result_dir);
    report.cannot_run = plan.cannot_run;
    report.notes = plan.notes;
    let total = plan.steps.len();
    for (index, step) in plan.steps.iter().enumerate() {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        let command = step.spec.display();
        reporter.started(index, total, step.step, &step.title, &command);
        report.commands.push(command);
        let result = process::run(&step.spec, cancel, &mut |stream, line| {
            reporter.line(index, step.step, stream, line)
        });
        let output = match result {
            Ok(o) => o,
            Err(RunError::Cancelled { .. }) => {
                report.cancelled = true;
                reporter.finished(index, step.step, false, "cancelled");
                break;
            }
            Err(e) => {
                let environment = matches!(e, RunError::NotFound { .. } | RunError::Spawn { .. });
                let message = match &e {
                    RunError::NotFound { program } => super::nix_missing_words(program),
                    other => other.to_string(),
                };
                report.failure = Some(StepFailure {
                    step: step.step.to_string(),
                    problem: None,
                    message,
                    environment,
                });
                reporter.finished(index, step.step, false, "could not run");
                break;
            }
        };
        for w in warnings(&output.stderr()) {
            report.add(Level::Warning, &w, catalog);
        }
        if !output.success() {
            let problem = parse_eval_failure(&output.all());
            if let EvalProblem::Assertions(list) = &problem {
                for a in list {
                    report.add(Level::Error, a, catalog);
                }
            }
            report.failure = Some(StepFailure {
                step: step.step.to_string(),
                environment: problem.is_environment(),
                message: format!(
                    "`{}` failed ({})",
                    step.spec.program,
                    process::describe_status(&output.status)
                ),
                problem: Some(problem),
            });
            reporter.finished(
                index,
                step.step,
                false,
                &process::describe_status(&output.status),
            );
            break;
        }
        // Only a step that finished says what a switch would do.
        let note = match step.step {
            "dry-build" => {
                let parsed = parse_dry_build(&output.all());
                let note = parsed.summary();
                report.dry_build = Some(parsed);
                note
            }
            "dry-activate" => {
                let parsed = parse_dry_activate(&output.all());
                let note = parsed.summary().join("; ");
                report.dry_activate = Some(parsed);
                note
            }
            "diff-closures" => {
                let parsed = parse_diff_closures(&output.stdout());
                let note = parsed.summary();
                report.closure = Some(parsed);
                note
            }
            _ => "built".to_string(),
        };
        reporter.finished(index, step.step, true, &note);
    }
    if let Some(dir) = made_dir {
        // Only the link: the built system stays in the store until collected.
        let _ = std::fs::remove_file(dir.join("result"));
        let _ = std::fs::remove_dir(dir);
    }
    report
}

fn fresh_dir() -> std::io::Result<PathBuf> {
    process::fresh_dir("preview")
}

/// Starts the preview in the background (see [`Job`]); the machine is looked at on
/// the job's thread.
pub fn spawn(target: Target, opts: PreviewOptions) -> Job<PreviewReport> {
    Job::spawn(move |reporter, cancel| {
        let env = Environment::detect();
        run(&target, &opts, &env, Catalog::embedded(), reporter, cancel)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn target() -> Target {
        let state = crate::apply::DirState {
            atproto_toml: Some("schema = 1\n[host]\nhostname = \"pds1\"\n".to_string()),
            flake_nix: Some("{}".to_string()),
            configuration_nix: Some("{}".to_string()),
            ..Default::default()
        };
        Target::from_state(Path::new("/etc/nixos"), &state, None, Catalog::embedded()).unwrap()
    }

    fn env(nixos: bool, root: bool) -> Environment {
        Environment {
            nixos_rebuild: nixos,
            nix: true,
            is_nixos: nixos,
            is_root: root,
            hostname: Some("pds1".to_string()),
        }
    }

    #[test]
    fn not_nixos_says_what_would_run() {
        let opts = PreviewOptions {
            build: true,
            ..PreviewOptions::default()
        };
        let plan = plan(&target(), &opts, &env(false, true), Path::new("/tmp/x"));
        assert!(plan.steps.is_empty());
        let cannot = plan.cannot_run.unwrap();
        assert!(cannot.why.contains("not NixOS"), "{}", cannot.why);
        assert_eq!(
            cannot.commands,
            [
                "nixos-rebuild dry-build --flake /etc/nixos#pds1",
                "nixos-rebuild dry-activate --flake /etc/nixos#pds1",
                "cd \"$(mktemp -d)\"   # build leaves a ./result link here",
                "nixos-rebuild build --flake /etc/nixos#pds1",
                "nix --extra-experimental-features 'nix-command flakes' store diff-closures /run/current-system ./result",
            ]
        );
    }

    #[test]
    fn without_root_dry_activate_is_left_out() {
        let plan = plan(
            &target(),
            &PreviewOptions::default(),
            &env(true, false),
            Path::new("/tmp/x"),
        );
        let steps: Vec<_> = plan.steps.iter().map(|s| s.step).collect();
        assert_eq!(steps, ["dry-build"]);
        assert!(plan.notes[0].contains("needs root"), "{:?}", plan.notes);
    }

    #[test]
    fn classic_hosts_name_their_configuration() {
        let mut t = target();
        t.mode = HostMode::Classic;
        let steps = commands(&t, &PreviewOptions::default(), Path::new("/tmp"));
        assert_eq!(
            steps[0].spec.display(),
            "nixos-rebuild dry-build -I nixos-config=/etc/nixos/configuration.nix"
        );
    }
}
