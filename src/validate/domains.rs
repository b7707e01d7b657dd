//! Domains: the reverse proxy serves each service with a public port under its
//! `services.<id>.domain`, one virtual host per name, so two such services on one name
//! would take each other's traffic (docs/VALIDATION.md "Domain clashes").
use std::collections::BTreeMap;

use super::Diagnostic;
use crate::catalog::Service;
use crate::plan::PlanView;
use crate::plan::public::{proxy_on, serves_publicly};
use crate::value::Value;

pub(super) fn check(view: &PlanView, out: &mut Vec<Diagnostic>) {
    if !proxy_on(view) {
        return;
    }
    let suffix = view
        .get("host.domain")
        .filter(|v| Value::is_set(Some(v)))
        .map_or_else(|| "example.com".to_string(), |v| v.to_string());
    // Each name's first service (id order) keeps it; every later one is told to move.
    let mut first: BTreeMap<String, &Service> = BTreeMap::new();
    for service in view.enabled_services() {
        if !serves_publicly(view, service) {
            continue;
        }
        // Only a set string takes part; anything else is unset or a `field` error.
        let Some(Value::Str(domain)) = view.get(&format!("services.{}.domain", service.id)) else {
            continue;
        };
        if domain.is_empty() {
            continue;
        }
        match first.get(&domain) {
            None => {
                first.insert(domain, service);
            }
            Some(keeper) => {
                let id = &service.id;
                out.push(Diagnostic::error(
                    format!("services.{id}.domain"),
                    "domain-clash",
                    format!(
                        "{} and {} are both served at {domain}: set services.{id}.domain to a name of its own, like {id}.{suffix}.",
                        service.title, keeper.title
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::{CATALOG_FILES, Catalog};
    use crate::plan::Answers;
    use crate::validate::validate;

    /// The real catalog, except that spacedust serves publicly only its metrics port,
    /// which exists when collect_metrics is true (no real service has such a port yet).
    fn catalog() -> Catalog {
        let files: Vec<(&str, String)> = CATALOG_FILES
            .iter()
            .map(|(name, text)| {
                let text = if *name == "spacedust.toml" {
                    text.replacen("public = true", "public = false", 1)
                        .replacen(
                            "public = false\nfixed = false\nflag = \"--bind-metrics\"",
                            "public = true\nfixed = false\nflag = \"--bind-metrics\"",
                            1,
                        )
                } else {
                    text.to_string()
                };
                (*name, text)
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        Catalog::from_files(&borrowed).unwrap()
    }

    fn clashes(catalog: &Catalog, collect_metrics: bool) -> Vec<String> {
        let text = format!(
            "schema = 1\n[host]\ndomain = \"example.org\"\n\
             [services.constellation]\n[services.spacedust.settings]\ncollect_metrics = {collect_metrics}\n"
        );
        let answers = Answers::parse("t.toml", &text).unwrap();
        validate(catalog, &answers.tree)
            .into_iter()
            .filter(|d| d.code == "domain-clash")
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn a_public_port_behind_enabled_by_counts_only_when_its_setting_is_true() {
        let catalog = catalog();
        assert!(
            catalog.services["spacedust"]
                .ports
                .iter()
                .any(|p| p.public && p.enabled_by == "collect_metrics"),
            "the test catalog was not rewritten"
        );
        assert_eq!(clashes(&catalog, false), Vec::<String>::new());
        assert_eq!(
            clashes(&catalog, true),
            vec![
                "Spacedust and Constellation are both served at example.org: set services.spacedust.domain to a name of its own, like spacedust.example.org."
            ]
        );
    }
}
