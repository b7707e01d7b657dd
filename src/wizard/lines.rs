//! The lines of the documents the main pane shows (the review, the Done step's next
//! steps and preview, the probes' results): text, how it is painted, and where Enter
//! goes. Plain data at the bottom of the wizard's modules: it imports none of them, so
//! the panes' data ([`super::preview`], [`super::probes`]) and the state above them can
//! be turned into lines by the modules above the state without a cycle.
/// How a review line is painted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    Heading,
    Text,
    Dim,
    Error,
    Warning,
    Ok,
    DiffHeader,
    DiffHunk,
    DiffAdd,
    DiffRemove,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// One line of a document the main pane shows.
pub struct ReviewLine {
    pub text: String,
    pub style: LineStyle,
    /// The answers path Enter jumps to (problem lines).
    pub target: Option<String>,
}

/// A line that jumps nowhere.
pub fn line(text: impl Into<String>, style: LineStyle) -> ReviewLine {
    ReviewLine {
        text: text.into(),
        style,
        target: None,
    }
}
