//! `atproto-wizard check --fix`: rewrite an answers file for this wizard: an older
//! schema migrated, renamed setting keys under their new names, removed ones taken out
//! (each with the catalog's advice shown first). The change is shown as a diff and
//! written once confirmed, through the same write path as `apply` (backup, atomic
//! replacement, refused when the file changed meanwhile); then the result is checked.
use std::io::Write;
use std::path::Path;

use super::apply_cmd::Confirm;
use super::{check_cmd, write_flow};
use crate::apply::{ApplyPlan, FileChange};
use crate::catalog::Catalog;
use crate::disk::host::read_dir_state;
use crate::exit_status::ExitStatus;
use crate::plan::Answers;
use crate::plan::schema::Schema;
use crate::plan::upgrade::{Upgrade, upgrade};
use crate::report::{Printer, Style, outcome};
use crate::safe_text::escape;
use crate::write_host::{self, Prepared};

/// Runs `check --fix` on `path`, printing to `out`; returns the exit status: that of
/// `check` on the file as it ends up, or why nothing was written.
pub fn run(
    catalog: &Catalog,
    path: &Path,
    yes: bool,
    style: Style,
    confirm: Confirm,
    out: &mut dyn Write,
) -> ExitStatus {
    let mut p = Printer { out };
    let answers = match Answers::read(path) {
        Ok(a) => a,
        Err(e) => {
            p.put(&check_cmd::unreadable(&e, false, style).output);
            return ExitStatus::Unusable;
        }
    };
    // The file as written, not as migrated in memory: what the diff starts from.
    let original = match crate::disk::read::read_text(path, crate::disk::read::Links::Follow) {
        Ok(Some(text)) => text,
        _ => answers.text.clone(),
    };
    let fixed = match upgrade(catalog, &Schema::REAL, &answers.name, &original) {
        Ok(u) => u,
        Err(e) => {
            p.put(&check_cmd::unreadable(&e, false, style).output);
            return ExitStatus::Unusable;
        }
    };
    if !fixed.changes_anything() {
        p.put(&format!(
            "{}: nothing to fix: no old setting names, and schema {} already.\n",
            escape(&answers.name),
            crate::plan::schema::CURRENT
        ));
        return recheck(catalog, path, style, &mut p);
    }
    p.put(&summary(&fixed, style));
    let (dir, name) = split(path);
    let dir_state = match read_dir_state(&dir) {
        Ok(state) => state,
        Err(e) => {
            p.put(&format!("{}: {e}\n", style.error("error")));
            return write_host::read_failure_status(&e);
        }
    };
    let prepared = Prepared {
        dir_state,
        plan: ApplyPlan {
            changes: vec![FileChange {
                path: name,
                old: Some(original),
                new: fixed.text,
                why: "old names and schema brought up to date".into(),
            }],
            ..ApplyPlan::default()
        },
    };
    let asking = write_flow::Asking {
        yes,
        dry_run: false,
        scope: "",
    };
    if let Some(status) =
        write_flow::show_and_decide(&mut p, &prepared, &dir, style, &asking, confirm)
    {
        return status;
    }
    match write_host::commit(&dir, &prepared) {
        Ok(written) => {
            p.put(&outcome::written(&written));
            recheck(catalog, path, style, &mut p)
        }
        Err(failure) => {
            p.put(&outcome::write_failure(
                &failure,
                "changed since check --fix read it; nothing was written: run it again.",
                style,
            ));
            write_host::write_failure_status(&failure)
        }
    }
}

/// What the rewrite does, one line each; a removed key with the catalog's advice, so
/// the operator knows what to do instead before agreeing to lose it.
fn summary(u: &Upgrade, style: Style) -> String {
    let mut out = String::new();
    if let Some(from) = u.schema_from {
        out.push_str(&format!(
            "schema {from} -> {}: the file is migrated to this wizard's format.\n",
            crate::plan::schema::CURRENT
        ));
    }
    for (old, new) in &u.keys.renamed {
        out.push_str(&format!("renamed: {old} -> {new}\n"));
    }
    for path in &u.keys.dropped {
        match u.removed.iter().find(|(p, _, _)| p == path) {
            Some((_, advice, since)) => out.push_str(&format!(
                "{}: {path} (removed in {since}): {advice}\n",
                style.warning("taken out")
            )),
            None => out.push_str(&format!(
                "{}: {path} (its new name is set too; this value was ignored)\n",
                style.warning("taken out")
            )),
        }
    }
    // Every path and advice here is the catalog's (an old key is one the catalog
    // names), so nothing from the file is shown unescaped.
    out
}

/// The directory holding the file and the file's name in it.
fn split(path: &Path) -> (std::path::PathBuf, String) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

/// `check` of the file as it is now.
fn recheck(catalog: &Catalog, path: &Path, style: Style, p: &mut Printer) -> ExitStatus {
    let outcome = check_cmd::run(catalog, path, false, style);
    p.put(&outcome.output);
    outcome.status
}
