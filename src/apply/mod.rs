//! What `apply` would do to a host directory: pure, no I/O. The edge (`crate::disk`)
//! reads the directory into a [`DirState`]; [`plan_apply`] turns answers and that state
//! into an [`ApplyPlan`]: the new text of every file that changes, with the reason, the
//! files it refuses to touch and why, and notes for the operator. Every front end reads
//! the directory, plans and writes through `crate::write_host`, and shows the plan with
//! `crate::report`.
//!
//! The host's files and who owns them:
//!
//! - `atproto.toml`: the answers, resolved (every default written out, comments kept).
//! - `atproto.nix`: managed; carries a checksum line ([`checksum`]). A file whose
//!   checksum disagrees (edited by hand) or that has none is not overwritten without
//!   `force`.
//! - `flake.nix` (flake mode only): written when absent; replaced when it is ours
//!   (checksum line, intact); edited in place when it is the operator's own
//!   ([`hostedit::wire_flake`]). Classic mode never touches it.
//! - `configuration.nix`: written when absent, else only `./atproto.nix` is added to
//!   its imports ([`hostedit::add_import`]). It is the operator's file: no checksum.
//!
//! Any refusal means nothing at all is written, so a host is never half-updated.
pub mod checksum;
pub mod diff;

use std::collections::{BTreeMap, BTreeSet};

use toml_edit::DocumentMut;

use self::checksum::Stamp;
use crate::catalog::Catalog;
use crate::hostedit;
use crate::plan::{Answers, PlanView, edit};
use crate::render::{
    HostContext, HostMode, render_atproto_nix, render_configuration_nix, render_flake_nix,
};
use crate::value::Value;

pub const FLAKE_NIX: &str = "flake.nix";
pub const CONFIGURATION_NIX: &str = "configuration.nix";
pub const ATPROTO_NIX: &str = "atproto.nix";
pub const ATPROTO_TOML: &str = "atproto.toml";
pub const HARDWARE_CONFIGURATION_NIX: &str = "hardware-configuration.nix";

/// The files `apply` may write, in the order it puts them in place: a file only after
/// the files it refers to (configuration.nix imports atproto.nix; flake.nix uses
/// configuration.nix), and atproto.toml last. It records the answers the others were
/// generated from, so if a write stops part way (killed), atproto.toml never claims
/// answers whose files are not all there; the next apply finishes the job.
pub const WRITE_ORDER: [&str; 4] = [ATPROTO_NIX, CONFIGURATION_NIX, FLAKE_NIX, ATPROTO_TOML];

/// What the edge read from the host directory. A missing file is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirState {
    pub flake_nix: Option<String>,
    pub configuration_nix: Option<String>,
    pub atproto_nix: Option<String>,
    pub atproto_toml: Option<String>,
    pub has_hardware_configuration: bool,
    /// `Some` when the directory is inside a git work tree.
    pub git: Option<GitState>,
}

/// What git knows about the host directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitState {
    /// Which of the host's files (names as in [`WRITE_ORDER`], and
    /// `hardware-configuration.nix`) git tracks.
    pub tracked: BTreeSet<String>,
}

impl DirState {
    /// The current text of one of the host's files, by name.
    pub fn file(&self, name: &str) -> Option<&str> {
        match name {
            FLAKE_NIX => self.flake_nix.as_deref(),
            CONFIGURATION_NIX => self.configuration_nix.as_deref(),
            ATPROTO_NIX => self.atproto_nix.as_deref(),
            ATPROTO_TOML => self.atproto_toml.as_deref(),
            _ => None,
        }
    }
}

/// One file `apply` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The file's name in the host directory.
    pub path: String,
    /// Its current text; `None` when it does not exist yet.
    pub old: Option<String>,
    pub new: String,
    /// Why it changes, in a few words.
    pub why: String,
}

impl FileChange {
    /// The unified diff from the current text to the new one.
    pub fn diff(&self) -> String {
        diff::unified(&self.path, self.old.as_deref(), &self.new)
    }
}

/// Why a refusal happened, which decides whether `force` helps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// A managed file was edited by hand (or has no checksum): `force` overwrites it.
    HandEdited,
    /// An operator's file the wizard cannot edit safely: it must be changed by hand.
    CannotEdit,
}

