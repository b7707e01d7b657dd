//! The command line: thin wrappers that read files, call the pure core and print.
pub mod catalog_cmd;
pub mod check_cmd;
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
}
