//! `atproto-wizard upgrade [DIR] [--dry-run] [--yes] [--no-build]`: the host's flake
//! inputs updated in a temporary copy (DIR is not touched), then what that changes: the
//! inputs that move, the services whose package changes version, every breaking change
//! crossed with its migration (`crate::upgrade`), and the switch previewed on the copy
//! (`preview --build`: what would be built, the units, the closure diff). The new
//! `flake.lock` goes into DIR only on confirmation, through the one write path; then
//! how to switch and how to roll back.
use std::io::Write;
use std::path::{Path, PathBuf};

use super::apply_cmd::Confirm;
use super::preview_cmd;
use crate::apply::{ApplyPlan, FileChange};
use crate::catalog::Catalog;
use crate::disk::host::read_dir_state;
use crate::disk::read::{Links, read_text};
use crate::exit_status::ExitStatus;
use crate::plan::{Answers, PlanView};
use crate::preview::deep::NIX_FEATURES;
use crate::preview::process::{self, CancelToken, CommandSpec, Stream, find_program};
use crate::report::{Printer, Style, outcome};
use crate::safe_text::escape;
use crate::upgrade::{self, PackageState, UpgradePlan, lock};
use crate::write_host::Prepared;

/// The lock file `upgrade` writes.
pub const FLAKE_LOCK: &str = "flake.lock";

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub dir: PathBuf,
    pub yes: bool,
    pub dry_run: bool,
    /// Leave out the preview of the switch (`preview --build` on the updated copy).
    pub no_build: bool,
}

