//! A derivation whose builder failed, in each wording Nix has printed it.
//!
//! ```text
//! Nix 2.29 and later (derivation-building-goal.cc):
//!   error: Cannot build '/nix/store/…-foo.drv'.
//!          Reason: builder failed with exit code 1.
//!          Output paths:
//!            /nix/store/…-foo
//!          Last 25 log lines:
//!          > …
//!          For full logs, run:
//!            nix log /nix/store/…-foo.drv
//!   error: Cannot build '/nix/store/…-bar.drv'.
//!          Reason: 1 dependency failed.
//! Nix 2.4 to 2.28 (derivation-goal.cc):
//!   error: builder for '/nix/store/…-foo.drv' failed with exit code 1;
//!          last 10 log lines:
//!          > …
//!          For full logs, run 'nix log /nix/store/…-foo.drv'.
//!   error: 1 dependencies of derivation '/nix/store/…-bar.drv' failed to build
//! Nix 2.3 and older (build.cc), printed without `error:`, quoted ‘…’ before 2.0:
//!   builder for '/nix/store/…-foo.drv' failed with exit code 1; last 10 log lines:
//!     …
//!   cannot build derivation '/nix/store/…-bar.drv': 1 dependencies couldn't be built
//!   error: build of '/nix/store/…-bar.drv' failed
//! ```
//!
//! Only the failures of a builder (or a derivation that cannot be built here at all)
//! are returned: the dependencies that failed because of them say nothing new.
use std::sync::LazyLock;

use regex::Regex;

use super::strip_ansi;

/// One derivation that failed to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildFailure {
    /// `/nix/store/…-foo.drv`.
    pub drv: String,
    /// `failed with exit code 1`, `failed due to signal 9 (Killed)`, `platform
    /// mismatch`, …
    pub reason: String,
    /// The end of its build log, as Nix showed it (without the `> ` marks).
    pub log: Vec<String>,
}

static BUILDER_FOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:error: )?builder for ['‘](/[^'’]+)['’] (.+?)(?:;(?: last \d+ log lines:)?)?$")
        .unwrap()
});
static CANNOT_BUILD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^error: Cannot build '(/[^']+)'\.$").unwrap());
static REASON: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^Reason: (.+?)\.?$").unwrap());
static DEPENDENCIES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d+ dependenc(?:y|ies) failed$").unwrap());
static LOG_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[Ll]ast \d+ log lines:|Output paths:)$").unwrap());

/// The builder failures in a run's output, in the order Nix reported them.
pub fn build_failures<S: AsRef<str>>(lines: &[S]) -> Vec<BuildFailure> {
    let text: Vec<String> = lines
        .iter()
        .map(|l| strip_ansi(l.as_ref()).trim_end().to_string())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let line = &text[i];
        let found = if let Some(c) = BUILDER_FOR.captures(line) {
            // Nix 2.3 put the log header on the same line and indented the log by two.
            let old_log = line.ends_with("log lines:") && !line.starts_with("error:");
            Some((c[1].to_string(), c[2].to_string(), old_log))
        } else if let Some(c) = CANNOT_BUILD.captures(line) {
            let reason = text
                .get(i + 1)
                .and_then(|l| REASON.captures(l.trim()))
                .map(|r| r[1].to_string())
                .unwrap_or_default();
            if DEPENDENCIES.is_match(&reason) {
                None
            } else {
                let reason = reason.strip_prefix("builder ").unwrap_or(&reason);
                Some((c[1].to_string(), reason.to_string(), false))
            }
        } else {
            None
        };
        let Some((drv, reason, old_log)) = found else {
            i += 1;
            continue;
        };
        i += 1;
        let mut log = Vec::new();
        while let Some(next) = text.get(i) {
            let t = next.trim();
            if old_log && next.starts_with("  ") {
                log.push(next[2..].to_string());
            } else if !old_log && (t == ">" || t.starts_with("> ")) {
                log.push(t.get(2..).unwrap_or("").to_string());
            } else if !old_log
                && next.starts_with(' ')
                && (LOG_HEADER.is_match(t) || REASON.is_match(t) || t.starts_with("/nix/store/"))
            {
                // Nix 2.29's reason line and the output paths before the log.
            } else {
                break;
            }
            i += 1;
        }
        out.push(BuildFailure { drv, reason, log });
    }
    out
}

impl BuildFailure {
    /// The derivation's name: `hello-2.12` for `/nix/store/<hash>-hello-2.12.drv`.
    pub fn name(&self) -> String {
        super::dry_build::store_name(&self.drv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_not_failures_of_their_own() {
        let lines = [
            "error: Cannot build '/nix/store/0000000000000000000000000000000a-etc.drv'.",
            "       Reason: 1 dependency failed.",
            "error: 1 dependencies of derivation '/nix/store/b-x.drv' failed to build",
            "cannot build derivation '/nix/store/c-y.drv': 1 dependencies couldn't be built",
        ];
        assert!(build_failures(&lines).is_empty());
    }

    #[test]
    fn a_derivation_that_cannot_be_built_here() {
        let lines = [
            "error: Cannot build '/nix/store/0000000000000000000000000000000a-x.drv'.",
            "       Reason: platform mismatch",
        ];
        let failures = build_failures(&lines);
        assert_eq!(failures[0].reason, "platform mismatch");
        assert_eq!(failures[0].name(), "x");
    }
}
