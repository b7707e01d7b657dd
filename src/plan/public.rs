//! What a plan serves to the world: whether a service has a public port in use, and
//! whether the reverse proxy is on. Validation, the summary, the questions and
//! `resolve` all ask.
use super::PlanView;
use crate::catalog::Service;
use crate::value::Value;

/// Whether the service has a public port in use: `public = true`, and when the port
/// has `enabled_by`, that setting is true. Says nothing about whether it is enabled.
pub fn serves_publicly(view: &PlanView, service: &Service) -> bool {
    service.ports.iter().any(|port| {
        port.public
            && (port.enabled_by.is_empty()
                || view.get(&format!(
                    "services.{}.settings.{}",
                    service.id, port.enabled_by
                )) == Some(Value::Bool(true)))
    })
}

/// Whether the reverse proxy is on: any value of integrations.proxy.kind but "none"
/// (a wrong value is a `field` error and counts as on, as `ne = "none"` does in rules).
pub fn proxy_on(view: &PlanView) -> bool {
    view.get("integrations.proxy.kind") != Some(Value::Str("none".into()))
}
