//! Rust source that builds a catalog value, written by build.rs in place of the TOML.
//! Each struct is taken apart without `..`, so a field added to the model does not
//! build until it is written out here too.
use std::collections::BTreeMap;

use crate::catalog::condition::{Compare, Condition};
use crate::catalog::model::*;
use crate::value::Value;

/// The generated code sits in src/catalog/embedded.rs, which imports the model; the
/// other types are named by their path from there.
const CONDITION: &str = "super::condition::Condition";
const VALUE: &str = "crate::value::Value";

pub trait Code {
    /// A Rust expression that evaluates to this value.
    fn code(&self) -> String;
}

impl Code for String {
    fn code(&self) -> String {
        // Debug writes a string as a Rust literal, escapes and all.
        format!("String::from({self:?})")
    }
}

macro_rules! plain {
    ($($ty:ty),*) => {$(
        impl Code for $ty {
            fn code(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
plain!(bool, u16, u32, usize, i64);

impl Code for f64 {
    fn code(&self) -> String {
        // Bit for bit, whatever the value (NaN and the infinities have no literal).
        format!("f64::from_bits({:#x})", self.to_bits())
    }
}

impl<T: Code> Code for Option<T> {
    fn code(&self) -> String {
        match self {
            None => "None".into(),
            Some(v) => format!("Some({})", v.code()),
        }
    }
}

impl<T: Code> Code for Box<T> {
    fn code(&self) -> String {
        format!("Box::new({})", (**self).code())
    }
}

impl<T: Code> Code for Vec<T> {
    fn code(&self) -> String {
        format!("vec![{}]", list(self.iter().map(Code::code)))
    }
}

impl<A: Code, B: Code> Code for (A, B) {
    fn code(&self) -> String {
        format!("({}, {})", self.0.code(), self.1.code())
    }
}

impl<T: Code> Code for BTreeMap<String, T> {
    fn code(&self) -> String {
        let entries = self.iter().map(|(k, v)| (k.clone(), v).code());
        format!("BTreeMap::from([{}])", list(entries))
    }
}

impl<T: Code> Code for &T {
    fn code(&self) -> String {
        (**self).code()
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    items.map(|i| i + ",\n").collect()
}

/// Enums without data: Debug writes the variant's name.
macro_rules! unit_enums {
    ($($ty:ident => $path:expr),* $(,)?) => {$(
        impl Code for $ty {
            fn code(&self) -> String {
                format!("{}::{self:?}", $path)
            }
        }
    )*};
}
unit_enums!(
    Kind => "Kind",
    Status => "Status",
    Family => "Family",
    Need => "Need",
    Level => "Level",
    FieldType => "FieldType",
    PortFormat => "PortFormat",
    Generator => "Generator",
    Compare => "super::condition::Compare",
);

macro_rules! structs {
    ($($ty:ident { $($field:ident),* $(,)? })*) => {$(
        impl Code for $ty {
            fn code(&self) -> String {
                let $ty { $($field),* } = self;
                let mut out = String::from(concat!(stringify!($ty), " {\n"));
                $(
                    out.push_str(concat!(stringify!($field), ": "));
                    out.push_str(&$field.code());
                    out.push_str(",\n");
                )*
                out.push('}');
                out
            }
        }
    )*};
}
structs! {
    TextRule { forbidden, message }
    TypeSpec {
        pattern, parts, max_length, message, password, password_message, password_hint,
        join, join_message,
    }
    Field {
        key, ty, default, required, help, flag, env, choices, min, max, item, example,
        proxy_body, password_hint, unset_means, asked_when_set, refers_to, renamed_from,
    }
    Rule { id, level, when, require, path, message }
    Port {
        name, default, purpose, public, fixed, flag, env, format, websocket, metrics,
        enabled_by,
    }
    StateDir { name, purpose, backup }
    Secret { name, env, flag, generator, bytes, help, required, needed_with }
    Resources { disk_gb, memory_mb, note }
    Needs { postgres, redis, upstream, services }
    Service {
        id, title, summary, upstream, source, family, kind, status, status_note,
        nixos_option, nixpkgs_module, package, package_from, binary, start, configured_by,
        working_directory, resources, needs, ports, state, secrets, settings, rules,
        placeholder_hashes, health, removed, compat,
    }
    PlaceholderHash { file, attr }
    Health { port, path, source }
    Removed { key, advice, since }
    Compat { version, note, migration, source }
    RefersTo { kinds, url }
    PlanPort { owner, path, when }
    IntegrationStep { id, title }
    PlanSchema {
        schema, secrets_dir, text, types, host, service_fields, integrations, integration_steps,
        ports, rules,
    }
}

impl Code for Condition {
    fn code(&self) -> String {
        let c = CONDITION;
        match self {
            Condition::Set { path, set } => {
                format!("{c}::Set {{ path: {}, set: {} }}", path.code(), set.code())
            }
            Condition::Eq { path, value } => {
                format!(
                    "{c}::Eq {{ path: {}, value: {} }}",
                    path.code(),
                    value.code()
                )
            }
            Condition::Ne { path, value } => {
                format!(
                    "{c}::Ne {{ path: {}, value: {} }}",
                    path.code(),
                    value.code()
                )
            }
            Condition::In { path, values } => {
                format!(
                    "{c}::In {{ path: {}, values: {} }}",
                    path.code(),
                    values.code()
                )
            }
            Condition::Compare { path, op, number } => format!(
                "{c}::Compare {{ path: {}, op: {}, number: {} }}",
                path.code(),
                op.code(),
                number.code()
            ),
            Condition::Enabled(id) => format!("{c}::Enabled({})", id.code()),
            Condition::All(cs) => format!("{c}::All({})", cs.code()),
            Condition::Any(cs) => format!("{c}::Any({})", cs.code()),
            Condition::Not(inner) => format!("{c}::Not({})", inner.code()),
        }
    }
}

impl Code for Value {
    fn code(&self) -> String {
        let v = VALUE;
        match self {
            Value::Str(s) => format!("{v}::Str({})", s.code()),
            Value::Int(i) => format!("{v}::Int({})", i.code()),
            Value::Float(f) => format!("{v}::Float({})", f.code()),
            Value::Bool(b) => format!("{v}::Bool({})", b.code()),
            Value::List(items) => format!("{v}::List({})", items.code()),
            Value::Table(t) => format!("{v}::Table({})", t.code()),
        }
    }
}

impl Code for toml::Value {
    fn code(&self) -> String {
        match self {
            toml::Value::String(s) => format!("toml::Value::String({})", s.code()),
            toml::Value::Integer(i) => format!("toml::Value::Integer({})", i.code()),
            toml::Value::Float(f) => format!("toml::Value::Float({})", f.code()),
            toml::Value::Boolean(b) => format!("toml::Value::Boolean({})", b.code()),
            toml::Value::Datetime(d) => format!(
                "toml::Value::Datetime({:?}.parse().expect(\"a datetime toml wrote\"))",
                d.to_string()
            ),
            toml::Value::Array(items) => format!("toml::Value::Array({})", items.code()),
            toml::Value::Table(t) => {
                let entries = t.iter().map(|(k, v)| (k.clone(), v).code());
                format!(
                    "toml::Value::Table(toml::Table::from_iter([{}]))",
                    list(entries)
                )
            }
        }
    }
}
