//! One host of a fleet, opened in the wizard: the host's answers are checked as
//! `fleet check` checks them (its references resolved against its peers, the
//! fleet-wide rules), and a setting that points at another service is answered by
//! choosing one of the fleet's services of the right kind. Pure: the wizard's draft
//! asks [`Seat::diagnostics`] after every change, the front ends ask
//! [`Seat::candidates`] for the list to choose from.
use std::collections::BTreeMap;

use super::refs::public_domain;
use super::{FleetFile, HostTree, check};
use crate::apply::{ATPROTO_TOML, ApplyPlan, DirState, FileChange, resolve_answers};
use crate::catalog::{Catalog, Field};
use crate::plan::{Answers, PlanView};
use crate::validate::Diagnostic;
use crate::value::Value;

/// A host's place in its fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct Seat {
    pub fleet: FleetFile,
    /// The fleet's name for the host being edited.
    pub host: String,
    /// Every host of the fleet with its answers as read, in the fleet's order (this one
    /// too: its tree is replaced by the draft's when checking).
    pub hosts: Vec<HostTree>,
}

/// A service of the fleet a setting may point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What the answers keep: `@<host>/<service>`.
    pub reference: String,
    /// What the program is given.
    pub url: String,
    /// `Jetstream on relay1`.
    pub label: String,
}

impl Seat {
    /// The fleet's hosts with this host's answers replaced by `tree`.
    fn with(&self, tree: &BTreeMap<String, Value>) -> Vec<HostTree> {
        self.hosts
            .iter()
            .map(|(name, t)| {
                let t = if *name == self.host { tree } else { t };
                (name.clone(), t.clone())
            })
            .collect()
    }

    /// This host's problems, as `fleet check` reports them, in `check`'s order.
    pub fn diagnostics(
        &self,
        catalog: &Catalog,
        tree: &BTreeMap<String, Value>,
    ) -> Vec<Diagnostic> {
        let report = check(catalog, &self.fleet, &self.with(tree));
        let mut out: Vec<Diagnostic> = report
            .hosts
            .into_iter()
            .filter(|h| h.host == self.host)
            .map(|h| h.diagnostic)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The fleet's services `field` may point at (`refers_to`): each enabled service of
    /// a kind it takes that its host serves publicly, in the fleet's order, this host's
    /// own (as `tree` has them) included.
    pub fn candidates(
        &self,
        catalog: &Catalog,
        tree: &BTreeMap<String, Value>,
        field: &Field,
    ) -> Vec<Candidate> {
        let Some(refers) = &field.refers_to else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, t) in self.with(tree) {
            let view = PlanView::new(catalog, &t);
            for service in view
                .enabled_services()
                .filter(|s| refers.kinds.contains(&s.kind))
            {
                if let Some(domain) = public_domain(&view, service) {
                    out.push(Candidate {
                        reference: format!("@{name}/{}", service.id),
                        url: refers.url.replace("{domain}", &domain),
                        label: format!("{} on {name}", service.title),
                    });
                }
            }
        }
        out
    }
}

/// What saving a fleet host's answers writes: its answers file alone, as `fleet apply`
/// will write it (defaults resolved, references kept). Its Nix files are the fleet's to
/// write, from every host's answers at once.
pub fn answers_plan(catalog: &Catalog, answers: &Answers, dir_state: &DirState) -> ApplyPlan {
    let text = resolve_answers(answers, catalog).text;
    let mut plan = ApplyPlan::default();
    if dir_state.atproto_toml.as_deref() == Some(text.as_str()) {
        plan.unchanged.push(ATPROTO_TOML.into());
    } else {
        plan.changes.push(FileChange {
            path: ATPROTO_TOML.into(),
            old: dir_state.atproto_toml.clone(),
            new: text,
            why: "this host's answers in the fleet".into(),
        });
    }
    plan.notes.push(
        "The host's Nix files are written for the whole fleet at once: `atproto-wizard fleet apply` (or a at the fleet view)."
            .into(),
    );
    plan
}

/// The setting at `path` (`services.<id>.settings.<key>`) when it points at another
/// service, for the front ends to offer the fleet's candidates.
pub fn referring_field<'c>(catalog: &'c Catalog, path: &str) -> Option<&'c Field> {
    let rest = path.strip_prefix("services.")?;
    let (id, key) = rest.split_once(".settings.")?;
    catalog
        .service(id)?
        .setting(key)
        .filter(|f| f.refers_to.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example_fleet() -> FleetFile {
        crate::fleet::example_trees().0
    }

    fn example_hosts() -> Vec<HostTree> {
        crate::fleet::example_trees().2
    }

    #[test]
    fn a_host_in_its_fleet_is_checked_with_its_references_resolved() {
        let c = Catalog::embedded();
        let hosts = example_hosts();
        let seat = Seat {
            fleet: example_fleet(),
            host: "microcosm1".into(),
            hosts: hosts.clone(),
        };
        let tree = &hosts.iter().find(|(n, _)| n == "microcosm1").unwrap().1;
        // Alone, the reference is an error the fleet resolves; in its fleet it is not.
        assert!(
            crate::validate::validate(c, tree)
                .iter()
                .any(|d| d.code == "fleet-reference")
        );
        let found = seat.diagnostics(c, tree);
        assert!(!found.iter().any(|d| d.is_error()), "{found:?}");

        // A reference to a host the fleet lacks is an error at its setting.
        let mut broken = tree.clone();
        crate::fleet::refs::set(
            &mut broken,
            "services.constellation.settings.jetstream",
            Value::Str("@nowhere/jetstream".into()),
        );
        let found = seat.diagnostics(c, &broken);
        let d = found
            .iter()
            .find(|d| d.path == "services.constellation.settings.jetstream")
            .expect("an error at the setting");
        assert_eq!(d.code, "fleet-reference");
        assert!(d.message.contains("no host \"nowhere\""), "{}", d.message);
    }

    #[test]
    fn candidates_are_the_fleets_public_services_of_the_kinds_a_setting_takes() {
        let c = Catalog::embedded();
        let hosts = example_hosts();
        let seat = Seat {
            fleet: example_fleet(),
            host: "pds1".into(),
            hosts: hosts.clone(),
        };
        let tree = &hosts.iter().find(|(n, _)| n == "pds1").unwrap().1;
        let crawlers = referring_field(c, "services.bluesky-pds.settings.crawlers").unwrap();
        let found = seat.candidates(c, tree, crawlers);
        let refs: Vec<&str> = found.iter().map(|x| x.reference.as_str()).collect();
        assert_eq!(refs, ["@relay1/indigo-relay"]);
        assert!(found[0].url.starts_with("https://"), "{:?}", found[0]);
        assert_eq!(found[0].label, "Indigo relay on relay1");

        let jetstream = referring_field(c, "services.constellation.settings.jetstream").unwrap();
        let found = seat.candidates(c, tree, jetstream);
        // Every service of a kind the setting takes, in the fleet's order (the catalog
        // counts spacedust's subscribe endpoint as one).
        let refs: Vec<&str> = found.iter().map(|x| x.reference.as_str()).collect();
        assert_eq!(refs, ["@relay1/jetstream", "@microcosm1/spacedust"]);
        assert!(
            found.iter().all(|x| x.url.starts_with("wss://")),
            "{found:?}"
        );

        // A setting that points at nothing has no candidates; a plain one is not one.
        assert!(referring_field(c, "services.bluesky-pds.settings.hostname").is_none());
        assert!(referring_field(c, "host.domain").is_none());
    }
}
