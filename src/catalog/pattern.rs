//! A regular expression of the catalog, as a DFA. build.rs compiles the embedded
//! catalog's patterns and writes the DFAs into the binary, so the wizard only reads
//! them (microseconds) where compiling took most of a `check`. A catalog read from
//! TOML (the tests' edited copies) compiles each one when it is first used.
use std::sync::OnceLock;

use regex_automata::Input;
use regex_automata::dfa::{Automaton, dense};

pub use regex_automata::dfa::dense::BuildError;

pub struct Pattern {
    source: String,
    /// The DFA build.rs wrote for this source, in the target's byte order.
    compiled: Option<&'static [u8]>,
    dfa: OnceLock<Dfa>,
}

enum Dfa {
    Built(dense::DFA<Vec<u32>>),
    Read(dense::DFA<&'static [u32]>),
}

impl Pattern {
    /// A pattern in the syntax of the `regex` crate, matched anywhere in a value unless
    /// it says `^` and `$`.
    pub fn new(source: String, compiled: Option<&'static [u8]>) -> Pattern {
        Pattern {
            source,
            compiled,
            dfa: OnceLock::new(),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn is_match(&self, text: &str) -> bool {
        let input = Input::new(text).earliest(true);
        let found = match self.dfa.get_or_init(|| self.load()) {
            Dfa::Built(dfa) => dfa.try_search_fwd(&input),
            Dfa::Read(dfa) => dfa.try_search_fwd(&input),
        };
        // A dense DFA fails a search only where it was built to give up (quit bytes,
        // Unicode word boundaries); the default configuration has neither.
        found.expect("a catalog DFA searches to the end").is_some()
    }

    /// Compiles it now: how a catalog being built refuses a pattern that cannot be.
    pub fn check(&self) -> Result<(), Box<BuildError>> {
        if self.dfa.get().is_none() {
            let _ = self.dfa.set(Dfa::Built(build(&self.source)?));
        }
        Ok(())
    }

    /// The DFA as build.rs writes it, for a target of the given byte order.
    pub fn to_bytes(&self, little_endian: bool) -> Result<Vec<u8>, Box<BuildError>> {
        self.check()?;
        Ok(match self.dfa.get() {
            Some(Dfa::Built(dfa)) => serialise(dfa, little_endian),
            Some(Dfa::Read(dfa)) => serialise(dfa, little_endian),
            None => unreachable!("checked above"),
        })
    }

    fn load(&self) -> Dfa {
        match self.compiled {
            Some(bytes) => Dfa::Read(
                dense::DFA::from_bytes(bytes)
                    .expect("build.rs wrote this DFA with this very crate")
                    .0,
            ),
            // Patterns of a catalog read at run time were compiled by `check`.
            None => Dfa::Built(build(&self.source).expect("a catalog pattern compiles")),
        }
    }
}

fn serialise<T: AsRef<[u32]>>(dfa: &dense::DFA<T>, little_endian: bool) -> Vec<u8> {
    let (bytes, pad) = if little_endian {
        dfa.to_bytes_little_endian()
    } else {
        dfa.to_bytes_big_endian()
    };
    // The padding aligns the DFA within this Vec only; where it is embedded, the
    // binary aligns it itself.
    bytes[pad..].to_vec()
}

// Boxed: the error is large and only ever reported.
fn build(source: &str) -> Result<dense::DFA<Vec<u32>>, Box<BuildError>> {
    dense::DFA::new(source).map_err(Box::new)
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The source is what it is; its tables would fill a screen.
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}