/// Runs `upgrade`; the exit status: 0 written or nothing to update (or a dry run), 1
/// the updated host would not build, 2 DIR is no flake host the wizard wrote, 3 Nix is
/// missing or cannot update here, 4 not confirmed, 5 refused, 130 interrupted.
pub fn run(
    catalog: &Catalog,
    opts: &Options,
    style: Style,
    confirm: Confirm,
    out: &mut dyn Write,
    interrupt: &CancelToken,
) -> ExitStatus {
    let mut p = Printer { out };
    let dir = &opts.dir;
    let fail = |p: &mut Printer, word: &str, message: String, status| {
        p.put(&format!("{}: {}\n", style.error(word), escape(&message)));
        status
    };
    let answers = match Answers::read(&dir.join("atproto.toml")) {
        Ok(a) => a,
        Err(e) => return fail(&mut p, "error", e.to_string(), ExitStatus::Unusable),
    };
    // As apply reads a host: never through a link, only regular files.
    let read = |name: &str| read_text(&dir.join(name), Links::Refuse);
    let (flake, old_lock) = match (read("flake.nix"), read(FLAKE_LOCK)) {
        (Ok(flake), Ok(lock)) => (flake, lock),
        (Err(e), _) | (_, Err(e)) => {
            let status = crate::write_host::read_failure_status(&e);
            let word = if e.is_refusal() { "refused" } else { "error" };
            return fail(&mut p, word, e.to_string(), status);
        }
    };
    if flake.is_none() {
        return fail(
            &mut p,
            "error",
            format!(
                "{} holds no flake.nix the wizard wrote: upgrade updates a flake host's inputs (a classic host follows its channel: sudo nix-channel --update)",
                dir.display()
            ),
            ExitStatus::Unusable,
        );
    }
    if find_program("nix").is_none() {
        return fail(
            &mut p,
            "cannot run here",
            "upgrade needs Nix (nix flake update) on PATH".into(),
            ExitStatus::CannotRunHere,
        );
    }
    let view = PlanView::new(catalog, &answers.tree);
    let host = view.flake_name();

    // The update happens in a copy: DIR stays as it is until the operator says yes.
    let tmp = match process::fresh_dir("upgrade") {
        Ok(t) => Removed(t),
        Err(e) => return fail(&mut p, "error", e.to_string(), ExitStatus::Unusable),
    };
    let copy = tmp.0.join("host");
    if let Err(e) = copy_host(dir, &copy) {
        return fail(
            &mut p,
            "error",
            format!("copying {}: {e}", dir.display()),
            ExitStatus::Unusable,
        );
    }
    p.put(&format!(
        "Updating the flake inputs in a copy of {} (it is not changed)…\n",
        dir.display()
    ));
    let mut args: Vec<String> = NIX_FEATURES.iter().map(|s| s.to_string()).collect();
    args.extend(["flake".into(), "update".into()]);
    if let Err(message) = nix(CommandSpec::new("nix", args).in_dir(&copy), interrupt) {
        if interrupt.is_cancelled() {
            return ExitStatus::INTERRUPTED;
        }
        return fail(
            &mut p,
            "cannot run here",
            format!("nix flake update failed: {message}"),
            ExitStatus::CannotRunHere,
        );
    }
    let new_lock = match read_text(&copy.join(FLAKE_LOCK), Links::Refuse) {
        Ok(Some(t)) => t,
        _ => {
            return fail(
                &mut p,
                "cannot run here",
                "nix flake update wrote no flake.lock".into(),
                ExitStatus::CannotRunHere,
            );
        }
    };
    if old_lock.as_deref() == Some(new_lock.as_str()) {
        p.put(&style.ok("Up to date: no input of the flake has a newer revision.\n"));
        return ExitStatus::Success;
    }
    let parse = |text: Option<&str>| text.map_or(Ok(Default::default()), lock::root_inputs);
    let inputs = match (parse(old_lock.as_deref()), parse(Some(&new_lock))) {
        (Ok(a), Ok(b)) => lock::moved(&a, &b),
        (Err(e), _) | (_, Err(e)) => return fail(&mut p, "error", e, ExitStatus::Unusable),
    };

    // Each service's package, before and after.
    let expr = upgrade::versions_expr(&view);
    let versions = |at: &Path| versions(at, &host, &expr, interrupt);
    let (before, after) = (versions(dir), versions(&copy));
    let unknown = match (&before, &after) {
        (Err(e), _) | (_, Err(e)) => Some(e.clone()),
        _ => None,
    };
    let plan = upgrade::plan(
        catalog,
        inputs,
        &before.unwrap_or_default(),
        &after.unwrap_or_default(),
    );
    p.put(&report(&plan, unknown.as_deref(), style));

    // What the switch to the updated copy would do.
    if !opts.no_build {
        p.put(&format!(
            "\n{}\n",
            style.bold("The switch, previewed on the updated copy:")
        ));
        let preview = preview_cmd::Options {
            dir: copy.clone(),
            host: Some(host.clone()),
            build: true,
            ..Default::default()
        };
        match preview_cmd::run(catalog, &preview, style, p.out, interrupt) {
            ExitStatus::Problems => {
                p.put(&format!(
                    "{}: the updated host would not build or switch (above); flake.lock is left as it is.\n",
                    style.error("error")
                ));
                return ExitStatus::Problems;
            }
            s @ ExitStatus::Signal(_) => return s,
            _ => {}
        }
    }

    // The new lock, through the one write path.
    let dir_state = match read_dir_state(dir) {
        Ok(s) => s,
        Err(e) => {
            return fail(
                &mut p,
                "error",
                e.to_string(),
                crate::write_host::read_failure_status(&e),
            );
        }
    };
    let prepared = Prepared {
        dir_state,
        plan: ApplyPlan {
            changes: vec![FileChange {
                path: FLAKE_LOCK.into(),
                old: old_lock,
                new: new_lock,
                why: "the flake inputs, updated".into(),
            }],
            ..ApplyPlan::default()
        },
    };
    let asking = super::write_flow::Asking {
        yes: opts.yes,
        dry_run: opts.dry_run,
        scope: "",
    };
    p.put("\n");
    if let Some(status) =
        super::write_flow::show_and_decide(&mut p, &prepared, dir, style, &asking, confirm)
    {
        return status;
    }
    let had_lock = prepared.plan.changes[0].old.is_some();
    match crate::write_host::commit(dir, &prepared) {
        Ok(written) => {
            super::write_flow::show_written(&mut p, &written, dir, &[], style);
            let shown = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
            p.put(&crate::report::next::numbered(
                &next_steps(&shown, &host, plan.breaking().count() > 0, had_lock),
                style,
            ));
            ExitStatus::Success
        }
        Err(failure) => {
            p.put(&outcome::write_failure(
                &failure,
                "changed while upgrade ran; nothing was written: run upgrade again.",
                style,
            ));
            crate::write_host::write_failure_status(&failure)
        }
    }
}