/// A file `apply` will not write, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub path: String,
    pub kind: RefusalKind,
    pub why: String,
    /// What the operator can do instead: the lines to add by hand, or how to keep
    /// their edits and go on.
    pub by_hand: String,
    /// For a hand-edited managed file: the change that was refused (current text to
    /// what would be written), i.e. what would be lost.
    pub change: Option<FileChange>,
    /// For a hand-edited managed file, when the wizard can tell what it wrote last time
    /// (it renders the same text again from the directory's atproto.toml or from the
    /// new answers): the diff from that to the current file, i.e. the edits by hand.
    pub hand_edits: Option<String>,
}

/// Everything `apply` would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyPlan {
    /// Files to write, in [`WRITE_ORDER`].
    pub changes: Vec<FileChange>,
    /// Files already as they should be.
    pub unchanged: Vec<String>,
    /// Files `apply` will not write. When there is any, nothing at all is written.
    pub refusals: Vec<Refusal>,
    /// Things the operator should know (one sentence each).
    pub notes: Vec<String>,
    /// When the directory is in a git work tree and the host is a flake: the host's
    /// files git does not track yet (a flake only sees tracked files).
    pub git_add: Vec<String>,
}

impl ApplyPlan {
    /// Whether the plan writes anything (and is allowed to).
    pub fn writes_anything(&self) -> bool {
        self.refusals.is_empty() && !self.changes.is_empty()
    }
}

/// The answers with every default written out (`plan::edit::resolve`), keeping the
/// operator's comments and layout: the text `apply` writes as `atproto.toml`, and the
/// answers every host file is rendered from. Resolving resolved answers changes
/// nothing, so a second apply finds nothing to do.
pub fn resolve_answers(answers: &Answers, catalog: &Catalog) -> Answers {
    // Renamed keys first, so the defaults written are never beside an old key.
    let answers = &*crate::plan::renames::with_new_keys(catalog, answers);
    let Ok(mut doc) = answers.text.parse::<DocumentMut>() else {
        return answers.clone();
    };
    edit::resolve(catalog, &mut doc, &answers.tree);
    let text = doc.to_string();
    if text == answers.text {
        return answers.clone();
    }
    Answers::parse(&answers.name, &text).unwrap_or_else(|_| answers.clone())
}

/// `atproto.nix` exactly as `apply` writes it (and `render --file atproto.nix` prints
/// it): rendered from the resolved answers, with its checksum line.
pub fn generated_atproto_nix(answers: &Answers, catalog: &Catalog) -> String {
    let resolved = resolve_answers(answers, catalog);
    stamped_atproto_nix(&resolved.tree, catalog)
}

/// `flake.nix` exactly as `apply` writes it when it writes a new one (flake mode).
pub fn generated_flake_nix(answers: &Answers, catalog: &Catalog) -> String {
    let resolved = resolve_answers(answers, catalog);
    checksum::stamp(&render_flake_nix(&resolved.tree, catalog))
}

fn stamped_atproto_nix(tree: &BTreeMap<String, Value>, catalog: &Catalog) -> String {
    checksum::stamp(&render_atproto_nix(tree, catalog))
}

