//! What enabled services need from the rest of the plan: PostgreSQL, other services,
//! and a reverse proxy that lets their largest uploads through.
use super::Diagnostic;
use crate::catalog::Need;
use crate::plan::PlanView;
use crate::value::Value;

const MIB: i64 = 1024 * 1024;

pub(super) fn check(view: &PlanView, out: &mut Vec<Diagnostic>) {
    let no_database = view
        .get("integrations.database.kind")
        .as_ref()
        .and_then(Value::as_str)
        == Some("none");
    let has_proxy = crate::plan::public::proxy_on(view);
    let body_mb = view
        .get("integrations.proxy.max_body_size_mb")
        .and_then(|v| v.as_int());

    for service in view.enabled_services() {
        let title = &service.title;
        if no_database {
            let path = "integrations.database.kind";
            match service.needs.postgres {
                Need::Required => out.push(Diagnostic::error(path, "needs-postgres", format!(
                    "{title} needs PostgreSQL: set integrations.database.kind = \"local\" (or \"remote\" with a url)."
                ))),
                Need::Recommended => out.push(Diagnostic::warning(path, "needs-postgres", format!(
                    "{title} works best with PostgreSQL: set integrations.database.kind = \"local\" unless this is a small test host."
                ))),
                _ => {}
            }
        }
        for dep in &service.needs.services {
            if !view.is_enabled(dep) {
                let other = view
                    .catalog
                    .service(dep)
                    .map_or(dep.as_str(), |s| s.title.as_str());
                out.push(Diagnostic::error(
                    format!("services.{}.enable", service.id),
                    "needs-service",
                    format!(
                        "{title} needs {other} on the same host: enable services.{dep} or disable services.{}.",
                        service.id
                    ),
                ));
            }
        }
        let (true, Some(mb)) = (has_proxy, body_mb) else {
            continue;
        };
        for field in service.settings.iter().filter(|f| f.proxy_body) {
            let path = format!("services.{}.settings.{}", service.id, field.key);
            let Some(bytes) = view.get(&path).and_then(|v| v.as_int()) else {
                continue;
            };
            if bytes > mb.saturating_mul(MIB) {
                let at_least = (bytes + MIB - 1) / MIB;
                out.push(Diagnostic::error(
                    "integrations.proxy.max_body_size_mb",
                    "body-size",
                    format!(
                        "The proxy accepts request bodies up to {mb} MiB but {title} accepts uploads up to {bytes} bytes: set integrations.proxy.max_body_size_mb to at least {at_least}."
                    ),
                ));
            }
        }
    }
}