/// Switching to the new lock, and going back.
fn next_steps(dir: &Path, host: &str, breaking: bool, had_lock: bool) -> Vec<String> {
    let mut steps = Vec::new();
    if breaking {
        steps.push("Do what each breaking change above needs first.".to_string());
    }
    steps.push(format!(
        "Switch to it:\n  sudo nixos-rebuild switch --flake {}#{host}",
        dir.display()
    ));
    steps.push(
        "If the new system misbehaves, go back to the one before:\n  sudo nixos-rebuild switch --rollback"
            .to_string(),
    );
    let generations = "sudo nix-env --list-generations -p /nix/var/nix/profiles/system";
    steps.push(if had_lock {
        format!(
            "The systems to go back to, and the lock as it was (a .bak beside flake.lock):\n  {generations}\n  ls {}/flake.lock.*.bak",
            dir.display()
        )
    } else {
        format!("The systems to go back to:\n  {generations}")
    });
    steps
}

/// What the update changes, as text.
fn report(plan: &UpgradePlan, unknown: Option<&str>, style: Style) -> String {
    let mut out = String::new();
    out.push_str(&format!("\n{}\n", style.bold("Inputs that move:")));
    for m in &plan.inputs {
        let side = |l: &Option<lock::Locked>| match l {
            None => "(none)".to_string(),
            Some(l) => {
                let rev = l.rev.as_deref().map_or("?", |r| &r[..r.len().min(12)]);
                match l.last_modified {
                    Some(t) => format!("{rev} ({})", lock::date_of(t)),
                    None => rev.to_string(),
                }
            }
        };
        out.push_str(&format!(
            "  {}: {} -> {}\n",
            escape(&m.input),
            escape(&side(&m.old)),
            escape(&side(&m.new))
        ));
    }
    out.push_str(&format!(
        "\n{}\n",
        style.bold("Services whose version changes:")
    ));
    if let Some(why) = unknown {
        out.push_str(&format!(
            "  {}: the versions could not be read ({}); the preview below still shows what changes.\n",
            style.warning("warning"),
            escape(why)
        ));
    } else if plan.services.is_empty() {
        out.push_str("  none: every service keeps its version.\n");
    }
    for s in &plan.services {
        out.push_str(&format!(
            "  {} ({}): {} -> {}\n",
            escape(&s.title),
            s.id,
            escape(&s.old),
            escape(&s.new)
        ));
    }
    let breaking: Vec<_> = plan.breaking().collect();
    out.push_str(&format!("\n{}\n", style.bold("Breaking changes crossed:")));
    if breaking.is_empty() {
        out.push_str("  none recorded between these versions.\n");
    }
    for (s, c) in breaking {
        out.push_str(&format!(
            "  {} {}: {}\n    what to do: {}\n    recorded in: {}\n",
            style.warning(&escape(&s.title)),
            escape(&c.version),
            escape(&c.what),
            escape(&c.migration),
            escape(&c.from)
        ));
    }
    out
}

/// Runs a Nix command to its end; its stdout, or why it failed (its last error line).
fn nix(spec: CommandSpec, cancel: &CancelToken) -> Result<String, String> {
    let out = process::run(&spec, cancel, &mut |_, _| {}).map_err(|e| e.to_string())?;
    if out.success() {
        return Ok(out.stdout().join("\n"));
    }
    // Nix's own message is its last `error:` line; a trace hint may follow it.
    let errors: Vec<&str> = out
        .lines
        .iter()
        .filter(|(s, l)| *s == Stream::Stderr && !l.trim().is_empty())
        .map(|(_, l)| l.trim())
        .collect();
    let why = errors
        .iter()
        .rev()
        .find(|l| l.starts_with("error:"))
        .or(errors.last())
        .map(|l| l.to_string())
        .unwrap_or_else(|| format!("exit status {:?}", out.status.code()));
    Err(why)
}

/// Each enabled service's package version and breaking changes in the flake at `at`.
fn versions(
    at: &Path,
    host: &str,
    expr: &str,
    cancel: &CancelToken,
) -> Result<std::collections::BTreeMap<String, PackageState>, String> {
    let at = std::fs::canonicalize(at).map_err(|e| e.to_string())?;
    let mut args: Vec<String> = NIX_FEATURES.iter().map(|s| s.to_string()).collect();
    args.extend([
        "eval".into(),
        "--json".into(),
        format!("path:{}#nixosConfigurations.{host}.config", at.display()),
        "--apply".into(),
        expr.to_string(),
    ]);
    let json = nix(CommandSpec::new("nix", args), cancel)?;
    upgrade::parse_states(&json)
}

/// A temporary directory, removed with everything in it when dropped.
struct Removed(PathBuf);

impl Drop for Removed {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies the host directory: its files and folders, never through a link, leaving
/// out git's own folder and the backups the wizard made.
fn copy_host(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        if text == ".git" || text.ends_with(".bak") {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_host(&entry.path(), &to.join(&name))?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}
