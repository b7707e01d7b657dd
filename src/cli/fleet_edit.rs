//! `atproto-wizard fleet edit [FILE]`: the fleet view, full screen or in the line mode.
//! Every host with its services and state; a host opens in the usual steps, checked
//! with its fleet (references resolved, a setting that points at another service chosen
//! from the fleet's services), and saving it writes its answers file only; applying
//! the fleet writes every host's files at once (`fleet apply`, into the fleet file's
//! directory). This file is the part both front ends share: reading the fleet, opening
//! a host, applying.
use std::path::{Path, PathBuf};

use super::apply_cmd::Confirm;
use super::fleet_cmd::{self, ApplyOptions, Loaded};
use crate::apply::ATPROTO_TOML;
use crate::catalog::Catalog;
use crate::exit_status::ExitStatus;
use crate::fleet::seat::Seat;
use crate::report::Style;
use crate::wizard::fleet_view::{self, FleetView};

/// `fleet edit`'s options.
#[derive(Debug, Clone)]
pub struct EditOptions {
    pub file: PathBuf,
    /// The line mode even on a terminal that can show the full screen.
    pub line: bool,
    pub ascii: bool,
}

/// A host of the fleet, ready for the usual steps.
pub struct OpenHost {
    /// The directory of its answers file (where saving writes).
    pub dir: PathBuf,
    pub text: String,
    pub seat: Seat,
}

/// The fleet's directory: where its file is, and where applying writes.
pub fn fleet_dir(file: &Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Reads the fleet; the report to show (and its exit status) when it cannot be read.
pub(crate) fn read(file: &Path, style: Style) -> Result<Loaded, (String, ExitStatus)> {
    fleet_cmd::load(file, false, style).map_err(|out| (out.output, out.status))
}

/// The fleet view of what was read, checked as `fleet check` checks it.
pub(crate) fn view(catalog: &Catalog, loaded: &Loaded) -> FleetView {
    let trees = loaded.trees();
    let report = crate::fleet::check(catalog, &loaded.fleet, &trees);
    FleetView::new(catalog, &loaded.fleet, &report, &trees)
}

/// Host `index` of the fleet, to open in the usual steps. Its answers must be an
/// `atproto.toml` in a directory of its own, as `fleet apply` lays hosts out: saving
/// writes that file there, with a backup, as `apply` writes.
pub(crate) fn open_host(loaded: &Loaded, index: usize) -> Result<OpenHost, String> {
    let (name, answers) = &loaded.answers[index];
    let path = &loaded.paths[index];
    if path.file_name().and_then(|n| n.to_str()) != Some(ATPROTO_TOML) {
        return Err(format!(
            "{}: the wizard saves a host's answers as atproto.toml in a directory of its own; lay the fleet out that way first: atproto-wizard fleet apply {} --dir DIR, then atproto-wizard fleet edit DIR/fleet.toml",
            path.display(),
            loaded.name
        ));
    }
    Ok(OpenHost {
        dir: fleet_dir(path),
        text: answers.text.clone(),
        seat: fleet_view::seat(&loaded.fleet, &loaded.trees(), name),
    })
}

/// Writes the whole fleet into its directory as `fleet apply FILE --dir <its dir>`
/// does: the diff of every file and one question (`confirm`) for the whole fleet.
pub fn apply(
    catalog: &Catalog,
    file: &Path,
    style: Style,
    confirm: Confirm,
    out: &mut dyn std::io::Write,
) -> ExitStatus {
    let dir = fleet_dir(file);
    let opts = ApplyOptions {
        file: file.to_path_buf(),
        // Named in full in the report and the commands it ends with.
        dir: std::fs::canonicalize(&dir).unwrap_or(dir),
        yes: false,
        dry_run: false,
    };
    fleet_cmd::apply(catalog, &opts, style, confirm, out)
}

/// Runs `fleet edit`: full screen on a terminal that can show it, else (or with
/// `--line`) the line mode.
pub fn run(opts: &EditOptions) -> ExitStatus {
    if !opts.line && crate::tui::full_screen_possible() {
        match crate::tui::fleet::run(&opts.file, opts.ascii) {
            Ok(status) => status,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitStatus::Unusable
            }
        }
    } else {
        crate::lineui::fleet::run(&opts.file, opts.ascii)
    }
}

