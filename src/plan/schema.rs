//! The answers file's schema version. A file is read only at the version this binary
//! knows, after migrating it step by step from an older one; a newer or unknown version
//! is refused whole, never half-read.
use super::load::{Answers, LoadError};
use crate::value::Value;

/// The version this binary reads and writes (`schema = 1` at the top of the file).
pub const CURRENT: i64 = 1;

pub(super) fn check_version(answers: &Answers) -> Result<(), LoadError> {
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
                "no schema version: an answers file starts with `schema = {CURRENT}` (atproto-wizard new writes one for you)"
            ),
        }),
        Some(Value::Int(v)) if *v == CURRENT => Ok(()),
        Some(Value::Int(v)) if *v > CURRENT => Err(error(format!(
            "written for schema {v} by a newer atproto-wizard; this one reads schema {CURRENT}: upgrade atproto-wizard"
        ))),
        Some(Value::Int(v)) => Err(error(format!(
            "schema {v} is older than any release of atproto-wizard (the first is schema 1); there is no migration from it: recreate the file with `atproto-wizard new`"
        ))),
        Some(other) => Err(error(format!(
            "schema must be the integer {CURRENT}, not {}",
            other.to_json()
        ))),
    }
}
