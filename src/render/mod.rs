//! Rendering the host's Nix files from an answers file: pure functions from a plan to
//! text, no I/O. `nix` is the syntax tree and its nixfmt-style printer; each host file
//! has its own module.
pub mod atproto_nix;
pub mod classic;
pub mod configuration_nix;
pub mod flake_nix;
pub mod fleet_flake;
pub mod nix;

use std::collections::BTreeMap;

pub use atproto_nix::render_atproto_nix;
pub use configuration_nix::{HostContext, render_configuration_nix};
pub use flake_nix::render_flake_nix;

use crate::catalog::Catalog;
use crate::plan::PlanView;
use crate::value::Value;

/// How the host is built (`host.mode` in the answers file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostMode {
    /// A `flake.nix` with atproto-nix as an input (the default).
    Flake,
    /// No flake: `atproto.nix` fetches atproto-nix's modules itself.
    Classic,
}

impl HostMode {
    /// The plan's mode; anything but `"classic"` (a validated plan has `flake` or
    /// `classic`) is flake mode.
    pub fn of(answers: &BTreeMap<String, Value>, catalog: &Catalog) -> HostMode {
        match PlanView::new(catalog, answers).get("host.mode") {
            Some(Value::Str(mode)) if mode == "classic" => HostMode::Classic,
            _ => HostMode::Flake,
        }
    }

    /// Whether the host has a `flake.nix`.
    pub fn has_flake(self) -> bool {
        self == HostMode::Flake
    }
}

/// A host field's effective text (written value, else the catalog default), or
/// `fallback` when the plan has neither (only for plans that do not validate).
fn host_text(view: &PlanView, key: &str, fallback: &str) -> String {
    match view.get(&format!("host.{key}")) {
        Some(Value::Str(s)) if !s.is_empty() => s,
        _ => fallback.to_string(),
    }
}

/// The secrets backend: `generate` unless the plan chose `sops` or `agenix`.
fn secrets_backend(view: &PlanView) -> String {
    match view.get("integrations.secrets.backend") {
        Some(Value::Str(s)) => s,
        _ => "generate".to_string(),
    }
}
