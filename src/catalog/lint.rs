//! The catalog's self-check: what TOML types cannot say (a rule pointing at a setting
//! that does not exist, an enum default outside its choices, …). Run by the tests, so
//! a broken catalog never ships.
use std::collections::BTreeSet;

use super::{Catalog, Condition, Field, FieldType, Generator, Rule, Service, Status};

/// Every problem found, one sentence each, naming the file.
pub fn lint(catalog: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, spec) in &catalog.plan.types {
        if spec.password.is_some()
            && (spec.password_message.is_none() || spec.password_hint.is_none())
        {
            problems.push(format!(
                "_plan.toml: type {name} has a password pattern but not both password_message and password_hint"
            ));
        }
    }
    for field in &catalog.plan.host {
        lint_field(catalog, "_plan.toml host", field, &mut problems);
    }
    for (section, fields) in &catalog.plan.integrations {
        for field in fields {
            lint_field(
                catalog,
                &format!("_plan.toml integrations.{section}"),
                field,
                &mut problems,
            );
        }
    }
    lint_service_fields(catalog, &mut problems);
    lint_integration_steps(catalog, &mut problems);
    for rule in &catalog.plan.rules {
        lint_rule(catalog, None, rule, &mut problems);
    }
    for port in &catalog.plan.ports {
        if resolve_known(catalog, None, &port.path).is_none() {
            problems.push(format!(
                "_plan.toml: port of {} names unknown path {}",
                port.owner, port.path
            ));
        }
    }
    for service in catalog.services.values() {
        lint_service(catalog, service, &mut problems);
    }
    problems
}

/// A service field is a key of every service table: it must not take the name of a
/// key that means something else there, appear twice, or be required (a service
/// would then be invalid unless the operator wrote it).
fn lint_service_fields(catalog: &Catalog, problems: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for field in &catalog.plan.service_fields {
        lint_field(catalog, "_plan.toml service_fields", field, problems);
        if ["enable", "domain", "ports", "settings"].contains(&field.key.as_str()) {
            problems.push(format!(
                "_plan.toml: service_fields {} is already a key of every service table",
                field.key
            ));
        }
        if !seen.insert(field.key.as_str()) {
            problems.push(format!(
                "_plan.toml: service_fields lists {} twice",
                field.key
            ));
        }
        if field.required {
            problems.push(format!(
                "_plan.toml: service_fields {} is required; a service field never is",
                field.key
            ));
        }
    }
}

/// Every integration section has one step, in order, with a title; no step names a
/// section that does not exist.
fn lint_integration_steps(catalog: &Catalog, problems: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    for step in &catalog.plan.integration_steps {
        if !catalog.plan.integrations.contains_key(&step.id) {
            problems.push(format!(
                "_plan.toml: integration_steps names {}, which has no [[integrations.{}]] fields",
                step.id, step.id
            ));
        }
        if !seen.insert(step.id.as_str()) {
            problems.push(format!(
                "_plan.toml: integration_steps lists {} twice",
                step.id
            ));
        }
        if step.title.trim().is_empty() {
            problems.push(format!(
                "_plan.toml: integration_steps {} has no title",
                step.id
            ));
        }
    }
    for section in catalog.plan.integrations.keys() {
        if !seen.contains(section.as_str()) {
            problems.push(format!(
                "_plan.toml: integrations.{section} is missing from integration_steps (its place and title)"
            ));
        }
    }
}

