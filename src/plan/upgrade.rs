//! What `check --fix` rewrites in an answers file, as pure text to text: an older
//! schema migrated to the current one, then each renamed setting key written under its
//! new name, and each removed one taken out. Comments and layout stay.
use super::renames::{self, Fate, Fixed};
use super::schema::Schema;
use super::{Answers, LoadError};
use crate::catalog::Catalog;

/// The rewritten text and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgrade {
    pub text: String,
    /// The schema the file was written for, when older than the current one.
    pub schema_from: Option<i64>,
    pub keys: Fixed,
    /// (path, the catalog's advice, since) of each removed key taken out.
    pub removed: Vec<(String, String, String)>,
}

impl Upgrade {
    pub fn changes_anything(&self) -> bool {
        self.schema_from.is_some() || self.keys != Fixed::default()
    }
}

/// Upgrades the answers file `text` (named `name` in errors) for a reader of `schema`.
/// An unreadable file is the error `check` reports for it.
pub fn upgrade(
    catalog: &Catalog,
    schema: &Schema,
    name: &str,
    text: &str,
) -> Result<Upgrade, LoadError> {
    let answers = Answers::parse_with(name, text, schema)?;
    let removed = renames::old_keys(catalog, &answers.tree)
        .iter()
        .filter_map(|o| match o.fate {
            Fate::Removed(r) => Some((o.path(), r.advice.clone(), r.since.clone())),
            Fate::Renamed { .. } => None,
        })
        .collect();
    let (fixed_text, keys) = renames::fix(catalog, &answers.text, &answers.tree, true)
        .unwrap_or_else(|| (answers.text.clone(), Fixed::default()));
    Ok(Upgrade {
        text: if answers.migrated_from.is_some() || keys != Fixed::default() {
            fixed_text
        } else {
            text.to_string()
        },
        schema_from: answers.migrated_from,
        keys,
        removed,
    })
}
