//! The service catalog: `nixlib/catalog/*.toml`, embedded at compile time.
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
    patterns: BTreeMap<String, Regex>,
    passwords: BTreeMap<String, Regex>,
    forbidden: Regex,
}

impl Catalog {
    /// The catalog compiled into this binary. Loaded once; a broken embedded catalog
    /// is a build defect, which the catalog tests catch before release.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG
            .get_or_init(|| Catalog::from_files(CATALOG_FILES).expect("embedded catalog is valid"))
    }

    /// Builds a catalog from (file name, contents) pairs: `_plan.toml` plus one file per service.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Catalog> {
        let mut plan = None;
        let mut services = BTreeMap::new();
        for (name, text) in files {
            if *name == "_plan.toml" {
                plan = Some(
                    toml::from_str::<PlanSchema>(text)
                        .with_context(|| format!("nixlib/catalog/{name}"))?,
                );
            } else if name.starts_with('_') {
                continue;
            } else {
                let service: Service =
                    toml::from_str(text).with_context(|| format!("nixlib/catalog/{name}"))?;
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
                let re = Regex::new(&format!("^(?:{p})$"))
                    .with_context(|| format!("pattern of type {name}"))?;
                patterns.insert(name.clone(), re);
            }
            if let Some(p) = &spec.password {
                // Found anywhere, as Nix's builtins.split finds it.
                let re = Regex::new(p).with_context(|| format!("password of type {name}"))?;
                passwords.insert(name.clone(), re);
            }
        }
        // Found anywhere in a value, as Nix's builtins.split finds it.
        let forbidden = Regex::new(&plan.text.forbidden).context("[text] forbidden")?;
        Ok(Catalog {
            plan,
            services,
            patterns,
            passwords,
            forbidden,
        })
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.get(id)
    }

    pub fn type_spec(&self, ty: FieldType) -> Option<&TypeSpec> {
        self.plan.types.get(ty.name())
    }

    pub fn pattern(&self, ty: FieldType) -> Option<&Regex> {
        self.patterns.get(ty.name())
    }

    /// The pattern of a password this type can carry (`[types.<name>] password`).
    pub fn password(&self, ty: FieldType) -> Option<&Regex> {
        self.passwords.get(ty.name())
    }

    /// Whether a string holds a character no value may hold (`_plan.toml [text]`).
    pub fn has_forbidden_text(&self, s: &str) -> bool {
        self.forbidden.is_match(s)
    }
}
