//! What Nix's evaluator (or a build it ran) says when a host does not evaluate or
//! build, in the operator's words.
//!
//! - Failed assertions: [`failed_assertions`] (assertions.rs).
//! - Warnings: `evaluation warning: <msg>` (`builtins.warn`, Nix 2.23 and later),
//!   `trace: evaluation warning: <msg>` (nixpkgs' `lib.warn` on older Nix, through
//!   `builtins.trace`), or `trace: warning: <msg>` (older nixpkgs).
//! - A builder that failed: [`build_failures`] (build_failure.rs); no network:
//!   [`offline_evidence`] (offline.rs).
//! - Everything else a missing tool or input causes is recognised by the words Nix
//!   uses, and explained by [`EvalProblem::explain`]; the rest is Nix's first error
//!   ([`first_error`], nix_error.rs).
use std::sync::LazyLock;

use regex::Regex;

pub use super::assertions::failed_assertions;
use super::build_failure::build_failures;
pub use super::nix_error::first_error;
use super::offline::offline_evidence;
use super::strip_ansi;

const WARNING_PREFIXES: [&str; 3] = [
    "evaluation warning: ",
    "trace: evaluation warning: ",
    "trace: warning: ",
];

/// The warnings printed while evaluating, in order, without their prefix; a warning's
/// indented lines after it are part of it.
pub fn warnings<S: AsRef<str>>(lines: &[S]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for raw in lines {
        let line = strip_ansi(raw.as_ref());
        let text = line.trim_end();
        if let Some(w) = WARNING_PREFIXES.iter().find_map(|p| text.strip_prefix(p)) {
            out.push(w.trim().to_string());
            open = true;
        } else if open && text.starts_with(' ') && !text.trim().is_empty() {
            let last = out.last_mut().expect("open means a warning");
            last.push('\n');
            last.push_str(text.trim());
        } else {
            open = false;
        }
    }
    out
}

/// Why an evaluation (or a `nixos-rebuild` run) failed, when it is one of the causes
/// an operator can act on without reading Nix's trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalProblem {
    /// `nix-command` or `flakes` is not enabled for this Nix.
    FeatureDisabled { feature: String },
    /// A download failed (no network, DNS, HTTP error): flake inputs or a fetchTarball.
    Download { url: String, reason: String },
    /// The network could not be reached (git, curl in a builder): `evidence` is the
    /// line that says so, `during` the derivation whose build printed it.
    Offline {
        evidence: String,
        during: Option<String>,
    },
    /// A builder failed: the derivation, why, and the end of its log.
    BuildFailed {
        drv: String,
        reason: String,
        log: Vec<String>,
    },
    /// A `path:` input or an imported path that does not exist on this machine.
    MissingPath { path: String },
    /// A file the flake needs is not in the flake's copy in the store: in a git
    /// repository a flake sees only tracked files.
    NotInFlakeSource { file: String },
    /// The flake has no `nixosConfigurations.<host>`.
    NoSuchHost { host: String },
    /// A flake input that cannot be found (not in flake.nix, not in the registry).
    MissingInput { input: String },
    /// Classic mode: `<nixpkgs/nixos>` (or `<nixos-config>`) is not on the search path.
    NotOnSearchPath { file: String },
    /// Failed assertions (a full evaluation or a build stops at them).
    Assertions(Vec<String>),
    /// Anything else: Nix's first error message, trace frames left out.
    Other { message: String },
}

static DOWNLOAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"unable to download '([^']+)': (.+)$").unwrap());
static FEATURE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"experimental Nix feature '([^']+)' is disabled").unwrap());
static STATUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"getting status of '([^']+)': No such file or directory").unwrap()
});
static PATH_MISSING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"path '([^']+)' does not exist").unwrap());
// The host is the first component after `nixosConfigurations.`, quoted the way
// nixos-rebuild-ng writes it (`"nixos"`) or bare.
static NO_ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"does not provide attribute .*'nixosConfigurations\.(?:"([^"]+)"|([^.'"]+))"#)
        .unwrap()
});
static NO_FLAKE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"cannot find flake '([^']+)' in the flake registries").unwrap());
static FOLLOWS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"input '([^']+)' follows a non-existent input").unwrap());
static INPUT_ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"attribute '([^']+)' missing").unwrap());
static SEARCH_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"file '([^']+)' was not found in the Nix search path").unwrap());

