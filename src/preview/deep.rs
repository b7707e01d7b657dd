//! Deep validation (the third depth, after field and plan checks): the host is
//! evaluated for real by Nix, and its failed assertions and warnings are reported in
//! the wizard's words, each tied to the answers-file path it is about.
//!
//! - Flake host: `nix eval --json DIR#nixosConfigurations.<host>.config --apply …`
//!   returns the failed assertions' messages and the warnings in one evaluation.
//! - Classic host: `nix-instantiate --eval --strict --json -I nixos-config=DIR/configuration.nix`
//!   over `<nixpkgs/nixos>` (the machine's channel, or `-I nixpkgs=…`/`NIX_PATH`).
//! - `full`: also `config.system.build.toplevel.drvPath`, which fails exactly as
//!   `nixos-rebuild` would (every module evaluated, without building anything).
//!
//! Our modules prefix every message with the NixOS option it concerns
//! (nixlib/modules/validation.nix, docs/MODULES.md "Assertions and warnings"):
//! `atproto.integration.tls.handles: …` is `integrations.tls.handles` in atproto.toml.
use serde::Deserialize;

use super::job::{Job, Reporter};
use super::parse::eval_errors::{self, EvalProblem};
use super::process::{self, CancelToken, CommandSpec, RunError};
use super::{Target, Verdict, nix_missing_words};
use crate::catalog::{Catalog, Level};
use crate::plan::Answers;
use crate::render::HostMode;

/// `--apply` for `config`: the failed assertions' messages and the warnings.
pub const APPLY_FAILED_AND_WARNINGS: &str = "c: { failed = map (a: a.message) (builtins.filter (a: !a.assertion) c.assertions); warnings = c.warnings; }";

/// The flags every `nix` command here gets: the new CLI and flakes, whatever nix.conf
/// says (as `nixos-rebuild --flake` does).
pub const NIX_FEATURES: [&str; 2] = ["--extra-experimental-features", "nix-command flakes"];

/// A bound on each download of a flake input (curl's connect timeout, name lookup
/// included): offline, Nix would otherwise wait minutes before saying so.
pub const CONNECT_TIMEOUT: [&str; 3] = ["--option", "connect-timeout", "15"];

/// How deep to go.
#[derive(Debug, Clone, Default)]
pub struct DeepOptions {
    /// Also evaluate `config.system.build.toplevel.drvPath`.
    pub full: bool,
    /// Extra arguments for `nix eval` / `nix-instantiate` (`--override-input …`,
    /// `-I nixpkgs=…`, `--show-trace`).
    pub nix_args: Vec<String>,
    /// Extra environment for them (`NIX_PATH=…`).
    pub env: Vec<(String, String)>,
}

/// One evaluation to run.
#[derive(Debug, Clone)]
pub struct DeepStep {
    /// `eval` or `eval-toplevel`.
    pub step: &'static str,
    pub title: String,
    pub spec: CommandSpec,
}