fn lint_service(catalog: &Catalog, s: &Service, problems: &mut Vec<String>) {
    let file = format!("{}.toml", s.id);
    if s.status != Status::Stable && s.status_note.trim().is_empty() {
        problems.push(format!(
            "{file}: status {:?} needs a status_note saying why",
            s.status
        ));
    }
    unique(
        &file,
        "port",
        s.ports.iter().map(|p| p.name.as_str()),
        problems,
    );
    unique(
        &file,
        "setting",
        s.settings.iter().map(|f| f.key.as_str()),
        problems,
    );
    unique(
        &file,
        "secret",
        s.secrets.iter().map(|x| x.name.as_str()),
        problems,
    );
    unique(
        &file,
        "rule",
        s.rules.iter().map(|r| r.id.as_str()),
        problems,
    );
    for port in &s.ports {
        if !port.enabled_by.is_empty()
            && s.setting(&port.enabled_by).map(|f| f.ty) != Some(FieldType::Bool)
        {
            problems.push(format!(
                "{file}: port {} enabled_by {:?} is not a bool setting",
                port.name, port.enabled_by
            ));
        }
        if !port.fixed && port.flag.is_none() && port.env.is_none() {
            problems.push(format!(
                "{file}: port {} is movable but has neither flag nor env",
                port.name
            ));
        }
    }
    for field in &s.settings {
        lint_field(catalog, &file, field, problems);
        let port_switch = s.ports.iter().any(|p| p.enabled_by == field.key);
        if field.flag.is_none() && field.env.is_none() && !port_switch {
            problems.push(format!(
                "{file}: setting {} reaches the program by neither flag nor env",
                field.key
            ));
        }
    }
    for secret in &s.secrets {
        match (&secret.needed_with, secret.required) {
            (Some(key), false) if !s.settings.iter().any(|f| &f.key == key) => {
                problems.push(format!(
                    "{file}: secret {} is needed_with {key:?}, which is not one of its settings",
                    secret.name
                ))
            }
            (None, false) => problems.push(format!(
                "{file}: optional secret {} needs `needed_with`: the setting that turns it on",
                secret.name
            )),
            (Some(_), true) => problems.push(format!(
                "{file}: secret {} is required, so `needed_with` means nothing",
                secret.name
            )),
            _ => {}
        }
        if secret.env.is_none() && secret.flag.is_none() {
            problems.push(format!(
                "{file}: secret {} reaches the program by neither env nor flag",
                secret.name
            ));
        }
        if matches!(secret.generator, Generator::Hex | Generator::Base64)
            && secret.bytes.unwrap_or(0) == 0
        {
            problems.push(format!(
                "{file}: secret {} needs `bytes` for its generator",
                secret.name
            ));
        }
    }
    for dep in &s.needs.services {
        if !catalog.services.contains_key(dep) {
            problems.push(format!(
                "{file}: needs.services names unknown service {dep}"
            ));
        }
    }
    for rule in &s.rules {
        lint_rule(catalog, Some(s), rule, problems);
    }
    lint_placeholder_hashes(&file, s, problems);
    lint_health(&file, s, problems);
    for c in &s.compat {
        // Numbers first, after an optional v: what `upgrade` compares by.
        let numbers = c.version.strip_prefix('v').unwrap_or(&c.version);
        let release = numbers.split('-').next().unwrap_or_default();
        if release.is_empty() || !release.split('.').all(|p| p.parse::<u64>().is_ok()) {
            problems.push(format!(
                "{file}: compat version {:?} is not a version (like 0.5.0 or v0.2.0)",
                c.version
            ));
        }
        if [&c.note, &c.migration, &c.source]
            .iter()
            .any(|t| t.trim().is_empty())
        {
            problems.push(format!(
                "{file}: compat {} needs a note, a migration and the upstream source",
                c.version
            ));
        }
    }
    lint_old_keys(&file, s, problems);
}

/// An old key (a setting's `renamed_from`, a `[[removed]]` key) is a key answers files
/// no longer use: never one the service still has, never claimed twice, and a removal
/// says what to do instead and since when.
fn lint_old_keys(file: &str, s: &Service, problems: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    let renamed = s
        .settings
        .iter()
        .flat_map(|f| f.renamed_from.iter().map(move |old| (old, &f.key)));
    for (old, new) in renamed {
        if s.setting(old).is_some() {
            problems.push(format!(
                "{file}: setting {new} is renamed_from {old}, which is still a setting"
            ));
        }
        if !seen.insert(old.as_str()) {
            problems.push(format!("{file}: old key {old} is declared twice"));
        }
    }
    for r in &s.removed {
        if s.setting(&r.key).is_some() {
            problems.push(format!("{file}: removed key {} is still a setting", r.key));
        }
        if !seen.insert(r.key.as_str()) {
            problems.push(format!("{file}: old key {} is declared twice", r.key));
        }
        if r.advice.trim().is_empty() || r.since.trim().is_empty() {
            problems.push(format!(
                "{file}: removed key {} needs advice (what to do instead) and since (the version that dropped it)",
                r.key
            ));
        }
    }
}

