//! The line mode (`--plain`): the wizard's questions as line prompts (inquire) over the
//! same core as the full-screen wizard, for screen readers, serial consoles and
//! `ssh -t` on bad links. The flow is in [`flow`]; it talks through a [`Prompter`], the
//! terminal one ([`terminal::Terminal`]) or a script in tests ([`Scripted`]).
//!
//! Without a terminal (stdin not a TTY) it asks nothing: it says to write an answers
//! file and use `apply --answers`, and exits with status 2.
pub mod fleet;
pub mod flow;
pub mod keep;
pub mod prompter;
mod review;
pub mod terminal;
pub mod text;

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::apply::ATPROTO_TOML;
use crate::catalog::Catalog;
use crate::disk::read::{Links, read_text};
use crate::draft_store::DraftStore;
use crate::report::Style;
use crate::wizard::profiles;

pub use crate::exit_status::ExitStatus;
pub use flow::{Look, NO_TERMINAL, Start};
pub use prompter::{Input, Prompter, Reply, Scripted};

/// What `--plain` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineOptions {
    /// The host's configuration directory.
    pub dir: PathBuf,
    /// A profile to start a new host from (`--profile NAME`).
    pub profile: Option<String>,
    /// Change the existing host: start from DIR/atproto.toml.
    pub edit: bool,
    /// Only ASCII characters on the terminal.
    pub ascii: bool,
    /// Where the answers are kept until written; `None` keeps none.
    pub drafts: Option<DraftStore>,
}

/// Runs the line mode on the terminal; returns the exit status (README, "Exit status").
pub fn run(opts: &LineOptions) -> Result<ExitStatus> {
    if !std::io::stdin().is_terminal() {
        eprintln!("{NO_TERMINAL}");
        return Ok(ExitStatus::CannotRunHere);
    }
    // Everything goes to stderr, where inquire draws its prompts.
    let look = Look {
        ascii: opts.ascii,
        colour: Style::for_stderr().is_coloured(),
    };
    let mut terminal = terminal::Terminal::new(look.ascii, look.colour);
    let width = terminal::Terminal::width();
    Ok(run_with(
        &mut terminal,
        Catalog::embedded(),
        opts,
        look,
        width,
    ))
}

/// Runs the line mode with any prompter (a script in tests), wrapping text at `width`
/// columns; returns the exit status.
pub fn run_with(
    prompter: &mut dyn Prompter,
    catalog: &'static Catalog,
    opts: &LineOptions,
    look: Look,
    width: usize,
) -> ExitStatus {
    match start_of(opts) {
        Ok(start) => {
            let kept = opts.drafts.as_ref().map(|store| {
                let current = match &start {
                    Start::Edit { text } | Start::InFleet { text, .. } => Some(text.clone()),
                    // A new host over an existing one replaces its answers.
                    Start::New { .. } => read_text(&opts.dir.join(ATPROTO_TOML), Links::Refuse)
                        .ok()
                        .flatten(),
                };
                keep::Kept::open(store, catalog, &opts.dir, current.as_deref())
            });
            flow::run(prompter, catalog, &opts.dir, start, look, width, kept)
        }
        Err(e) => {
            prompter.say(&format!("{}: {e:#}\n", look.style().error("error")));
            ExitStatus::Unusable
        }
    }
}

fn start_of(opts: &LineOptions) -> Result<Start> {
    if opts.edit {
        let path = opts.dir.join(ATPROTO_TOML);
        // As apply reads it: never through a link, only a regular file.
        let text = match read_text(&path, Links::Refuse) {
            Ok(Some(text)) => text,
            Ok(None) => {
                let unmanaged = crate::disk::host::read_host_files(&opts.dir, Links::Refuse)
                    .is_ok_and(|s| crate::report::adopt::unmanaged_host(&s));
                bail!(
                    "{}",
                    crate::report::adopt::nothing_to_edit(&opts.dir, unmanaged)
                )
            }
            Err(e) => bail!("{e}"),
        };
        return Ok(Start::Edit { text });
    }
    let profile = match opts.profile.as_deref() {
        None => None,
        Some(name) => match profiles::find(name) {
            Some(p) => Some(p.name),
            None => {
                let names: Vec<&str> = profiles::all().iter().map(|p| p.name).collect();
                bail!(
                    "no profile {name:?}; the profiles are: {}",
                    names.join(", ")
                );
            }
        },
    };
    Ok(Start::New { profile })
}
