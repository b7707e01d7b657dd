//! Field checks: every written value against its type, and required fields present.
use super::Diagnostic;
use crate::catalog::{Field, FieldType};
use crate::plan::PlanView;
use crate::value::Value;

pub(super) fn check(view: &PlanView, out: &mut Vec<Diagnostic>) {
    let plan = &view.catalog.plan;
    for field in &plan.host {
        check_field(view, field, &format!("host.{}", field.key), true, out);
    }
    for (section, fields) in &plan.integrations {
        for field in fields {
            check_field(
                view,
                field,
                &format!("integrations.{section}.{}", field.key),
                true,
                out,
            );
        }
    }
    for service in view.catalog.services.values() {
        let Some(table) = view.service_table(&service.id) else {
            continue;
        };
        let enabled = view.is_enabled(&service.id);
        let base = format!("services.{}", service.id);
        if let Some(v) = table.get("enable")
            && v.as_bool().is_none()
        {
            out.push(type_error(
                view,
                FieldType::Bool,
                v,
                &format!("{base}.enable"),
            ));
        }
        // Keys every service table may hold (`_plan.toml [[service_fields]]`).
        for field in &plan.service_fields {
            check_field(view, field, &format!("{base}.{}", field.key), enabled, out);
        }
        for field in &service.settings {
            check_field(
                view,
                field,
                &format!("{base}.settings.{}", field.key),
                enabled,
                out,
            );
        }
        for port in &service.ports {
            let path = format!("{base}.ports.{}", port.name);
            if let Some(v) = view.raw(&path) {
                check_port(view, v, &path, out);
            }
        }
        // The proxy's name for the service: a `hostname` like host.domain, never required.
        if let Some(v) = table.get("domain") {
            let path = format!("{base}.domain");
            check_pattern(view, None, FieldType::Hostname, v, &path, out);
        }
    }
}

fn check_field(
    view: &PlanView,
    field: &Field,
    path: &str,
    required_applies: bool,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(value) = view.raw(path)
        && !explicitly_unset(field, value)
    {
        check_value(view, field, field.ty, value, path, out);
    }
    if required_applies && field.required && !Value::is_set(view.get(path).as_ref()) {
        let message = match &field.example {
            Some(example) => format!("Set {path}, like {example}."),
            None => format!("Set {path}; it has no default."),
        };
        out.push(Diagnostic::error(path, "required", message));
    }
}

fn check_value(
    view: &PlanView,
    field: &Field,
    ty: FieldType,
    value: &Value,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    // `@<host>/<service>`: another host's service, resolved only in a fleet.
    if field.refers_to.is_some()
        && let Some(s) = value.as_str().filter(|s| s.starts_with('@'))
    {
        out.push(Diagnostic::error(
            path,
            "fleet-reference",
            format!(
                "{} names a service on another host of a fleet: only `atproto-wizard fleet check` resolves it; a host on its own needs the URL itself.",
                Value::Str(s.to_string()).to_json()
            ),
        ));
        return;
    }
    match ty {
        FieldType::Bool => {
            if value.as_bool().is_none() {
                out.push(type_error(view, ty, value, path));
            }
        }
        FieldType::Port => check_port(view, value, path, out),
        FieldType::Int => match value.as_int() {
            None => out.push(type_error(view, ty, value, path)),
            Some(n) => {
                if let Some(min) = field.min.filter(|m| n < *m) {
                    out.push(Diagnostic::error(
                        path,
                        "field",
                        format!("{n} must be at least {min}."),
                    ));
                } else if let Some(max) = field.max.filter(|m| n > *m) {
                    out.push(Diagnostic::error(
                        path,
                        "field",
                        format!("{n} must be at most {max}."),
                    ));
                }
            }
        },
        FieldType::Enum => {
            if !value
                .as_str()
                .is_some_and(|s| field.choices.iter().any(|c| c == s))
            {
                let message = format!(
                    "{} must be one of: {}.",
                    value.to_json(),
                    field.choices.join(", ")
                );
                out.push(Diagnostic::error(path, "field", message));
            }
        }
        FieldType::List => match value {
            Value::List(items) => {
                let item_ty = field.item.unwrap_or(FieldType::String);
                let spec = view.catalog.type_spec(FieldType::List);
                let join = spec.and_then(|t| t.join.as_deref());
                for item in items {
                    let before = out.len();
                    check_value(view, field, item_ty, item, path, out);
                    // A good item that would split in two once joined.
                    if let (true, Some(join), Some(s)) = (out.len() == before, join, item.as_str())
                        && s.contains(join)
                    {
                        let message = spec.and_then(|t| t.join_message.as_deref());
                        out.push(field_error(item, message.unwrap_or_default(), path));
                    }
                }
            }
            _ => out.push(type_error(view, ty, value, path)),
        },
        _ => check_pattern(view, Some(field), ty, value, path, out),
    }
}