/// The evaluations a deep check runs for `target`, in order (pure).
pub fn commands(target: &Target, opts: &DeepOptions) -> Vec<DeepStep> {
    let mut steps = Vec::new();
    let with_env = |mut spec: CommandSpec| {
        spec.env.extend(opts.env.iter().cloned());
        spec
    };
    match target.mode {
        HostMode::Flake => {
            let mut args: Vec<String> = NIX_FEATURES.iter().map(|s| s.to_string()).collect();
            args.extend(["eval", "--json", "--no-write-lock-file"].map(String::from));
            args.extend(CONNECT_TIMEOUT.map(String::from));
            args.extend(opts.nix_args.iter().cloned());
            args.push(target.flake_attr("config"));
            args.extend(["--apply".to_string(), APPLY_FAILED_AND_WARNINGS.to_string()]);
            steps.push(DeepStep {
                step: "eval",
                title: "evaluate the host's assertions and warnings".to_string(),
                spec: with_env(CommandSpec::new("nix", args)),
            });
            if opts.full {
                let mut args: Vec<String> = NIX_FEATURES.iter().map(|s| s.to_string()).collect();
                args.extend(["eval", "--raw", "--no-write-lock-file"].map(String::from));
                args.extend(CONNECT_TIMEOUT.map(String::from));
                args.extend(opts.nix_args.iter().cloned());
                args.push(target.flake_attr("config.system.build.toplevel.drvPath"));
                steps.push(DeepStep {
                    step: "eval-toplevel",
                    title: "evaluate the whole system (toplevel.drvPath), building nothing"
                        .to_string(),
                    spec: with_env(CommandSpec::new("nix", args)),
                });
            }
        }
        HostMode::Classic => {
            let config = format!("nixos-config={}", target.configuration_nix().display());
            let mut args: Vec<String> = ["--eval", "--strict", "--json", "-I", &config]
                .map(String::from)
                .to_vec();
            args.extend(opts.nix_args.iter().cloned());
            args.extend([
                "-E".to_string(),
                format!(
                    "let c = (import <nixpkgs/nixos> {{ }}).config; in ({APPLY_FAILED_AND_WARNINGS}) c"
                ),
            ]);
            steps.push(DeepStep {
                step: "eval",
                title: "evaluate the host's assertions and warnings".to_string(),
                spec: with_env(CommandSpec::new("nix-instantiate", args)),
            });
            if opts.full {
                let mut args: Vec<String> = ["--eval", "--json", "-I", &config]
                    .map(String::from)
                    .to_vec();
                args.extend(opts.nix_args.iter().cloned());
                args.extend([
                    "-E".to_string(),
                    "(import <nixpkgs/nixos> { }).config.system.build.toplevel.drvPath".to_string(),
                ]);
                steps.push(DeepStep {
                    step: "eval-toplevel",
                    title: "evaluate the whole system (toplevel.drvPath), building nothing"
                        .to_string(),
                    spec: with_env(CommandSpec::new("nix-instantiate", args)),
                });
            }
        }
    }
    steps
}

/// A failed assertion or a warning, tied to the answers file where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    /// The message as Nix gave it.
    pub text: String,
    /// The NixOS option it starts with (`atproto.integration.tls.handles`), if any.
    pub option: Option<String>,
    /// Where that is in atproto.toml (`integrations.tls.handles`), if it maps.
    pub answers_path: Option<String>,
    /// The message without the option prefix.
    pub message: String,
}

impl Finding {
    /// Reads one message, splitting off the option prefix our modules put first.
    pub fn from_text(level: Level, text: &str, catalog: &Catalog) -> Finding {
        let split = text
            .split_once(": ")
            .filter(|(head, _)| looks_like_option(head));
        let (option, message) = match split {
            Some((head, rest)) => (Some(head.to_string()), rest.to_string()),
            None => (None, text.to_string()),
        };
        let answers_path = option.as_deref().and_then(|o| answers_path(o, catalog));
        Finding {
            level,
            text: text.to_string(),
            option,
            answers_path,
            message,
        }
    }

    /// The part of the plan (and so the wizard's step) it belongs to: `host`,
    /// `services.<id>` or `integrations.<section>`.
    pub fn section(&self) -> Option<String> {
        let path = self.answers_path.as_deref()?;
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["host", ..] => Some("host".to_string()),
            [top @ ("services" | "integrations"), name, ..] => Some(format!("{top}.{name}")),
            _ => None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }

    /// Where it is in the answers file, named as `check` names a place
    /// (`atproto.toml:12:3`), when it maps to a path there.
    pub fn place(&self, answers: Option<&Answers>) -> Option<String> {
        let (answers, path) = (answers?, self.answers_path.as_deref()?);
        let at = answers.locate(path);
        Some(format!("{}:{}:{}", answers.name, at.line, at.column))
    }

