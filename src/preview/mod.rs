//! Preview and deep checks: what a switch to the host would do, and whether
//! Nix accepts the host, before anything is switched.
//!
//! - [`deep`]: the host evaluated by Nix, failed assertions and warnings mapped back
//!   to the answers file ([`deep::spawn`]).
//! - [`rebuild`]: `nixos-rebuild dry-build`/`dry-activate`, optionally `build` and a
//!   closure diff, streamed and summarised ([`rebuild::spawn`]).
//! - [`probes`]: advisory preflight checks: DNS, ports 80/443, disk, NixOS, root,
//!   flakes ([`probes::spawn`]).
//!
//! Everything that runs a tool goes through [`process`] (streaming, cancel, typed
//! failures) inside a background [`Job`] that reports [`Event`]s; the parsers in
//! [`parse`] are pure. The command line (`atproto-wizard preview`) and the
//! full-screen wizard are front ends over the same jobs.
pub mod deep;
pub mod job;
pub mod parse;
pub mod pipeline;
pub mod probes;
pub mod process;
pub mod rebuild;
pub mod target;

pub use job::{Event, Job, Reporter};
pub use process::{CancelToken, CommandSpec, RunError, Stream};
pub use target::{Target, TargetError};

/// How a check came out, for exit codes and for the wizard's verdict line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Ran, and found nothing wrong (warnings allowed).
    Passed,
    /// Could not run here: a tool is missing, no network, not NixOS, …; says what
    /// to do instead.
    CannotRun,
    /// The host fails: failed assertions, an evaluation or build error in its files.
    HostFails,
    /// Stopped by the operator.
    Cancelled,
}

/// What to say when a Nix tool is not installed.
pub fn nix_missing_words(program: &str) -> String {
    match program {
        "nixos-rebuild" => "nixos-rebuild is not installed here: it comes with NixOS. Run the \
                            preview on the host itself."
            .to_string(),
        _ => format!(
            "Nix is not installed here (`{program}` is not on PATH), so the host cannot be \
             evaluated on this machine. Install Nix (Debian and Ubuntu: apt-get install \
             nix-bin; elsewhere see https://nixos.org/download) or run this on the NixOS host. \
             The plan's own checks (atproto-wizard check) do not need Nix."
        ),
    }
}