/// A string type of `_plan.toml [types]`: a string within its `max_length`, without a
/// character `[text]` forbids, matching its pattern, without a password its `password`
/// finds. The first check that fails is the one reported, in this order
/// (nixlib/lib/fields.nix checks in the same one). `field` names where a password goes.
fn check_pattern(
    view: &PlanView,
    field: Option<&Field>,
    ty: FieldType,
    value: &Value,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    let catalog = view.catalog;
    let Some(s) = value.as_str() else {
        out.push(type_error(view, ty, value, path));
        return;
    };
    let too_long = catalog
        .type_spec(ty)
        .and_then(|t| t.max_length)
        .is_some_and(|max| s.len() > max);
    if too_long {
        out.push(type_error(view, ty, value, path));
    } else if catalog.has_forbidden_text(s) {
        out.push(field_error(value, &catalog.plan.text.message, path));
    } else if catalog.pattern(ty).is_some_and(|re| !re.is_match(s)) {
        out.push(type_error(view, ty, value, path));
    } else if catalog.password(ty).is_some_and(|re| re.is_match(s)) {
        out.push(password_error(view, field, ty, path));
    }
}

/// `<password_message>: <hint>.`, without the value: it holds the password. Its own
/// code lets the wizard drop the value wherever it keeps answers (review, drafts).
fn password_error(view: &PlanView, field: Option<&Field>, ty: FieldType, path: &str) -> Diagnostic {
    let spec = view.catalog.type_spec(ty);
    let message = spec.and_then(|t| t.password_message.as_deref());
    let hint = field
        .and_then(|f| f.password_hint.as_deref())
        .or_else(|| spec.and_then(|t| t.password_hint.as_deref()));
    Diagnostic::error(
        path,
        "password-in-value",
        format!(
            "{}: {}.",
            message.unwrap_or_default(),
            hint.unwrap_or_default()
        ),
    )
}

fn check_port(view: &PlanView, value: &Value, path: &str, out: &mut Vec<Diagnostic>) {
    if !value.as_int().is_some_and(|n| (1..=65535).contains(&n)) {
        out.push(type_error(view, FieldType::Port, value, path));
    }
}

fn type_error(view: &PlanView, ty: FieldType, value: &Value, path: &str) -> Diagnostic {
    let message = view
        .catalog
        .type_spec(ty)
        .map_or("has the wrong type", |t| t.message.as_str());
    field_error(value, message, path)
}

/// `<value as JSON> <message>.`, the form of every value's diagnostic.
fn field_error(value: &Value, message: &str, path: &str) -> Diagnostic {
    Diagnostic::error(path, "field", format!("{} {message}.", value.to_json()))
}

/// An empty string is "not set" for a field whose `unset_means` is `""` (the program
/// treats an empty variable as absent): it is not checked against the field's type.
fn explicitly_unset(field: &Field, value: &Value) -> bool {
    value.as_str() == Some("")
        && matches!(&field.unset_means, Some(toml::Value::String(s)) if s.is_empty())
}
