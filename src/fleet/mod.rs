//! A fleet: several hosts planned together. `fleet.toml` ([`file`]) names the hosts,
//! their answers files and how the deployment engine reaches them; a setting that
//! points at another service may name it `"@<host>/<service>"` ([`refs`]), resolved to
//! that service's public URL. [`check`] is the pure core of `fleet check`: every
//! reference resolved, each host validated as `check` validates it (with its references
//! resolved), and the fleet-wide rules (unique host names and public domains, each
//! host's answers naming it as the fleet does).
pub mod apply;
pub mod file;
pub mod refs;
pub mod seat;

use std::collections::BTreeMap;

use crate::catalog::Catalog;
use crate::plan::PlanView;
use crate::validate::{Diagnostic, validate};

pub use file::{Build, Engine, FleetFile, FleetHost};
pub use refs::{HostDiagnostic, HostTree, Reference};

/// The example fleet in `profiles/fleet/`, for tests: the fleet, its file's text, and
/// each host's answers in the fleet's order.
#[cfg(test)]
pub(crate) fn example() -> (FleetFile, String, Vec<(String, crate::plan::Answers)>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/fleet");
    let text = std::fs::read_to_string(dir.join("fleet.toml")).unwrap();
    let fleet = FleetFile::parse("fleet.toml", &text).unwrap();
    let hosts = fleet
        .hosts
        .iter()
        .map(|h| {
            let answers = crate::plan::Answers::read(&dir.join(&h.answers)).unwrap();
            (h.name.clone(), answers)
        })
        .collect();
    (fleet, text, hosts)
}

/// [`example`] with each host's answers as a tree.
#[cfg(test)]
pub(crate) fn example_trees() -> (FleetFile, String, Vec<HostTree>) {
    let (fleet, text, hosts) = example();
    let trees = hosts.into_iter().map(|(n, a)| (n, a.tree)).collect();
    (fleet, text, trees)
}

/// What `fleet check` finds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FleetReport {
    /// Problems of the fleet file itself (one sentence each, with what to do).
    pub fleet: Vec<String>,
    /// Problems of a host's answers, by the fleet's name for the host.
    pub hosts: Vec<HostDiagnostic>,
    /// Each host's answers with its references resolved, in the fleet's order.
    pub resolved: Vec<HostTree>,
}

impl FleetReport {
    pub fn has_errors(&self) -> bool {
        !self.fleet.is_empty() || self.hosts.iter().any(|h| h.diagnostic.is_error())
    }
}

/// Checks a fleet: `hosts` are the fleet's hosts with their answers trees, in the
/// fleet file's order.
pub fn check(catalog: &Catalog, fleet: &FleetFile, hosts: &[HostTree]) -> FleetReport {
    let mut report = FleetReport::default();
    let mut seen = Vec::new();
    for h in &fleet.hosts {
        if seen.contains(&h.name.as_str()) {
            report.fleet.push(format!(
                "host {:?} is listed twice in the fleet: give each host its own name.",
                h.name
            ));
        }
        seen.push(h.name.as_str());
    }
    let (resolved, problems) = refs::resolve(catalog, hosts);
    report.hosts.extend(problems);
    report.hosts.extend(single_points(catalog, hosts));
    let mut domains: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (name, tree) in &resolved {
        let view = PlanView::new(catalog, tree);
        // The fleet's name for a host is its nixosConfigurations entry.
        let entry = view.flake_name();
        if entry != *name {
            report.hosts.push(HostDiagnostic {
                host: name.clone(),
                diagnostic: Diagnostic::error(
                    "host.hostname",
                    "fleet-host-name",
                    format!(
                        "The fleet calls this host {name:?}, but its answers name it {entry:?}: make them the same (host.hostname, or host.flake_name when the machine is named otherwise)."
                    ),
                ),
            });
        }
        // A reference left unresolved is reported above, with why; the validator
        // alone would only say it is one.
        for d in validate(catalog, tree)
            .into_iter()
            .filter(|d| d.code != "fleet-reference")
        {
            report.hosts.push(HostDiagnostic {
                host: name.clone(),
                diagnostic: d,
            });
        }
        for service in view.enabled_services() {
            let Some(domain) = refs::public_domain(&view, service) else {
                continue;
            };
            match domains.get(&domain) {
                Some((other_host, other_service)) if other_host != name => {
                    report.hosts.push(HostDiagnostic {
                        host: name.clone(),
                        diagnostic: Diagnostic::error(
                            format!("services.{}.domain", service.id),
                            "fleet-domain-clash",
                            format!(
                                "{domain} is served by {} on {name} and by {other_service} on {other_host}: each public name points at one machine; give one of them another domain.",
                                service.id
                            ),
                        ),
                    });
                }
                Some(_) => {}
                None => {
                    domains.insert(domain, (name.clone(), service.id.clone()));
                }
            }
        }
    }
    // One flake for the fleet: one nixpkgs and one atproto-nix for every host, and one
    // system where colmena builds them all from meta.nixpkgs.
    if let Some((first_name, first_tree)) = resolved.first() {
        let first = PlanView::new(catalog, first_tree);
        let mut keys = vec!["nixpkgs", "flake_url"];
        if fleet.engine == Engine::Colmena {
            keys.push("system");
        }
        for (name, tree) in resolved.iter().skip(1) {
            let view = PlanView::new(catalog, tree);
            for key in &keys {
                let path = format!("host.{key}");
                let (theirs, ours) = (first.get(&path), view.get(&path));
                if theirs != ours {
                    let text = |v: Option<crate::value::Value>| {
                        v.map_or("unset".to_string(), |v| v.to_json())
                    };
                    report.hosts.push(HostDiagnostic {
                        host: name.clone(),
                        diagnostic: Diagnostic::error(
                            path.clone(),
                            "fleet-inputs",
                            format!(
                                "{path} is {} here but {} on {first_name}: the fleet is one flake, so every host uses the same {key}; make them the same.",
                                text(ours),
                                text(theirs)
                            ),
                        ),
                    });
                }
            }
        }
    }
    report.resolved = resolved;
    report
}

