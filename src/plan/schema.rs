//! The answers file's schema version. A file is read only at the version this binary
//! knows, after migrating it step by step from an older one; a newer or unknown version
//! is refused whole, never half-read.
use toml_edit::DocumentMut;

use super::load::{Answers, LoadError};
use crate::value::Value;

/// The version this binary reads and writes (`schema = 1` at the top of the file).
pub const CURRENT: i64 = 1;

/// One migration: a document at schema `from` rewritten to `from + 1`. Pure; the runner
/// sets `schema` itself.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub from: i64,
    /// What it changes, in a few words.
    pub what: &'static str,
    pub apply: fn(&mut DocumentMut),
}

/// The schema a reader knows and how it gets there from older ones.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    pub current: i64,
    /// One step from each older schema that can still be read, in any order.
    pub steps: &'static [Step],
}

impl Schema {
    /// This binary's: schema 1 is the first there has been, so there is no step yet.
    /// A change of the format adds its step here and raises `CURRENT`.
    pub const REAL: Schema = Schema {
        current: CURRENT,
        steps: &[],
    };

    /// Migrates `doc` (at schema `from`) to the current schema, or says why it cannot.
    /// `schema` keeps its place and comments.
    pub fn migrate(&self, doc: &mut DocumentMut, from: i64) -> Result<(), String> {
        for version in from..self.current {
            let step = self.steps.iter().find(|s| s.from == version).ok_or_else(|| {
                format!(
                    "schema {from} is older than any release of atproto-wizard can read (it reads schema {}, and migrates from schema {}); there is no migration from it: recreate the file with `atproto-wizard new`",
                    self.current,
                    self.oldest()
                )
            })?;
            (step.apply)(doc);
            match doc.get_mut("schema").and_then(|i| i.as_value_mut()) {
                Some(v) => {
                    let decor = v.decor().clone();
                    *v = toml_edit::Value::from(version + 1);
                    *v.decor_mut() = decor;
                }
                None => {
                    doc.insert("schema", toml_edit::value(version + 1));
                }
            }
        }
        Ok(())
    }

    /// The oldest schema a file can be migrated from.
    fn oldest(&self) -> i64 {
        let mut oldest = self.current;
        while self.steps.iter().any(|s| s.from == oldest - 1) {
            oldest -= 1;
        }
        oldest
    }
}

/// The file's schema version when it is an integer this reader can read (the current
/// one or, with `migrating`, an older one it has steps from); else why not.
pub(super) fn check_version(
    answers: &Answers,
    schema: &Schema,
    migrating: bool,
) -> Result<i64, LoadError> {
    let current = schema.current;
    let error = |message: String| LoadError {
        file: answers.name.clone(),
        location: Some(answers.locate("schema")),
        message,
    };
    match answers.tree.get("schema") {
        None => Err(LoadError {
            file: answers.name.clone(),
            location: None,
            message: format!(
                "no schema version: an answers file starts with `schema = {current}` (atproto-wizard new writes one for you)"
            ),
        }),
        Some(Value::Int(v)) if *v == current => Ok(*v),
        Some(Value::Int(v)) if *v > current => Err(error(format!(
            "written for schema {v} by a newer atproto-wizard; this one reads schema {current}: upgrade atproto-wizard"
        ))),
        Some(Value::Int(v)) if migrating && *v >= schema.oldest() => Ok(*v),
        Some(Value::Int(v)) => Err(error(format!(
            "schema {v} is older than any release of atproto-wizard (the first is schema 1); there is no migration from it: recreate the file with `atproto-wizard new`"
        ))),
        Some(other) => Err(error(format!(
            "schema must be the integer {current}, not {}",
            other.to_json()
        ))),
    }
}