/// Reads what a failed evaluation (or `nixos-rebuild` run) printed on stderr.
pub fn parse_eval_failure<S: AsRef<str>>(lines: &[S]) -> EvalProblem {
    let failed = failed_assertions(lines);
    if !failed.is_empty() {
        return EvalProblem::Assertions(failed);
    }
    let text: Vec<String> = lines.iter().map(|l| strip_ansi(l.as_ref())).collect();
    // The last error Nix printed decides (warnings and retries come before it).
    let errors: Vec<&str> = text
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.starts_with("warning:"))
        .collect();
    let find = |re: &Regex| {
        errors.iter().rev().find_map(|l| {
            re.captures(l).map(|c| {
                c.iter()
                    .skip(1)
                    .flatten()
                    .map(|m| m.as_str().to_string())
                    .collect::<Vec<_>>()
            })
        })
    };
    if let Some(c) = find(&FEATURE) {
        return EvalProblem::FeatureDisabled {
            feature: c[0].clone(),
        };
    }
    if let Some(c) = find(&DOWNLOAD) {
        return EvalProblem::Download {
            url: c[0].clone(),
            reason: c[1].clone(),
        };
    }
    let failures = build_failures(lines);
    if let Some(evidence) = offline_evidence(lines) {
        let during = failures
            .iter()
            .find(|f| offline_evidence(&f.log).is_some())
            .map(|f| f.drv.clone());
        return EvalProblem::Offline { evidence, during };
    }
    if let Some(c) = find(&NO_ATTR) {
        return EvalProblem::NoSuchHost { host: c[0].clone() };
    }
    if let Some(c) = find(&NO_FLAKE) {
        let input = c[0].trim_start_matches("flake:").to_string();
        return EvalProblem::MissingInput { input };
    }
    if let Some(c) = find(&FOLLOWS) {
        return EvalProblem::MissingInput {
            input: c[0].clone(),
        };
    }
    if let Some(c) = find(&SEARCH_PATH) {
        return EvalProblem::NotOnSearchPath { file: c[0].clone() };
    }
    for re in [&*STATUS, &*PATH_MISSING] {
        if let Some(c) = find(re) {
            let path = c[0].clone();
            return match store_source_file(&path) {
                Some(file) => EvalProblem::NotInFlakeSource { file },
                None => EvalProblem::MissingPath { path },
            };
        }
    }
    if let Some(c) = find(&INPUT_ATTR) {
        // `inputs.<name>` used in flake.nix without being declared.
        if errors
            .iter()
            .any(|l| l.contains(&format!("inputs.{}", c[0])))
        {
            return EvalProblem::MissingInput {
                input: c[0].clone(),
            };
        }
    }
    if let Some(f) = failures.into_iter().next() {
        return EvalProblem::BuildFailed {
            drv: f.drv,
            reason: f.reason,
            log: f.log,
        };
    }
    EvalProblem::Other {
        message: first_error(lines),
    }
}

/// `/nix/store/<hash>-source/atproto.nix` → `atproto.nix`.
fn store_source_file(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/nix/store/")?;
    let (_, file) = rest.split_once("-source/")?;
    Some(file.to_string())
}

impl EvalProblem {
    /// Whether the cause is this machine (a tool, the network, a path only the host
    /// has) rather than the host's configuration.
    pub fn is_environment(&self) -> bool {
        matches!(
            self,
            EvalProblem::FeatureDisabled { .. }
                | EvalProblem::Download { .. }
                | EvalProblem::Offline { .. }
                | EvalProblem::MissingPath { .. }
                | EvalProblem::NotOnSearchPath { .. }
        )
    }

    pub fn is_assertions(&self) -> bool {
        matches!(self, EvalProblem::Assertions(_))
    }