    /// One entry of a summary: `atproto.toml:12:3: error: <message>` (the place only
    /// when it maps), the lines of a long message indented under it.
    pub fn summary_line(&self, answers: Option<&Answers>) -> String {
        let word = if self.is_error() { "error" } else { "warning" };
        let place = self
            .place(answers)
            .map(|p| format!("{p}: "))
            .unwrap_or_default();
        let indent = |text: &str| {
            text.split('\n')
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("    {l}")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        // Nix quotes values from the file in its messages: shown escaped.
        let line = match (&self.answers_path, place.is_empty()) {
            (Some(path), false) => format!("{place}{word}: {} ({path})", self.message),
            _ => format!("{place}{word}: {}", self.text),
        };
        let line = crate::safe_text::escape_lines(&line);
        // The first line stands where the summary puts it; the rest under it.
        let (first, rest) = line.split_once('\n').unwrap_or((&line, ""));
        if rest.is_empty() {
            first.to_string()
        } else {
            format!("{first}\n{}", indent(rest))
        }
    }
}

fn looks_like_option(head: &str) -> bool {
    head.contains('.')
        && !head.contains(' ')
        && head.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '"' | '<' | '>' | '*')
        })
}

/// The answers-file path a NixOS option stands for (the inverse of `optionPath` in
/// nixlib/modules/validation.nix and the table in docs/MODULES.md).
pub fn answers_path(option: &str, catalog: &Catalog) -> Option<String> {
    if option == "networking.hostName" {
        return Some("host.hostname".to_string());
    }
    if option == "system.stateVersion" {
        return Some("host.state_version".to_string());
    }
    if let Some(rest) = option.strip_prefix("atproto.host.") {
        return Some(format!("host.{rest}"));
    }
    if let Some(rest) = option.strip_prefix("atproto.integration.") {
        return Some(format!("integrations.{rest}"));
    }
    let rest = option.strip_prefix("services.")?;
    let (id, tail) = rest.split_once('.').unwrap_or((rest, ""));
    let service = catalog.service(id)?;
    // The answers file's own_secrets is the NixOS option ownSecrets.
    if tail == "ownSecrets" {
        return Some(format!("services.{id}.own_secrets"));
    }
    if service.nixpkgs_module
        && let Some(env) = tail.strip_prefix("settings.")
    {
        if let Some(port) = service.ports.iter().find(|p| p.env.as_deref() == Some(env)) {
            return Some(format!("services.{id}.ports.{}", port.name));
        }
        if let Some(field) = service
            .settings
            .iter()
            .find(|f| f.env.as_deref() == Some(env))
        {
            return Some(format!("services.{id}.settings.{}", field.key));
        }
    }
    Some(if tail.is_empty() {
        format!("services.{id}")
    } else {
        format!("services.{id}.{tail}")
    })
}

/// What a deep check found.
#[derive(Debug, Clone, Default)]
pub struct DeepReport {
    /// The host, in a few words.
    pub target: String,
    /// Failed assertions (errors) and warnings, in the order Nix gave them.
    pub findings: Vec<Finding>,
    /// Why the evaluation stopped, when it did not finish (other than assertions).
    pub problem: Option<EvalProblem>,
    /// The tool is not here: what to do instead.
    pub unavailable: Option<String>,
    /// A run that went wrong otherwise (could not start, timed out).
    pub error: Option<String>,
    /// `full`: the system's derivation, when it evaluated.
    pub drv_path: Option<String>,
    pub cancelled: bool,
    /// The commands that ran, as typed.
    pub commands: Vec<String>,
    /// Things to know before reading the result (files git does not track).
    pub notes: Vec<String>,
}

impl DeepReport {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_error())
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_error())
    }

    pub fn verdict(&self) -> Verdict {
        if self.cancelled {
            Verdict::Cancelled
        } else if self.errors().next().is_some() {
            Verdict::HostFails
        } else if self.unavailable.is_some() || self.error.is_some() {
            Verdict::CannotRun
        } else {
            match &self.problem {
                Some(p) if p.is_environment() => Verdict::CannotRun,
                Some(_) => Verdict::HostFails,
                None => Verdict::Passed,
            }
        }
    }

    /// One line: `no failed assertions, 1 warning`.
    pub fn summary(&self) -> String {
        let errors = self.errors().count();
        let warnings = self.warnings().count();
        let w = super::parse::count(warnings, "warning", "warnings");
        match self.verdict() {
            Verdict::Cancelled => "cancelled".to_string(),
            Verdict::HostFails if errors > 0 => format!(
                "{} failed, {w}",
                super::parse::count(errors, "assertion", "assertions")
            ),
            Verdict::HostFails => "the host does not evaluate".to_string(),
            Verdict::CannotRun => "could not evaluate here".to_string(),
            Verdict::Passed => format!("no failed assertions, {w}"),
        }
    }

    fn add(&mut self, level: Level, text: &str, catalog: &Catalog) {
        if !self
            .findings
            .iter()
            .any(|f| f.level == level && f.text == text)
        {
            self.findings.push(Finding::from_text(level, text, catalog));
        }
    }
}

