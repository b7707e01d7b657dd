//! The command line: thin wrappers that read files, call the pure core and print.
pub mod catalog_cmd;
pub mod check_cmd;
pub mod render_cmd;
pub mod style;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Plan, check and write NixOS hosts that run AT Protocol services.
#[derive(Debug, Parser)]
#[command(name = "atproto-wizard", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the services this wizard knows: kind, status, ports and needs.
    Catalog {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Validate an answers file.
    ///
    /// Exit status: 0 when the plan is valid (warnings allowed), 1 when it has errors,
    /// 2 when the file cannot be read (missing, not TOML, unsupported schema).
    Check {
        /// The answers file (atproto.toml or a profile).
        #[arg(long, value_name = "FILE")]
        answers: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print a host file generated from an answers file.
    ///
    /// The answers are checked first, as `check` does: with errors nothing is printed
    /// on stdout, the diagnostics go to stderr and the exit status is 1; an unreadable
    /// file exits with 2. Warnings go to stderr and the file is still printed (exit 0).
    /// Rendering is deterministic: the same answers give the same bytes.
    Render {
        /// The answers file (atproto.toml or a profile).
        #[arg(long, value_name = "FILE")]
        answers: PathBuf,
        /// Which host file to print. Today only atproto.nix, the wizard-managed module
        /// (flake.nix and configuration.nix come later).
        #[arg(long, value_enum, default_value = "atproto.nix")]
        file: render_cmd::HostFile,
    },
}
