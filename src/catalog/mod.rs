//! The service catalog: `nixlib/catalog/*.toml`, embedded at compile time (and read
//! from the JSON build.rs converts it to).
pub mod condition;
pub mod lint;
pub mod model;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use anyhow::{Context, Result, bail};
use regex::Regex;

pub use condition::Condition;
pub use model::*;

include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

/// The whole catalog: the plan schema and every service, by id.
#[derive(Debug)]
pub struct Catalog {
    pub plan: PlanSchema,
    pub services: BTreeMap<String, Service>,
    patterns: BTreeMap<String, Pattern>,
    passwords: BTreeMap<String, Pattern>,
    forbidden: Pattern,
}

/// A regular expression of the catalog, compiled the first time it is used: most runs
/// (`catalog`, a wizard showing its first screen) need few or none of them, and
/// compiling them all would be most of the start-up.
#[derive(Debug)]
struct Pattern {
    source: String,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    fn new(source: String) -> Pattern {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn compile(&self) -> Result<&Regex, regex::Error> {
        if let Some(re) = self.compiled.get() {
            return Ok(re);
        }
        let re = Regex::new(&self.source)?;
        Ok(self.compiled.get_or_init(|| re))
    }

    /// The compiled expression. Every pattern of the embedded catalog compiles (the
    /// catalog tests check it with [`Catalog::compile_all`]).
    fn get(&self) -> &Regex {
        self.compile()
            .unwrap_or_else(|e| panic!("catalog pattern {:?}: {e}", self.source))
    }
}

/// The format a catalog file is read in.
#[derive(Clone, Copy)]
enum Format {
    /// As written in nixlib/catalog.
    Toml,
    /// As build.rs converted it: the same values, much faster to read.
    Json,
}

impl Format {
    fn read<T: serde::de::DeserializeOwned>(self, name: &str, text: &str) -> Result<T> {
        match self {
            Format::Toml => toml::from_str(text).with_context(|| format!("nixlib/catalog/{name}")),
            Format::Json => {
                serde_json::from_str(text).with_context(|| format!("nixlib/catalog/{name}"))
            }
        }
    }
}

impl Catalog {
    /// The catalog compiled into this binary, read from the JSON build.rs made of it.
    /// Loaded once; a broken embedded catalog is a build defect, which the catalog
    /// tests catch before release.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::read(CATALOG_JSON, Format::Json).expect("embedded catalog is valid")
        })
    }

    /// A fresh copy of the embedded catalog, read as [`Catalog::embedded`] reads it (for
    /// the start-up benchmark; everything else shares the one copy).
    pub fn from_embedded_json() -> Result<Catalog> {
        Catalog::read(CATALOG_JSON, Format::Json)
    }

    /// Builds a catalog from (file name, TOML text) pairs: `_plan.toml` plus one file per
    /// service. Every pattern is compiled here, so a bad one is reported now.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Catalog> {
        let catalog = Catalog::read(files, Format::Toml)?;
        catalog.compile_all()?;
        Ok(catalog)
    }

    fn read(files: &[(&str, &str)], format: Format) -> Result<Catalog> {
        let mut plan = None;
        let mut services = BTreeMap::new();
        for (name, text) in files {
            if *name == "_plan.toml" {
                plan = Some(format.read::<PlanSchema>(name, text)?);
            } else if name.starts_with('_') {
                continue;
            } else {
                let service: Service = format.read(name, text)?;
                let expected = name.trim_end_matches(".toml");
                if service.id != expected {
                    bail!(
                        "nixlib/catalog/{name}: id is {:?}, expected {expected:?} (the file name)",
                        service.id
                    );
                }
                services.insert(service.id.clone(), service);
            }
        }
        let plan = plan.context("nixlib/catalog/_plan.toml is missing")?;
        let mut patterns = BTreeMap::new();
        let mut passwords = BTreeMap::new();
        for (name, spec) in &plan.types {
            if let Some(p) = spec.expanded() {
                if !spec.parts.is_empty() && p.contains('<') {
                    bail!("pattern of type {name} names a part it does not have: {p}");
                }
                // Anchored like Nix's builtins.match, which must match the whole string.
                patterns.insert(name.clone(), Pattern::new(format!("^(?:{p})$")));
            }
            if let Some(p) = &spec.password {
                // Found anywhere, as Nix's builtins.split finds it.
                passwords.insert(name.clone(), Pattern::new(p.clone()));
            }
        }
        // Found anywhere in a value, as Nix's builtins.split finds it.
        let forbidden = Pattern::new(plan.text.forbidden.clone());
        Ok(Catalog {
            plan,
            services,
            patterns,
            passwords,
            forbidden,
        })
    }

    /// Compiles every pattern now: an error names the type (or `[text] forbidden`).
    pub fn compile_all(&self) -> Result<()> {
        for (name, p) in &self.patterns {
            p.compile()
                .with_context(|| format!("pattern of type {name}"))?;
        }
        for (name, p) in &self.passwords {
            p.compile()
                .with_context(|| format!("password of type {name}"))?;
        }
        self.forbidden.compile().context("[text] forbidden")?;
        Ok(())
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.get(id)
    }

    pub fn type_spec(&self, ty: FieldType) -> Option<&TypeSpec> {
        self.plan.types.get(ty.name())
    }

    pub fn pattern(&self, ty: FieldType) -> Option<&Regex> {
        self.patterns.get(ty.name()).map(Pattern::get)
    }

    /// The pattern of a password this type can carry (`[types.<name>] password`).
    pub fn password(&self, ty: FieldType) -> Option<&Regex> {
        self.passwords.get(ty.name()).map(Pattern::get)
    }

    /// Whether a string holds a character no value may hold (`_plan.toml [text]`).
    pub fn has_forbidden_text(&self, s: &str) -> bool {
        self.forbidden.get().is_match(s)
    }
}
