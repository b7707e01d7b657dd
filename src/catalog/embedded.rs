//! The catalog's data as build.rs read it from nixlib/catalog: Rust expressions that
//! build the same values the TOML files describe (a test compares the two), and the
//! DFAs of its patterns.
use std::collections::BTreeMap;

use super::model::*;

include!(concat!(env!("OUT_DIR"), "/catalog_data.rs"));

/// A DFA's bytes, aligned as `dense::DFA::from_bytes` reads them.
#[repr(C)]
struct Aligned<B: ?Sized> {
    _align: [u32; 0],
    bytes: B,
}
