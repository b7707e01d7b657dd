//! The ports a plan listens on: every active port (a service's, where its switch is
//! on, and the integrations'), and the allocator that gives every port the operator
//! did not choose a free one. Validation (`crate::validate`) checks them for clashes;
//! `resolve` writes the allocated numbers.
use std::collections::{BTreeMap, BTreeSet};

use super::PlanView;
use super::conditions::holds;
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

/// The smallest port above `number` that nothing uses, below 65536.
pub(crate) fn next_free(number: i64, taken: &BTreeSet<i64>) -> Option<i64> {
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
