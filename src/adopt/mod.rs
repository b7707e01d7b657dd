//! `adopt`: a hand-written NixOS host becomes one the wizard manages, running the same.
//!
//! Pure: the edge (`crate::disk::adopt`) reads the host's files ([`HostSources`]);
//! [`plan_adoption`] reads what the catalog knows in them (`recognise`), writes it as
//! answers (each value with a comment naming the file and line it came from), takes the
//! adopted bindings out of the operator's files through their syntax tree
//! (`hostedit::remove_entries`, every other byte kept), and plans the rest exactly as
//! `apply` does: atproto.nix generated, `./atproto.nix` imported, the flake wired.
//! Writing goes through the one write path (`disk::host::write_changes`), with the
//! same diff, confirmation, backups and atomic replacement as `apply`.
pub mod evaluate;
pub mod recognise;

use std::collections::BTreeMap;

use toml_edit::DocumentMut;

pub use self::recognise::{Context, Found, HostLeaf, Kept, Origin, Recognised};
use crate::apply::{
    ATPROTO_TOML, ApplyPlan, CONFIGURATION_NIX, DirState, FLAKE_NIX, FileChange, Refusal,
    RefusalKind, WRITE_ORDER, plan_apply,
};
use crate::catalog::Catalog;
use crate::hostedit::{self, Edit, Lit};
use crate::plan::{Answers, edit};
use crate::validate::{Diagnostic, validate};

/// A host directory's files, as the edge read them.
#[derive(Debug, Clone, Default)]
pub struct HostSources {
    /// The host files `apply` knows (configuration.nix, flake.nix, …).
    pub dir_state: DirState,
    /// Every module file of the host that was read, relative to the host directory
    /// (`configuration.nix`, `pds.nix`, `services/web.nix`), with its text, in the order
    /// found.
    pub modules: Vec<(String, String)>,
    /// Files the host imports that were not read, and why (outside the directory, a
    /// link, not found), for the report.
    pub unread: Vec<(String, String)>,
    /// Module files another host of the same flake uses too, with those hosts: their
    /// bindings stay (atproto.nix then sets the same values beside them).
    pub shared: BTreeMap<String, Vec<String>>,
}

/// What adopting would do.
#[derive(Debug, Clone, Default)]
pub struct Adoption {
    pub recognised: Recognised,
    /// The new atproto.toml, when nothing stopped adoption.
    pub answers: Option<Answers>,
    /// The answers' diagnostics (errors stop adoption; warnings are shown).
    pub diagnostics: Vec<Diagnostic>,
    /// The writes: atproto.nix, the operator's files without the adopted bindings
    /// (configuration.nix also importing ./atproto.nix), flake.nix wired, atproto.toml
    /// last. Refusals as `apply` has them.
    pub plan: ApplyPlan,
}

impl Adoption {
    /// Whether adoption can go on to write (no problem, no error, no refusal).
    pub fn can_write(&self) -> bool {
        self.recognised.problems.is_empty()
            && self.answers.is_some()
            && !self.diagnostics.iter().any(Diagnostic::is_error)
            && self.plan.refusals.is_empty()
    }
}

