//! `atproto-wizard import-pds`: move a PDS installed by Bluesky's installer.sh (Docker,
//! its data in /pds) onto the host in DIR. Reads pds.env and the Caddyfile, works out
//! the answers through the catalog (`crate::import_pds::plan`), validates them as
//! `check` does, then shows everything it would do (the diff of every host file, the
//! secrets' files, the data) and asks once. Writing goes in the order that can never
//! leave the host generating a new secret or starting on empty data: the secrets
//! first, then the data (with `--copy-data`), then the host's files through the one
//! write path, `crate::write_host`, exactly as `apply` writes them.
//!
//! The steps, in the order `run` takes them: `inputs` reads, `review` works out and
//! shows, `confirm` sums up and asks, `perform` writes.
mod confirm;
mod inputs;
mod perform;
mod review;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use super::apply_cmd::Confirm;
use crate::catalog::Catalog;
use crate::exit_status::ExitStatus;
use crate::import_pds::plan::ImportPlan;
use crate::import_pds::secrets::Backend;
use crate::report::{Printer, Style};
use crate::write_host::Prepared;

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
    let mut cx = Cx {
        catalog,
        opts,
        style,
        p: Printer { out },
    };
    steps(&mut cx, confirm).unwrap_or_else(|status| status)
}

/// Each step shows what it found; nothing is written before the last, and only once
/// every problem the earlier ones found has been shown.
fn steps(cx: &mut Cx, confirm: Confirm) -> Step<ExitStatus> {
    let inputs = inputs::read(cx)?;
    let plan = review::plan(cx, &inputs)?;
    let mut stops = review::Stops::default();
    let host = review::host_files(cx, &inputs, &plan, &mut stops)?;
    let secrets = review::secrets(cx, &inputs, &plan, &mut stops);
    let data = review::data(cx, &inputs, &plan, &mut stops);
    stops.check(cx)?;
    let import = Import {
        inputs,
        plan,
        host,
        secrets,
        data,
    };
    let work = confirm::summary(cx, confirm, &import)?;
    perform::perform(cx, &import, &work)
}

/// A step that ends the command early does so with this status, once it has printed
/// why.
type Step<T> = Result<T, ExitStatus>;

/// What every step needs: the command as given, and where it prints.
struct Cx<'a> {
    catalog: &'a Catalog,
    opts: &'a Options,
    style: Style,
    p: Printer<'a>,
}

impl Cx<'_> {
    fn put(&mut self, text: &str) {
        self.p.put(text);
    }

    fn error(&mut self, label: &str, text: &str) {
        let line = format!("{}: {text}\n", self.style.error(label));
        self.p.put(&line);
    }

    /// An error that is a refusal (nothing wrong, but not safe to go on) or not.
    fn problem(&mut self, refusal: bool, text: &str) {
        self.error(if refusal { "refused" } else { "error" }, text);
    }
}

/// The exit status of a step that stopped on a refusal or on another error.
fn stopped(refusal: bool) -> ExitStatus {
    if refusal {
        ExitStatus::Refused
    } else {
        ExitStatus::Unusable
    }
}

/// Everything shown before the question: what the writes then carry out.
struct Import {
    inputs: inputs::Inputs,
    plan: ImportPlan,
    host: Prepared,
    secrets: review::Secrets,
    data: review::Data,
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
