//! The whole catalog: the plan schema and every service, by id, with the patterns of
//! the value types.
use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};

use super::model::{FieldType, PlanSchema, Service, TypeSpec};
use super::pattern::Pattern;

#[derive(Debug)]
pub struct Catalog {
    pub plan: PlanSchema,
    pub services: BTreeMap<String, Service>,
    patterns: BTreeMap<String, Pattern>,
    passwords: BTreeMap<String, Pattern>,
    forbidden: Pattern,
}

/// DFAs compiled ahead of time, by the name of their pattern ([`Catalog::patterns`]).
pub type Compiled<'a> = &'a dyn Fn(&str) -> Option<&'static [u8]>;

/// The names of the patterns, by which build.rs hands over their DFAs.
fn type_pattern(ty: &str) -> String {
    format!("pattern.{ty}")
}
fn password(ty: &str) -> String {
    format!("password.{ty}")
}
const FORBIDDEN: &str = "forbidden";

impl Catalog {
    /// The catalog over its data; each pattern is compiled when first used (see
    /// [`Catalog::check`]).
    pub fn new(plan: PlanSchema, services: BTreeMap<String, Service>) -> Catalog {
        Catalog::with_compiled(plan, services, &|_| None)
    }

    /// The catalog over its data, with the patterns `compiled` has a DFA for.
    pub fn with_compiled(
        plan: PlanSchema,
        services: BTreeMap<String, Service>,
        compiled: Compiled,
    ) -> Catalog {
        let pattern = |name: String, source: String| Pattern::new(source, compiled(&name));
        let mut patterns = BTreeMap::new();
        let mut passwords = BTreeMap::new();
        for (name, spec) in &plan.types {
            if let Some(p) = spec.expanded() {
                // Anchored like Nix's builtins.match, which must match the whole string.
                let source = format!("^(?:{p})$");
                patterns.insert(name.clone(), pattern(type_pattern(name), source));
            }
            if let Some(p) = &spec.password {
                // Found anywhere, as Nix's builtins.split finds it.
                passwords.insert(name.clone(), pattern(password(name), p.clone()));
            }
        }
        // Found anywhere in a value, as Nix's builtins.split finds it.
        let forbidden = pattern(FORBIDDEN.into(), plan.text.forbidden.clone());
        Catalog {
            plan,
            services,
            patterns,
            passwords,
            forbidden,
        }
    }

    /// Every pattern by a name of its own: `pattern.<type>`, `password.<type>`,
    /// `forbidden`.
    pub fn patterns(&self) -> Vec<(String, &Pattern)> {
        let mut all: Vec<(String, &Pattern)> = Vec::new();
        all.extend(self.patterns.iter().map(|(t, p)| (type_pattern(t), p)));
        all.extend(self.passwords.iter().map(|(t, p)| (password(t), p)));
        all.push((FORBIDDEN.into(), &self.forbidden));
        all
    }

    /// Refuses a catalog whose patterns name a missing part or do not compile.
    pub fn check(&self) -> Result<()> {
        for (name, spec) in &self.plan.types {
            if let Some(p) = spec.expanded()
                && !spec.parts.is_empty()
                && p.contains('<')
            {
                bail!("pattern of type {name} names a part it does not have: {p}");
            }
        }
        for (name, pattern) in &self.patterns {
            pattern
                .check()
                .with_context(|| format!("pattern of type {name}"))?;
        }
        for (name, pattern) in &self.passwords {
            pattern
                .check()
                .with_context(|| format!("password of type {name}"))?;
        }
        self.forbidden.check().context("[text] forbidden")
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.get(id)
    }

    pub fn type_spec(&self, ty: FieldType) -> Option<&TypeSpec> {
        self.plan.types.get(ty.name())
    }

    pub fn pattern(&self, ty: FieldType) -> Option<&Pattern> {
        self.patterns.get(ty.name())
    }

    /// The pattern of a password this type can carry (`[types.<name>] password`).
    pub fn password(&self, ty: FieldType) -> Option<&Pattern> {
        self.passwords.get(ty.name())
    }

    /// Whether a string holds a character no value may hold (`_plan.toml [text]`).
    pub fn has_forbidden_text(&self, s: &str) -> bool {
        self.forbidden.is_match(s)
    }
}
