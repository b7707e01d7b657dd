//! Rendering the host's Nix files from an answers file: pure functions from a plan to
//! text, no I/O. `nix` is the syntax tree and its nixfmt-style printer; each host file
//! has its own module.
pub mod atproto_nix;
pub mod nix;

pub use atproto_nix::render_atproto_nix;
