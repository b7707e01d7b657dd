//! The preflight probes on the Review step, as plain data: `c` asks the edge to run
//! `crate::preview::probes` in the background for the current answers; the edge turns
//! the job's events into [`ProbeEvent`]s; [`super::update`] folds them into a
//! [`ProbePane`]; `super::probe_lines` is what the review shows. Advisory only: writing
//! never waits for them.
use crate::preview::probes::ProbeResult;

/// What the edge reports about the running probes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeEvent {
    /// A probe begins (`index` from 0 of `total`).
    Started {
        index: usize,
        total: usize,
        title: String,
    },
    /// Every probe ended (or they were cancelled): the results so far.
    Done {
        results: Vec<ProbeResult>,
        cancelled: bool,
    },
}

/// The probes' part of the review.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProbePane {
    pub running: bool,
    /// Esc or Ctrl-C was pressed; the probes are being stopped.
    pub cancelling: bool,
    pub cancelled: bool,
    /// The probe running now: `[2/7] port 80 is free for the proxy`.
    pub progress: Option<String>,
    pub results: Vec<ProbeResult>,
}

impl ProbePane {
    /// Probes just started.
    pub fn started() -> ProbePane {
        ProbePane {
            running: true,
            ..ProbePane::default()
        }
    }

    /// Folds one event in.
    pub fn apply(&mut self, event: ProbeEvent) {
        match event {
            ProbeEvent::Started {
                index,
                total,
                title,
            } => self.progress = Some(format!("[{}/{total}] {title}", index + 1)),
            ProbeEvent::Done { results, cancelled } => {
                self.results = results;
                self.cancelled = cancelled || self.cancelling;
                self.cancelling = false;
                self.running = false;
                self.progress = None;
            }
        }
    }
}
