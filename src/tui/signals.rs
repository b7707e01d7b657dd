//! The signals the full screen answers, caught as flags the event loop reads between
//! waits (a signal also ends the wait early). SIGTERM, SIGINT, SIGHUP and SIGQUIT end
//! the wizard with the terminal restored; SIGTSTP gives the terminal back and stops;
//! SIGCONT takes it again; SIGWINCH redraws at the new size.
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use signal_hook::SigId;
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP, SIGWINCH};

/// The signals that end the wizard (exit status 128 + the signal).
pub const ENDING: [i32; 4] = [SIGTERM, SIGINT, SIGHUP, SIGQUIT];

pub struct Signals {
    ending: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    continued: Arc<AtomicBool>,
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
            stop: flag(SIGTSTP, &mut ids)?,
            continued: flag(SIGCONT, &mut ids)?,
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

    /// Whether SIGTSTP came since the last call.
    pub fn take_stop(&self) -> bool {
        self.stop.swap(false, Ordering::Relaxed)
    }

    /// Whether SIGCONT came since the last call.
    pub fn take_continued(&self) -> bool {
        self.continued.swap(false, Ordering::Relaxed)
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

/// Stops this process as SIGTSTP's default action would (with SIGSTOP, since the
/// wizard's handler replaced that action); returns once continued.
pub fn stop_until_continued() {
    let _ = signal_hook::low_level::emulate_default_handler(SIGTSTP);
}
