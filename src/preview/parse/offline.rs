//! Signs that this machine could not reach the network, wherever they were printed:
//! in Nix's own downloads, in git fetching a flake input, or in a builder's log.
//!
//! - curl, run by nixpkgs' fetchurl builder: `curl: (6) Could not resolve host: X`
//!   (`(6)` is curl's "could not resolve host"), then the builder's own
//!   `error: cannot download <name> from any mirror` (pkgs/build-support/fetchurl).
//! - git (Nix's git fetcher, fetchgit): `fatal: unable to access 'URL': Could not
//!   resolve host: X`; an HTTP answer (`The requested URL returned error: 404`) is
//!   not offline.
//!
//! Nix's own `unable to download 'URL': …` is read by the evaluation parser, which
//! keeps the URL.
use std::sync::LazyLock;

use regex::Regex;

use super::strip_ansi;

static SIGNS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"curl: \(6\) .*",
        r"|Could not resolve host: \S+",
        r"|unable to access '[^']+': .*",
        r"|cannot download \S+ from any mirror",
    ))
    .unwrap()
});

/// The first line that says the network could not be reached, as printed (a build
/// log's `> ` mark and surrounding text left out); `None` when there is none.
/// Nix's `warning:` lines (a retried download) are not evidence: a later try may
/// have worked.
pub fn offline_evidence<S: AsRef<str>>(lines: &[S]) -> Option<String> {
    lines.iter().find_map(|raw| {
        let line = strip_ansi(raw.as_ref());
        let line = line.trim();
        if line.starts_with("warning:") {
            return None;
        }
        let found = SIGNS.find(line)?.as_str();
        (!found.contains("returned error")).then(|| found.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_of_no_network() {
        assert_eq!(
            offline_evidence(&[
                "       >   0     0   0     0   0     0     0     0 --:--:-- --:--:-- --:--:--     0curl: (6) Could not resolve host: www.dnie.es"
            ])
            .as_deref(),
            Some("curl: (6) Could not resolve host: www.dnie.es")
        );
        assert_eq!(
            offline_evidence(&["       > error: cannot download source from any mirror"])
                .as_deref(),
            Some("cannot download source from any mirror")
        );
        assert_eq!(
            offline_evidence(&[
                "fatal: unable to access 'https://github.com/x/y/': Could not resolve host: github.com"
            ])
            .as_deref(),
            Some("unable to access 'https://github.com/x/y/': Could not resolve host: github.com")
        );
    }

    #[test]
    fn not_offline() {
        assert_eq!(
            offline_evidence(&[
                "fatal: unable to access 'https://example.org/x/': The requested URL returned error: 403",
                "warning: error: unable to download 'https://x': Couldn't resolve host name (6); retrying in 278 ms",
                "error: attribute 'x' missing",
            ]),
            None
        );
    }
}