/// Plans adopting the host in `sources`.
pub fn plan_adoption(catalog: &Catalog, sources: &HostSources, ctx: &Context) -> Adoption {
    let mut adoption = Adoption::default();
    if sources.dir_state.atproto_toml.is_some() {
        adoption.recognised.problems.push(
            "This directory already has an atproto.toml: the wizard manages it already. Change it with `atproto-wizard edit`."
                .into(),
        );
        return adoption;
    }
    let mut unreadable = Vec::new();
    let leaves = read_leaves(catalog, &sources.modules, &mut unreadable);
    adoption.recognised = recognise::recognise(catalog, &leaves, ctx);
    // A module that cannot be read comes first: what it sets is unknown, so nothing
    // else found can be trusted to be all there is.
    unreadable.append(&mut adoption.recognised.problems);
    adoption.recognised.problems = unreadable;
    for (file, why) in &sources.unread {
        adoption.recognised.notes.push(format!(
            "{file} was not read ({why}); whatever it sets stays as it is."
        ));
    }
    if !adoption.recognised.problems.is_empty() {
        return adoption;
    }

    let text = answers_text(&adoption.recognised.found);
    let answers = match Answers::parse(ATPROTO_TOML, &text) {
        Ok(a) => a,
        Err(e) => {
            adoption.recognised.problems.push(format!(
                "the answers the wizard wrote do not load ({e}); this is a bug"
            ));
            return adoption;
        }
    };
    adoption.diagnostics = validate(catalog, &answers.tree);
    let resolved = crate::apply::resolve_answers(&answers, catalog);
    adoption.answers = Some(resolved.clone());
    if adoption.diagnostics.iter().any(Diagnostic::is_error) {
        return adoption;
    }

    // The operator's files without the adopted bindings.
    let mut by_file: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (file, range) in &adoption.recognised.adopted {
        by_file.entry(file.as_str()).or_default().push(*range);
    }
    // A file another host uses keeps its bindings: taking them out would change that
    // host. atproto.nix sets the same values beside them, which NixOS merges.
    for (file, hosts) in &sources.shared {
        if by_file.remove(file.as_str()).is_some() {
            adoption.recognised.notes.push(format!(
                "{file} is also used by nixosConfigurations.{}: its bindings stay as they are (atproto.nix sets the same values beside them). Change those values in atproto.toml and in {file} together, or move them out of {file} by hand.",
                hosts.join(", nixosConfigurations.")
            ));
        }
    }
    let mut removed: BTreeMap<String, String> = BTreeMap::new();
    let mut refusals = Vec::new();
    for (file, ranges) in by_file {
        let Some((_, text)) = sources.modules.iter().find(|(f, _)| f == file) else {
            continue;
        };
        match hostedit::remove_entries(text, &ranges) {
            Edit::Changed(new) => {
                removed.insert(file.to_string(), new);
            }
            Edit::AlreadyDone => {}
            Edit::Refused(r) => refusals.push(Refusal {
                path: file.to_string(),
                kind: RefusalKind::CannotEdit,
                why: r.why,
                by_hand: r.by_hand,
                change: None,
                hand_edits: None,
            }),
        }
    }

    // apply's plan over the directory as it will be once the bindings are out.
    let mut after = sources.dir_state.clone();
    for (file, text) in &removed {
        match file.as_str() {
            CONFIGURATION_NIX => after.configuration_nix = Some(text.clone()),
            FLAKE_NIX => after.flake_nix = Some(text.clone()),
            _ => {}
        }
    }
    let mut plan = plan_apply(&resolved, catalog, &after, false);
    plan.refusals.extend(refusals);
    for change in &mut plan.changes {
        if removed.contains_key(&change.path) {
            change.old = sources.dir_state.file(&change.path).map(String::from);
            change.why = format!(
                "{}; the bindings atproto.nix now makes are taken out",
                change.why.trim_end_matches("; nothing else changes")
            );
        }
    }
    // Files apply's plan does not write that lost bindings: written before atproto.toml.
    let mut extra: Vec<FileChange> = Vec::new();
    for (file, new) in &removed {
        if plan.changes.iter().any(|c| &c.path == file) {
            continue;
        }
        let old = sources
            .modules
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, t)| t.clone());
        plan.unchanged.retain(|u| u != file);
        extra.push(FileChange {
            path: file.clone(),
            old,
            new: new.clone(),
            why: "the bindings atproto.nix now makes are taken out; nothing else changes".into(),
        });
    }
    let toml_at = plan
        .changes
        .iter()
        .position(|c| c.path == ATPROTO_TOML)
        .unwrap_or(plan.changes.len());
    plan.changes.splice(toml_at..toml_at, extra);
    debug_assert!(
        plan.changes
            .iter()
            .all(|c| WRITE_ORDER.contains(&c.path.as_str()) || removed.contains_key(&c.path))
    );
    adoption.plan = plan;
    adoption
}

