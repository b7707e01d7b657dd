//! Reading an answers file: TOML syntax, the schema version, and where every key sits
//! in the file, so each diagnostic can name a line and a column.
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use toml_edit::{Document, Item};

use super::line_index::LineIndex;
pub use super::line_index::{Location, location_of};
use super::schema;
use crate::value::Value;

/// A readable answers file: its tree and the location of every key in it.
#[derive(Debug, Clone)]
pub struct Answers {
    /// How the file is named in messages (the path as the operator gave it).
    pub name: String,
    pub text: String,
    pub tree: BTreeMap<String, Value>,
    locations: HashMap<String, Location>,
}

/// Why a file could not be read at all (exit code 2 for `check`).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub file: String,
    pub location: Option<Location>,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.location {
            Some(l) => write!(f, "{}:{}:{}: {}", self.file, l.line, l.column, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for LoadError {}

impl Answers {
    pub fn read(path: &Path) -> Result<Answers, LoadError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| LoadError {
            file: name.clone(),
            location: None,
            message: format!("cannot read the answers file: {e}"),
        })?;
        Answers::parse(&name, &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<Answers, LoadError> {
        let doc = Document::parse(text.to_string()).map_err(|e| LoadError {
            file: name.to_string(),
            location: e.span().map(|s| location_of(text, s.start)),
            message: format!("not valid TOML: {}", e.message().trim_end()),
        })?;
        // One index for every key's location (not a scan of the text per key).
        let index = LineIndex::new(text);
        let mut locations = HashMap::new();
        let mut tree = BTreeMap::new();
        for (key, item) in doc.as_table().iter() {
            let span = doc
                .as_table()
                .get_key_value(key)
                .and_then(|(k, _)| k.span());
            if let Some(span) = span {
                locations.insert(key.to_string(), index.location(span.start));
            }
            if let Some(v) = convert(&index, key, item, &mut locations) {
                tree.insert(key.to_string(), v);
            }
        }
        let answers = Answers {
            name: name.to_string(),
            text: text.to_string(),
            tree,
            locations,
        };
        schema::check_version(&answers)?;
        Ok(answers)
    }

    /// Where `path` is written, or where its nearest written parent is (a missing
    /// field is reported at the table it belongs in), or the top of the file.
    pub fn locate(&self, path: &str) -> Location {
        let mut p = path;
        loop {
            if let Some(l) = self.locations.get(p) {
                return *l;
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return Location { line: 1, column: 1 },
            }
        }
    }

    /// Whether the file itself writes a value at `path`.
    pub fn has(&self, path: &str) -> bool {
        self.locations.contains_key(path)
    }
}

fn convert(
    index: &LineIndex,
    path: &str,
    item: &Item,
    locations: &mut HashMap<String, Location>,
) -> Option<Value> {
    match item {
        Item::None => None,
        Item::Value(v) => Some(convert_value(index, path, v, locations)),
        Item::Table(t) => {
            let mut map = BTreeMap::new();
            for (key, child) in t.iter() {
                let child_path = format!("{path}.{key}");
                if let Some(span) = t.get_key_value(key).and_then(|(k, _)| k.span()) {
                    locations.insert(child_path.clone(), index.location(span.start));
                }
                if let Some(v) = convert(index, &child_path, child, locations) {
                    map.insert(key.to_string(), v);
                }
            }
            Some(Value::Table(map))
        }
        Item::ArrayOfTables(a) => Some(Value::List(
            a.iter()
                .map(|t| {
                    convert(index, path, &Item::Table(t.clone()), locations)
                        .unwrap_or(Value::List(vec![]))
                })
                .collect(),
        )),
    }
}

fn convert_value(
    index: &LineIndex,
    path: &str,
    v: &toml_edit::Value,
    locations: &mut HashMap<String, Location>,
) -> Value {
    use toml_edit::Value as V;
    match v {
        V::String(s) => Value::Str(s.value().clone()),
        V::Integer(i) => Value::Int(*i.value()),
        V::Float(f) => Value::Float(*f.value()),
        V::Boolean(b) => Value::Bool(*b.value()),
        V::Datetime(d) => Value::Str(d.value().to_string()),
        V::Array(a) => Value::List(
            a.iter()
                .map(|x| convert_value(index, path, x, locations))
                .collect(),
        ),
        V::InlineTable(t) => {
            let mut map = BTreeMap::new();
            for (key, child) in t.iter() {
                let child_path = format!("{path}.{key}");
                if let Some(span) = t.get_key_value(key).and_then(|(k, _)| k.span()) {
                    locations.insert(child_path.clone(), index.location(span.start));
                }
                map.insert(
                    key.to_string(),
                    convert_value(index, &child_path, child, locations),
                );
            }
            Value::Table(map)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_path_is_located_at_its_nearest_written_parent() {
        let a = Answers::parse("t", "schema = 1\n\n[host]\nhostname = \"x\"\n").unwrap();
        assert_eq!(a.locate("host.hostname").line, 4);
        assert_eq!(a.locate("host.domain").line, 3);
        assert_eq!(
            a.locate("services.ozone.enable"),
            Location { line: 1, column: 1 }
        );
    }
}
