//! Keys the plan does not declare: a typo (with the closest valid name) or, worse, a
//! secret written inline, which must never be in a file meant to be committed.
use std::cell::OnceCell;
use std::collections::BTreeMap;

use super::Diagnostic;
use crate::catalog::Service;
use crate::plan::PlanView;
use crate::value::Value;

const TOP_LEVEL: [&str; 4] = ["schema", "host", "integrations", "services"];
/// Keys of every service table with a meaning of their own; `_plan.toml`
/// `[[service_fields]]` (like `own_secrets`) are the others.
const SERVICE_KEYS: [&str; 4] = ["enable", "domain", "ports", "settings"];
const SECRET_WORDS: [&str; 5] = ["password", "secret", "token", "private_key", "api_key"];

pub(super) fn check(view: &PlanView, out: &mut Vec<Diagnostic>) {
    let catalog = view.catalog;
    let top_level = Names::new(TOP_LEVEL);
    for key in view.tree.keys() {
        if !TOP_LEVEL.contains(&key.as_str()) {
            out.push(undeclared(key, key, &top_level, None, false));
        }
    }
    let host_keys = Names::new(catalog.plan.host.iter().map(|f| f.key.as_str()));
    check_table(view.raw("host"), "host", &host_keys, None, false, out);

    if let Some(integrations) = table(view.raw("integrations"), "integrations", out) {
        let sections = Names::new(catalog.plan.integrations.keys().map(String::as_str));
        for (section, value) in integrations {
            let path = format!("integrations.{section}");
            match catalog.plan.integrations.get(section) {
                None => out.push(undeclared(&path, section, &sections, None, false)),
                Some(fields) => {
                    let keys = Names::new(fields.iter().map(|f| f.key.as_str()));
                    check_table(Some(value), &path, &keys, None, false, out);
                }
            }
        }
    }

    if let Some(services) = table(view.raw("services"), "services", out) {
        let ids = Names::new(catalog.services.keys().map(String::as_str));
        let service_keys = Names::new(
            SERVICE_KEYS
                .into_iter()
                .chain(catalog.plan.service_fields.iter().map(|f| f.key.as_str())),
        );
        for (id, value) in services {
            let path = format!("services.{id}");
            // An unknown service is a typo to point out, whatever its name looks like.
            let Some(service) = catalog.service(id) else {
                out.push(unknown(&path, id, &ids));
                continue;
            };
            check_table(Some(value), &path, &service_keys, Some(service), false, out);
            let Some(t) = value.as_table() else { continue };
            let port_names = Names::new(service.ports.iter().map(|p| p.name.as_str()));
            check_table(
                t.get("ports"),
                &format!("{path}.ports"),
                &port_names,
                Some(service),
                false,
                out,
            );
            let settings = Names::new(service.settings.iter().map(|f| f.key.as_str()));
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

/// The names a table may hold, and (made once, when a message needs it) their list.
struct Names<'a> {
    list: Vec<&'a str>,
    joined: OnceCell<String>,
}

impl<'a> Names<'a> {
    fn new(names: impl IntoIterator<Item = &'a str>) -> Names<'a> {
        Names {
            list: names.into_iter().collect(),
            joined: OnceCell::new(),
        }
    }

    /// `a, b, c`: the same for every unknown key of a table, so joined once.
    fn joined(&self) -> &str {
        self.joined.get_or_init(|| self.list.join(", "))
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
    known: &Names,
    service: Option<&Service>,
    in_settings: bool,
    out: &mut Vec<Diagnostic>,
) {
    let Some(t) = table(value, path, out) else {
        return;
    };
    for key in t.keys().filter(|k| !known.list.contains(&k.as_str())) {
        out.push(undeclared(
            &[path, ".", key].concat(),
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
    known: &Names,
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

/// Whether a key outside any service looks like it names a secret (a password, a
/// token, a private key): the test the answers file's keys get.
pub fn looks_like_secret(key: &str) -> bool {
    looks_secret(key, None)
}

fn looks_secret(key: &str, service: Option<&Service>) -> bool {
    let declared = service.is_some_and(|s| {
        s.secrets
            .iter()
            .any(|secret| secret.name == key || secret.env.as_deref() == Some(key))
    });
    let lower = key.to_ascii_lowercase();
    // Compared window by window: these keys are short, and a file may hold many.
    let contains = |w: &str| lower.as_bytes().windows(w.len()).any(|x| x == w.as_bytes());
    declared || SECRET_WORDS.iter().any(|w| contains(w))
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
fn unknown(path: &str, key: &str, known: &Names) -> Diagnostic {
    // Concatenated, each the one allocation of its exact size: a file may hold a
    // great many unknown keys.
    let message = match closest(key, &known.list) {
        Some(best) => ["Unknown key ", path, ": did you mean ", best, "?"].concat(),
        None if known.list.is_empty() => {
            ["Unknown key ", path, ": nothing can be set here."].concat()
        }
        None => [
            "Unknown key ",
            path,
            ": expected one of ",
            known.joined(),
            ".",
        ]
        .concat(),
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
        .map(|k| (*k, lowercase(k)))
        // Two cheap lower bounds of the distance first, the difference in length and
        // the characters one has and the other lacks: most unknown keys are far from
        // every name and cost no edit distance at all.
        .filter(|(_, k)| k.chars().count().abs_diff(length) <= limit)
        .filter(|(_, k)| bag_distance(&key, k) <= limit)
        .map(|(k, lower)| (strsim::levenshtein(&key, &lower), k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

/// The larger count of characters (with repeats) that one string has and the other
/// lacks: each edit changes it by at most one, so it never exceeds the edit distance.
/// ASCII only; 0 (no bound) otherwise.
fn bag_distance(a: &str, b: &str) -> usize {
    if !a.is_ascii() || !b.is_ascii() {
        return 0;
    }
    let mut counts = [0i32; 128];
    for c in a.bytes() {
        counts[c as usize] += 1;
    }
    for c in b.bytes() {
        counts[c as usize] -= 1;
    }
    // Each character's surplus counted once, where it occurs.
    let mut surplus = |bytes: std::str::Bytes, sign: i32| {
        let mut sum = 0;
        for c in bytes {
            let n = counts[c as usize] * sign;
            if n > 0 {
                sum += n as usize;
                counts[c as usize] = 0;
            }
        }
        sum
    };
    surplus(a.bytes(), 1).max(surplus(b.bytes(), -1))
}

/// The catalog's names are lowercase already: copy only those that are not.
fn lowercase(name: &str) -> std::borrow::Cow<'_, str> {
    if name.chars().any(char::is_uppercase) {
        name.to_lowercase().into()
    } else {
        name.into()
    }
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

    #[test]
    fn the_bag_distance_never_exceeds_the_edit_distance() {
        use super::bag_distance;
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "jetstream",
            "jetstrem",
            "streamjet",
            "état",
            "etat",
        ];
        for a in words {
            for b in words {
                assert!(
                    bag_distance(a, b) <= strsim::levenshtein(a, b),
                    "{a:?} {b:?}"
                );
            }
        }
        // Three letters in common (n, o, e): ten of the first word's thirteen are not.
        assert_eq!(bag_distance("unknown_key_1", "hostname"), 10);
    }
}
