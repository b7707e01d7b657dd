//! Settings an answers file may still use under an old name: a key the catalog renamed
//! (a setting's `renamed_from`) is read as its new key, and a key the catalog dropped
//! (`[[removed]]`) is read as absent. Pure: the validators report what is found here,
//! and `check --fix` rewrites it (`fix`).
use std::borrow::Cow;
use std::collections::BTreeMap;

use toml_edit::{Document, DocumentMut};

use super::Answers;
use crate::catalog::{Catalog, Removed, Service};
use crate::value::Value;

/// What an old key of a service's settings has become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate<'a> {
    /// Renamed to `new`; `new_also_set`: the file writes the new key too (or an old key
    /// of it that sorts first), whose value wins: this one is ignored.
    Renamed {
        new: &'a str,
        new_also_set: bool,
    },
    Removed(&'a Removed),
}

/// One old key written in an answers file.
#[derive(Debug, Clone)]
pub struct OldKey<'a> {
    pub service: &'a Service,
    pub key: String,
    pub fate: Fate<'a>,
}

impl OldKey<'_> {
    /// The dotted path the file writes it at.
    pub fn path(&self) -> String {
        format!("services.{}.settings.{}", self.service.id, self.key)
    }
    /// The dotted path of its new key, for a renamed one.
    pub fn new_path(&self) -> Option<String> {
        match self.fate {
            Fate::Renamed { new, .. } => {
                Some(format!("services.{}.settings.{new}", self.service.id))
            }
            Fate::Removed(_) => None,
        }
    }
}

/// What an old key of `service` has become, if `key` is one.
fn fate<'a>(
    service: &'a Service,
    key: &str,
    settings: &BTreeMap<String, Value>,
) -> Option<Fate<'a>> {
    if let Some(field) = service
        .settings
        .iter()
        .find(|f| f.renamed_from.iter().any(|old| old == key))
    {
        // Two old keys of one setting: the first in byte order is the one forwarded.
        let earlier = field
            .renamed_from
            .iter()
            .any(|o| o.as_str() < key && settings.contains_key(o));
        let new_also_set = settings.contains_key(&field.key) || earlier;
        return Some(Fate::Renamed {
            new: &field.key,
            new_also_set,
        });
    }
    service
        .removed
        .iter()
        .find(|r| r.key == key)
        .map(Fate::Removed)
}

/// Every old key the file writes, services in id order, keys in byte order.
pub fn old_keys<'a>(catalog: &'a Catalog, tree: &BTreeMap<String, Value>) -> Vec<OldKey<'a>> {
    let Some(services) = tree.get("services").and_then(Value::as_table) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (id, table) in services {
        let Some(service) = catalog.service(id) else {
            continue;
        };
        let Some(settings) = table
            .as_table()
            .and_then(|t| t.get("settings"))
            .and_then(Value::as_table)
        else {
            continue;
        };
        for key in settings.keys() {
            if let Some(fate) = fate(service, key, settings) {
                found.push(OldKey {
                    service,
                    key: key.clone(),
                    fate,
                });
            }
        }
    }
    found
}

/// The tree as the rest of the wizard reads it: each renamed key's value under its new
/// key (unless the file writes the new key too), removed keys left out. Borrowed when
/// there is nothing to change.
pub fn forward<'t>(
    catalog: &Catalog,
    tree: &'t BTreeMap<String, Value>,
) -> Cow<'t, BTreeMap<String, Value>> {
    let old = old_keys(catalog, tree);
    if old.is_empty() {
        return Cow::Borrowed(tree);
    }
    let mut tree = tree.clone();
    for o in old {
        let settings = tree
            .get_mut("services")
            .and_then(Value::as_table_mut)
            .and_then(|s| s.get_mut(&o.service.id))
            .and_then(Value::as_table_mut)
            .and_then(|t| t.get_mut("settings"))
            .and_then(Value::as_table_mut)
            .expect("old_keys found it in this table");
        let value = settings.remove(&o.key);
        if let (
            Fate::Renamed {
                new,
                new_also_set: false,
            },
            Some(v),
        ) = (o.fate, value)
        {
            settings.insert(new.to_string(), v);
        }
    }
    Cow::Owned(tree)
}

/// What `fix` changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fixed {
    /// (old path, new path) of each key renamed in place.
    pub renamed: Vec<(String, String)>,
    /// Paths of old keys taken out: removed settings (only with `remove_removed`), and
    /// old keys whose new key the file also writes (their value was ignored).
    pub dropped: Vec<String>,
}

