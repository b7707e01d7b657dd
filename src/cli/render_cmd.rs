//! `atproto-wizard render`: print a host file generated from an answers file. The plan
//! is checked first, exactly as `check` does; a plan with errors renders nothing.
use std::path::Path;

use clap::ValueEnum;

use super::check_cmd;
use crate::apply::{generated_atproto_nix, generated_flake_nix, resolve_answers};
use crate::catalog::Catalog;
use crate::exit_status::ExitStatus;
use crate::plan::Answers;
use crate::render::{HostContext, HostMode, render_configuration_nix};
use crate::report::Style;
use crate::validate::validate;

/// The host files `render` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HostFile {
    /// The wizard-managed module: host, services and integrations.
    #[value(name = "atproto.nix")]
    AtprotoNix,
    /// The host's flake (flake mode only).
    #[value(name = "flake.nix")]
    FlakeNix,
    /// The configuration.nix written when the directory has none (as for a directory
    /// that has a hardware-configuration.nix).
    #[value(name = "configuration.nix")]
    ConfigurationNix,
}

/// What `render` prints: the file on stdout, diagnostics on stderr.
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub status: ExitStatus,
}

pub fn run(catalog: &Catalog, path: &Path, file: HostFile, style: Style) -> Outcome {
    let answers = match Answers::read(path) {
        Ok(a) => a,
        Err(e) => {
            return Outcome {
                stdout: String::new(),
                stderr: check_cmd::unreadable(&e, false, style).output,
                status: ExitStatus::Unusable,
            };
        }
    };
    let diagnostics = validate(catalog, &answers.tree);
    // Warnings are shown but do not stop the render; errors do.
    let stderr = if diagnostics.is_empty() {
        String::new()
    } else {
        check_cmd::text_report(&answers, &diagnostics, style)
    };
    if diagnostics.iter().any(|d| d.is_error()) {
        return Outcome {
            stdout: String::new(),
            stderr,
            status: ExitStatus::Problems,
        };
    }
    let stdout = match file {
        // Exactly what `apply` writes: from the resolved answers, with the checksum line.
        HostFile::AtprotoNix => generated_atproto_nix(&answers, catalog),
        HostFile::FlakeNix if !HostMode::of(&answers.tree, catalog).has_flake() => {
            return Outcome {
                stdout: String::new(),
                stderr: format!(
                    "{stderr}{}: error: host.mode is \"classic\": this host has no flake.nix (its \
                     atproto.nix fetches the modules itself); render atproto.nix or \
                     configuration.nix, or set host.mode = \"flake\"\n",
                    path.display()
                ),
                // Not part of the host: `flake.nix` for a classic (non-flake) host.
                status: ExitStatus::Unusable,
            };
        }
        HostFile::FlakeNix => generated_flake_nix(&answers, catalog),
        HostFile::ConfigurationNix => render_configuration_nix(
            &resolve_answers(&answers, catalog).tree,
            catalog,
            &HostContext {
                has_hardware_configuration: true,
            },
        ),
    };
    Outcome {
        stdout,
        stderr,
        status: ExitStatus::Success,
    }
}
