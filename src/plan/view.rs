//! Effective values: what a path means once defaults are applied (docs/VALIDATION.md,
//! "Effective values"). Mirrors nixlib/lib/validate.nix.
use std::collections::BTreeMap;

use crate::catalog::{Catalog, Field, Service};
use crate::value::Value;

/// A plan tree read against the catalog.
#[derive(Clone, Copy)]
pub struct PlanView<'a> {
    pub catalog: &'a Catalog,
    pub tree: &'a BTreeMap<String, Value>,
}

impl<'a> PlanView<'a> {
    pub fn new(catalog: &'a Catalog, tree: &'a BTreeMap<String, Value>) -> Self {
        PlanView { catalog, tree }
    }

    /// The value written in the file at a dotted path.
    pub fn raw(&self, path: &str) -> Option<&'a Value> {
        let mut parts = path.split('.');
        let mut current = self.tree.get(parts.next()?)?;
        for part in parts {
            current = current.as_table()?.get(part)?;
        }
        Some(current)
    }

    /// The host's `nixosConfigurations` entry: `host.flake_name` when written, else
    /// `host.hostname`, else NixOS's own default name.
    pub fn flake_name(&self) -> String {
        ["host.flake_name", "host.hostname"]
            .iter()
            .find_map(|p| self.raw(p)?.as_str().map(String::from))
            .unwrap_or_else(|| "nixos".into())
    }

    /// The table of `services.<id>` as written, if any.
    pub fn service_table(&self, id: &str) -> Option<&'a BTreeMap<String, Value>> {
        self.raw(&format!("services.{id}"))?.as_table()
    }

    pub fn is_enabled(&self, id: &str) -> bool {
        match self.service_table(id) {
            None => false,
            // Only `true` enables; a wrong type is reported and counts as off.
            Some(t) => t.get("enable").is_none_or(|v| *v == Value::Bool(true)),
        }
    }

    /// Catalog services that are enabled in the plan, in id order.
    pub fn enabled_services(&self) -> impl Iterator<Item = &'a Service> + '_ {
        self.catalog
            .services
            .values()
            .filter(|s| self.is_enabled(&s.id))
    }

    /// The effective value at an absolute path: written value, else the default.
    pub fn get(&self, path: &str) -> Option<Value> {
        if let Some(v) = self.raw(path) {
            return Some(v.clone());
        }
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["host", key] => self.default_of(self.catalog.plan.host_field(key)?),
            ["integrations", section, key] => {
                self.default_of(self.catalog.plan.integration_field(section, key)?)
            }
            ["services", id, "enable"] => Some(Value::Bool(self.is_enabled(id))),
            // The name the proxy serves: the service's own `hostname` setting when its
            // catalog has one, else the host's domain.
            ["services", id, "domain"] => {
                if self.catalog.service(id)?.setting("hostname").is_some() {
                    self.get(&format!("services.{id}.settings.hostname"))
                } else {
                    self.get("host.domain")
                }
            }
            ["services", id, key] if self.catalog.service(id).is_some() => {
                self.default_of(self.catalog.plan.service_field(key)?)
            }
            ["services", id, "settings", key] => {
                self.default_of(self.catalog.service(id)?.setting(key)?)
            }
            ["services", id, "ports", name] => Some(Value::Int(i64::from(
                self.catalog.service(id)?.port(name)?.default,
            ))),
            _ => None,
        }
    }

    /// A field's default with `{host.<key>}` references filled in.
    pub fn default_of(&self, field: &Field) -> Option<Value> {
        let default = Value::from_toml(field.default.as_ref()?);
        Some(match default {
            Value::Str(text) => Value::Str(self.fill_template(&text)),
            Value::List(items) => Value::List(
                items
                    .into_iter()
                    .map(|i| match i {
                        Value::Str(text) => Value::Str(self.fill_template(&text)),
                        other => other,
                    })
                    .collect(),
            ),
            other => other,
        })
    }

    fn fill_template(&self, text: &str) -> String {
        let mut out = text.to_string();
        for field in &self.catalog.plan.host {
            let marker = format!("{{host.{}}}", field.key);
            if out.contains(&marker) {
                // Host fields' own defaults never contain references, so no recursion.
                let value = self
                    .raw(&format!("host.{}", field.key))
                    .cloned()
                    .or_else(|| field.default.as_ref().map(Value::from_toml));
                let text = value.map(|v| v.to_string()).unwrap_or_default();
                out = out.replace(&marker, &text);
            }
        }
        out
    }

    /// Makes a rule path absolute: relative paths belong to the service.
    pub fn absolute(path: &str, service: Option<&Service>) -> String {
        let absolute = ["host.", "integrations.", "services."]
            .iter()
            .any(|p| path.starts_with(p));
        match service {
            Some(s) if !absolute => format!("services.{}.{path}", s.id),
            _ => path.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Answers;

    fn domain(text: &str, id: &str) -> Option<Value> {
        let answers = Answers::parse("t.toml", text).unwrap();
        PlanView::new(Catalog::embedded(), &answers.tree).get(&format!("services.{id}.domain"))
    }

    const HOST: &str = "schema = 1\n[host]\ndomain = \"example.org\"\n";

    #[test]
    fn a_service_with_a_hostname_setting_is_served_at_it() {
        // bluesky-pds's hostname defaults to {host.domain}, so both agree until it is set.
        let s = |t: &str| Some(Value::Str(t.to_string()));
        assert_eq!(domain(HOST, "bluesky-pds"), s("example.org"));
        let text =
            format!("{HOST}[services.bluesky-pds.settings]\nhostname = \"pds.example.org\"\n");
        assert_eq!(domain(&text, "bluesky-pds"), s("pds.example.org"));
        // feed-generator's hostname has no default: no domain, never host.domain.
        assert_eq!(domain(HOST, "feed-generator"), None);
        let text =
            format!("{HOST}[services.feed-generator.settings]\nhostname = \"feed.example.org\"\n");
        assert_eq!(domain(&text, "feed-generator"), s("feed.example.org"));
    }

    #[test]
    fn a_service_without_one_is_served_at_host_domain_unless_written() {
        let s = |t: &str| Some(Value::Str(t.to_string()));
        assert_eq!(domain(HOST, "constellation"), s("example.org"));
        assert_eq!(domain("schema = 1\n", "constellation"), None);
        let text = format!("{HOST}[services.constellation]\ndomain = \"links.example.org\"\n");
        assert_eq!(domain(&text, "constellation"), s("links.example.org"));
        // A written domain wins over the hostname setting too, whatever its type.
        let text = format!(
            "{HOST}[services.bluesky-pds]\ndomain = 7\n[services.bluesky-pds.settings]\nhostname = \"pds.example.org\"\n"
        );
        assert_eq!(domain(&text, "bluesky-pds"), Some(Value::Int(7)));
        assert_eq!(domain(HOST, "no-such-service"), None);
    }
}
