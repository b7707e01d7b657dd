//! How the wizard looks, in both front ends: `--ascii` (no box drawing or symbols
//! beyond ASCII) and colour (off with `NO_COLOR`, or where output is not a terminal).
//! Meaning never rests on colour: every state has a symbol and a word too.
use crate::report::Style;

/// The display options both front ends share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub ascii: bool,
    pub colour: bool,
}

impl Default for Look {
    fn default() -> Self {
        Look {
            ascii: false,
            colour: true,
        }
    }
}

impl Look {
    /// No colour: what tests and scripts read.
    pub const fn plain() -> Look {
        Look {
            ascii: false,
            colour: false,
        }
    }

    /// The colours of plain text output (the line mode, the reports).
    pub fn style(&self) -> Style {
        if self.colour {
            Style::coloured()
        } else {
            Style::plain()
        }
    }
}

impl Look {
    /// An error's symbol (always shown with the word "error").
    pub fn error(&self) -> &'static str {
        if self.ascii { "x" } else { "✗" }
    }
    /// A warning's symbol (always shown with the word "warning").
    pub fn warning(&self) -> &'static str {
        "!"
    }
    pub fn done(&self) -> &'static str {
        if self.ascii { "+" } else { "✓" }
    }
    pub fn todo(&self) -> &'static str {
        if self.ascii { "-" } else { "·" }
    }
    /// Marks the current step or entry.
    pub fn current(&self) -> &'static str {
        if self.ascii { ">" } else { "▶" }
    }
    /// Marks an entry that leaves for another command.
    pub fn arrow(&self) -> &'static str {
        if self.ascii { "->" } else { "→" }
    }
    pub fn ellipsis(&self) -> &'static str {
        if self.ascii { "..." } else { "…" }
    }
    /// Key names in hints.
    pub fn up_down(&self) -> &'static str {
        if self.ascii { "Up/Down" } else { "↑↓" }
    }
    pub fn left_right(&self) -> &'static str {
        if self.ascii { "Left/Right" } else { "←→" }
    }
}
