//! Validation of a host plan against the catalog: the pure core behind `check`, the
//! wizard's keystrokes and (through nixlib/lib/validate.nix, which mirrors it) the
//! modules' assertions. docs/VALIDATION.md is the specification.
mod domains;
mod fields;
mod keys;
mod needs;
pub mod own_secrets;
mod packages;
mod ports;
mod renamed;
mod rules;

use std::collections::BTreeMap;

pub use keys::looks_like_secret;
pub use renamed::FIX_COMMAND;

use serde::Serialize;

use crate::catalog::{Catalog, Level};
use crate::plan::{PlanView, renames};
use crate::value::Value;

/// One problem with a plan: where it is (a dotted path in the answers file) and what
/// to do about it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub path: String,
    pub code: String,
    pub message: String,
    pub level: Level,
}

impl Diagnostic {
    pub fn error(
        path: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            level: Level::Error,
            path: path.into(),
            code: code.into(),
            message: message.into(),
        }
    }
    pub fn warning(
        path: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            level: Level::Warning,
            path: path.into(),
            code: code.into(),
            message: message.into(),
        }
    }
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

/// Every diagnostic for a plan tree, sorted by path, code, then message. Old keys of a
/// service's settings are reported, and the rest is checked as if the file used the new
/// keys (`plan::renames::forward`).
pub fn validate(catalog: &Catalog, tree: &BTreeMap<String, Value>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    renamed::check(&renames::old_keys(catalog, tree), &mut out);
    let tree = renames::forward(catalog, tree);
    let view = PlanView::new(catalog, &tree);
    keys::check(&view, &mut out);
    fields::check(&view, &mut out);
    rules::check(&view, &mut out);
    needs::check(&view, &mut out);
    own_secrets::check(&view, &mut out);
    packages::check(&view, &mut out);
    ports::check(&view, &mut out);
    domains::check(&view, &mut out);
    // Field order makes this path, then code, then message: the order Nix sorts in.
    out.sort();
    out.dedup();
    out
}
