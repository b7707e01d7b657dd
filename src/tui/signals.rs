//! The signals the full screen answers, caught as flags the event loop reads between
//! waits (a signal also ends the wait early). SIGTERM, SIGINT and SIGHUP end the
//! wizard with the terminal restored; SIGWINCH redraws at the new size.
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use signal_hook::SigId;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGWINCH};

/// The signals that end the wizard (exit status 128 + the signal).
pub const ENDING: [i32; 3] = [SIGTERM, SIGINT, SIGHUP];

pub struct Signals {
    ending: Arc<AtomicUsize>,
    resized: Arc<AtomicBool>,
    ids: Vec<SigId>,
}

impl Signals {
    pub fn catch() -> io::Result<Signals> {
        let ending = Arc::new(AtomicUsize::new(0));
        let mut ids = Vec::new();
        for sig in ENDING {
            ids.push(signal_hook::flag::register_usize(
                sig,
                Arc::clone(&ending),
                sig as usize,
            )?);
        }
        let flag = |sig, ids: &mut Vec<SigId>| -> io::Result<Arc<AtomicBool>> {
            let f = Arc::new(AtomicBool::new(false));
            ids.push(signal_hook::flag::register(sig, Arc::clone(&f))?);
            Ok(f)
        };
        Ok(Signals {
            resized: flag(SIGWINCH, &mut ids)?,
            ending,
            ids,
        })
    }

    /// The ending signal that came, if one did.
    pub fn ending(&self) -> Option<i32> {
        match self.ending.load(Ordering::Relaxed) {
            0 => None,
            sig => Some(sig as i32),
        }
    }

    /// Whether SIGWINCH came since the last call.
    pub fn take_resized(&self) -> bool {
        self.resized.swap(false, Ordering::Relaxed)
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}