/// The leaves of every module, reading `config.<option>` references against the values
/// the host's files set (and nixpkgs' own port default where a file leaves it unset).
fn read_leaves(
    catalog: &Catalog,
    modules: &[(String, String)],
    problems: &mut Vec<String>,
) -> Vec<HostLeaf> {
    let mut known: BTreeMap<String, Lit> = BTreeMap::new();
    for service in catalog.services.values().filter(|s| s.nixpkgs_module) {
        for port in &service.ports {
            if let Some(env) = &port.env {
                known.insert(
                    format!("services.{}.settings.{env}", service.id),
                    Lit::Int(i64::from(port.default)),
                );
            }
        }
    }
    // Two passes: the first learns the literal values, the second reads the bindings
    // that refer to them.
    for (_, text) in modules {
        if let Ok(leaves) = hostedit::module_leaves(text, &|_| None) {
            for l in leaves {
                if let Some(v) = l.value {
                    known.insert(l.path.join("."), v);
                }
            }
        }
    }
    let resolve = |p: &[String]| known.get(&p.join(".")).cloned();
    let mut out = Vec::new();
    for (file, text) in modules {
        match hostedit::module_leaves(text, &resolve) {
            Ok(leaves) => out.extend(leaves.into_iter().map(|leaf| HostLeaf {
                file: file.clone(),
                leaf,
            })),
            Err(e) => problems.push(format!(
                "{file} cannot be read as bindings: {}. Adopt needs every module of the host to be an attribute set it can read; change it, or move what it sets into one that is.",
                e.0
            )),
        }
    }
    out
}

/// The answers as a person would write them: `[host]`, the services, the
/// integrations; each value read from a file says where with a comment.
fn answers_text(found: &[Found]) -> String {
    let mut doc: DocumentMut = "# Adopted by atproto-wizard from the host's own files: each value says where it\n\
                                # came from. Change the host with `atproto-wizard edit`, then `apply`.\n\
                                schema = 1\n"
        .parse()
        .expect("a valid document");
    let order = |key: &str| {
        if key.starts_with("host.") {
            0
        } else if key.starts_with("services.") {
            1
        } else {
            2
        }
    };
    let mut sorted: Vec<&Found> = found.iter().collect();
    sorted.sort_by_key(|f| order(&f.key));
    for f in sorted {
        edit::set(&mut doc, &f.key, &f.value);
        let comment = match (&f.from, &f.note) {
            (Some(origin), _) => Some(format!("from {origin}")),
            (None, Some(note)) => Some(note.clone()),
            (None, None) => None,
        };
        if let Some(comment) = comment {
            set_comment(&mut doc, &f.key, &comment);
        }
    }
    doc.to_string()
}

/// Puts `# comment` after the value at `key` (for a port, after its inline table).
fn set_comment(doc: &mut DocumentMut, key: &str, comment: &str) {
    let parts: Vec<&str> = key.split('.').collect();
    let mut item = doc.as_item_mut();
    for (i, part) in parts.iter().enumerate() {
        let Some(next) = item.get_mut(part) else {
            return;
        };
        item = next;
        if let Some(v) = item.as_value_mut()
            && (i + 1 == parts.len() || v.is_inline_table())
        {
            // Only the first value read from a file keeps its place in an inline table.
            if v.decor().suffix().is_none() {
                v.decor_mut().set_suffix(format!(" # {comment}"));
            }
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PlanView;
    use crate::value::Value;

    #[test]
    fn every_found_value_lands_in_the_answers_with_its_origin() {
        let found = vec![
            Found {
                key: "host.hostname".into(),
                value: Value::Str("pds1".into()),
                from: Some(Origin {
                    file: "configuration.nix".into(),
                    line: 7,
                }),
                note: None,
            },
            Found {
                key: "services.bluesky-pds.ports.http".into(),
                value: Value::Int(3001),
                from: Some(Origin {
                    file: "pds.nix".into(),
                    line: 4,
                }),
                note: None,
            },
            Found {
                key: "integrations.proxy.kind".into(),
                value: Value::Str("none".into()),
                from: None,
                note: None,
            },
        ];
        let text = answers_text(&found);
        assert!(
            text.contains("hostname = \"pds1\" # from configuration.nix:7"),
            "{text}"
        );
        assert!(
            text.contains("ports = { http = 3001 } # from pds.nix:4"),
            "{text}"
        );
        assert!(
            text.contains("[integrations.proxy]\nkind = \"none\"\n"),
            "{text}"
        );
        let parsed = Answers::parse("a.toml", &text).unwrap();
        let view = PlanView::new(Catalog::embedded(), &parsed.tree);
        assert_eq!(
            view.raw("services.bluesky-pds.ports.http"),
            Some(&Value::Int(3001))
        );
    }
}
