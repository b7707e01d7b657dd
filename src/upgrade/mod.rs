//! `upgrade`'s pure core: what an update of the host's flake inputs changes. The
//! inputs that move ([`lock`]), each enabled service whose package changes version,
//! and every breaking change the update crosses ([`version::crosses`]), from the
//! package's `passthru.atproto.breakingChanges` and the catalog's `[[compat]]` notes,
//! each with the migration it needs. The edge (`cli::upgrade_cmd`) asks Nix for the
//! versions before and after.
pub mod lock;
pub mod version;

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::catalog::Catalog;
use crate::plan::PlanView;

/// A breaking change as a package describes it (`passthru.atproto.breakingChanges`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BreakingChange {
    pub version: String,
    pub description: String,
    pub migration: String,
}

/// What one service's package is in one of the two trees.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PackageState {
    pub version: String,
    #[serde(default)]
    pub breaking: Vec<BreakingChange>,
}

/// A breaking change the update crosses, and where it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossed {
    pub version: String,
    pub what: String,
    pub migration: String,
    /// `package` (its passthru.atproto) or `catalog` (with the upstream source).
    pub from: String,
}

/// A service whose package changes version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceChange {
    pub id: String,
    pub title: String,
    pub old: String,
    pub new: String,
    pub crossed: Vec<Crossed>,
}

/// What the update changes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpgradePlan {
    pub inputs: Vec<lock::Moved>,
    pub services: Vec<ServiceChange>,
}

impl UpgradePlan {
    /// Every breaking change crossed, with its service.
    pub fn breaking(&self) -> impl Iterator<Item = (&ServiceChange, &Crossed)> {
        self.services
            .iter()
            .flat_map(|s| s.crossed.iter().map(move |c| (s, c)))
    }
}

/// The Nix expression (a `--apply` function over a system's `config`) that gives each
/// enabled service's package version and breaking changes, as JSON read by
/// [`parse_states`].
pub fn versions_expr(view: &PlanView) -> String {
    let mut fields = Vec::new();
    for service in view.enabled_services() {
        let option: Vec<String> = service
            .nixos_option
            .split('.')
            .map(|p| format!("\"{p}\""))
            .collect();
        fields.push(format!(
            "\"{id}\" = let p = c.{path}.package; in {{ version = p.version or \"\"; breaking = p.passthru.atproto.breakingChanges or [ ]; }};",
            id = service.id,
            path = option.join(".")
        ));
    }
    format!("c: {{ {} }}", fields.join(" "))
}

/// Reads what [`versions_expr`] evaluates to.
pub fn parse_states(json: &str) -> Result<BTreeMap<String, PackageState>, String> {
    serde_json::from_str(json).map_err(|e| format!("the versions Nix gave cannot be read: {e}"))
}

/// What updating changes: `old` and `new` are each service's package before and after.
pub fn plan(
    catalog: &Catalog,
    inputs: Vec<lock::Moved>,
    old: &BTreeMap<String, PackageState>,
    new: &BTreeMap<String, PackageState>,
) -> UpgradePlan {
    let mut services = Vec::new();
    for (id, after) in new {
        let Some(before) = old.get(id) else { continue };
        if before.version == after.version {
            continue;
        }
        let mut crossed: Vec<Crossed> = after
            .breaking
            .iter()
            .filter(|b| version::crosses(&before.version, &after.version, &b.version))
            .map(|b| Crossed {
                version: b.version.clone(),
                what: b.description.clone(),
                migration: b.migration.clone(),
                from: "package".into(),
            })
            .collect();
        let service = catalog.service(id);
        for c in service.map(|s| s.compat.as_slice()).unwrap_or_default() {
            if version::crosses(&before.version, &after.version, &c.version)
                && !crossed
                    .iter()
                    .any(|x| x.version == c.version && x.what == c.note)
            {
                crossed.push(Crossed {
                    version: c.version.clone(),
                    what: c.note.clone(),
                    migration: c.migration.clone(),
                    from: format!("catalog ({})", c.source),
                });
            }
        }
        crossed.sort_by(|a, b| {
            version::Version::parse(&a.version).cmp(&version::Version::parse(&b.version))
        });
        services.push(ServiceChange {
            id: id.clone(),
            title: service.map_or(id.clone(), |s| s.title.clone()),
            old: before.version.clone(),
            new: after.version.clone(),
            crossed,
        });
    }
    UpgradePlan { inputs, services }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Answers;

    fn state(version: &str, breaking: &[(&str, &str)]) -> PackageState {
        PackageState {
            version: version.into(),
            breaking: breaking
                .iter()
                .map(|(v, m)| BreakingChange {
                    version: v.to_string(),
                    description: format!("changed at {v}"),
                    migration: m.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn only_the_breaking_changes_between_the_two_versions_are_crossed() {
        let c = Catalog::embedded();
        let old = BTreeMap::from([
            ("jetstream".to_string(), state("0.1.0", &[])),
            ("constellation".to_string(), state("0.1.0", &[])),
        ]);
        let new = BTreeMap::from([
            (
                "jetstream".to_string(),
                state(
                    "0.3.0",
                    &[
                        ("0.1.0", "too old"),
                        ("0.2.0", "move the data"),
                        ("0.3.0", "new flag"),
                        ("0.4.0", "not yet"),
                    ],
                ),
            ),
            ("constellation".to_string(), state("0.1.0", &[])),
        ]);
        let p = plan(c, Vec::new(), &old, &new);
        assert_eq!(p.services.len(), 1, "constellation did not change");
        let s = &p.services[0];
        assert_eq!((s.old.as_str(), s.new.as_str()), ("0.1.0", "0.3.0"));
        let crossed: Vec<&str> = s.crossed.iter().map(|x| x.migration.as_str()).collect();
        assert_eq!(crossed, ["move the data", "new flag"]);
        assert_eq!(p.breaking().count(), 2);
        assert_eq!(s.title, "Jetstream");
    }

    #[test]
    fn the_versions_expression_names_each_enabled_services_package() {
        let c = Catalog::embedded();
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/profiles/relay-node.toml"
        ))
        .unwrap();
        let a = Answers::parse("relay-node.toml", &text).unwrap();
        let expr = versions_expr(&PlanView::new(c, &a.tree));
        assert!(
            expr.contains("\"indigo-relay\" = let p = c.\"services\".\"indigo-relay\".package;"),
            "{expr}"
        );
        assert!(
            expr.contains("p.passthru.atproto.breakingChanges or [ ]"),
            "{expr}"
        );
        let states = parse_states(
            r#"{"indigo-relay": {"version": "0.1.0", "breaking": [{"version": "0.2.0", "description": "d", "migration": "m"}]}}"#,
        )
        .unwrap();
        assert_eq!(states["indigo-relay"].breaking[0].migration, "m");
        assert!(parse_states("[").is_err());
    }
}