fn lint_health(file: &str, s: &Service, problems: &mut Vec<String>) {
    let Some(h) = &s.health else { return };
    if s.port(&h.port).is_none() {
        problems.push(format!(
            "{file}: health port {:?} is not one of the service's ports",
            h.port
        ));
    }
    if !h.path.starts_with('/') || h.path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        problems.push(format!(
            "{file}: health path {:?} must start with / and hold no space",
            h.path
        ));
    }
    if h.source.trim().is_empty() {
        problems.push(format!(
            "{file}: health needs the upstream source it was read in"
        ));
    }
}

fn lint_placeholder_hashes(file: &str, s: &Service, problems: &mut Vec<String>) {
    if !s.placeholder_hashes.is_empty() && s.package_from != "atproto" {
        problems.push(format!(
            "{file}: placeholder_hashes belong to this flake's packages, but package_from is {:?}",
            s.package_from
        ));
    }
    let ident = |part: &str| {
        part.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-'".contains(c))
    };
    let mut seen = BTreeSet::new();
    for h in &s.placeholder_hashes {
        if !(h.file.starts_with("nixlib/pkgs/") && h.file.ends_with(".nix"))
            || h.file.contains("..")
        {
            problems.push(format!(
                "{file}: placeholder hash file {:?} is not a nixlib/pkgs/…/*.nix path",
                h.file
            ));
        }
        if !h.attr.split('.').all(ident) {
            problems.push(format!(
                "{file}: placeholder hash attr {:?} is not a dotted attribute name",
                h.attr
            ));
        }
        if !seen.insert((&h.file, &h.attr)) {
            problems.push(format!(
                "{file}: placeholder hash {} in {} is listed twice",
                h.attr, h.file
            ));
        }
    }
}

fn unique<'a>(
    file: &str,
    what: &str,
    names: impl Iterator<Item = &'a str>,
    problems: &mut Vec<String>,
) {
    let mut seen = BTreeSet::new();
    for name in names {
        if !seen.insert(name) {
            problems.push(format!("{file}: {what} {name} is declared twice"));
        }
    }
}

fn lint_field(catalog: &Catalog, file: &str, field: &Field, problems: &mut Vec<String>) {
    let key = &field.key;
    let value_type = match field.ty {
        FieldType::List => field.item.unwrap_or(FieldType::String),
        ty => ty,
    };
    if file.starts_with("_plan.toml") && !field.renamed_from.is_empty() {
        problems.push(format!(
            "{file}: {key} has renamed_from, which only a service's settings may have"
        ));
    }
    if let Some(unset) = &field.unset_means {
        let fits = match (field.ty, unset) {
            (FieldType::Bool, toml::Value::Boolean(_)) => true,
            (FieldType::Int | FieldType::Port, toml::Value::Integer(_)) => true,
            (FieldType::List, toml::Value::Array(_)) => true,
            // "" is "no value": for a field the wizard renders as text.
            (FieldType::Bool | FieldType::Int | FieldType::Port | FieldType::List, _) => false,
            (_, toml::Value::String(_)) => true,
            _ => false,
        };
        if !fits {
            problems.push(format!(
                "{file}: {key} has unset_means {unset}, which is not a {} value",
                field.ty.name()
            ));
        }
    }
    if let Some(r) = &field.refers_to {
        let takes_url = matches!(field.ty, FieldType::Url | FieldType::String)
            || (field.ty == FieldType::List && value_type == FieldType::Url);
        let scheme_ok = ["https://", "http://", "wss://", "ws://"]
            .iter()
            .any(|s| r.url.starts_with(s));
        if !takes_url || r.kinds.is_empty() || !r.url.contains("{domain}") || !scheme_ok {
            problems.push(format!(
                "{file}: {key} has refers_to, but it needs a url (or string, or list of url) setting, at least one kind, and a url with a scheme and {{domain}} (got {:?})",
                r.url
            ));
        }
    }
    if field.password_hint.is_some() && catalog.password(value_type).is_none() {
        problems.push(format!(
            "{file}: {key} has a password_hint, but its type {} finds no password",
            value_type.name()
        ));
    }
    if catalog.type_spec(field.ty).is_none() {
        problems.push(format!(
            "{file}: {key} has type {} with no [types] entry",
            field.ty.name()
        ));
    }
    if field.ty == FieldType::Enum {
        if field.choices.is_empty() {
            problems.push(format!("{file}: enum {key} has no choices"));
        }
        if let Some(d) = field.default.as_ref().and_then(|d| d.as_str())
            && !field.choices.iter().any(|c| c == d)
        {
            problems.push(format!(
                "{file}: default {d:?} of {key} is not among its choices"
            ));
        }
    }
    if let Some(default) = &field.default {
        let ok = match field.ty {
            FieldType::Bool => default.is_bool(),
            FieldType::Int | FieldType::Port => default.is_integer(),
            FieldType::List => default.is_array(),
            _ => default.is_str(),
        };
        if !ok {
            problems.push(format!(
                "{file}: default of {key} does not have type {}",
                field.ty.name()
            ));
        }
        let texts: Vec<&str> = match default {
            toml::Value::Array(items) => items.iter().filter_map(|i| i.as_str()).collect(),
            other => other.as_str().into_iter().collect(),
        };
        for text in texts {
            for reference in template_references(text) {
                if !reference.starts_with("host.")
                    || catalog.plan.host_field(&reference[5..]).is_none()
                {
                    problems.push(format!("{file}: default of {key} refers to {{{reference}}}; only host fields may be used"));
                }
            }
        }
    }
    if let (Some(min), Some(max)) = (field.min, field.max)
        && min > max
    {
        problems.push(format!("{file}: {key} has min {min} above max {max}"));
    }
    if field.help.trim().is_empty() {
        problems.push(format!("{file}: {key} has no help text"));
    }
}