/// Plans `apply` for answers that validate (the caller checks them first and stops on
/// errors) against what the host directory holds. `force` overwrites managed files that
/// were edited by hand; it never makes an unsafe edit of the operator's own files.
pub fn plan_apply(answers: &Answers, catalog: &Catalog, dir: &DirState, force: bool) -> ApplyPlan {
    let resolved = resolve_answers(answers, catalog);
    let tree = &resolved.tree;
    let view = PlanView::new(catalog, tree);
    let flake_mode = HostMode::of(tree, catalog).has_flake();
    let hostname = view.flake_name();

    let mut plan = ApplyPlan::default();
    let mut proposed: Vec<(String, Proposal)> = Vec::new();

    // atproto.toml: the operator's answers, resolved.
    proposed.push((
        ATPROTO_TOML.into(),
        Proposal::Write {
            new: resolved.text.clone(),
            why: match &dir.atproto_toml {
                None => "the answers, with every default written out".into(),
                Some(_) => "the new answers, with every default written out".into(),
            },
        },
    ));

    // atproto.nix: managed.
    let atproto_nix = stamped_atproto_nix(tree, catalog);
    if interrupted_before_answers(dir, &atproto_nix, &resolved.text, catalog) {
        plan.notes.push(
            "atproto.nix is already generated from these answers but atproto.toml still holds \
             other ones: an earlier apply stopped before it wrote atproto.toml (the last file \
             it writes). This apply finishes it."
                .into(),
        );
    }
    proposed.push((
        ATPROTO_NIX.into(),
        managed(
            ATPROTO_NIX,
            dir.atproto_nix.as_deref(),
            atproto_nix,
            force,
            &|a: &Answers| generated_atproto_nix(a, catalog),
            answers,
            dir,
        ),
    ));

    // configuration.nix: the operator's, only ever gains an import.
    let foreign_flake = dir
        .flake_nix
        .as_deref()
        .filter(|t| flake_mode && checksum::verify(t) == Stamp::Missing);
    // In the operator's own flake, ./atproto.nix reaches the host through
    // configuration.nix only when that host's own modules name ./configuration.nix (another
    // host of the same flake may be the one that does); otherwise the flake's modules get
    // it directly and configuration.nix is left alone.
    // A configuration.nix another host names too is left alone as well: an import added
    // there would bring this host's services to that one.
    let names_configuration = |text: &str, host: &str| {
        hostedit::host_names_module(text, host, "./configuration.nix") == Some(true)
    };
    let others_using: Vec<String> = foreign_flake
        .map(|text| {
            hostedit::flake_hosts(text)
                .unwrap_or_default()
                .into_iter()
                .filter(|h| *h != hostname && names_configuration(text, h))
                .collect()
        })
        .unwrap_or_default();
    let through_configuration = match foreign_flake {
        Some(text) => {
            dir.configuration_nix.is_some()
                && names_configuration(text, &hostname)
                && others_using.is_empty()
        }
        None => true,
    };
    let configuration = match dir.configuration_nix.as_deref() {
        None if foreign_flake.is_some() => {
            // The operator's flake says which modules the host uses; a new
            // configuration.nix beside it would be used by nothing.
            Proposal::Skip
        }
        Some(_) if !through_configuration => {
            plan.notes.push(if others_using.is_empty() {
                format!(
                    "configuration.nix is left alone: nixosConfigurations.{hostname} in flake.nix \
                     does not name ./configuration.nix in its modules, so the flake gets \
                     ./atproto.nix itself."
                )
            } else {
                format!(
                    "configuration.nix is left alone: nixosConfigurations.{} uses it too, and an \
                     import there would bring this host's services to it; the flake gets \
                     ./atproto.nix in nixosConfigurations.{hostname} itself.",
                    others_using.join(", nixosConfigurations.")
                )
            });
            Proposal::Skip
        }
        None => Proposal::Write {
            new: render_configuration_nix(
                tree,
                catalog,
                &HostContext {
                    has_hardware_configuration: dir.has_hardware_configuration,
                },
            ),
            why: "a new host configuration importing ./atproto.nix".into(),
        },
        Some(text) => match hostedit::add_import(text, "./atproto.nix") {
            hostedit::Edit::AlreadyDone => Proposal::Keep,
            hostedit::Edit::Changed(new) => Proposal::Write {
                new,
                why: "adds ./atproto.nix to its imports; nothing else changes".into(),
            },
            hostedit::Edit::Refused(r) => Proposal::Refuse(Refusal {
                path: CONFIGURATION_NIX.into(),
                kind: RefusalKind::CannotEdit,
                why: r.why,
                by_hand: r.by_hand,
                change: None,
                hand_edits: None,
            }),
        },
    };
    proposed.push((CONFIGURATION_NIX.into(), configuration));

    // flake.nix: only in flake mode.
    if flake_mode {
        let flake = match dir.flake_nix.as_deref() {
            Some(text) if checksum::verify(text) == Stamp::Missing => {
                let inputs = flake_inputs(&view);
                let inputs: Vec<(&str, &str)> = inputs
                    .iter()
                    .map(|(n, u)| (n.as_str(), u.as_str()))
                    .collect();
                let modules = flake_modules(&view, !through_configuration);
                let wiring = hostedit::FlakeWiring {
                    host: &hostname,
                    inputs: &inputs,
                    modules: &modules,
                };
                match hostedit::wire_flake(text, &wiring) {
                    hostedit::Edit::AlreadyDone => Proposal::Keep,
                    hostedit::Edit::Changed(new) => Proposal::Write {
                        new,
                        why: format!(
                            "your flake: adds the atproto-nix input and modules to nixosConfigurations.{hostname}"
                        ),
                    },
                    hostedit::Edit::Refused(r) => Proposal::Refuse(Refusal {
                        path: FLAKE_NIX.into(),
                        kind: RefusalKind::CannotEdit,
                        why: r.why,
                        by_hand: r.by_hand,
                        change: None,
                        hand_edits: None,
                    }),
                }
            }
            current => managed(
                FLAKE_NIX,
                current,
                checksum::stamp(&render_flake_nix(tree, catalog)),
                force,
                &|a: &Answers| generated_flake_nix(a, catalog),
                answers,
                dir,
            ),
        };
        proposed.push((FLAKE_NIX.into(), flake));
    } else if dir.flake_nix.is_some() {
        plan.notes.push(
            "host.mode is \"classic\": flake.nix is left alone. If this host is built from it, \
             set host.mode = \"flake\" in atproto.toml, or make sure it imports ./configuration.nix."
                .into(),
        );
    }

    for (path, proposal) in proposed {
        match proposal {
            Proposal::Write { new, why } => {
                let old = dir.file(&path).map(String::from);
                if old.as_deref() == Some(new.as_str()) {
                    plan.unchanged.push(path);
                } else {
                    plan.changes.push(FileChange {
                        path,
                        old,
                        new,
                        why,
                    });
                }
            }
            Proposal::Keep => plan.unchanged.push(path),
            Proposal::Skip => {}
            Proposal::Refuse(r) => plan.refusals.push(r),
        }
    }
    plan.changes.sort_by_key(|c| {
        WRITE_ORDER
            .iter()
            .position(|n| *n == c.path)
            .unwrap_or(WRITE_ORDER.len())
    });

    let creates_configuration = plan
        .changes
        .iter()
        .any(|c| c.path == CONFIGURATION_NIX && c.old.is_none());
    if creates_configuration && !dir.has_hardware_configuration {
        plan.notes.push(
            "there is no hardware-configuration.nix here: on the host, run \
             `nixos-generate-config --show-hardware-config > hardware-configuration.nix` in this \
             directory and add ./hardware-configuration.nix to the imports of configuration.nix \
             (it describes the disks and boot loader; NixOS does not build without them)."
                .into(),
        );
    }
    if foreign_flake.is_some() && dir.configuration_nix.is_none() {
        plan.notes.push(
            "flake.nix is your own and there is no configuration.nix here: ./atproto.nix is \
             added to the flake's modules instead."
                .into(),
        );
    }

    if let Some(git) = &dir.git
        && flake_mode
    {
        let mut present: BTreeSet<&str> = BTreeSet::new();
        for name in WRITE_ORDER {
            if dir.file(name).is_some() || plan.changes.iter().any(|c| c.path == name) {
                present.insert(name);
            }
        }
        if dir.has_hardware_configuration {
            present.insert(HARDWARE_CONFIGURATION_NIX);
        }
        plan.git_add = [
            FLAKE_NIX,
            CONFIGURATION_NIX,
            HARDWARE_CONFIGURATION_NIX,
            ATPROTO_NIX,
            ATPROTO_TOML,
        ]
        .into_iter()
        .filter(|n| present.contains(n) && !git.tracked.contains(*n))
        .map(String::from)
        .collect();
    }
    plan
}

