//! The catalog's declarative rules: `when` holds and `require` does not → diagnostic.
use super::Diagnostic;
use crate::catalog::{Condition, Rule, Service};
use crate::plan::PlanView;
use crate::value::Value;

pub(super) fn check(view: &PlanView, out: &mut Vec<Diagnostic>) {
    for rule in &view.catalog.plan.rules {
        apply(view, None, rule, out);
    }
    for service in view.enabled_services() {
        for rule in &service.rules {
            apply(view, Some(service), rule, out);
        }
    }
}

fn apply(view: &PlanView, service: Option<&Service>, rule: &Rule, out: &mut Vec<Diagnostic>) {
    let applies = rule.when.as_ref().is_none_or(|c| holds(view, service, c));
    if !applies || holds(view, service, &rule.require) {
        return;
    }
    let (code, message) = match service {
        Some(s) => (
            format!("rule:{}/{}", s.id, rule.id),
            rule.message
                .replace("{id}", &s.id)
                .replace("{title}", &s.title),
        ),
        None => (format!("rule:plan/{}", rule.id), rule.message.clone()),
    };
    let path = PlanView::absolute(&rule.path, service);
    out.push(Diagnostic {
        level: rule.level,
        path,
        code,
        message,
    });
}

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
