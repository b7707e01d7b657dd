//! The services: nixpkgs' own PDS (its settings are environment variables) and the
//! project's services (their settings by the catalog's names).

use super::{Context, Found, HostLeaf, Kept, Recognised, evaluated, found_by_evaluation, keep};
use crate::catalog::model::{Field, FieldType, Service};
use crate::hostedit::Lit;
use crate::value::Value;

/// nixpkgs' own module (the PDS): settings are its environment variables. Returns the
/// port it listens on.
pub(super) fn nixpkgs_service(
    service: &Service,
    mine: &[&HostLeaf],
    ctx: &Context,
    r: &mut Recognised,
    taken: &mut impl FnMut(&mut Recognised, &HostLeaf),
) -> i64 {
    let id = &service.id;
    let settings_prefix = format!("services.{id}.settings.");
    let mut port = service.ports.first().map_or(0, |p| i64::from(p.default));
    let mut seen_env: Vec<String> = Vec::new();
    let mut own_secrets = false;
    for l in mine {
        let path = l.path();
        if let Some(env) = path.strip_prefix(&settings_prefix) {
            seen_env.push(env.to_string());
            if let Some(p) = service.ports.iter().find(|p| p.env.as_deref() == Some(env)) {
                match l.leaf.value.as_ref().and_then(int_of) {
                    Some(n) => {
                        port = n;
                        r.found.push(Found {
                            key: format!("services.{id}.ports.{}", p.name),
                            value: Value::Int(n),
                            from: Some(l.origin()),
                            note: None,
                        });
                        taken(r, l);
                    }
                    None => match evaluated(ctx, r, l).as_ref().and_then(int_of) {
                        Some(n) => {
                            port = n;
                            found_by_evaluation(
                                r,
                                l,
                                format!("services.{id}.ports.{}", p.name),
                                Value::Int(n),
                            );
                        }
                        None => keep(r, l, "not a literal port number"),
                    },
                }
                continue;
            }
            if service
                .secrets
                .iter()
                .any(|s| s.env.as_deref() == Some(env))
            {
                own_secrets = true;
                r.kept.push(Kept {
                    path,
                    from: l.origin(),
                    why: "a secret written into the Nix configuration (it is in the world-readable Nix store): move it into an environment file, then remove it here; the wizard never copies a secret into atproto.toml".into(),
                });
                continue;
            }
            let Some(field) = service
                .settings
                .iter()
                .find(|f| f.env.as_deref() == Some(env))
            else {
                keep(
                    r,
                    l,
                    "a setting the catalog does not model; it keeps working as written",
                );
                continue;
            };
            let key = format!("services.{id}.settings.{}", field.key);
            match l.leaf.value.as_ref().and_then(|v| answer_of(field, v)) {
                Some(value) => {
                    r.found.push(Found {
                        key,
                        value,
                        from: Some(l.origin()),
                        note: None,
                    });
                    taken(r, l);
                }
                None => match evaluated(ctx, r, l).and_then(|v| answer_of(field, &v)) {
                    Some(value) => found_by_evaluation(r, l, key, value),
                    None => keep(r, l, "its value is not a literal the wizard can read"),
                },
            }
            continue;
        }
        if path == format!("services.{id}.environmentFiles") {
            own_secrets = true;
            r.kept.push(Kept {
                path,
                from: l.origin(),
                why: "it feeds the service's secrets; it stays, and the secrets backend makes none for this service".into(),
            });
            continue;
        }
        let why = if path == format!("services.{id}.settings") {
            "the settings are built by an expression the wizard cannot read; they keep working as written"
        } else {
            "an option the wizard does not manage; it keeps working as written"
        };
        keep(r, l, why);
    }
    if own_secrets {
        r.found.push(Found {
            key: format!("services.{id}.own_secrets"),
            value: Value::Bool(true),
            from: None,
            note: Some("the host provides this service's secrets itself".into()),
        });
    }
    // Settings left unset where the wizard's default differs from what the program
    // does without the variable: written as the host has them.
    for field in &service.settings {
        let Some(env) = &field.env else { continue };
        if seen_env.contains(env) {
            continue;
        }
        if let Some(unset) = &field.unset_means {
            let value = Value::from_toml(unset);
            r.found.push(Found {
                key: format!("services.{id}.settings.{}", field.key),
                value,
                from: None,
                note: Some(format!(
                    "{env} is not set on this host, and this is what the program then does"
                )),
            });
        }
    }
    port
}

/// One of the project's own services: `services.<id>.{domain,ports.*,settings.*}` by the
/// catalog's names.
pub(super) fn own_service(
    service: &Service,
    mine: &[&HostLeaf],
    r: &mut Recognised,
    taken: &mut impl FnMut(&mut Recognised, &HostLeaf),
) {
    let id = &service.id;
    for l in mine {
        let path = l.path();
        let rest = &path[format!("services.{id}.").len()..];
        let answer = if rest == "domain" {
            l.leaf
                .value
                .as_ref()
                .and_then(|v| v.as_text())
                .map(|d| ("domain".to_string(), Value::Str(d)))
        } else if let Some(name) = rest.strip_prefix("ports.") {
            service
                .ports
                .iter()
                .find(|p| p.name == name)
                .and_then(|_| l.leaf.value.as_ref().and_then(int_of))
                .map(|n| (rest.to_string(), Value::Int(n)))
        } else if let Some(key) = rest.strip_prefix("settings.") {
            service
                .settings
                .iter()
                .find(|f| f.key == key)
                .and_then(|f| l.leaf.value.as_ref().and_then(|v| answer_of(f, v)))
                .map(|v| (rest.to_string(), v))
        } else {
            None
        };
        match answer {
            Some((key, value)) => {
                r.found.push(Found {
                    key: format!("services.{id}.{key}"),
                    value,
                    from: Some(l.origin()),
                    note: None,
                });
                taken(r, l);
            }
            None => keep(r, l, "not something the catalog models as a literal"),
        }
    }
}

/// An integer from a literal or a string of digits (nixpkgs' settings are strings).
pub(super) fn int_of(v: &Lit) -> Option<i64> {
    match v {
        Lit::Int(i) => Some(*i),
        Lit::Str(s) => s.parse().ok(),
        _ => None,
    }
}

/// The answers value for a setting, from the literal written for it (an environment
/// variable's text for nixpkgs' settings, a typed value for the project's own).
pub(super) fn answer_of(field: &Field, v: &Lit) -> Option<Value> {
    match field.ty {
        FieldType::Bool => match v {
            Lit::Bool(b) => Some(Value::Bool(*b)),
            Lit::Str(s) if s == "true" => Some(Value::Bool(true)),
            Lit::Str(s) if s == "false" => Some(Value::Bool(false)),
            _ => None,
        },
        FieldType::Int | FieldType::Port => int_of(v).map(Value::Int),
        FieldType::List => match v {
            Lit::List(items) => items
                .iter()
                .map(|i| i.as_text().map(Value::Str))
                .collect::<Option<Vec<_>>>()
                .map(Value::List),
            Lit::Str(s) => Some(Value::List(
                s.split(',')
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::Str(p.to_string()))
                    .collect(),
            )),
            _ => None,
        },
        _ => v.as_text().map(Value::Str),
    }
}
