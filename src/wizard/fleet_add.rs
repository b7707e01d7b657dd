//! A new host for a fleet, pure: its answers from a profile, named as the fleet names
//! it and built from the same nixpkgs, flake and system as the fleet's first host (the
//! fleet is one flake), and the fleet file with its `[[hosts]]` entry added, comments
//! and layout kept.
use toml_edit::{DocumentMut, Item, Table, value};

use super::profiles::Profile;
use crate::catalog::Catalog;
use crate::fleet::FleetFile;
use crate::fleet::apply::host_dir;
use crate::fleet::refs::HostTree;
use crate::plan::PlanView;

/// What adding a host writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// Its answers file, relative to the fleet file: `hosts/<name>/atproto.toml`.
    pub answers_path: String,
    pub answers: String,
    /// The fleet file with the host in it.
    pub fleet_text: String,
}

/// Adds host `name`, reached at `target`, running `profile`. `hosts` are the fleet's
/// hosts as read, in order. `Err` says what is wrong with the name or the target.
pub fn add_host(
    catalog: &'static Catalog,
    fleet: &FleetFile,
    fleet_text: &str,
    hosts: &[HostTree],
    name: &str,
    target: &str,
    profile: &Profile,
) -> Result<Added, String> {
    if fleet.host(name).is_some() {
        return Err(format!(
            "the fleet already has a host {name:?}: give the new one another name"
        ));
    }
    if target.trim().is_empty() || target.starts_with('-') || target.contains(char::is_whitespace) {
        return Err(format!(
            "{target:?} is not an SSH target: write user@address, like root@203.0.113.13"
        ));
    }
    let mut draft = profile.draft(catalog);
    draft.set("host.hostname", &crate::value::Value::Str(name.into()));
    if let Some(d) = draft
        .diagnostics_at("host.hostname")
        .into_iter()
        .find(|d| d.is_error())
    {
        return Err(format!("{name:?}: {}", d.message));
    }
    // One flake for the fleet: the same inputs and system as its first host.
    if let Some((_, first)) = hosts.first() {
        let view = PlanView::new(catalog, first);
        for key in ["host.nixpkgs", "host.flake_url", "host.system"] {
            if let Some(v) = view.get(key) {
                draft.set(key, &v);
            }
        }
    }
    let answers = draft.text().to_string();
    let answers_path = format!("{}/atproto.toml", host_dir(name));
    let mut doc: DocumentMut = fleet_text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("fleet.toml: {}", e.message().trim_end()))?;
    let mut entry = Table::new();
    entry["name"] = value(name);
    entry["answers"] = value(answers_path.clone());
    entry["target"] = value(target);
    match doc.get_mut("hosts") {
        Some(Item::ArrayOfTables(list)) => list.push(entry),
        Some(_) => return Err("fleet.toml: hosts is not a list of [[hosts]] tables".into()),
        None => {
            let mut list = toml_edit::ArrayOfTables::new();
            list.push(entry);
            doc["hosts"] = Item::ArrayOfTables(list);
        }
    }
    Ok(Added {
        answers_path,
        answers,
        fleet_text: doc.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Answers;
    use crate::wizard::profiles;

    fn example() -> (FleetFile, String, Vec<HostTree>) {
        crate::fleet::example_trees()
    }

    #[test]
    fn a_new_host_joins_the_fleet_named_and_built_as_the_others() {
        let c = Catalog::embedded();
        let (fleet, text, hosts) = example();
        let p = profiles::find("relay-node").unwrap();
        let added = add_host(c, &fleet, &text, &hosts, "relay2", "root@203.0.113.13", p).unwrap();
        assert_eq!(added.answers_path, "hosts/relay2/atproto.toml");
        // The fleet file keeps its comments and gains the host last.
        assert!(added.fleet_text.starts_with(&text), "{}", added.fleet_text);
        let fleet2 = FleetFile::parse("fleet.toml", &added.fleet_text).unwrap();
        let h = fleet2.host("relay2").unwrap();
        assert_eq!(h.target, "root@203.0.113.13");
        assert_eq!(h.answers, "hosts/relay2/atproto.toml");
        // Its answers name it as the fleet does, with the fleet's inputs.
        let a = Answers::parse("t", &added.answers).unwrap();
        let view = PlanView::new(c, &a.tree);
        assert_eq!(view.flake_name(), "relay2");
        let first = PlanView::new(c, &hosts[0].1);
        for key in ["host.nixpkgs", "host.flake_url", "host.system"] {
            assert_eq!(view.get(key), first.get(key), "{key}");
        }
        // Checked with the fleet, the new host brings no fleet-wide error but the
        // domain its profile shares with relay1 (the operator's to change).
        let mut all = hosts.clone();
        all.push(("relay2".into(), a.tree.clone()));
        let report = crate::fleet::check(c, &fleet2, &all);
        assert!(report.fleet.is_empty(), "{:?}", report.fleet);
        assert!(
            report
                .hosts
                .iter()
                .filter(|d| d.host == "relay2" && d.diagnostic.is_error())
                .all(|d| d.diagnostic.code == "fleet-domain-clash"),
            "{:?}",
            report.hosts
        );
    }

    #[test]
    fn a_name_the_fleet_has_or_a_bad_target_is_refused() {
        let c = Catalog::embedded();
        let (fleet, text, hosts) = example();
        let p = profiles::find("relay-node").unwrap();
        let e = add_host(c, &fleet, &text, &hosts, "relay1", "root@x", p).unwrap_err();
        assert!(e.contains("already has a host \"relay1\""), "{e}");
        let e = add_host(c, &fleet, &text, &hosts, "relay2", "-oProxyCommand=x", p).unwrap_err();
        assert!(e.contains("is not an SSH target"), "{e}");
        let e = add_host(c, &fleet, &text, &hosts, "no spaces", "root@x", p).unwrap_err();
        assert!(e.starts_with("\"no spaces\": "), "{e}");
    }
}