    /// What went wrong, in one line (a summary's).
    pub fn headline(&self) -> String {
        match self {
            EvalProblem::FeatureDisabled { feature } => {
                format!("the experimental feature '{feature}' is turned off here")
            }
            EvalProblem::Download { url, reason } => format!("could not download {url} ({reason})"),
            EvalProblem::Offline { evidence, .. } => format!("no network here: {evidence}"),
            EvalProblem::BuildFailed { drv, reason, .. } => {
                format!("building {} {reason}", super::dry_build::store_name(drv))
            }
            EvalProblem::MissingPath { path } => format!("{path} does not exist here"),
            EvalProblem::NotInFlakeSource { file } => {
                format!("the flake cannot see {file} (git does not track it)")
            }
            EvalProblem::NoSuchHost { host } => {
                format!("flake.nix has no nixosConfigurations.{host}")
            }
            EvalProblem::MissingInput { input } => format!("the flake input '{input}' is missing"),
            EvalProblem::NotOnSearchPath { file } => {
                format!("<{file}> is not on the Nix search path")
            }
            EvalProblem::Assertions(list) => {
                super::count(list.len(), "failed assertion", "failed assertions")
            }
            EvalProblem::Other { message } => message.lines().next().unwrap_or("").to_string(),
        }
    }

