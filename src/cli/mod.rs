//! The command line: thin wrappers that read files, call the pure core and print.
pub mod apply_cmd;
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
        /// Which host file to print: atproto.nix (the wizard-managed module), flake.nix
        /// (flake mode; for a classic host nothing is printed and the exit status is 2),
        /// or configuration.nix (the one written when the directory has none, shown as
        /// for a directory that has a hardware-configuration.nix). atproto.nix and
        /// flake.nix are printed exactly as `apply` writes them.
        #[arg(long, value_enum, default_value = "atproto.nix")]
        file: render_cmd::HostFile,
    },
    /// Write the host's files into a directory: atproto.toml, atproto.nix,
    /// configuration.nix and (flake mode) flake.nix.
    ///
    /// The answers are checked first, as `check` does; with errors nothing is written.
    /// Then a diff of every file that would change is shown, and the files are written
    /// once confirmed (a question on the terminal, or --yes). Every replaced file is
    /// first copied to <name>.<UTC time>.bak beside it, and each file is replaced
    /// atomically. atproto.nix (and a flake.nix the wizard wrote) carry a checksum line:
    /// when the file was edited by hand since, apply refuses to overwrite it unless
    /// --force is given. An existing configuration.nix only gains `./atproto.nix` in its
    /// imports; an existing flake.nix of your own gains the atproto-nix input and
    /// modules. A file that cannot be edited safely is refused with the lines to add by
    /// hand. Any refusal means nothing at all is written.
    ///
    /// Exit status: 0 when the files were written, nothing needed to change, or a
    /// --dry-run found nothing to refuse; 1 when the answers have errors; 2 when a file
    /// cannot be read (answers missing, not TOML, unsupported schema; a host file not
    /// UTF-8) or written; 3 when apply refuses (a managed file edited by hand without
    /// --force, a file it cannot edit safely, or a file that changed while asking);
    /// 4 when the writing was not confirmed (answered no, or no terminal and no --yes).
    Apply {
        /// The answers file (atproto.toml or a profile).
        #[arg(long, value_name = "FILE")]
        answers: PathBuf,
        /// The host's configuration directory, like /etc/nixos. Created when missing.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// Write without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Only show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Overwrite a managed file (atproto.nix, the wizard's flake.nix) that was edited
        /// by hand. It is backed up first.
        #[arg(long)]
        force: bool,
    },
}
