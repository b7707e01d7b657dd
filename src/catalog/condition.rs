//! The rule condition language of docs/CATALOG.md, parsed from its TOML form. The
//! same forms are interpreted by nixlib/lib/conditions.nix.
use serde::{Deserialize, Serialize};

use crate::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Gt,
    Ge,
    Lt,
    Le,
}

impl Compare {
    const ALL: [(&'static str, Compare); 4] = [
        ("gt", Compare::Gt),
        ("ge", Compare::Ge),
        ("lt", Compare::Lt),
        ("le", Compare::Le),
    ];

    pub fn holds(self, left: i64, right: i64) -> bool {
        match self {
            Compare::Gt => left > right,
            Compare::Ge => left >= right,
            Compare::Lt => left < right,
            Compare::Le => left <= right,
        }
    }
    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map(|(n, _)| *n)
            .unwrap()
    }
}

#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Condition {
    Set {
        path: String,
        set: bool,
    },
    Eq {
        path: String,
        value: Value,
    },
    Ne {
        path: String,
        value: Value,
    },
    In {
        path: String,
        values: Vec<Value>,
    },
    Compare {
        path: String,
        op: Compare,
        number: i64,
    },
    Enabled(String),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

impl Condition {
    /// Every path the condition reads, for the catalog's self-check.
    pub fn paths(&self) -> Vec<&str> {
        match self {
            Condition::Set { path, .. }
            | Condition::Eq { path, .. }
            | Condition::Ne { path, .. }
            | Condition::In { path, .. }
            | Condition::Compare { path, .. } => vec![path.as_str()],
            Condition::Enabled(_) => vec![],
            Condition::All(cs) | Condition::Any(cs) => {
                cs.iter().flat_map(Condition::paths).collect()
            }
            Condition::Not(c) => c.paths(),
        }
    }
}

impl TryFrom<toml::Value> for Condition {
    type Error = String;

    fn try_from(value: toml::Value) -> Result<Self, String> {
        let table = value
            .as_table()
            .ok_or("a condition must be an inline table")?;
        let list = |v: &toml::Value| -> Result<Vec<Condition>, String> {
            v.as_array()
                .ok_or("`all`/`any` take a list of conditions")?
                .iter()
                .cloned()
                .map(Condition::try_from)
                .collect()
        };
        if let Some(id) = table.get("enabled") {
            return Ok(Condition::Enabled(
                id.as_str().ok_or("`enabled` takes a service id")?.into(),
            ));
        }
        if let Some(v) = table.get("all") {
            return Ok(Condition::All(list(v)?));
        }
        if let Some(v) = table.get("any") {
            return Ok(Condition::Any(list(v)?));
        }
        if let Some(v) = table.get("not") {
            return Ok(Condition::Not(Box::new(Condition::try_from(v.clone())?)));
        }
        let path = table
            .get("path")
            .and_then(|p| p.as_str())
            .ok_or("a condition needs `path` (or enabled/all/any/not)")?
            .to_string();
        if table.len() != 2 {
            return Err(format!(
                "condition on {path} must have exactly one operator"
            ));
        }
        let (op, operand) = table.iter().find(|(k, _)| *k != "path").unwrap();
        let operand_value = Value::from_toml(operand);
        Ok(match op.as_str() {
            "set" => Condition::Set {
                path,
                set: operand.as_bool().ok_or("`set` takes true or false")?,
            },
            "eq" => Condition::Eq {
                path,
                value: operand_value,
            },
            "ne" => Condition::Ne {
                path,
                value: operand_value,
            },
            "in" => match operand_value {
                Value::List(values) => Condition::In { path, values },
                _ => return Err("`in` takes a list".into()),
            },
            other => {
                let op = Compare::ALL
                    .iter()
                    .find(|(n, _)| *n == other)
                    .map(|(_, c)| *c)
                    .ok_or_else(|| format!("unknown condition operator `{other}`"))?;
                let number = operand
                    .as_integer()
                    .ok_or_else(|| format!("`{other}` takes an integer"))?;
                Condition::Compare { path, op, number }
            }
        })
    }
}

fn to_toml(value: &Value) -> toml::Value {
    match value {
        Value::Str(s) => toml::Value::String(s.clone()),
        Value::Int(i) => toml::Value::Integer(*i),
        Value::Float(f) => toml::Value::Float(*f),
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::List(l) => toml::Value::Array(l.iter().map(to_toml).collect()),
        Value::Table(t) => {
            toml::Value::Table(t.iter().map(|(k, v)| (k.clone(), to_toml(v))).collect())
        }
    }
}

impl From<Condition> for toml::Value {
    fn from(c: Condition) -> toml::Value {
        let mut t = toml::Table::new();
        let mut with_path = |path: String, op: &str, v: toml::Value| {
            t.insert("path".into(), toml::Value::String(path));
            t.insert(op.into(), v);
        };
        match c {
            Condition::Set { path, set } => with_path(path, "set", toml::Value::Boolean(set)),
            Condition::Eq { path, value } => with_path(path, "eq", to_toml(&value)),
            Condition::Ne { path, value } => with_path(path, "ne", to_toml(&value)),
            Condition::In { path, values } => with_path(
                path,
                "in",
                toml::Value::Array(values.iter().map(to_toml).collect()),
            ),
            Condition::Compare { path, op, number } => {
                with_path(path, op.name(), toml::Value::Integer(number))
            }
            Condition::Enabled(id) => {
                t.insert("enabled".into(), toml::Value::String(id));
            }
            Condition::All(cs) => {
                t.insert(
                    "all".into(),
                    toml::Value::Array(cs.into_iter().map(Into::into).collect()),
                );
            }
            Condition::Any(cs) => {
                t.insert(
                    "any".into(),
                    toml::Value::Array(cs.into_iter().map(Into::into).collect()),
                );
            }
            Condition::Not(c) => {
                t.insert("not".into(), (*c).into());
            }
        }
        toml::Value::Table(t)
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = toml::Value::deserialize(d)?;
        Condition::try_from(raw).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Condition {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        toml::Value::from(self.clone()).serialize(s)
    }
}
