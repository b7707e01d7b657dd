//! The interactive wizard's pure core: no terminal, no I/O. Both front ends sit on it:
//! the full-screen wizard (`crate::tui`) and the line mode (`crate::lineui`).
//!
//! - [`questions`]: the steps and their questions, from the catalog and the plan.
//! - [`Draft`]: the answers being edited (toml_edit, comments kept), always validated
//!   with `crate::validate`; set, clear and answer a question there.
//! - [`profiles`]: the Start step's presets.
//! - [`summary`]: the review's plain summary (services, firewall, DNS, secrets, needs)
//!   and the next steps; [`first_switch`]: what must be copied before the first switch.
//! - The full-screen wizard's model: [`state`] (everything shown), [`action`] (what
//!   the operator asked for), [`update`] (the only place the state changes),
//!   [`review`] (the review document), [`layout`] (where the panes are) and
//!   [`preview`] (the preview pane at the Done step, fed by the edge's jobs) and
//!   [`probes`] (the preflight probes on the Review step, also run by the edge), with
//!   their lines in [`preview_lines`] and [`probe_lines`]; [`lines`] is the line type
//!   of those documents.
//! - [`cursor`]: the selected entry of a list (questions, jump list, choices).
//! - [`stored_draft`]: the draft as it is kept between sessions (its text, its file's
//!   name), and [`resume`]: the offer to take it up again (what differs, and when it
//!   was saved). `crate::draft_store` does the file I/O.
//!
//! Imports point one way, down to up this list, never in a circle:
//!
//! 1. plain data and text: [`text`], [`lines`], [`cursor`], [`layout`],
//!    [`questions`](mod@questions), [`draft`], [`profiles`], [`stored_draft`], [`resume`],
//!    [`first_switch`], [`summary`];
//! 2. the background jobs' panes as data: [`preview`], [`probes`];
//! 3. [`state`], which holds the draft, the panes and the open overlay;
//! 4. what is read from the state: the documents ([`review`], [`preview_lines`],
//!    [`probe_lines`]) and [`action`];
//! 5. [`update`](mod@update), the only writer of the state, over all of them.
//!
//! Below them all, outside the wizard: `crate::report`, the words and rows the reports
//! of writing a host share with `apply` and the line mode.
pub mod action;
pub mod cursor;
pub mod draft;
pub mod field_help;
pub mod first_switch;
pub mod fleet_add;
pub mod fleet_view;
pub mod hand_off;
pub mod journey;
pub mod keys;
pub mod layout;
pub mod lines;
pub mod look;
pub mod preview;
pub mod preview_lines;
pub mod probe_lines;
pub mod probes;
pub mod profiles;
pub mod questions;
pub mod resume;
pub mod review;
pub mod state;
pub mod stored_draft;
pub mod summary;
pub mod text;
pub mod update;

pub use action::{Action, Effect};
pub use draft::{ANSWERS_NAME, Draft};
pub use questions::{
    Question, QuestionKind, Step, StepKind, display_value, parse_answer, questions, steps,
};
pub use state::WizardState;
pub use update::update;
