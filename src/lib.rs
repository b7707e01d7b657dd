//! atproto-wizard: plans, validates and writes NixOS hosts that run AT Protocol services.
//!
//! The core (catalog, plan, validation) is pure: no I/O beyond reading a named file,
//! no terminal. The command line and the interactive front ends sit on top of it.
pub mod adopt;
pub mod apply;
pub mod catalog;
pub mod cli;
pub mod disk;
pub mod draft_store;
pub mod exit_status;
pub mod fleet;
pub mod hostedit;
pub mod import_pds;
pub mod lineui;
pub mod plan;
pub mod preview;
pub mod render;
pub mod report;
pub mod safe_text;
pub mod shell;
pub mod status;
pub mod tui;
pub mod upgrade;
pub mod validate;
pub mod value;
pub mod wizard;
pub mod write_host;
