//! Keeps one host's draft on disk as the answers change, from a thread of its own: a
//! keystroke never waits for an fsync, and when changes come faster than the disk
//! takes them only the newest is written. [`Keeper::flush`] (and dropping the keeper)
//! waits until the last change is on disk, so an orderly exit (quit, SIGHUP, SIGTERM,
//! a panic unwinding) never loses it.
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use super::HostDraft;

/// What the disk should hold.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Job {
    Save {
        answers: String,
        profile: Option<String>,
    },
    Remove,
}

#[derive(Default)]
struct Slot {
    /// The newest job not started yet; an older one is replaced, never queued.
    next: Option<Job>,
    busy: bool,
    stop: bool,
    /// The first failure, until it is taken; later ones are not reported again.
    error: Option<String>,
    failed: bool,
    /// Whether the last job done was a save that worked.
    saved: bool,
}

#[derive(Default)]
struct Shared {
    slot: Mutex<Slot>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        // The writer never panics while holding the lock; a poisoned one is still sound.
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wait<'a>(&self, guard: MutexGuard<'a, Slot>) -> MutexGuard<'a, Slot> {
        self.changed.wait(guard).unwrap_or_else(|e| e.into_inner())
    }
}

/// Writes one host directory's draft in the background.
pub struct Keeper {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    /// The last job asked for, so that an unchanged draft is not written again.
    last: Option<Job>,
}

impl Keeper {
    pub fn start(host: HostDraft) -> Keeper {
        let shared = Arc::new(Shared::default());
        let for_thread = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("draft keeper".into())
            .spawn(move || write_jobs(&host, &for_thread))
            .ok();
        Keeper {
            shared,
            thread,
            last: None,
        }
    }

    /// Keeps these answers (and the profile chosen) as the draft.
    pub fn keep(&mut self, answers: &str, profile: Option<&str>) {
        self.send(Job::Save {
            answers: answers.to_string(),
            profile: profile.map(String::from),
        });
    }

    /// Removes the draft: the answers were written, or the operator discarded them.
    pub fn discard(&mut self) {
        self.send(Job::Remove);
    }

    fn send(&mut self, job: Job) {
        if self.last.as_ref() == Some(&job) {
            return;
        }
        self.last = Some(job.clone());
        self.shared.lock().next = Some(job);
        self.shared.changed.notify_all();
    }

    /// Waits until everything asked for is on disk (or failed).
    pub fn flush(&self) {
        if self.thread.is_none() {
            return;
        }
        let mut slot = self.shared.lock();
        while slot.next.is_some() || slot.busy {
            slot = self.shared.wait(slot);
        }
    }

    /// Whether the disk holds the draft last asked for, once everything is written.
    pub fn holds_draft(&self) -> bool {
        self.flush();
        self.shared.lock().saved
    }

    /// Why the draft could not be kept, the first time it could not.
    pub fn take_error(&self) -> Option<String> {
        self.shared.lock().error.take()
    }
}

impl Drop for Keeper {
    fn drop(&mut self) {
        self.flush();
        self.shared.lock().stop = true;
        self.shared.changed.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn write_jobs(host: &HostDraft, shared: &Shared) {
    let mut slot = shared.lock();
    loop {
        let Some(job) = slot.next.take() else {
            if slot.stop {
                return;
            }
            slot = shared.wait(slot);
            continue;
        };
        slot.busy = true;
        drop(slot);
        let result = match &job {
            Job::Save { answers, profile } => host.save(answers, profile.as_deref()),
            Job::Remove => host.remove(),
        };
        slot = shared.lock();
        slot.busy = false;
        slot.saved = matches!(job, Job::Save { .. }) && result.is_ok();
        if let Err(e) = result
            && !slot.failed
        {
            slot.failed = true;
            slot.error = Some(format!(
                "the answers cannot be kept in {} in case this session ends: {e}",
                host.path().display()
            ));
        }
        shared.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::super::DraftStore;
    use super::*;

    #[test]
    fn the_last_change_is_on_disk_after_a_flush_and_a_discard_removes_it() {
        let tmp = tempfile::tempdir().unwrap();
        let host = DraftStore::at(tmp.path().join("drafts")).host(tmp.path());
        let mut k = Keeper::start(host.clone());
        for n in 0..50 {
            k.keep(&format!("schema = 1\n# {n}\n"), Some("custom"));
        }
        assert!(k.holds_draft());
        assert_eq!(host.load().unwrap().answers, "schema = 1\n# 49\n");
        k.discard();
        k.keep("schema = 1\n# again\n", None);
        drop(k);
        // Dropping flushes too.
        assert_eq!(host.load().unwrap().answers, "schema = 1\n# again\n");
        let mut k = Keeper::start(host.clone());
        k.discard();
        assert!(!k.holds_draft());
        assert!(!host.path().exists());
        assert_eq!(k.take_error(), None);
    }

    #[test]
    fn a_failure_is_reported_once() {
        let tmp = tempfile::tempdir().unwrap();
        // The drafts directory cannot be made: a file is in its way.
        std::fs::write(tmp.path().join("drafts"), "").unwrap();
        let host = DraftStore::at(tmp.path().join("drafts")).host(tmp.path());
        let mut k = Keeper::start(host);
        k.keep("schema = 1\n", None);
        assert!(!k.holds_draft());
        let e = k.take_error().expect("the failure is reported");
        assert!(e.contains("cannot be kept"), "{e}");
        k.keep("schema = 1\n# more\n", None);
        k.flush();
        assert_eq!(k.take_error(), None);
    }
}