/// `fleet add-host`'s options.
#[derive(Debug, Clone)]
pub struct AddOptions {
    pub file: PathBuf,
    pub name: String,
    pub target: String,
    pub profile: String,
    pub yes: bool,
    pub dry_run: bool,
}

/// Adds a host to the fleet: its answers at `hosts/<name>/atproto.toml` from a profile
/// (named as the fleet names it, with the fleet's inputs) and its `[[hosts]]` entry,
/// both shown as a diff and written after one question, through the one write path.
pub fn add_host(
    catalog: &'static Catalog,
    opts: &AddOptions,
    style: Style,
    confirm: Confirm,
    out: &mut dyn std::io::Write,
) -> ExitStatus {
    use crate::apply::{ApplyPlan, FileChange};
    use crate::report::{Printer, outcome};
    let mut p = Printer { out };
    let loaded = match read(&opts.file, style) {
        Ok(l) => l,
        Err((report, status)) => {
            p.put(&report);
            return status;
        }
    };
    let Some(profile) = crate::wizard::profiles::find(&opts.profile) else {
        let names: Vec<&str> = crate::wizard::profiles::all()
            .iter()
            .map(|p| p.name)
            .collect();
        p.put(&format!(
            "{}: there is no profile {:?}; the profiles are: {}\n",
            style.error("error"),
            opts.profile,
            names.join(", ")
        ));
        return ExitStatus::Unusable;
    };
    let added = match crate::wizard::fleet_add::add_host(
        catalog,
        &loaded.fleet,
        &loaded.text,
        &loaded.trees(),
        &opts.name,
        &opts.target,
        profile,
    ) {
        Ok(a) => a,
        Err(why) => {
            p.put(&format!(
                "{}: {}\n{}\n",
                style.error("error"),
                crate::safe_text::escape(&why),
                outcome::NOTHING_WRITTEN
            ));
            return ExitStatus::Problems;
        }
    };
    let dir = fleet_dir(&opts.file);
    // Named in full in the report and the commands it ends with.
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    let fleet_name = opts
        .file
        .file_name()
        .map_or("fleet.toml".into(), |n| n.to_string_lossy().into_owned());
    let dir_state = match crate::disk::host::read_dir_state(&dir) {
        Ok(s) => s,
        Err(e) => {
            p.put(&format!("{}: {e}\n", style.error("error")));
            return crate::write_host::read_failure_status(&e);
        }
    };
    let existing = crate::disk::read::read_text(
        &dir.join(&added.answers_path),
        crate::disk::read::Links::Refuse,
    );
    if !matches!(existing, Ok(None)) {
        p.put(&format!(
            "{}: {} is already there: move it away, or add it to {fleet_name} by hand\n{}\n",
            style.error("refused"),
            added.answers_path,
            outcome::NOTHING_WRITTEN
        ));
        return ExitStatus::Refused;
    }
    let prepared = crate::write_host::Prepared {
        dir_state,
        plan: ApplyPlan {
            changes: vec![
                FileChange {
                    path: added.answers_path.clone(),
                    old: None,
                    new: added.answers,
                    why: format!("the new host's answers, from the {} profile", profile.name),
                },
                FileChange {
                    path: fleet_name,
                    old: Some(loaded.text.clone()),
                    new: added.fleet_text,
                    why: "the fleet, with the new host".into(),
                },
            ],
            ..ApplyPlan::default()
        },
    };
    let asking = super::write_flow::Asking {
        yes: opts.yes,
        dry_run: opts.dry_run,
        scope: "",
    };
    if let Some(status) =
        super::write_flow::show_and_decide(&mut p, &prepared, &dir, style, &asking, confirm)
    {
        return status;
    }
    match crate::write_host::commit(&dir, &prepared) {
        Ok(written) => {
            super::write_flow::show_written(&mut p, &written, &dir, &[], style);
            p.put(&crate::report::next::numbered(
                &[
                    format!(
                        "Fill in the new host (its domain, its services), checked with the fleet:\n  atproto-wizard fleet edit {}",
                        opts.file.display()
                    ),
                    format!(
                        "Then write the fleet:\n  atproto-wizard fleet apply {} --dir {}",
                        opts.file.display(),
                        dir.display()
                    ),
                ],
                style,
            ));
            ExitStatus::Success
        }
        Err(failure) => {
            p.put(&outcome::write_failure(
                &failure,
                "changed while fleet add-host ran; nothing was written: run it again.",
                style,
            ));
            crate::write_host::write_failure_status(&failure)
        }
    }
}
