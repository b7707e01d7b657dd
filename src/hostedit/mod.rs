//! Edits of an operator's existing host files, made through their syntax tree.
//!
//! The wizard owns `atproto.nix`; it does not own `configuration.nix` or `flake.nix`. When
//! those exist it only adds what the host needs (never lose the operator's
//! work): `./atproto.nix` in the module's `imports` ([`add_import`]); the flake's input
//! and its module in the host's `nixosConfigurations` entry ([`wire_flake`]). `adopt`
//! also reads a module's bindings ([`module_leaves`]) and takes the ones it adopts out
//! ([`remove_entries`]): the only edit that deletes, and only whole bindings.
//!
//! How an edit is made: the file is parsed with `rnix`; the tree is used only to find
//! *where* to insert and *how* the surrounding code is laid out (one element per line or
//! all on one line, the indentation of the neighbours, the line ending). The new text is
//! then spliced into the original string at those offsets. Nothing else is deleted or
//! re-printed, so every byte outside the insertion (comments, blank lines, odd spacing,
//! CRLF line ends) stays as it was; removing the inserted text gives the original back.
//! Every result is parsed again before it is returned.
//!
//! Anything the code cannot edit with confidence (a file that does not parse, `imports`
//! built by an expression, a module that is not an attribute set, a flake whose host is
//! not a plain `nixosSystem` call, …) is [`Edit::Refused`], with the reason and the exact
//! lines for the operator to add by hand. These functions are pure: no I/O; the caller
//! names the file in its messages, shows the diff and writes.
mod bindings;
mod flake;
mod imports;
mod literal_list;
mod remove;
mod syntax;

use std::fmt;

pub use bindings::{Leaf, Lit, Unreadable, module_leaves};
pub use flake::{FlakeWiring, flake_hosts, host_module_paths, host_names_module, wire_flake};
pub use imports::{add_import, import_paths};
pub use remove::remove_entries;

/// The outcome of an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// The file already does what we need; nothing to write.
    AlreadyDone,
    /// The new file text: only the needed insertion, everything else byte for byte.
    Changed(String),
    /// Not safe to edit automatically: say why and the exact line(s) to add by hand.
    Refused(Refusal),
}

/// Why an edit was not made, and what the operator can do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// One or two sentences: what was found and why it is not edited automatically.
    pub why: String,
    /// The exact line(s) to add by hand, with where they go.
    pub by_hand: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\nTo do it by hand:\n{}", self.why, self.by_hand)
    }
}

impl Edit {
    pub(crate) fn refused(why: impl Into<String>, by_hand: impl Into<String>) -> Edit {
        Edit::Refused(Refusal {
            why: why.into(),
            by_hand: by_hand.into(),
        })
    }
}
