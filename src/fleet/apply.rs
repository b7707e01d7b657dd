//! What `fleet apply` writes into a fleet's directory, pure: each host's files under
//! `hosts/<host>/` as `apply` writes a host (its `atproto.nix` rendered with the
//! references resolved, its `atproto.toml` keeping them), the fleet's `flake.nix` with
//! the engine's output, and `fleet.toml` pointing at the hosts' files there. Written in
//! that order (a file only after the files it refers to, `fleet.toml` last), through
//! the one write path.
use std::collections::BTreeMap;

use toml_edit::DocumentMut;

use super::{FleetFile, HostTree};
use crate::apply::checksum::{self, Stamp};
use crate::apply::{
    ATPROTO_TOML, ApplyPlan, DirState, FLAKE_NIX, FileChange, Refusal, RefusalKind, plan_apply,
    resolve_answers,
};
use crate::catalog::Catalog;
use crate::plan::{Answers, PlanView, edit};
use crate::render::fleet_flake::render_fleet_flake;

/// The fleet file's name in the fleet's directory.
pub const FLEET_TOML: &str = "fleet.toml";

/// What the fleet's directory holds.
#[derive(Debug, Clone, Default)]
pub struct FleetDir {
    pub flake_nix: Option<String>,
    pub fleet_toml: Option<String>,
    /// Each host's directory (`hosts/<host>/`), as read.
    pub hosts: BTreeMap<String, DirState>,
}

/// A host's files live here, relative to the fleet's directory.
pub fn host_dir(name: &str) -> String {
    format!("hosts/{name}")
}

/// Plans writing the fleet. `hosts` are the fleet's hosts with their answers as given
/// (references kept), `resolved` the same with references resolved (`fleet::check`).
pub fn plan_fleet(
    catalog: &Catalog,
    fleet: &FleetFile,
    fleet_text: &str,
    hosts: &[(String, Answers)],
    resolved: &[HostTree],
    dir: &FleetDir,
) -> ApplyPlan {
    let mut plan = ApplyPlan::default();
    for (name, answers) in hosts {
        let Some((_, tree)) = resolved.iter().find(|(n, _)| n == name) else {
            continue;
        };
        let prefix = host_dir(name);
        let here = dir.hosts.get(name).cloned().unwrap_or_default();
        // The fleet's flake builds the host: no flake of its own in its directory.
        let here = DirState {
            flake_nix: None,
            ..here
        };
        let with_urls = with_references_resolved(catalog, answers, tree);
        let kept = resolve_answers(answers, catalog).text;
        // The answers in place are the fleet's (references kept): to apply's plan they
        // are the answers atproto.nix was generated from, URLs and all.
        let for_plan = if here.atproto_toml.as_deref() == Some(kept.as_str()) {
            DirState {
                atproto_toml: Some(resolve_answers(&with_urls, catalog).text),
                ..here.clone()
            }
        } else {
            here.clone()
        };
        let host_plan = plan_apply(&with_urls, catalog, &for_plan, false);
        for mut change in host_plan.changes {
            match change.path.as_str() {
                FLAKE_NIX => continue,
                // The answers keep their references; the URLs are in atproto.nix.
                ATPROTO_TOML => {
                    if here.atproto_toml.as_deref() == Some(kept.as_str()) {
                        plan.unchanged.push(format!("{prefix}/{ATPROTO_TOML}"));
                        continue;
                    }
                    change.new = kept.clone();
                }
                _ => {}
            }
            change.path = format!("{prefix}/{}", change.path);
            plan.changes.push(change);
        }
        plan.unchanged.extend(
            host_plan
                .unchanged
                .into_iter()
                .filter(|f| f != FLAKE_NIX)
                .map(|f| format!("{prefix}/{f}")),
        );
        for mut r in host_plan.refusals {
            r.path = format!("{prefix}/{}", r.path);
            plan.refusals.push(r);
        }
        plan.notes
            .extend(host_plan.notes.into_iter().map(|n| format!("{name}: {n}")));
        // Files in the host's directory its answers name (an encrypted sops file, the
        // agenix directory) are not copied: say where they go.
        let view = PlanView::new(catalog, &answers.tree);
        for key in ["sops_file", "agenix_dir"] {
            if let Some(crate::value::Value::Str(rel)) =
                view.raw(&format!("integrations.secrets.{key}"))
            {
                plan.notes.push(format!(
                    "{name}: integrations.secrets.{key} names {rel}, which stays where it is: put it in {prefix}/ ({prefix}/{}) before deploying.",
                    rel.trim_start_matches("./")
                ));
            }
        }
    }

    // The fleet's flake.
    let flake = checksum::stamp(&render_fleet_flake(fleet, resolved, catalog));
    match dir.flake_nix.as_deref() {
        Some(text) if text == flake => plan.unchanged.push(FLAKE_NIX.into()),
        Some(text) if checksum::verify(text) != Stamp::Intact => plan.refusals.push(Refusal {
            path: FLAKE_NIX.into(),
            kind: RefusalKind::HandEdited,
            why: "flake.nix here is not the fleet's as the wizard wrote it (no checksum line, or edited since)".into(),
            by_hand: "Move it away (or write the fleet into another directory): the fleet's flake.nix is generated whole.".into(),
            change: None,
            hand_edits: None,
        }),
        old => plan.changes.push(FileChange {
            path: FLAKE_NIX.into(),
            old: old.map(String::from),
            new: flake,
            why: "the fleet's flake: each host and the deployment engine's output".into(),
        }),
    }

    // fleet.toml, pointing at the hosts' answers here.
    let fleet_here = fleet_file_here(fleet_text);
    match dir.fleet_toml.as_deref() {
        Some(text) if text == fleet_here => plan.unchanged.push(FLEET_TOML.into()),
        old => plan.changes.push(FileChange {
            path: FLEET_TOML.into(),
            old: old.map(String::from),
            new: fleet_here,
            why: "the fleet, with each host's answers in hosts/<host>/".into(),
        }),
    }
    plan
}

