//! Reading an answers file: TOML syntax, the schema version, and where every key sits
//! in the file, so each diagnostic can name a line and a column.
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use toml_edit::{Document, DocumentMut, Item};

use super::line_index::LineIndex;
pub use super::line_index::{Location, location_of};
use super::schema::{Schema, check_version};
use crate::safe_text::escape;
use crate::value::Value;

/// A readable answers file: its tree and the location of every key in it.
#[derive(Debug, Clone)]
pub struct Answers {
    /// How the file is named in messages (the path as the operator gave it).
    pub name: String,
    pub text: String,
    pub tree: BTreeMap<String, Value>,
    /// The schema the file was written for, when it is older than this binary's: the
    /// text and tree are the file migrated in memory (`schema::Schema::migrate`).
    pub migrated_from: Option<i64>,
    locations: HashMap<String, Location>,
}

/// Why a file could not be read at all (exit code 2 for `check`).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub file: String,
    pub location: Option<Location>,
    pub message: String,
}

/// For a terminal: the file's name and the message (which may quote the file) escaped.
impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (file, message) = (escape(&self.file), escape(&self.message));
        match self.location {
            Some(l) => write!(f, "{file}:{}:{}: {message}", l.line, l.column),
            None => write!(f, "{file}: {message}"),
        }
    }
}

impl std::error::Error for LoadError {}

impl Answers {
    /// Reads an answers file: a regular file (a link the operator names is followed) of
    /// at most `disk::read::MAX_FILE_BYTES`.
    pub fn read(path: &Path) -> Result<Answers, LoadError> {
        use crate::disk::read::{Links, read_text};
        let name = path.display().to_string();
        let unreadable = |why: String| LoadError {
            file: name.clone(),
            location: None,
            message: format!("cannot read the answers file: {why}"),
        };
        let text = match read_text(path, Links::Follow) {
            Ok(Some(text)) => text,
            Ok(None) => {
                let missing = std::io::Error::from_raw_os_error(libc::ENOENT);
                return Err(unreadable(missing.to_string()));
            }
            Err(e) => return Err(unreadable(e.reason())),
        };
        Answers::parse(&name, &text)
    }

    pub fn parse(name: &str, text: &str) -> Result<Answers, LoadError> {
        Answers::parse_with(name, text, &Schema::REAL)
    }

    /// [`Answers::parse`] for a reader of `schema`: a file at an older schema is
    /// migrated in memory, step by step, and says so in `migrated_from`.
    pub fn parse_with(name: &str, text: &str, schema: &Schema) -> Result<Answers, LoadError> {
        let answers = Answers::parse_unversioned(name, text)?;
        let version = check_version(&answers, schema, true)?;
        if version == schema.current {
            return Ok(answers);
        }
        let mut doc: DocumentMut = text.parse().map_err(|_| LoadError {
            file: name.to_string(),
            location: None,
            message: "not valid TOML".into(),
        })?;
        schema
            .migrate(&mut doc, version)
            .map_err(|message| LoadError {
                file: name.to_string(),
                location: Some(answers.locate("schema")),
                message,
            })?;
        let mut migrated = Answers::parse_unversioned(name, &doc.to_string())?;
        check_version(&migrated, schema, false)?;
        migrated.migrated_from = Some(version);
        Ok(migrated)
    }

