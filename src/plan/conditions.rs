//! Whether a catalog condition (`when`, `require`, a port's `when`) holds for a plan.
use super::PlanView;
use crate::catalog::{Condition, Service};
use crate::value::Value;

/// Whether a condition holds for the plan, paths relative to `service`.
pub fn holds(view: &PlanView, service: Option<&Service>, condition: &Condition) -> bool {
    let get = |path: &str| view.get(&PlanView::absolute(path, service));
    match condition {
        Condition::Set { path, set } => Value::is_set(get(path).as_ref()) == *set,
        Condition::Eq { path, value } => get(path).as_ref() == Some(value),
        Condition::Ne { path, value } => get(path).as_ref() != Some(value),
        Condition::In { path, values } => get(path).is_some_and(|v| values.contains(&v)),
        Condition::Compare { path, op, number } => get(path)
            .and_then(|v| v.as_int())
            .is_some_and(|n| op.holds(n, *number)),
        Condition::Enabled(id) => view.is_enabled(id),
        Condition::All(cs) => cs.iter().all(|c| holds(view, service, c)),
        Condition::Any(cs) => cs.iter().any(|c| holds(view, service, c)),
        Condition::Not(c) => !holds(view, service, c),
    }
}
