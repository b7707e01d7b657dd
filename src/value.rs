//! A plain TOML value tree: the shape both validators see (Nix gets the same tree from
//! `builtins.fromTOML`), so validation never depends on how the file was formatted.
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<Value>),
    Table(BTreeMap<String, Value>),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_table(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }
    pub fn as_table_mut(&mut self) -> Option<&mut BTreeMap<String, Value>> {
        match self {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }

    /// "Set" as the rules mean it: present, and neither an empty string nor an empty list.
    pub fn is_set(value: Option<&Value>) -> bool {
        match value {
            None => false,
            Some(Value::Str(s)) => !s.is_empty(),
            Some(Value::List(l)) => !l.is_empty(),
            Some(_) => true,
        }
    }

    /// The value as JSON, written exactly as Nix's `builtins.toJSON` writes it, because
    /// diagnostics quote values and must read the same from both validators.
    pub fn to_json(&self) -> String {
        match self {
            Value::Str(s) => json_string(s),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => nix_float(*f),
            Value::Bool(b) => b.to_string(),
            Value::List(items) => {
                let inner: Vec<String> = items.iter().map(Value::to_json).collect();
                format!("[{}]", inner.join(","))
            }
            Value::Table(map) => {
                let inner: Vec<String> = map
                    .iter()
                    .map(|(k, v)| format!("{}:{}", json_string(k), v.to_json()))
                    .collect();
                format!("{{{}}}", inner.join(","))
            }
        }
    }

    /// Converts a parsed TOML value (catalog data) into the plain tree.
    pub fn from_toml(value: &toml::Value) -> Value {
        match value {
            toml::Value::String(s) => Value::Str(s.clone()),
            toml::Value::Integer(i) => Value::Int(*i),
            toml::Value::Float(f) => Value::Float(*f),
            toml::Value::Boolean(b) => Value::Bool(*b),
            toml::Value::Datetime(d) => Value::Str(d.to_string()),
            toml::Value::Array(items) => Value::List(items.iter().map(Value::from_toml).collect()),
            toml::Value::Table(t) => Value::Table(
                t.iter()
                    .map(|(k, v)| (k.clone(), Value::from_toml(v)))
                    .collect(),
            ),
        }
    }
}

/// A JSON string as Nix writes one: `\"`, `\\`, `\n`, `\r`, `\t`, other control
/// characters as `\u00xx` (serde_json would write `\b` and `\f`), the rest as is.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Nix prints floats with up to 6 significant digits (`%g`-like); only used when an
/// operator writes a float where an integer belongs, to quote it back.
fn nix_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        let s = format!("{:.6}", f);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            other => f.write_str(&other.to_json()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_quoted_as_nix_quotes_them() {
        // Nix 2.8 `builtins.toJSON "a\"b\\c\n\r\t\b\f\x01é"` gives exactly this.
        let s = Value::Str("a\"b\\c\n\r\t\u{8}\u{c}\u{1}é".into());
        assert_eq!(s.to_json(), r#""a\"b\\c\n\r\t\u0008\u000c\u0001é""#);
    }

    #[test]
    fn set_means_present_and_not_empty() {
        assert!(!Value::is_set(None));
        assert!(!Value::is_set(Some(&Value::Str(String::new()))));
        assert!(!Value::is_set(Some(&Value::List(vec![]))));
        assert!(Value::is_set(Some(&Value::Bool(false))));
        assert!(Value::is_set(Some(&Value::Int(0))));
    }
}
