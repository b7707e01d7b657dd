//! The order units start in: who is ordered before whom (After=, Before=).
use std::collections::{BTreeMap, BTreeSet};

use super::model::Unit;

/// Units ordered before each unit (After=/Before=, transitively), and an order to
/// simulate them in that respects it (ties by name).
pub fn ordering(
    units: &BTreeMap<String, Unit>,
) -> (Vec<String>, BTreeMap<String, BTreeSet<String>>) {
    let unit_of = |s: &str| {
        s.strip_suffix(".service")
            .filter(|u| units.contains_key(*u))
            .map(str::to_string)
    };
    let mut next: BTreeMap<String, BTreeSet<String>> =
        units.keys().map(|u| (u.clone(), BTreeSet::new())).collect();
    for (u, unit) in units {
        for a in &unit.after {
            if let Some(x) = unit_of(a) {
                next.get_mut(&x).unwrap().insert(u.clone());
            }
        }
        for b in &unit.before {
            if let Some(y) = unit_of(b) {
                next.get_mut(u).unwrap().insert(y);
            }
        }
    }
    let mut preds: BTreeMap<String, BTreeSet<String>> =
        units.keys().map(|u| (u.clone(), BTreeSet::new())).collect();
    for start in units.keys() {
        let mut stack: Vec<String> = next[start].iter().cloned().collect();
        let mut seen = BTreeSet::new();
        while let Some(u) = stack.pop() {
            if seen.insert(u.clone()) {
                preds.get_mut(&u).unwrap().insert(start.clone());
                stack.extend(next[&u].iter().cloned());
            }
        }
    }
    let mut indegree: BTreeMap<&String, usize> = units.keys().map(|u| (u, 0)).collect();
    for targets in next.values() {
        for t in targets {
            *indegree.get_mut(t).unwrap() += 1;
        }
    }
    let mut ready: BTreeSet<&String> = indegree
        .iter()
        .filter(|(_, d)| **d == 0)
        .map(|(u, _)| *u)
        .collect();
    let mut order = Vec::new();
    while let Some(u) = ready.pop_first() {
        order.push(u.clone());
        for t in &next[u] {
            let d = indegree.get_mut(t).unwrap();
            *d -= 1;
            if *d == 0 {
                ready.insert(t);
            }
        }
    }
    for u in units.keys() {
        if !order.contains(u) {
            order.push(u.clone()); // an ordering cycle: systemd breaks it somewhere too
        }
    }
    (order, preds)
}