    /// The file's tree and key locations, whatever its schema.
    fn parse_unversioned(name: &str, text: &str) -> Result<Answers, LoadError> {
        let doc = Document::parse(text.to_string()).map_err(|e| LoadError {
            file: name.to_string(),
            location: e.span().map(|s| location_of(text, s.start)),
            message: format!("not valid TOML: {}", e.message().trim_end()),
        })?;
        // One index for every key's location (not a scan of the text per key).
        let index = LineIndex::new(text);
        // Gathered in a list and hashed once at the end, at the size they come to.
        let mut locations = Vec::new();
        let mut tree = BTreeMap::new();
        let mut dates = Vec::new();
        for (key, item) in doc.as_table().iter() {
            let span = doc
                .as_table()
                .get_key_value(key)
                .and_then(|(k, _)| k.span());
            if let Some(span) = span {
                locations.push((key.to_string(), index.location(span.start)));
            }
            let mut walk = Walk {
                index: &index,
                locations: &mut locations,
                dates: &mut dates,
            };
            if let Some(v) = walk.convert(key, item) {
                tree.insert(key.to_string(), v);
            }
        }
        // Nix's builtins.fromTOML refuses a whole file with a date or time in it, so the
        // modules could never read it: refused here the same way, not taken as text.
        if let Some((offset, shown)) = dates.into_iter().min_by_key(|(offset, _)| *offset) {
            return Err(LoadError {
                file: name.to_string(),
                location: Some(location_of(text, offset)),
                message: format!(
                    "a TOML date or time, which Nix cannot read: write it in quotes, like \"{shown}\""
                ),
            });
        }
        let answers = Answers {
            name: name.to_string(),
            text: text.to_string(),
            tree,
            migrated_from: None,
            locations: locations.into_iter().collect(),
        };
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

/// The walk over the document: where each key is, and every date or time met (its
/// offset and text).
struct Walk<'a> {
    index: &'a LineIndex<'a>,
    locations: &'a mut Vec<(String, Location)>,
    dates: &'a mut Vec<(usize, String)>,
}

impl Walk<'_> {
    fn convert(&mut self, path: &str, item: &Item) -> Option<Value> {
        match item {
            Item::None => None,
            Item::Value(v) => Some(self.convert_value(path, v)),
            Item::Table(t) => {
                let mut map = BTreeMap::new();
                for (key, child) in t.iter() {
                    let child_path = [path, ".", key].concat();
                    if let Some(span) = t.get_key_value(key).and_then(|(k, _)| k.span()) {
                        self.locations
                            .push((child_path.clone(), self.index.location(span.start)));
                    }
                    if let Some(v) = self.convert(&child_path, child) {
                        map.insert(key.to_string(), v);
                    }
                }
                Some(Value::Table(map))
            }
            Item::ArrayOfTables(a) => Some(Value::List(
                a.iter()
                    .map(|t| {
                        self.convert(path, &Item::Table(t.clone()))
                            .unwrap_or(Value::List(vec![]))
                    })
                    .collect(),
            )),
        }
    }

    fn convert_value(&mut self, path: &str, v: &toml_edit::Value) -> Value {
        use toml_edit::Value as V;
        match v {
            V::String(s) => Value::Str(s.value().clone()),
            V::Integer(i) => Value::Int(*i.value()),
            V::Float(f) => Value::Float(*f.value()),
            V::Boolean(b) => Value::Bool(*b.value()),
            V::Datetime(d) => {
                let shown = d.value().to_string();
                let offset = d.span().map_or(0, |s| s.start);
                self.dates.push((offset, shown.clone()));
                Value::Str(shown)
            }
            V::Array(a) => Value::List(a.iter().map(|x| self.convert_value(path, x)).collect()),
            V::InlineTable(t) => {
                let mut map = BTreeMap::new();
                for (key, child) in t.iter() {
                    let child_path = [path, ".", key].concat();
                    if let Some(span) = t.get_key_value(key).and_then(|(k, _)| k.span()) {
                        self.locations
                            .push((child_path.clone(), self.index.location(span.start)));
                    }
                    map.insert(key.to_string(), self.convert_value(&child_path, child));
                }
                Value::Table(map)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_lines_and_characters_from_one() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(location_of(text, 0), Location { line: 1, column: 1 });
        assert_eq!(
            location_of(text, text.find('=').unwrap()),
            Location { line: 1, column: 3 }
        );
        // "é" is two bytes but one column.
        assert_eq!(
            location_of(text, text.rfind('=').unwrap()),
            Location { line: 2, column: 4 }
        );
    }

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
