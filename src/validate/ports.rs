//! Ports: the clash check (several upstream defaults collide: 3000, 8080, 8765) and
//! ports fixed upstream. Which ports are in use is the plan's ([`crate::plan::ports`]).
use std::collections::BTreeSet;

use super::Diagnostic;
use crate::plan::PlanView;
use crate::plan::ports::{ActivePort, active_ports, next_free};
use crate::value::Value;

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
