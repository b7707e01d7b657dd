//! References between the hosts of a fleet: a setting that points at another service
//! (the catalog's `refers_to`) may be written `"@<host>/<service>"` in a host's answers.
//! Resolving gives the URL that service is served at, with the scheme and path the
//! setting needs (`wss://jetstream.example.net/subscribe`); the answers keep the
//! reference. Pure: the trees in, the resolved trees and the problems out.
use std::collections::BTreeMap;

use crate::catalog::model::{Field, Kind, RefersTo};
use crate::catalog::{Catalog, Service};
use crate::plan::PlanView;
use crate::plan::public::{proxy_on, serves_publicly};
use crate::validate::Diagnostic;
use crate::value::Value;

/// `@<host>/<service>`, as written in an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub host: String,
    pub service: String,
}

impl Reference {
    /// The reference `text` makes, when it starts with `@`: `Some(Err(why))` when it is
    /// not one that can be read.
    pub fn parse(text: &str) -> Option<Result<Reference, String>> {
        let body = text.strip_prefix('@')?;
        Some(match body.split_once('/') {
            Some((host, service))
                if !host.is_empty() && !service.is_empty() && !service.contains('/') =>
            {
                Ok(Reference {
                    host: host.to_string(),
                    service: service.to_string(),
                })
            }
            _ => Err(format!(
                "{text:?} is not a reference: write @<host>/<service>, like \"@relay1/indigo-relay\""
            )),
        })
    }
}

/// A host of the fleet: its fleet name and its answers tree.
pub type HostTree = (String, BTreeMap<String, Value>);

/// A problem found in one host of the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostDiagnostic {
    /// The fleet's name for the host.
    pub host: String,
    pub diagnostic: Diagnostic,
}

/// The hosts' answers with every reference replaced by the URL it stands for, and the
/// references that could not be resolved. `hosts` are (fleet name, answers tree).
pub fn resolve(catalog: &Catalog, hosts: &[HostTree]) -> (Vec<HostTree>, Vec<HostDiagnostic>) {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (name, tree) in hosts {
        let view = PlanView::new(catalog, tree);
        let mut resolved = tree.clone();
        for service in view.enabled_services() {
            for field in &service.settings {
                let Some(refers) = &field.refers_to else {
                    continue;
                };
                let path = format!("services.{}.settings.{}", service.id, field.key);
                let Some(value) = view.raw(&path) else {
                    continue;
                };
                let mut failed = |why: String| {
                    problems.push(HostDiagnostic {
                        host: name.clone(),
                        diagnostic: Diagnostic::error(path.clone(), "fleet-reference", why),
                    });
                };
                let one = |text: &str, failed: &mut dyn FnMut(String)| -> Option<String> {
                    match Reference::parse(text)? {
                        Ok(r) => match target_url(catalog, hosts, &r, field, refers) {
                            Ok(url) => Some(url),
                            Err(why) => {
                                failed(why);
                                None
                            }
                        },
                        Err(why) => {
                            failed(why);
                            None
                        }
                    }
                };
                let new = match value {
                    Value::Str(s) => one(s, &mut failed).map(Value::Str),
                    Value::List(items) => {
                        let mut changed = false;
                        let list = items
                            .iter()
                            .map(|i| match i {
                                Value::Str(s) => match one(s, &mut failed) {
                                    Some(url) => {
                                        changed = true;
                                        Value::Str(url)
                                    }
                                    None => i.clone(),
                                },
                                other => other.clone(),
                            })
                            .collect();
                        changed.then_some(Value::List(list))
                    }
                    _ => None,
                };
                if let Some(new) = new {
                    set(&mut resolved, &path, new);
                }
            }
        }
        out.push((name.clone(), resolved));
    }
    (out, problems)
}

/// The URL the referenced service is served at, in the form `field` needs.
fn target_url(
    catalog: &Catalog,
    hosts: &[HostTree],
    r: &Reference,
    field: &Field,
    refers: &RefersTo,
) -> Result<String, String> {
    let wanted = kinds_text(&refers.kinds);
    let Some((_, tree)) = hosts.iter().find(|(n, _)| *n == r.host) else {
        let names: Vec<&str> = hosts.iter().map(|(n, _)| n.as_str()).collect();
        return Err(format!(
            "@{}/{}: the fleet has no host {:?} (its hosts: {}).",
            r.host,
            r.service,
            r.host,
            names.join(", ")
        ));
    };
    let view = PlanView::new(catalog, tree);
    let candidates = || {
        let found: Vec<String> = view
            .enabled_services()
            .filter(|s| refers.kinds.contains(&s.kind))
            .map(|s| format!("@{}/{}", r.host, s.id))
            .collect();
        if found.is_empty() {
            format!("{} runs no {wanted}", r.host)
        } else {
            format!("on {}: {}", r.host, found.join(", "))
        }
    };
    let Some(service) = catalog
        .service(&r.service)
        .filter(|s| view.is_enabled(&s.id))
    else {
        return Err(format!(
            "@{}/{}: {} does not run {} ({}).",
            r.host,
            r.service,
            r.host,
            r.service,
            candidates()
        ));
    };
    if !refers.kinds.contains(&service.kind) {
        return Err(format!(
            "@{}/{}: {} is a {}, and {} takes a {wanted} ({}).",
            r.host,
            r.service,
            service.title,
            kind_name(service.kind),
            field.key,
            candidates()
        ));
    }
    let Some(domain) = public_domain(&view, service) else {
        return Err(format!(
            "@{}/{}: {} on {} is not served publicly (a public port behind the host's reverse proxy, at a domain), so other hosts cannot reach it: turn on {}'s proxy (integrations.proxy.kind).",
            r.host, r.service, service.title, r.host, r.host
        ));
    };
    Ok(refers.url.replace("{domain}", &domain))
}

/// The name other hosts reach `service` at, when the host serves it publicly.
pub fn public_domain(view: &PlanView, service: &Service) -> Option<String> {
    if !serves_publicly(view, service) || !proxy_on(view) {
        return None;
    }
    match view.get(&format!("services.{}.domain", service.id))? {
        Value::Str(d) if !d.is_empty() => Some(d),
        _ => None,
    }
}

fn kind_name(kind: Kind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn kinds_text(kinds: &[Kind]) -> String {
    kinds
        .iter()
        .map(|k| kind_name(*k))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Sets the value at a dotted path of a tree whose tables already exist there.
pub(crate) fn set(tree: &mut BTreeMap<String, Value>, path: &str, value: Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let (last, parents) = parts.split_last().expect("a path");
    let mut table = tree;
    for p in parents {
        let Some(Value::Table(t)) = table.get_mut(*p) else {
            return;
        };
        table = t;
    }
    table.insert((*last).to_string(), value);
}
