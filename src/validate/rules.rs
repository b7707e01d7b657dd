//! The catalog's declarative rules: `when` holds and `require` does not → diagnostic.
use super::Diagnostic;
use crate::catalog::{Rule, Service};
use crate::plan::PlanView;
use crate::plan::conditions::holds;

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
