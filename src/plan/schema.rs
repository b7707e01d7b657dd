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

#[cfg(test)]
mod tests {
    //! The real list has no step yet (schema 1 is the first), so the mechanism is shown
    //! with a test-only history of two format changes.
    use super::*;

    /// Test-only 1 -> 2: `[integrations.reverse_proxy]` became `[integrations.proxy]`.
    fn proxy_section(doc: &mut DocumentMut) {
        let Some(integrations) = doc.get_mut("integrations").and_then(|i| i.as_table_mut()) else {
            return;
        };
        if let Some(section) = integrations.remove("reverse_proxy") {
            integrations.insert("proxy", section);
        }
    }

    /// Test-only 2 -> 3: `host.name` became `host.hostname`.
    fn host_name(doc: &mut DocumentMut) {
        let Some(host) = doc.get_mut("host").and_then(|h| h.as_table_mut()) else {
            return;
        };
        if let Some(name) = host.remove("name") {
            host.insert("hostname", name);
        }
    }

    const HISTORY: Schema = Schema {
        current: 3,
        steps: &[
            Step {
                from: 2,
                what: "host.name is host.hostname",
                apply: host_name,
            },
            Step {
                from: 1,
                what: "integrations.reverse_proxy is integrations.proxy",
                apply: proxy_section,
            },
        ],
    };

    const SCHEMA_1: &str = "schema = 1 # the first\n\n[host]\nname = \"box\"\n\n# the proxy\n[integrations.reverse_proxy]\nkind = \"none\"\n";

    #[test]
    fn each_step_rewrites_only_its_own_change() {
        let mut doc: DocumentMut = SCHEMA_1.parse().unwrap();
        proxy_section(&mut doc);
        assert_eq!(doc.to_string(), SCHEMA_1.replace("reverse_proxy", "proxy"));
        let mut doc: DocumentMut = SCHEMA_1.parse().unwrap();
        host_name(&mut doc);
        assert_eq!(doc.to_string(), SCHEMA_1.replace("name =", "hostname ="));
    }

    #[test]
    fn an_older_file_is_migrated_step_by_step_keeping_its_comments() {
        let a = Answers::parse_with("t", SCHEMA_1, &HISTORY).unwrap();
        assert_eq!(a.migrated_from, Some(1));
        assert_eq!(
            a.text,
            "schema = 3 # the first\n\n[host]\nhostname = \"box\"\n\n# the proxy\n[integrations.proxy]\nkind = \"none\"\n"
        );
        assert_eq!(
            a.tree["host"].as_table().unwrap()["hostname"],
            Value::Str("box".into())
        );
        let two = SCHEMA_1.replace("schema = 1", "schema = 2");
        let a = Answers::parse_with("t", &two, &HISTORY).unwrap();
        // From 2 only the second step runs: reverse_proxy stays as written.
        assert_eq!(a.migrated_from, Some(2));
        assert!(
            a.text.contains("[integrations.reverse_proxy]"),
            "{}",
            a.text
        );
        let current = SCHEMA_1.replace("schema = 1", "schema = 3");
        assert_eq!(
            Answers::parse_with("t", &current, &HISTORY)
                .unwrap()
                .migrated_from,
            None
        );
    }

    #[test]
    fn a_schema_without_a_way_here_is_refused_whole() {
        let older =
            Answers::parse_with("t", &SCHEMA_1.replace("schema = 1", "schema = 0"), &HISTORY)
                .unwrap_err();
        assert!(
            older
                .message
                .starts_with("schema 0 is older than any release"),
            "{}",
            older.message
        );
        let newer =
            Answers::parse_with("t", &SCHEMA_1.replace("schema = 1", "schema = 4"), &HISTORY)
                .unwrap_err();
        assert!(
            newer
                .message
                .contains("written for schema 4 by a newer atproto-wizard"),
            "{}",
            newer.message
        );
        // The real reader knows no older schema.
        assert!(
            Answers::parse("t", SCHEMA_1.replace("schema = 1", "schema = 0").as_str()).is_err()
        );
        assert_eq!(Answers::parse("t", SCHEMA_1).unwrap().migrated_from, None);
    }

    #[test]
    fn the_fix_writes_the_migrated_file() {
        let catalog = crate::catalog::Catalog::embedded();
        let u = crate::plan::upgrade::upgrade(catalog, &HISTORY, "t", SCHEMA_1).unwrap();
        assert_eq!(u.schema_from, Some(1));
        assert!(u.changes_anything());
        assert_eq!(
            u.text,
            Answers::parse_with("t", SCHEMA_1, &HISTORY).unwrap().text
        );
    }
}
