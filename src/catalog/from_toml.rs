//! Reading the catalog from its TOML files. build.rs does this (and the self-check) to
//! write the catalog into the binary; the tests do it to try edited catalogs.
use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};

use super::lint::lint;
use super::model::{PlanSchema, Service};
use super::whole::Catalog;

impl Catalog {
    /// Builds a catalog from (file name, contents) pairs: `_plan.toml` plus one file per
    /// service. Every pattern is compiled, so a broken one is refused here.
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
        let catalog = Catalog::new(plan, services);
        catalog.check()?;
        Ok(catalog)
    }
}

/// The catalog the files describe, or every reason it cannot ship: what the build
/// runs before it writes the catalog into the binary.
pub fn checked(files: &[(&str, &str)]) -> Result<Catalog, String> {
    let catalog = Catalog::from_files(files).map_err(|e| format!("{e:#}"))?;
    let problems = lint(&catalog);
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(problems.join("\n"))
    }
}