#[derive(Deserialize)]
struct FailedAndWarnings {
    failed: Vec<String>,
    warnings: Vec<String>,
}

/// Runs the deep check on the current thread, reporting each evaluation's progress.
pub fn run(
    target: &Target,
    opts: &DeepOptions,
    catalog: &Catalog,
    reporter: &Reporter<DeepReport>,
    cancel: &CancelToken,
) -> DeepReport {
    let steps = commands(target, opts);
    let mut report = DeepReport {
        target: target.describe(),
        notes: target.notes(),
        ..DeepReport::default()
    };
    let total = steps.len();
    for (index, step) in steps.iter().enumerate() {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        if step.step == "eval-toplevel" && report.errors().next().is_some() {
            reporter.started(index, total, step.step, &step.title, "");
            reporter.finished(
                index,
                step.step,
                false,
                "skipped: the failed assertions above stop it first",
            );
            continue;
        }
        let command = step.spec.display();
        reporter.started(index, total, step.step, &step.title, &command);
        report.commands.push(command);
        let result = process::run(&step.spec, cancel, &mut |stream, line| {
            reporter.line(index, step.step, stream, line)
        });
        let output = match result {
            Ok(o) => o,
            Err(e) => {
                let note = match &e {
                    RunError::NotFound { program } => {
                        report.unavailable = Some(nix_missing_words(program));
                        "not installed"
                    }
                    RunError::Cancelled { .. } => {
                        report.cancelled = true;
                        "cancelled"
                    }
                    _ => {
                        report.error = Some(e.to_string());
                        "could not run"
                    }
                };
                reporter.finished(index, step.step, false, note);
                break;
            }
        };
        let stderr = output.stderr();
        for w in eval_errors::warnings(&stderr) {
            report.add(Level::Warning, &w, catalog);
        }
        if !output.success() {
            let problem = eval_errors::parse_eval_failure(&stderr);
            let note = match problem {
                EvalProblem::Assertions(list) => {
                    for a in &list {
                        report.add(Level::Error, a, catalog);
                    }
                    format!(
                        "{} failed",
                        super::parse::count(list.len(), "assertion", "assertions")
                    )
                }
                other => {
                    let note = if other.is_environment() {
                        "could not evaluate here"
                    } else {
                        "the host does not evaluate"
                    };
                    report.problem = Some(other);
                    note.to_string()
                }
            };
            reporter.finished(index, step.step, false, &note);
            break;
        }
        let stdout = output.stdout().join("\n");
        if step.step == "eval" {
            match serde_json::from_str::<FailedAndWarnings>(&stdout) {
                Ok(fw) => {
                    for f in &fw.failed {
                        report.add(Level::Error, f, catalog);
                    }
                    for w in &fw.warnings {
                        report.add(Level::Warning, w, catalog);
                    }
                    let note = format!(
                        "{}, {}",
                        super::parse::count(
                            fw.failed.len(),
                            "failed assertion",
                            "failed assertions"
                        ),
                        super::parse::count(fw.warnings.len(), "warning", "warnings")
                    );
                    reporter.finished(index, step.step, fw.failed.is_empty(), &note);
                }
                Err(e) => {
                    report.error = Some(format!(
                        "Nix printed something other than the expected JSON ({e}): {stdout}"
                    ));
                    reporter.finished(index, step.step, false, "unexpected output");
                    break;
                }
            }
        } else {
            let drv = stdout.trim().trim_matches('"').to_string();
            reporter.finished(index, step.step, true, &drv);
            report.drv_path = Some(drv);
        }
    }
    report
}