/// The answers text with each renamed key written under its new name, in place (its
/// value, comments and layout untouched), and, with `remove_removed`, every removed
/// key taken out. An old key whose new key is written too is taken out: its value is
/// already ignored. `None` when the text is not TOML.
/// `tree` is the text's own (`Answers::tree`).
pub fn fix(
    catalog: &Catalog,
    text: &str,
    tree: &BTreeMap<String, Value>,
    remove_removed: bool,
) -> Option<(String, Fixed)> {
    let doc = Document::parse(text.to_string()).ok()?;
    let old = old_keys(catalog, tree);
    let mut fixed = Fixed::default();
    // Renamed in the text itself: toml_edit cannot rename a key in place, and each
    // key's span is known. From the end, so earlier spans stay valid.
    let mut spans = Vec::new();
    for o in &old {
        if let Fate::Renamed {
            new,
            new_also_set: false,
        } = o.fate
            && let Some(span) = key_span(&doc, &o.service.id, &o.key)
        {
            spans.push((span, new));
            fixed
                .renamed
                .push((o.path(), o.new_path().unwrap_or_default()));
        }
    }
    spans.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    let mut out = text.to_string();
    for (span, new) in spans {
        out.replace_range(span, new);
    }
    let drop: Vec<String> = old
        .iter()
        .filter(|o| match o.fate {
            Fate::Renamed { new_also_set, .. } => new_also_set,
            Fate::Removed(_) => remove_removed,
        })
        .map(OldKey::path)
        .collect();
    if !drop.is_empty() {
        let mut doc: DocumentMut = out.parse().ok()?;
        for path in &drop {
            crate::plan::edit::remove(&mut doc, path);
        }
        // An inline `settings = { … }` that lost its last key would end `"…"}`:
        // spaced again as toml_edit spaces one.
        for o in old.iter().filter(|o| drop.contains(&o.path())) {
            if let Some(t) = doc
                .get_mut("services")
                .and_then(|s| s.get_mut(&o.service.id))
                .and_then(|s| s.get_mut("settings"))
                .and_then(|s| s.as_inline_table_mut())
            {
                t.fmt();
            }
        }
        out = doc.to_string();
        fixed.dropped = drop;
    }
    Some((out, fixed))
}

/// Where `services.<id>.settings.<key>`'s own key is written, however the file nests it
/// (a `[services.<id>.settings]` table, dotted keys, an inline table).
fn key_span(doc: &Document<String>, id: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let settings = doc
        .as_table()
        .get("services")?
        .as_table_like()?
        .get(id)?
        .as_table_like()?
        .get("settings")?
        .as_table_like()?;
    let (k, _) = settings.get_key_value(key)?;
    k.span()
}

/// The answers with every renamed key written under its new name (removed keys stay,
/// for the validator to refuse): what `apply`, `render` and the wizard go on with, so
/// a default is never written beside an old key that holds the operator's value.
pub fn with_new_keys<'a>(catalog: &Catalog, answers: &'a Answers) -> Cow<'a, Answers> {
    let renamed = old_keys(catalog, &answers.tree)
        .iter()
        .any(|o| matches!(o.fate, Fate::Renamed { .. }));
    if !renamed {
        return Cow::Borrowed(answers);
    }
    let Some((text, _)) = fix(catalog, &answers.text, &answers.tree, false) else {
        return Cow::Borrowed(answers);
    };
    match Answers::parse(&answers.name, &text) {
        Ok(mut fixed) => {
            fixed.migrated_from = answers.migrated_from;
            Cow::Owned(fixed)
        }
        Err(_) => Cow::Borrowed(answers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test-only service of nixlib/tests/migration-catalog beside the real plan.
    fn catalog() -> Catalog {
        Catalog::from_files(&[
            (
                "_plan.toml",
                include_str!("../../nixlib/catalog/_plan.toml"),
            ),
            (
                "mover.toml",
                include_str!("../../nixlib/tests/migration-catalog/mover.toml"),
            ),
        ])
        .unwrap()
    }

    fn fixed(text: &str) -> (String, Fixed) {
        let c = catalog();
        let tree = Answers::parse("t", text).unwrap().tree;
        fix(&c, text, &tree, true).unwrap()
    }

    #[test]
    fn a_key_is_renamed_where_it_is_written_however_it_is_nested() {
        let dotted = "schema = 1\n[services.mover]\nsettings.\"ws_url\" = \"x\" # kept\n";
        assert_eq!(
            fixed(dotted).0,
            "schema = 1\n[services.mover]\nsettings.relay_url = \"x\" # kept\n"
        );
        let section = "schema = 1\n\n[services.mover.settings]\n# workers\nworker_count = 3\n";
        let (text, f) = fixed(section);
        assert_eq!(
            text,
            "schema = 1\n\n[services.mover.settings]\n# workers\nworkers = 3\n"
        );
        assert_eq!(
            f.renamed,
            [(
                "services.mover.settings.worker_count".to_string(),
                "services.mover.settings.workers".to_string()
            )]
        );
    }

    #[test]
    fn a_superseded_old_key_is_taken_out_and_its_value_never_forwarded() {
        let both = "schema = 1\n[services.mover.settings]\nworkers = 2\nworker_count = 9\n";
        let (text, f) = fixed(both);
        assert_eq!(text, "schema = 1\n[services.mover.settings]\nworkers = 2\n");
        assert_eq!(f.dropped, ["services.mover.settings.worker_count"]);
        let c = catalog();
        let tree = Answers::parse("t", both).unwrap().tree;
        let forwarded = forward(&c, &tree);
        let settings = forwarded["services"].as_table().unwrap()["mover"]
            .as_table()
            .unwrap()["settings"]
            .as_table()
            .unwrap();
        assert_eq!(settings.keys().collect::<Vec<_>>(), ["workers"]);
        assert_eq!(settings["workers"], Value::Int(2));
    }
}
