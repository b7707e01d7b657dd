//! Ports: the clash check (several upstream defaults collide: 3000, 8080, 8765) and the
//! allocator that gives every port the operator did not choose a free one.
use std::collections::{BTreeMap, BTreeSet};

use super::Diagnostic;
use super::rules::holds;
use crate::plan::PlanView;
use crate::value::Value;

/// A port some part of the plan listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivePort {
    /// Where its number is (or would be) written in the answers file.
    pub path: String,
    /// `<id> (<name>)` for a service port, the owner for an integration's.
    pub label: String,
    pub number: i64,
    pub fixed: bool,
    pub default: i64,
    /// Whether the answers file writes the number (rather than it being the default).
    pub written: bool,
}

/// Every active port, in the order docs/VALIDATION.md gives.
pub fn active_ports(view: &PlanView) -> Vec<ActivePort> {
    let mut ports = Vec::new();
    for service in view.enabled_services() {
        for port in &service.ports {
            if !port.enabled_by.is_empty() {
                let switch = format!("services.{}.settings.{}", service.id, port.enabled_by);
                if view.get(&switch) != Some(Value::Bool(true)) {
                    continue;
                }
            }
            let path = format!("services.{}.ports.{}", service.id, port.name);
            let written = view.raw(&path).and_then(Value::as_int);
            ports.push(ActivePort {
                label: format!("{} ({})", service.id, port.name),
                number: written.unwrap_or(i64::from(port.default)),
                fixed: port.fixed,
                default: i64::from(port.default),
                written: written.is_some(),
                path,
            });
        }
    }
    for port in &view.catalog.plan.ports {
        if !holds(view, None, &port.when) {
            continue;
        }
        let Some(number) = view.get(&port.path).and_then(|v| v.as_int()) else {
            continue;
        };
        ports.push(ActivePort {
            path: port.path.clone(),
            label: port.owner.clone(),
            number,
            fixed: false,
            default: number,
            written: view.raw(&port.path).is_some(),
        });
    }
    ports
}

pub(super) fn check(view: &PlanView, out: &mut Vec<Diagnostic>) {
    check_fixed(view, out);
    let ports = active_ports(view);
    let mut taken: BTreeSet<i64> = ports.iter().map(|p| p.number).collect();
    let mut groups: Vec<(i64, Vec<&ActivePort>)> = Vec::new();
    for port in &ports {
        match groups.iter_mut().find(|(n, _)| *n == port.number) {
            Some((_, members)) => members.push(port),
            None => groups.push((port.number, vec![port])),
        }
    }
    for (number, members) in groups.iter().filter(|(_, m)| m.len() > 1) {
        let keeper = members.iter().find(|p| p.fixed).unwrap_or(&members[0]);
        for other in members.iter().filter(|p| !std::ptr::eq(**p, *keeper)) {
            let message = if other.fixed {
                format!(
                    "Port {number} is used by both {} and {}, and neither can move (fixed upstream): enable only one of them.",
                    keeper.label, other.label
                )
            } else {
                let like = match next_free(*number, &taken) {
                    Some(free) => {
                        taken.insert(free);
                        format!(", like {free}")
                    }
                    None => String::new(),
                };
                format!(
                    "Port {number} is used by both {} and {}: set {} to a free port{like}.",
                    keeper.label, other.label, other.path
                )
            };
            out.push(Diagnostic::error(&other.path, "port-clash", message));
        }
    }
}

/// A port written for a service whose upstream hard-codes it.
fn check_fixed(view: &PlanView, out: &mut Vec<Diagnostic>) {
    for service in view.catalog.services.values() {
        for port in service.ports.iter().filter(|p| p.fixed) {
            let path = format!("services.{}.ports.{}", service.id, port.name);
            let Some(n) = view.raw(&path).and_then(Value::as_int) else {
                continue;
            };
            if n != i64::from(port.default) {
                out.push(Diagnostic::error(
                    &path,
                    "fixed-port",
                    format!(
                        "{}'s {} port is fixed upstream at {}: remove {path}.",
                        service.title, port.name, port.default
                    ),
                ));
            }
        }
    }
}

/// The smallest port above `number` that nothing uses, below 65536.
fn next_free(number: i64, taken: &BTreeSet<i64>) -> Option<i64> {
    (number + 1..65536).find(|p| !taken.contains(p))
}

/// Port numbers for every active service port the answers file does not write:
/// the upstream default when free, else the next free number above it. Written,
/// fixed and integration ports keep their numbers. Deterministic: services in id
/// order, ports in catalog order.
pub fn allocate(view: &PlanView) -> BTreeMap<String, i64> {
    let ports = active_ports(view);
    let mut taken: BTreeSet<i64> = ports
        .iter()
        .filter(|p| p.written || p.fixed || !p.path.starts_with("services."))
        .map(|p| p.number)
        .collect();
    let mut chosen = BTreeMap::new();
    for port in ports
        .iter()
        .filter(|p| !p.written && !p.fixed && p.path.starts_with("services."))
    {
        // Below the default when nothing above it is free (only near 65535).
        let number = if taken.contains(&port.default) {
            next_free(port.default, &taken)
                .or_else(|| (1..port.default).rev().find(|p| !taken.contains(p)))
                .unwrap_or(port.default)
        } else {
            port.default
        };
        taken.insert(number);
        chosen.insert(port.path.clone(), number);
    }
    chosen
}
