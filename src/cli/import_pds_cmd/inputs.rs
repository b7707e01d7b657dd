//! The first step: everything `import-pds` reads before working anything out.
use std::path::{Path, PathBuf};

use super::{CADDYFILE, Cx, Step};
use crate::cli::check_cmd;
use crate::disk::read::{Links, read_text};
use crate::exit_status::ExitStatus;
use crate::import_pds::caddyfile::{self, Caddy};
use crate::import_pds::env_file::{self, EnvFile};
use crate::import_pds::secrets;
use crate::plan::Answers;
use crate::report::import_pds as words;
use crate::safe_text::escape;
use crate::write_host;

/// What the Docker PDS was given, and the host it moves to.
pub(super) struct Inputs {
    /// Prefixes every path written on this machine: `/` without `--root`.
    pub root: PathBuf,
    /// The host's directory on this machine (`--dir` under `--root`).
    pub dir_here: PathBuf,
    pub env: EnvFile,
    /// `None` when there is no Caddyfile, or it could not be read.
    pub caddy: Option<Caddy>,
    /// The host's atproto.toml, as messages name it.
    pub answers_name: String,
    /// The host's answers, when it has some: the PDS is added to them.
    pub existing: Option<Answers>,
}

/// Reads pds.env, the Caddyfile and the host's atproto.toml, and says what was read.
pub(super) fn read(cx: &mut Cx) -> Step<Inputs> {
    let (root, dir_here) = paths(cx)?;
    let env_path = cx.opts.from.join("pds.env");
    let env = read_env(cx, &env_path)?;
    let caddy_path = cx.opts.from.join(CADDYFILE);
    let caddy = read_caddyfile(cx, &caddy_path);
    let answers_path = dir_here.join(crate::apply::ATPROTO_TOML);
    let existing = read_answers(cx, &answers_path)?;
    cx.put(&words::read(
        &env_path,
        env.effective().len(),
        &caddy_path,
        caddy.as_ref(),
    ));
    Ok(Inputs {
        root,
        dir_here,
        env,
        caddy,
        answers_name: answers_path.display().to_string(),
        existing,
    })
}

/// `--root` (or `/`) and the host's directory under it. With `--root`, `--dir` is the
/// path on the host, so it must be absolute.
fn paths(cx: &mut Cx) -> Step<(PathBuf, PathBuf)> {
    let opts = cx.opts;
    if opts.root.is_some() && !opts.dir.is_absolute() {
        cx.error(
            "error",
            "with --root, give --dir as the path on the host, like /etc/nixos",
        );
        return Err(ExitStatus::Unusable);
    }
    let root = opts.root.clone().unwrap_or_else(|| PathBuf::from("/"));
    let dir_here = match &opts.root {
        Some(r) => secrets::under(r, &opts.dir.display().to_string()),
        None => opts.dir.clone(),
    };
    Ok((root, dir_here))
}

/// pds.env, parsed. Its text, secrets and all, is dropped as soon as it is parsed.
fn read_env(cx: &mut Cx, path: &Path) -> Step<EnvFile> {
    let text = match read_text(path, Links::Follow) {
        Ok(Some(t)) => t,
        Ok(None) => {
            cx.error(
                "error",
                &format!(
                    "{}: no such file. Is --from the Docker PDS's data directory (installer.sh keeps it in /pds)?",
                    escape(&path.display().to_string())
                ),
            );
            return Err(ExitStatus::Unusable);
        }
        Err(e) => {
            cx.error("error", &escape(&e.to_string()));
            return Err(ExitStatus::Unusable);
        }
    };
    env_file::parse(&path.display().to_string(), &text).map_err(|e| {
        cx.error("error", &e.to_string());
        ExitStatus::Unusable
    })
}

/// The Caddyfile, which only gives defaults: one that cannot be read is noted and
/// taken as none.
fn read_caddyfile(cx: &mut Cx, path: &Path) -> Option<Caddy> {
    match read_text(path, Links::Follow) {
        Ok(Some(t)) => Some(caddyfile::parse(&t)),
        Ok(None) => None,
        Err(e) => {
            let note = format!(
                "{}: {}; read as if there were none\n",
                cx.style.warning("note"),
                escape(&e.to_string())
            );
            cx.put(&note);
            None
        }
    }
}

/// The host's atproto.toml, `None` when it has none. A link is refused, as `apply`
/// refuses it.
fn read_answers(cx: &mut Cx, path: &Path) -> Step<Option<Answers>> {
    match read_text(path, Links::Refuse) {
        Ok(None) => Ok(None),
        Ok(Some(text)) => match Answers::parse(&path.display().to_string(), &text) {
            Ok(a) => Ok(Some(a)),
            Err(e) => {
                let report = check_cmd::unreadable(&e, false, cx.style).output;
                cx.put(&report);
                Err(ExitStatus::Unusable)
            }
        },
        Err(e) => {
            cx.problem(e.is_refusal(), &escape(&e.to_string()));
            Err(write_host::read_failure_status(&e))
        }
    }
}