/// A list of services (a PDS's crawlers) that names only one host of the fleet: when
/// that machine is down, none is left, which the operator may not expect.
fn single_points(catalog: &Catalog, hosts: &[HostTree]) -> Vec<HostDiagnostic> {
    let mut out = Vec::new();
    for (name, tree) in hosts {
        let view = PlanView::new(catalog, tree);
        for service in view.enabled_services() {
            for field in service.settings.iter().filter(|f| f.refers_to.is_some()) {
                let path = format!("services.{}.settings.{}", service.id, field.key);
                let Some(crate::value::Value::List(items)) = view.raw(&path) else {
                    continue;
                };
                let targets: Vec<Option<String>> = items
                    .iter()
                    .map(|i| {
                        let r = Reference::parse(i.as_str()?)?.ok()?;
                        Some(r.host)
                    })
                    .collect();
                // A host the fleet lacks is an error said elsewhere.
                let Some(Some(only)) = targets.first().filter(|t| {
                    t.as_ref()
                        .is_some_and(|h| hosts.iter().any(|(n, _)| n == h))
                }) else {
                    continue;
                };
                if targets.iter().all(|t| t.as_ref() == Some(only)) {
                    let default = view.default_of(field).map_or(String::new(), |d| {
                        format!(" (the default is {})", d.to_json())
                    });
                    out.push(HostDiagnostic {
                        host: name.clone(),
                        diagnostic: Diagnostic::warning(
                            path,
                            "fleet-single-point",
                            format!(
                                "{} names only {only}: while {only} is down, {} has none; add another as well{default}.",
                                field.key, service.title
                            ),
                        ),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Answers;
    use crate::value::Value;

    fn profile(name: &str, edit: impl Fn(String) -> String) -> BTreeMap<String, Value> {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("profiles/{name}.toml"));
        let text = edit(std::fs::read_to_string(path).unwrap());
        Answers::parse(name, &text).unwrap().tree
    }

    fn fleet() -> FleetFile {
        FleetFile::parse(
            "fleet.toml",
            "schema = 1\nname = \"example\"\nengine = \"colmena\"\n\
             [[hosts]]\nname = \"pds1\"\nanswers = \"hosts/pds1/atproto.toml\"\ntarget = \"root@203.0.113.10\"\n\
             [[hosts]]\nname = \"relay1\"\nanswers = \"hosts/relay1/atproto.toml\"\ntarget = \"root@203.0.113.11\"\n\
             [[hosts]]\nname = \"microcosm1\"\nanswers = \"hosts/microcosm1/atproto.toml\"\ntarget = \"root@203.0.113.12\"\n",
        )
        .unwrap()
    }

    fn three_hosts(pds_crawlers: &str, jetstream: &str) -> Vec<HostTree> {
        vec![
            (
                "pds1".into(),
                profile("community-pds", |t| {
                    t.replace(
                        "crawlers = [\"https://bsky.network\"]",
                        &format!("crawlers = {pds_crawlers}"),
                    )
                }),
            ),
            ("relay1".into(), profile("relay-node", |t| t)),
            (
                "microcosm1".into(),
                profile("microcosm-indexers", |t| {
                    t.replacen(
                        "jetstream = \"us-east-1\"",
                        &format!("jetstream = {jetstream}"),
                        1,
                    )
                }),
            ),
        ]
    }

    fn at<'a>(report: &'a FleetReport, host: &str, path: &str) -> Option<&'a Value> {
        let (_, tree) = report.resolved.iter().find(|(n, _)| n == host)?;
        let view = PlanView::new(Catalog::embedded(), tree);
        view.raw(path)
    }

    #[test]
    fn references_resolve_to_the_url_each_setting_needs() {
        let hosts = three_hosts(
            "[\"@relay1/indigo-relay\", \"https://bsky.network\"]",
            "\"@relay1/jetstream\"",
        );
        let report = check(Catalog::embedded(), &fleet(), &hosts);
        assert!(!report.has_errors(), "{report:#?}");
        // Bluesky's relay beside the fleet's: no single point.
        assert!(
            !report
                .hosts
                .iter()
                .any(|h| h.diagnostic.code == "fleet-single-point")
        );
        let only = check(
            Catalog::embedded(),
            &fleet(),
            &three_hosts("[\"@relay1/indigo-relay\"]", "\"@relay1/jetstream\""),
        );
        let warned = only
            .hosts
            .iter()
            .find(|h| h.diagnostic.code == "fleet-single-point")
            .unwrap_or_else(|| panic!("{only:#?}"));
        assert_eq!(warned.host, "pds1");
        assert!(
            warned.diagnostic.message.contains(
                "crawlers names only relay1: while relay1 is down, Bluesky PDS has none; add another as well (the default is [\"https://bsky.network\"])."
            ),
            "{}",
            warned.diagnostic.message
        );
        assert_eq!(
            at(&report, "pds1", "services.bluesky-pds.settings.crawlers"),
            Some(&Value::List(vec![
                Value::Str("https://relay.example.com".into()),
                Value::Str("https://bsky.network".into()),
            ]))
        );
        assert_eq!(
            at(
                &report,
                "microcosm1",
                "services.constellation.settings.jetstream"
            ),
            Some(&Value::Str(
                "wss://jetstream.relay.example.com/subscribe".into()
            ))
        );
    }

    #[test]
    fn a_dangling_or_wrong_kind_reference_is_an_error_at_its_setting_with_the_fix() {
        let hosts = three_hosts("[\"@relay9/indigo-relay\"]", "\"@relay1/indigo-relay\"");
        let report = check(Catalog::embedded(), &fleet(), &hosts);
        let problem = |host: &str| {
            report
                .hosts
                .iter()
                .find(|h| h.host == host && h.diagnostic.code == "fleet-reference")
                .map(|h| (h.diagnostic.path.clone(), h.diagnostic.message.clone()))
                .unwrap_or_else(|| panic!("no reference problem on {host}: {report:#?}"))
        };
        let (path, message) = problem("pds1");
        assert_eq!(path, "services.bluesky-pds.settings.crawlers");
        assert!(
            message.contains("no host \"relay9\" (its hosts: pds1, relay1, microcosm1)"),
            "{message}"
        );
        let (path, message) = problem("microcosm1");
        assert_eq!(path, "services.constellation.settings.jetstream");
        assert!(
            message.contains("is a relay, and jetstream takes a firehose"),
            "{message}"
        );
        assert!(
            message.contains("on relay1: @relay1/jetstream"),
            "{message}"
        );
        // Said once, by the fleet, not again by the host's own check.
        let at_crawlers = report
            .hosts
            .iter()
            .filter(|h| {
                h.host == "pds1" && h.diagnostic.path == "services.bluesky-pds.settings.crawlers"
            })
            .count();
        assert_eq!(at_crawlers, 1, "{report:#?}");
        let bad = Reference::parse("@relay1").unwrap().unwrap_err();
        assert!(bad.contains("write @<host>/<service>"), "{bad}");
    }

    #[test]
    fn domains_are_unique_across_the_fleet_and_names_agree() {
        let mut hosts = three_hosts("[\"@relay1/indigo-relay\"]", "\"@relay1/jetstream\"");
        // The PDS host serving the relay's name.
        hosts[0].1 = profile("community-pds", |t| {
            t.replace("pds.example.com", "relay.example.com")
        });
        hosts[2].1 = profile("microcosm-indexers", |t| {
            t.replace("hostname = \"microcosm1\"", "hostname = \"indexers\"")
        });
        let report = check(Catalog::embedded(), &fleet(), &hosts);
        let codes: Vec<(&str, &str)> = report
            .hosts
            .iter()
            .map(|h| (h.host.as_str(), h.diagnostic.code.as_str()))
            .collect();
        assert!(
            codes.contains(&("relay1", "fleet-domain-clash")),
            "{codes:?}"
        );
        assert!(
            codes.contains(&("microcosm1", "fleet-host-name")),
            "{codes:?}"
        );
    }

    #[test]
    fn every_host_of_the_fleet_uses_the_same_nixpkgs() {
        let mut hosts = three_hosts("[\"@relay1/indigo-relay\"]", "\"@relay1/jetstream\"");
        hosts[1].1 = profile("relay-node", |t| {
            t.replace("nixpkgs = \"nixos-25.11\"", "nixpkgs = \"nixos-unstable\"")
        });
        let report = check(Catalog::embedded(), &fleet(), &hosts);
        let found = report
            .hosts
            .iter()
            .find(|h| h.diagnostic.code == "fleet-inputs")
            .unwrap_or_else(|| panic!("{report:#?}"));
        assert_eq!(found.host, "relay1");
        assert_eq!(found.diagnostic.path, "host.nixpkgs");
        assert!(
            found
                .diagnostic
                .message
                .contains("\"nixos-unstable\" here but \"nixos-25.11\" on pds1"),
            "{}",
            found.diagnostic.message
        );
    }
}
