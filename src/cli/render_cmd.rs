//! `atproto-wizard render`: print a host file generated from an answers file. The plan
//! is checked first, exactly as `check` does; a plan with errors renders nothing.
use std::path::Path;

use clap::ValueEnum;

use super::check_cmd::{self, INVALID, UNREADABLE, VALID};
use super::style::Style;
use crate::catalog::Catalog;
use crate::plan::Answers;
use crate::render::render_atproto_nix;
use crate::validate::validate;

/// The host files `render` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HostFile {
    /// The wizard-managed module: host, services and integrations.
    #[value(name = "atproto.nix")]
    AtprotoNix,
}

/// What `render` prints: the file on stdout, diagnostics on stderr.
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

pub fn run(catalog: &Catalog, path: &Path, file: HostFile, style: Style) -> Outcome {
    let answers = match Answers::read(path) {
        Ok(a) => a,
        Err(e) => {
            return Outcome {
                stdout: String::new(),
                stderr: check_cmd::unreadable(&e, false, style).output,
                status: UNREADABLE,
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
            status: INVALID,
        };
    }
    let stdout = match file {
        HostFile::AtprotoNix => render_atproto_nix(&answers.tree, catalog),
    };
    Outcome {
        stdout,
        stderr,
        status: VALID,
    }
}
