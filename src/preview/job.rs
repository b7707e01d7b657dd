//! A background job for the front ends: the work runs on its own thread and reports
//! what it does as [`Event`]s on a channel; the front end polls them (the TUI on each
//! tick with [`Job::try_next`], the command line with [`Job::next_timeout`]) and can
//! [`Job::cancel`] at any time, which kills the running child process. Dropping a
//! job cancels it too.
//!
//! ```no_run
//! use atproto_wizard::preview::{Event, Target, deep};
//! # fn demo(target: Target) {
//! let job = deep::spawn(target, deep::DeepOptions::default());
//! loop {
//!     match job.next_timeout(std::time::Duration::from_millis(100)) {
//!         Some(Event::Started { title, command, .. }) => println!("{title}: $ {command}"),
//!         Some(Event::Line { text, .. }) => println!("  {text}"),
//!         Some(Event::Finished { ok, note, .. }) => println!("  -> {ok} {note}"),
//!         Some(Event::Done(report)) => { println!("{} findings", report.findings.len()); break }
//!         None => {} // nothing yet: redraw, read keys, maybe job.cancel()
//!     }
//! }
//! # }
//! ```
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::process::{CancelToken, Stream};

/// What a job reports, in order: for each step `Started`, its output `Line`s and
/// `Finished`; at the end exactly one `Done` with the result.
#[derive(Debug, Clone)]
pub enum Event<R> {
    /// A step begins. `index` counts from 0 up to `total` (the steps planned, for a
    /// progress display; a step can be skipped, then it has no events).
    Started {
        index: usize,
        total: usize,
        /// A short name: `dry-build`, `dry-activate`, `build`, `diff-closures`,
        /// `eval`, `eval-toplevel`, or a probe's id.
        step: String,
        /// What it does, in words.
        title: String,
        /// The command line it runs, as one would type it (empty for in-process steps).
        command: String,
    },
    /// One line the step's command printed.
    Line {
        index: usize,
        step: String,
        stream: Stream,
        text: String,
    },
    /// The step ended; `note` says how, in a few words.
    Finished {
        index: usize,
        step: String,
        ok: bool,
        note: String,
    },
    /// The job ended (also after a cancel: the result says it was cancelled).
    Done(R),
}

/// The sending side a job's work reports through.
pub struct Reporter<R> {
    tx: mpsc::Sender<Event<R>>,
}

impl<R> Reporter<R> {
    /// A reporter and the receiving end, for running work on the current thread (tests,
    /// or a caller that wants its own thread).
    pub fn channel() -> (Reporter<R>, mpsc::Receiver<Event<R>>) {
        let (tx, rx) = mpsc::channel();
        (Reporter { tx }, rx)
    }

    pub fn started(&self, index: usize, total: usize, step: &str, title: &str, command: &str) {
        let _ = self.tx.send(Event::Started {
            index,
            total,
            step: step.to_string(),
            title: title.to_string(),
            command: command.to_string(),
        });
    }

    pub fn line(&self, index: usize, step: &str, stream: Stream, text: &str) {
        let _ = self.tx.send(Event::Line {
            index,
            step: step.to_string(),
            stream,
            text: text.to_string(),
        });
    }

    pub fn finished(&self, index: usize, step: &str, ok: bool, note: &str) {
        let _ = self.tx.send(Event::Finished {
            index,
            step: step.to_string(),
            ok,
            note: note.to_string(),
        });
    }

    pub fn done(&self, result: R) {
        let _ = self.tx.send(Event::Done(result));
    }
}

/// A running job; see the module documentation.
pub struct Job<R> {
    events: mpsc::Receiver<Event<R>>,
    cancel: CancelToken,
    thread: Option<thread::JoinHandle<()>>,
}

impl<R: Send + 'static> Job<R> {
    /// Runs `work` on a new thread; its result arrives as the last event, `Done`.
    pub fn spawn<F>(work: F) -> Job<R>
    where
        F: FnOnce(&Reporter<R>, &CancelToken) -> R + Send + 'static,
    {
        let (reporter, events) = Reporter::channel();
        let cancel = CancelToken::new();
        let token = cancel.clone();
        let thread = thread::spawn(move || {
            let result = work(&reporter, &token);
            reporter.done(result);
        });
        Job {
            events,
            cancel,
            thread: Some(thread),
        }
    }
}

impl<R> Job<R> {
    /// The next event if there is one now; never blocks.
    pub fn try_next(&self) -> Option<Event<R>> {
        self.events.try_recv().ok()
    }

    /// The next event, waiting at most `timeout`.
    pub fn next_timeout(&self, timeout: Duration) -> Option<Event<R>> {
        self.events.recv_timeout(timeout).ok()
    }

    /// Stops the job: the running child process (and its children) is killed, no
    /// further step starts, and `Done` follows with a result marked cancelled.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The job's cancel flag, to cancel from elsewhere (a signal handler's thread).
    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }

    /// Whether the work has returned (its `Done` may still be unread).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// Blocks until the end, passing every event but the last to `on_event`; returns
    /// the result (`None` only if the work panicked).
    pub fn wait(mut self, on_event: &mut dyn FnMut(&Event<R>)) -> Option<R> {
        let mut result = None;
        while let Ok(event) = self.events.recv() {
            match event {
                Event::Done(r) => {
                    result = Some(r);
                    break;
                }
                other => on_event(&other),
            }
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        result
    }
}

impl<R> Drop for Job<R> {
    fn drop(&mut self) {
        // A job nobody listens to any more must not leave a build running.
        if self.thread.is_some() {
            self.cancel.cancel();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_then_done() {
        let job = Job::spawn(|r: &Reporter<u32>, _| {
            r.started(0, 1, "s", "a step", "true");
            r.line(0, "s", Stream::Stdout, "hello");
            r.finished(0, "s", true, "done");
            42
        });
        let mut seen = Vec::new();
        let result = job.wait(&mut |e| seen.push(format!("{e:?}")));
        assert_eq!(result, Some(42));
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn cancel_reaches_the_work() {
        let job = Job::spawn(|_: &Reporter<bool>, cancel| {
            while !cancel.is_cancelled() {
                thread::sleep(Duration::from_millis(5));
            }
            true
        });
        job.cancel();
        assert_eq!(job.wait(&mut |_| {}), Some(true));
    }
}
