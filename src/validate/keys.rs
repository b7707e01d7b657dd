//! Keys the plan does not declare: a typo (with the closest valid name) or, worse, a
//! secret written inline, which must never be in a file meant to be committed.
use std::collections::BTreeMap;

use super::Diagnostic;
use crate::catalog::Service;
use crate::plan::PlanView;
use crate::value::Value;

const TOP_LEVEL: [&str; 4] = ["schema", "host", "integrations", "services"];
const SERVICE_KEYS: [&str; 4] = ["enable", "domain", "ports", "settings"];
const SECRET_WORDS: [&str; 5] = ["password", "secret", "token", "private_key", "api_key"];

pub(super) fn check(view: &PlanView, out: &mut Vec<Diagnostic>) {
    let catalog = view.catalog;
    for key in view.tree.keys() {
        if !TOP_LEVEL.contains(&key.as_str()) {
            out.push(undeclared(key, key, &TOP_LEVEL, None, false));
        }
    }
    let host_keys: Vec<&str> = catalog.plan.host.iter().map(|f| f.key.as_str()).collect();
    check_table(view.raw("host"), "host", &host_keys, None, false, out);

    if let Some(integrations) = table(view.raw("integrations"), "integrations", out) {
        let sections: Vec<&str> = catalog
            .plan
            .integrations
            .keys()
            .map(String::as_str)
            .collect();
        for (section, value) in integrations {
            let path = format!("integrations.{section}");
            match catalog.plan.integrations.get(section) {
                None => out.push(undeclared(&path, section, &sections, None, false)),
                Some(fields) => {
                    let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
                    check_table(Some(value), &path, &keys, None, false, out);
                }
            }
        }
    }

    if let Some(services) = table(view.raw("services"), "services", out) {
        let ids: Vec<&str> = catalog.services.keys().map(String::as_str).collect();
        for (id, value) in services {
            let path = format!("services.{id}");
            // An unknown service is a typo to point out, whatever its name looks like.
            let Some(service) = catalog.service(id) else {
                out.push(unknown(&path, id, &ids));
                continue;
            };
            check_table(Some(value), &path, &SERVICE_KEYS, Some(service), false, out);
            let Some(t) = value.as_table() else { continue };
            let port_names: Vec<&str> = service.ports.iter().map(|p| p.name.as_str()).collect();
            check_table(
                t.get("ports"),
                &format!("{path}.ports"),
                &port_names,
                Some(service),
                false,
                out,
            );
            let settings: Vec<&str> = service.settings.iter().map(|f| f.key.as_str()).collect();
            check_table(
                t.get("settings"),
                &format!("{path}.settings"),
                &settings,
                Some(service),
                true,
                out,
            );
        }
    }
}

/// A table value, or a diagnostic saying it must be one.
fn table<'a>(
    value: Option<&'a Value>,
    path: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<&'a BTreeMap<String, Value>> {
    match value {
        None => None,
        Some(Value::Table(t)) => Some(t),
        Some(other) => {
            out.push(Diagnostic::error(
                path,
                "field",
                format!("{} must be a table.", other.to_json()),
            ));
            None
        }
    }
}

/// Checks the keys of one table. `service` is the service whose table this is (its
/// secrets' names count as secret-looking); `in_settings` picks the message wording.
fn check_table(
    value: Option<&Value>,
    path: &str,
    known: &[&str],
    service: Option<&Service>,
    in_settings: bool,
    out: &mut Vec<Diagnostic>,
) {
    let Some(t) = table(value, path, out) else {
        return;
    };
    for key in t.keys().filter(|k| !known.contains(&k.as_str())) {
        out.push(undeclared(
            &format!("{path}.{key}"),
            key,
            known,
            service,
            in_settings,
        ));
    }
}

/// A key nothing declares: a secret written inline, or else a typo.
fn undeclared(
    path: &str,
    key: &str,
    known: &[&str],
    service: Option<&Service>,
    in_settings: bool,
) -> Diagnostic {
    if looks_secret(key, service) {
        Diagnostic::error(
            path,
            "inline-secret",
            inline_secret_message(path, in_settings),
        )
    } else {
        unknown(path, key, known)
    }
}

fn looks_secret(key: &str, service: Option<&Service>) -> bool {
    let declared = service.is_some_and(|s| {
        s.secrets
            .iter()
            .any(|secret| secret.name == key || secret.env.as_deref() == Some(key))
    });
    let lower = key.to_ascii_lowercase();
    declared || SECRET_WORDS.iter().any(|w| lower.contains(w))
}

fn inline_secret_message(path: &str, in_service_settings: bool) -> String {
    if in_service_settings {
        format!(
            "{path} looks like a secret. Secrets never go in the answers file: remove it; the secrets backend (integrations.secrets.backend) provides it on the host."
        )
    } else {
        format!(
            "{path} looks like a secret. Secrets never go in the answers file: remove it and name a root-only file on the host in the matching *_file field."
        )
    }
}

/// `Unknown key …` with the closest valid name when one is close enough to be a typo.
fn unknown(path: &str, key: &str, known: &[&str]) -> Diagnostic {
    let message = match closest(key, known) {
        Some(best) => format!("Unknown key {path}: did you mean {best}?"),
        None if known.is_empty() => format!("Unknown key {path}: nothing can be set here."),
        None => format!("Unknown key {path}: expected one of {}.", known.join(", ")),
    };
    Diagnostic::error(path, "unknown-key", message)
}

/// The known name nearest to `key` by edit distance, if it is near enough (a third of
/// the length, at least 2 edits) to be what the operator meant.
pub fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let length = key.chars().count();
    let limit = (length / 3).max(2);
    let key = key.to_lowercase();
    known
        .iter()
        // The distance is at least the difference in length: skip the ones that cannot
        // be near, so a file of long unknown keys costs no edit distances at all.
        .filter(|k| k.chars().count().abs_diff(length) <= limit)
        .map(|k| (strsim::levenshtein(&key, &k.to_lowercase()), *k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn close_typos_are_matched_and_far_ones_are_not() {
        let known = ["jetstream", "backend", "collect_metrics"];
        assert_eq!(closest("jetstrem", &known), Some("jetstream"));
        assert_eq!(closest("Backend", &known), Some("backend"));
        assert_eq!(closest("colect_metric", &known), Some("collect_metrics"));
        assert_eq!(closest("zzz", &known), None);
    }
}
