//! `services.<id>.own_secrets = true`: the host's own NixOS files feed the service its
//! secrets (an adopted host's `environmentFiles` entry), and the modules give it none,
//! so a second, generated set can never sit beside the operator's. A warning names
//! what those files must hold, since nothing generates it.
use super::Diagnostic;
use crate::catalog::{Need, Service};
use crate::plan::PlanView;
use crate::value::Value;

pub(super) fn check(view: &PlanView, out: &mut Vec<Diagnostic>) {
    for service in view.enabled_services() {
        if !owns_secrets(view, &service.id) {
            continue;
        }
        let names = provided_by_host(view, service);
        if names.is_empty() {
            continue;
        }
        out.push(Diagnostic::warning(
            format!("services.{}.own_secrets", service.id),
            "own-secrets",
            format!(
                "{} gets none of its secrets from the secrets backend: the host's own files must provide {} (nothing generates them).",
                service.title,
                join_and(&names)
            ),
        ));
    }
}

/// Whether the plan says the host's own files provide this service's secrets (only
/// `true` does; a wrong type is a `field` error and counts as false).
pub fn owns_secrets(view: &PlanView, id: &str) -> bool {
    view.get(&format!("services.{id}.own_secrets")) == Some(Value::Bool(true))
}

/// What the host's own files must provide for a service whose secrets are its own,
/// in catalog order: each secret the modules would otherwise pass on (required ones,
/// and optional ones whose `needed_with` setting is set) by its variable, or as "a
/// file for <flag>" when the program reads it from a file; then `PGPASSWORD` when the
/// service uses a remote PostgreSQL (whose password the modules would pass on too).
pub fn provided_by_host(view: &PlanView, service: &Service) -> Vec<String> {
    let mut names: Vec<String> = service
        .secrets
        .iter()
        .filter(|s| {
            s.required
                || s.needed_with.as_ref().is_some_and(|key| {
                    Value::is_set(
                        view.get(&format!("services.{}.settings.{key}", service.id))
                            .as_ref(),
                    )
                })
        })
        .filter_map(|s| match (&s.env, &s.flag) {
            (Some(env), _) => Some(env.clone()),
            (None, Some(flag)) => Some(format!("a file for {flag}")),
            (None, None) => None,
        })
        .collect();
    let remote = view
        .get("integrations.database.kind")
        .is_some_and(|v| v.as_str() == Some("remote"));
    if remote && service.needs.postgres != Need::None {
        names.push("PGPASSWORD".into());
    }
    names
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
