//! What the operator asked for, independent of the key or click that said it. The
//! edge (`crate::tui::input`) turns terminal events into these; [`super::update`]
//! applies them to the state.
use super::preview::PreviewEvent;
use super::probes::ProbeEvent;
use super::state::WriteOutcome;
use crate::apply::DirState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The previous / next question (or entry of a list: profiles, problems, choices).
    /// While editing, commits the edit first when it reads.
    Up,
    Down,
    /// The first / last question or entry.
    First,
    Last,
    /// A screenful up / down in long content (the review, the help).
    PageUp,
    PageDown,
    /// The previous / next step (not while editing).
    PrevStep,
    NextStep,
    /// Enter: edit a text question, toggle yes/no, open a choice list, choose, jump from
    /// a problem to its field, write at the Write step, confirm an edit.
    Enter,
    /// Space: toggle a yes/no question (as Enter does).
    Toggle,
    /// Esc: cancel an edit or close an overlay, else go back one step.
    Back,
    /// `?`: the help overlay for the current field and the keys.
    Help,
    /// `q` or Ctrl-C: quit, asking first when there are unsaved changes.
    Quit,
    /// An answer in a yes/no confirmation.
    Yes,
    No,
    /// `g`: the list of steps to jump to.
    JumpList,
    /// `r`: straight to the Review step (back after fixing a problem).
    ToReview,
    /// Delete or `d`: put the focused question back to its default (remove it from the file).
    Reset,
    /// While editing: a typed character, and the line editor's keys.
    Type(char),
    /// While editing: text pasted (or typed faster than the screen is drawn), put in at
    /// the cursor as if typed, without its control characters.
    Paste(String),
    Backspace,
    DeleteChar,
    CursorLeft,
    CursorRight,
    CursorHome,
    CursorEnd,
    ClearLine,
    /// A click on the step list (step index) or on a question or list entry (index).
    ClickStep(usize),
    ClickItem(usize),
    /// The mouse wheel over the main pane.
    ScrollUp,
    ScrollDown,
    /// Ctrl-Z: give the terminal back to the shell until continued.
    Suspend,
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// The edge wrote (or failed to write) the host's files.
    Written(WriteOutcome),
    /// The edge read the host directory again (after writing).
    DirRead(DirState),
    /// `p` at the Done step: preview the written host (deep check, nixos-rebuild).
    Preview,
    /// Esc or Ctrl-C while the preview runs: stop it.
    CancelPreview,
    /// What the running preview reported (the edge polls its jobs every tick).
    PreviewEvent(PreviewEvent),
    /// `c` at the Review step: check this machine (DNS, ports, disk, NixOS) for the
    /// current answers, in the background; advisory, never blocks writing.
    Probe,
    /// Esc or Ctrl-C while the probes run: stop them.
    CancelProbe,
    /// What the running probes reported (the edge polls their job every tick).
    ProbeEvent(ProbeEvent),
}

/// What the edge must do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Nothing but redrawing.
    None,
    /// Write the host's files (the same path as `apply`), then send [`Action::Written`].
    Write,
    /// Leave the wizard with this exit status.
    Quit(i32),
    /// Restore the terminal, stop until continued, then take the screen again.
    Suspend,
    /// Start the preview of the written directory as background jobs; report with
    /// [`Action::PreviewEvent`].
    StartPreview,
    /// Cancel the running preview's jobs (kill their child processes).
    CancelPreview,
    /// Start the preflight probes for the current answers as a background job; report
    /// with [`Action::ProbeEvent`].
    StartProbes,
    /// Cancel the running probes.
    CancelProbes,
}
