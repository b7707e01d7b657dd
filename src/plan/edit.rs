//! Changing an answers file in place with toml_edit: the operator's comments, ordering
//! and formatting survive; only the values the wizard sets change.
use toml_edit::{DocumentMut, InlineTable, Item, Table, value};

use super::PlanView;
use super::ports::allocate;
use super::public::serves_publicly;
use super::schema::CURRENT;
use crate::catalog::Catalog;
use crate::value::Value;

/// Sets the value at a dotted path, creating the tables on the way. `ports` tables are
/// written inline (`ports = { http = 3000 }`), every other table as a `[section]`.
pub fn set(doc: &mut DocumentMut, path: &str, new: &Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let (last, parents) = parts.split_last().expect("a path has at least one part");
    let mut table: &mut Table = doc.as_table_mut();
    for (i, part) in parents.iter().enumerate() {
        let inline = *part == "ports";
        let entry = table.entry(part).or_insert_with(|| {
            if inline {
                Item::Value(toml_edit::Value::InlineTable(InlineTable::new()))
            } else {
                let mut t = Table::new();
                // Parents like [services] stay implicit, as a person writes them.
                t.set_implicit(i + 1 < parents.len());
                Item::Table(t)
            }
        });
        // An inline table the operator wrote (`settings = { … }`) is set inside, never
        // replaced by an empty section.
        if let Some(t) = entry.as_inline_table_mut() {
            set_inline(t, &parts[i + 1..], new);
            return;
        }
        if !entry.is_table() {
            *entry = Item::Table(Table::new());
        }
        table = entry.as_table_mut().expect("just made a table");
    }
    match table.get_mut(last) {
        // Keep the key's decoration (comments after the value) when replacing it.
        Some(Item::Value(old)) => {
            let decor = old.decor().clone();
            *old = to_toml(new);
            *old.decor_mut() = decor;
        }
        _ => {
            table.insert(last, value(to_toml(new)));
        }
    }
}

fn set_inline(table: &mut InlineTable, rest: &[&str], new: &Value) {
    if let [key] = rest {
        match table.get_mut(key) {
            Some(old) => {
                let decor = old.decor().clone();
                *old = to_toml(new);
                *old.decor_mut() = decor;
            }
            None => {
                table.insert(*key, to_toml(new));
            }
        }
    }
}

/// Removes the key at a dotted path, if present.
pub fn remove(doc: &mut DocumentMut, path: &str) {
    let parts: Vec<&str> = path.split('.').collect();
    let (last, parents) = parts.split_last().expect("non-empty path");
    let mut item = doc.as_item_mut();
    for part in parents {
        match item.get_mut(part) {
            Some(next) => item = next,
            None => return,
        }
    }
    if let Some(t) = item.as_table_like_mut() {
        t.remove(last);
    }
}

fn to_toml(v: &Value) -> toml_edit::Value {
    match v {
        Value::Str(s) => s.as_str().into(),
        Value::Int(i) => (*i).into(),
        Value::Float(f) => (*f).into(),
        Value::Bool(b) => (*b).into(),
        Value::List(items) => {
            let mut a = toml_edit::Array::new();
            for item in items {
                a.push(to_toml(item));
            }
            toml_edit::Value::Array(a)
        }
        Value::Table(map) => {
            let mut t = InlineTable::new();
            for (k, item) in map {
                t.insert(k, to_toml(item));
            }
            toml_edit::Value::InlineTable(t)
        }
    }
}

/// Writes every effective value the file leaves to defaults (host and integration
/// fields; enabled services' `enable`, `domain` when they have a public port, settings,
/// and ports from the allocator), so the file says completely what the host will be.
/// Values already written never change. Unlike ports, clashing domains are left as
/// they are: a domain is a DNS name the operator owns, so only they can choose another.
pub fn resolve(
    catalog: &Catalog,
    doc: &mut DocumentMut,
    tree: &std::collections::BTreeMap<String, Value>,
) {
    let view = PlanView::new(catalog, tree);
    let mut paths: Vec<String> = Vec::new();
    if view.raw("schema").is_none() {
        set(doc, "schema", &Value::Int(CURRENT));
    }
    paths.extend(catalog.plan.host.iter().map(|f| format!("host.{}", f.key)));
    for (section, fields) in &catalog.plan.integrations {
        paths.extend(
            fields
                .iter()
                .map(|f| format!("integrations.{section}.{}", f.key)),
        );
    }
    for service in view.enabled_services() {
        paths.push(format!("services.{}.enable", service.id));
        // The proxy's name for it, only where there is something to serve.
        if serves_publicly(&view, service) {
            paths.push(format!("services.{}.domain", service.id));
        }
        paths.extend(
            service
                .settings
                .iter()
                .map(|f| format!("services.{}.settings.{}", service.id, f.key)),
        );
    }
    for path in paths {
        if view.raw(&path).is_some() {
            continue;
        }
        // Unset optional fields stay out of the file; an empty list default is a choice.
        if let Some(v) = view
            .get(&path)
            .filter(|v| Value::is_set(Some(v)) || matches!(v, Value::List(_)))
        {
            set(doc, &path, &v);
        }
    }
    for (path, number) in allocate(&view) {
        set(doc, &path, &Value::Int(number));
    }
}