/// Starts a deep check in the background (see [`Job`]).
pub fn spawn(target: Target, opts: DeepOptions) -> Job<DeepReport> {
    Job::spawn(move |reporter, cancel| run(&target, &opts, Catalog::embedded(), reporter, cancel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_map_to_the_answers_file() {
        let c = Catalog::embedded();
        let cases = [
            (
                "atproto.integration.tls.handles",
                Some("integrations.tls.handles"),
            ),
            ("atproto.host.admin_email", Some("host.admin_email")),
            ("networking.hostName", Some("host.hostname")),
            (
                "services.bluesky-pds.settings.PDS_PORT",
                Some("services.bluesky-pds.ports.http"),
            ),
            (
                "services.bluesky-pds.settings.PDS_EMAIL_FROM_ADDRESS",
                Some("services.bluesky-pds.settings.email_from_address"),
            ),
            (
                "services.constellation.ports.http",
                Some("services.constellation.ports.http"),
            ),
            (
                "services.bluesky-pds.ownSecrets",
                Some("services.bluesky-pds.own_secrets"),
            ),
            (
                "services.ozone.ownSecrets",
                Some("services.ozone.own_secrets"),
            ),
            ("services.nginx.enable", None),
            ("boot.loader.grub.devices", None),
        ];
        for (option, want) in cases {
            assert_eq!(answers_path(option, c).as_deref(), want, "{option}");
        }
    }

    #[test]
    fn findings_split_the_option_prefix() {
        let f = Finding::from_text(
            Level::Error,
            "atproto.integration.tls.handles: On-demand certificates for handles need Caddy.",
            Catalog::embedded(),
        );
        assert_eq!(f.option.as_deref(), Some("atproto.integration.tls.handles"));
        assert_eq!(f.answers_path.as_deref(), Some("integrations.tls.handles"));
        assert_eq!(f.section().as_deref(), Some("integrations.tls"));
        assert_eq!(f.message, "On-demand certificates for handles need Caddy.");
        let plain = Finding::from_text(
            Level::Error,
            "The ‘fileSystems’ option does not specify your root file system.",
            Catalog::embedded(),
        );
        assert_eq!((plain.option, plain.answers_path), (None, None));
    }

    #[test]
    fn commands_for_both_modes() {
        let toml = "schema = 1\n[host]\nhostname = \"pds1\"\n";
        let state = crate::apply::DirState {
            atproto_toml: Some(toml.to_string()),
            flake_nix: Some("{}".to_string()),
            configuration_nix: Some("{}".to_string()),
            ..Default::default()
        };
        let catalog = Catalog::embedded();
        let flake =
            Target::from_state(std::path::Path::new("/etc/nixos"), &state, None, catalog).unwrap();
        let opts = DeepOptions {
            full: true,
            ..DeepOptions::default()
        };
        let steps = commands(&flake, &opts);
        assert_eq!(
            steps[0].spec.display(),
            format!(
                "nix --extra-experimental-features 'nix-command flakes' eval --json --no-write-lock-file --option connect-timeout 15 /etc/nixos#nixosConfigurations.pds1.config --apply '{APPLY_FAILED_AND_WARNINGS}'"
            )
        );
        assert_eq!(
            steps[1].spec.display(),
            "nix --extra-experimental-features 'nix-command flakes' eval --raw --no-write-lock-file --option connect-timeout 15 /etc/nixos#nixosConfigurations.pds1.config.system.build.toplevel.drvPath"
        );
        let mut classic = flake.clone();
        classic.mode = HostMode::Classic;
        let steps = commands(&classic, &DeepOptions::default());
        assert_eq!(steps.len(), 1);
        assert!(
            steps[0]
                .spec
                .display()
                .starts_with("nix-instantiate --eval --strict --json -I nixos-config=/etc/nixos/configuration.nix -E"),
            "{}",
            steps[0].spec.display()
        );
    }
}
