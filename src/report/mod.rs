//! The plain-text report of writing a host, in one place for every front end: `apply`
//! and the line mode print it, the full screen maps the same pieces to its own styled
//! lines. The style ([`Style`]: colour only on a terminal without `NO_COLOR`), how a
//! diff line is classed ([`diff`]), the file rows "create/update (+a −r)" ([`files`]),
//! the outcome of a write and the `git add` reminder ([`outcome`]), the numbered next
//! steps ([`next`]), the preflight probe lines ([`probes`]) and what `adopt` found in a
//! hand-written host ([`adopt`]).
//!
//! The sentences the operator reads are written here, not in the front ends, so they
//! can be found and reviewed together; the front ends only place them.
pub mod adopt;
pub mod diff;
pub mod files;
pub mod import_pds;
pub mod next;
pub mod outcome;
pub mod probes;
mod style;

pub use style::Style;

/// Writes to the output, ignoring a closed pipe (`apply … | head`).
pub(crate) struct Printer<'a> {
    pub out: &'a mut dyn std::io::Write,
}

impl Printer<'_> {
    pub fn put(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }
}