/// The host's answers with each reference written as its URL, comments and layout kept.
fn with_references_resolved(
    catalog: &Catalog,
    answers: &Answers,
    resolved: &std::collections::BTreeMap<String, crate::value::Value>,
) -> Answers {
    let Ok(mut doc) = answers.text.parse::<DocumentMut>() else {
        return answers.clone();
    };
    let given = PlanView::new(catalog, &answers.tree);
    let urls = PlanView::new(catalog, resolved);
    for service in given.enabled_services() {
        for field in service.settings.iter().filter(|f| f.refers_to.is_some()) {
            let path = format!("services.{}.settings.{}", service.id, field.key);
            if let (Some(a), Some(b)) = (given.raw(&path), urls.raw(&path))
                && a != b
            {
                edit::set(&mut doc, &path, b);
            }
        }
    }
    Answers::parse(&answers.name, &doc.to_string()).unwrap_or_else(|_| answers.clone())
}

/// The fleet file as it is written into the fleet's directory: each host's answers at
/// `hosts/<host>/atproto.toml`, everything else as written.
fn fleet_file_here(text: &str) -> String {
    let Ok(mut doc) = text.parse::<DocumentMut>() else {
        return text.to_string();
    };
    if let Some(hosts) = doc
        .get_mut("hosts")
        .and_then(|h| h.as_array_of_tables_mut())
    {
        for host in hosts.iter_mut() {
            let Some(name) = host.get("name").and_then(|n| n.as_str()).map(String::from) else {
                continue;
            };
            let wanted = format!("{}/{ATPROTO_TOML}", host_dir(&name));
            if host.get("answers").and_then(|a| a.as_str()) != Some(wanted.as_str()) {
                host["answers"] = toml_edit::value(wanted);
            }
        }
    }
    doc.to_string()
}