/// Whether the directory is what an apply of these answers leaves when it stops just
/// before atproto.toml: atproto.nix is what the answers give, atproto.toml is not these
/// answers, and atproto.nix is not what atproto.toml gives either.
fn interrupted_before_answers(
    dir: &DirState,
    atproto_nix: &str,
    answers_text: &str,
    catalog: &Catalog,
) -> bool {
    let (Some(nix_now), Some(toml_now)) = (dir.atproto_nix.as_deref(), dir.atproto_toml.as_deref())
    else {
        return false;
    };
    nix_now == atproto_nix
        && toml_now != answers_text
        && Answers::parse(ATPROTO_TOML, toml_now)
            .is_ok_and(|old| generated_atproto_nix(&old, catalog) != nix_now)
}

/// The inputs the host's flake needs besides nixpkgs: this project, and the secrets
/// backend's flake when one is chosen.
fn flake_inputs(view: &PlanView) -> Vec<(String, String)> {
    let url = view
        .get("host.flake_url")
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    let mut inputs = vec![("atproto-nix".to_string(), url)];
    match secrets_backend(view).as_deref() {
        Some("sops") => inputs.push(("sops-nix".into(), "github:Mic92/sops-nix".into())),
        Some("agenix") => inputs.push(("agenix".into(), "github:ryantm/agenix".into())),
        _ => {}
    }
    inputs
}

