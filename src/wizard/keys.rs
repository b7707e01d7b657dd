//! Every key the full-screen wizard takes and what it does, as the help window lists
//! them. Plain data; `crate::tui::input` turns the terminal's keys into actions.
/// (keys, what they do), in the order the help window lists them.
pub const KEYS: &[(&str, &str)] = &[
    (
        "Up/Down, Tab/Shift-Tab",
        "move between questions (or problems, choices)",
    ),
    (
        "Enter",
        "edit a value, toggle yes/no, choose from a list; in Review, go to the problem's field; at Write, write",
    ),
    ("Space", "turn a yes/no question or a service on or off"),
    (
        "Esc",
        "cancel an edit or close a window; otherwise back one step",
    ),
    (
        "Left/Right, PgUp/PgDn",
        "previous / next step (when not editing)",
    ),
    ("d, Delete", "put the value back to its default"),
    ("g", "jump to any step"),
    ("r", "go to the review (after fixing a problem)"),
    ("?", "this help"),
    (
        "q, Ctrl-C",
        "quit; asks first when there are answers not written yet",
    ),
    (
        "Ctrl-Z",
        "suspend: the shell gets the terminal back; fg returns to the wizard",
    ),
    ("Mouse", "click a step or a question; the wheel scrolls"),
    (
        "While editing",
        "type; Left/Right, Home/End move; Backspace/Delete erase; Ctrl-U clears; Enter keeps; Esc cancels",
    ),
    (
        "p (Done step)",
        "preview the written host: the deep check (with Nix) and nixos-rebuild dry-build/dry-activate, streamed; Esc or Ctrl-C cancels it",
    ),
    (
        "In Review",
        "Up/Down select a problem, Space/b page through the files' diff",
    ),
    (
        "c (Review step)",
        "check this machine before writing: DNS, ports 80/443, disk, NixOS/root/flakes; advisory, results in the review; Esc or Ctrl-C cancels",
    ),
];