/// The `{path}` references inside a default string.
pub fn template_references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

fn lint_rule(
    catalog: &Catalog,
    service: Option<&Service>,
    rule: &Rule,
    problems: &mut Vec<String>,
) {
    let file = service.map_or("_plan.toml".to_string(), |s| format!("{}.toml", s.id));
    let mut paths: Vec<&str> = rule.require.paths();
    if let Some(when) = &rule.when {
        paths.extend(when.paths());
    }
    paths.push(&rule.path);
    for path in paths {
        if resolve_known(catalog, service, path).is_none() {
            problems.push(format!(
                "{file}: rule {} refers to unknown path {path}",
                rule.id
            ));
        }
    }
    let mut enabled = Vec::new();
    collect_enabled(&rule.require, &mut enabled);
    if let Some(w) = &rule.when {
        collect_enabled(w, &mut enabled);
    }
    for id in enabled {
        if !catalog.services.contains_key(id) {
            problems.push(format!(
                "{file}: rule {} names unknown service {id}",
                rule.id
            ));
        }
    }
    for reference in template_references(&rule.message) {
        if reference != "id" && reference != "title" {
            problems.push(format!(
                "{file}: rule {} message uses {{{reference}}}; only {{id}} and {{title}}",
                rule.id
            ));
        }
    }
}

fn collect_enabled<'a>(c: &'a Condition, out: &mut Vec<&'a str>) {
    match c {
        Condition::Enabled(id) => out.push(id),
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| collect_enabled(c, out)),
        Condition::Not(c) => collect_enabled(c, out),
        _ => {}
    }
}

/// Whether `path` (absolute, or relative to `service`) names a declared field; returns
/// its absolute form.
fn resolve_known(catalog: &Catalog, service: Option<&Service>, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["host", key] => catalog.plan.host_field(key).map(|_| path.to_string()),
        ["integrations", section, key] => catalog
            .plan
            .integration_field(section, key)
            .map(|_| path.to_string()),
        ["services", id, rest @ ..] => {
            let s = catalog.service(id)?;
            resolve_known(catalog, Some(s), &rest.join(".")).map(|_| path.to_string())
        }
        ["enable"] => service.map(|s| format!("services.{}.enable", s.id)),
        ["domain"] => service.map(|s| format!("services.{}.domain", s.id)),
        [key] if catalog.plan.service_field(key).is_some() => {
            service.map(|s| format!("services.{}.{key}", s.id))
        }
        ["settings", key] => service
            .and_then(|s| s.setting(key))
            .map(|_| path.to_string()),
        ["ports", name] => service.and_then(|s| s.port(name)).map(|_| path.to_string()),
        _ => None,
    }
}