    /// What happened and what to do, in a few sentences.
    pub fn explain(&self) -> String {
        match self {
            EvalProblem::FeatureDisabled { feature } => format!(
                "This Nix has the experimental feature '{feature}' turned off. Add \
                 `experimental-features = nix-command flakes` to /etc/nix/nix.conf (on NixOS: \
                 nix.settings.experimental-features = [ \"nix-command\" \"flakes\" ], which the \
                 configuration.nix atproto-wizard writes already has), or pass \
                 --extra-experimental-features '{feature}'."
            ),
            EvalProblem::Download { url, reason } => format!(
                "Nix could not download {url} ({reason}). Fetching the host's flake inputs \
                 (nixpkgs, atproto-nix, …) needs the network the first time; check the \
                 connection, or run this on a machine that has the inputs already (after one \
                 `nix flake lock` or `nixos-rebuild` there)."
            ),
            EvalProblem::Offline { evidence, during } => {
                let place = match during {
                    Some(drv) => format!("building {}", super::dry_build::store_name(drv)),
                    None => "fetching the host's inputs".to_string(),
                };
                format!(
                    "The network cannot be reached from here: {place} printed `{evidence}`. \
                     Check the connection (DNS included) and run this again, or run it on a \
                     machine that is online."
                )
            }
            EvalProblem::BuildFailed { drv, reason, log } => {
                let mut text = format!("Building {drv} {reason}.");
                if !log.is_empty() {
                    text.push_str(" The end of its log:");
                    for line in log {
                        text.push_str(&format!("\n> {line}"));
                    }
                }
                text.push_str(&format!("\nThe whole log: nix log {drv}"));
                text
            }
            EvalProblem::MissingPath { path } => format!(
                "{path} does not exist on this machine. A `path:` flake input (host.flake_url \
                 in atproto.toml) or an imported file must be there: clone atproto-nix to that \
                 place, or point host.flake_url at where it is and run `atproto-wizard apply` \
                 again."
            ),
            EvalProblem::NotInFlakeSource { file } => format!(
                "The flake cannot see {file}. In a git repository a flake only sees files git \
                 tracks: run `git add {file}` (no commit needed) and try again."
            ),
            EvalProblem::NoSuchHost { host } => format!(
                "flake.nix has no nixosConfigurations.{host}. The host's name is host.hostname \
                 in atproto.toml; run `atproto-wizard apply` to write flake.nix again, or name \
                 the right host with --host."
            ),
            EvalProblem::MissingInput { input } => format!(
                "The flake input '{input}' is missing: flake.nix uses it without declaring it \
                 in `inputs`. Run `atproto-wizard apply` to write flake.nix again (it adds \
                 atproto-nix and the secrets backend's input), or add the input by hand."
            ),
            EvalProblem::NotOnSearchPath { file } => format!(
                "<{file}> is not on the Nix search path. A classic (non-flake) host is \
                 evaluated with the machine's `nixos` channel: on NixOS it is there as \
                 `nixpkgs`; elsewhere set NIX_PATH=nixpkgs=/path/to/nixpkgs (a NixOS release \
                 checkout) or pass -I nixpkgs=…."
            ),
            EvalProblem::Assertions(list) => {
                let mut text = format!("The host fails {} of NixOS's assertions:", list.len());
                for a in list {
                    text.push_str(&format!("\n- {a}"));
                }
                text
            }
            EvalProblem::Other { message } => format!("Nix stopped with: {message}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assertions_come_first() {
        let lines = [
            "error:",
            "       Failed assertions:",
            "       - The ‘fileSystems’ option does not specify your root file system.",
        ];
        let problem = parse_eval_failure(&lines);
        assert!(matches!(&problem, EvalProblem::Assertions(a) if a.len() == 1));
        assert_eq!(problem.headline(), "1 failed assertion");
        assert!(!problem.is_environment());
    }

    #[test]
    fn warnings_old_and_new() {
        let lines = [
            "trace: warning: old style",
            "evaluation warning: new style",
            "trace: \x1b[1;35mevaluation warning:\x1b[0m lib.warn on Nix before 2.23",
            "                    and its second line",
            "warning: Git tree '/etc/nixos' is dirty",
        ];
        assert_eq!(
            warnings(&lines),
            [
                "old style",
                "new style",
                "lib.warn on Nix before 2.23\nand its second line"
            ]
        );
    }

    #[test]
    fn causes_are_recognised() {
        let cases: Vec<(Vec<&str>, EvalProblem)> = vec![
            (
                vec![
                    "error: experimental Nix feature 'nix-command' is disabled; use '--extra-experimental-features nix-command' to override",
                ],
                EvalProblem::FeatureDisabled {
                    feature: "nix-command".into(),
                },
            ),
            (
                vec![
                    "warning: error: unable to download 'https://api.github.com/repos/NixOS/nixpkgs/commits/nixos-25.11': Couldn't resolve host name (6); retrying in 278 ms",
                    "error: unable to download 'https://api.github.com/repos/NixOS/nixpkgs/commits/nixos-25.11': Couldn't resolve host name (6)",
                ],
                EvalProblem::Download {
                    url: "https://api.github.com/repos/NixOS/nixpkgs/commits/nixos-25.11".into(),
                    reason: "Couldn't resolve host name (6)".into(),
                },
            ),
            (
                vec![
                    "error: getting status of '/etc/nixos/atproto-nix': No such file or directory",
                ],
                EvalProblem::MissingPath {
                    path: "/etc/nixos/atproto-nix".into(),
                },
            ),
            (
                vec![
                    "warning: Git tree '/etc/nixos' is dirty",
                    "error: getting status of '/nix/store/0c1dyzp7n5yyfvpy8fdhb4hwjpk07avx-source/atproto.nix': No such file or directory",
                ],
                EvalProblem::NotInFlakeSource {
                    file: "atproto.nix".into(),
                },
            ),
            (
                vec![
                    "error: flake 'path:/etc/nixos' does not provide attribute 'packages.x86_64-linux.nixosConfigurations.pds1', 'legacyPackages.x86_64-linux.nixosConfigurations.pds1' or 'nixosConfigurations.pds1'",
                ],
                EvalProblem::NoSuchHost {
                    host: "pds1".into(),
                },
            ),
            (
                vec!["error: cannot find flake 'flake:atproto-nix' in the flake registries"],
                EvalProblem::MissingInput {
                    input: "atproto-nix".into(),
                },
            ),
            (
                vec![
                    "error: file 'nixpkgs/nixos' was not found in the Nix search path (add it using $NIX_PATH or -I)",
                ],
                EvalProblem::NotOnSearchPath {
                    file: "nixpkgs/nixos".into(),
                },
            ),
        ];
        for (lines, want) in cases {
            assert_eq!(parse_eval_failure(&lines), want, "{lines:?}");
        }
    }

    #[test]
    fn other_errors_keep_nix_message_without_the_trace() {
        let lines = [
            "error:",
            "       … while evaluating the attribute 'config'",
            "         at /nix/store/x-source/lib/modules.nix:334:9:",
            "          333|         options = checked options;",
            "",
            "       error: The option `services.bluesky-pds.setings' does not exist.",
            "(use '--show-trace' to show detailed location information)",
        ];
        assert_eq!(
            parse_eval_failure(&lines),
            EvalProblem::Other {
                message: "The option `services.bluesky-pds.setings' does not exist.".into()
            }
        );
    }
}