/// The modules the host's `nixosSystem` call needs (`./atproto.nix` when asked: the
/// module system imports a path once even when it is listed twice, so an extra one
/// would be harmless, but it is not written where it is not needed).
fn flake_modules(view: &PlanView, atproto_nix: bool) -> Vec<&'static str> {
    let mut modules = vec!["atproto-nix.nixosModules.default"];
    match secrets_backend(view).as_deref() {
        Some("sops") => modules.push("sops-nix.nixosModules.sops"),
        Some("agenix") => modules.push("agenix.nixosModules.default"),
        _ => {}
    }
    if atproto_nix {
        modules.push("./atproto.nix");
    }
    modules
}

fn secrets_backend(view: &PlanView) -> Option<String> {
    view.get("integrations.secrets.backend")
        .and_then(|v| v.as_str().map(String::from))
}

/// What `apply` means to do with one file.
enum Proposal {
    Write {
        new: String,
        why: String,
    },
    /// Leave it: already as it should be.
    Keep,
    /// Not ours to write in this setup: absent and used by nothing, or present but not
    /// used by the host being written.
    Skip,
    Refuse(Refusal),
}

/// A managed file (atproto.nix, our own flake.nix): written when absent or intact;
/// refused when edited by hand or unstamped, unless `force`.
fn managed(
    name: &str,
    current: Option<&str>,
    new: String,
    force: bool,
    regenerate: &dyn Fn(&Answers) -> String,
    answers: &Answers,
    dir: &DirState,
) -> Proposal {
    let Some(current) = current else {
        return Proposal::Write {
            new,
            why: "generated from atproto.toml".into(),
        };
    };
    let stamp = checksum::verify(current);
    if stamp == Stamp::Intact {
        return Proposal::Write {
            new,
            why: "regenerated from atproto.toml".into(),
        };
    }
    if current == new {
        return Proposal::Keep;
    }
    let (why, hand_edits) = match &stamp {
        Stamp::Edited { recorded } => (
            format!(
                "{name} was edited by hand since atproto-wizard generated it (its checksum line no longer matches)"
            ),
            original(recorded, answers, dir, regenerate)
                .map(|o| diff::unified(name, Some(&o), current)),
        ),
        _ => (
            format!(
                "{name} has no atproto-wizard checksum line: it was written by hand or by something else"
            ),
            None,
        ),
    };
    if force {
        return Proposal::Write {
            new,
            why: format!("replaces a file edited by hand (--force; {name} is backed up first)"),
        };
    }
    Proposal::Refuse(Refusal {
        path: name.into(),
        kind: RefusalKind::HandEdited,
        why,
        by_hand: format!(
            "{name} is rewritten by every apply. Move what you want to keep into \
             configuration.nix or a module of your own (or into atproto.toml), then run apply \
             again with --force: {name} is backed up before it is replaced."
        ),
        change: Some(FileChange {
            path: name.into(),
            old: Some(current.to_string()),
            new,
            why: "what --force would write".into(),
        }),
        hand_edits,
    })
}

/// The text the wizard wrote last time, when it can render it again: from the
/// directory's atproto.toml (the answers that text was generated from), else from the
/// new answers; recognised by the recorded checksum.
fn original(
    recorded: &str,
    answers: &Answers,
    dir: &DirState,
    regenerate: &dyn Fn(&Answers) -> String,
) -> Option<String> {
    let on_disk = dir
        .atproto_toml
        .as_deref()
        .and_then(|t| Answers::parse(ATPROTO_TOML, t).ok());
    on_disk
        .iter()
        .chain(std::iter::once(answers))
        .map(regenerate)
        .find_map(|text| match checksum::split(&text) {
            Some((sum, _)) if sum == recorded => Some(text),
            _ => None,
        })
}

#[cfg(test)]
mod tests;
