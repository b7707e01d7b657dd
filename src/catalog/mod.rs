//! The service catalog: `nixlib/catalog/*.toml`, read and checked by build.rs and
//! compiled into the binary as Rust values, so start-up parses nothing.
pub mod condition;
mod embedded;
pub mod from_toml;
pub mod lint;
pub mod model;
pub mod pattern;
mod whole;

use std::sync::OnceLock;

pub use condition::Condition;
pub use model::*;
pub use pattern::Pattern;
pub use whole::{Catalog, Compiled};

include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

impl Catalog {
    /// The catalog compiled into this binary, built on first use. build.rs refused to
    /// build with a catalog that does not parse or fails its self-check.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(Catalog::embedded_copy)
    }

    /// A fresh copy of the embedded catalog, built as [`Catalog::embedded`] builds it
    /// (for the start-up benchmark; everything else shares the one copy).
    pub fn embedded_copy() -> Catalog {
        Catalog::with_compiled(embedded::plan(), embedded::services(), &embedded::compiled)
    }
}
