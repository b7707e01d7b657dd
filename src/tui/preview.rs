//! The preview's jobs at the edge: `p` at the Done step starts the deep check (when
//! `nix` or `nix-instantiate` is on PATH) and then the `nixos-rebuild` preview, the same
//! background jobs as `atproto-wizard preview`; the event loop polls them every tick
//! and turns their events into [`Action::PreviewEvent`]s for the pure core.
use std::collections::BTreeMap;
use std::path::Path;

use crate::catalog::Catalog;
use crate::preview::deep::{self, DeepOptions, DeepReport};
use crate::preview::probes::{self, ProbeInputs, ProbeReport};
use crate::preview::process::find_program;
use crate::preview::rebuild::{self, PreviewOptions, PreviewReport};
use crate::preview::{Event, Job, Target, pipeline};
use crate::value::Value;
use crate::wizard::action::Action;
use crate::wizard::preview::PreviewEvent;
use crate::wizard::probes::ProbeEvent;

/// The preview's jobs: the one running now and the target for the next.
#[derive(Default)]
pub struct Runner {
    deep: Option<Job<DeepReport>>,
    rebuild: Option<Job<PreviewReport>>,
    /// The rebuild preview's target, while the deep check runs first.
    next: Option<Target>,
    /// Reported, not yet handed to the core.
    queue: Vec<PreviewEvent>,
}

impl Runner {
    /// Starts the preview of the host written in `dir`.
    pub fn start(&mut self, dir: &Path, catalog: &Catalog) {
        self.cancel();
        *self = Runner::default();
        let target = match Target::from_dir(dir, None, catalog) {
            Ok(t) => t,
            Err(e) => {
                self.queue
                    .push(PreviewEvent::Note(format!("cannot preview: {e}")));
                self.queue.push(PreviewEvent::End);
                return;
            }
        };
        if find_program("nix").is_some() || find_program("nix-instantiate").is_some() {
            self.queue
                .push(PreviewEvent::Phase("Deep check".to_string()));
            self.deep = Some(deep::spawn(target.clone(), DeepOptions::default()));
            self.next = Some(target);
        } else {
            self.start_rebuild(target);
        }
    }

    fn start_rebuild(&mut self, target: Target) {
        self.queue.push(PreviewEvent::Phase("Preview".to_string()));
        self.rebuild = Some(rebuild::spawn(target, PreviewOptions::default()));
    }

    /// Stops whatever runs (the child processes are killed); nothing further starts.
    pub fn cancel(&mut self) {
        self.next = None;
        if let Some(j) = &self.deep {
            j.cancel();
        }
        if let Some(j) = &self.rebuild {
            j.cancel();
        }
    }

    /// The actions for what the jobs reported since the last call (never blocks).
    pub fn poll(&mut self) -> Vec<Action> {
        if let Some(job) = &self.deep {
            while let Some(event) = job.try_next() {
                match event {
                    Event::Done(report) => {
                        self.deep = None;
                        let rebuild = pipeline::rebuild_after(report.verdict());
                        self.queue.push(deep_done(report));
                        match self.next.take() {
                            Some(_) if !rebuild => {
                                self.queue.push(PreviewEvent::Note(
                                    pipeline::REBUILD_LEFT_OUT.to_string(),
                                ));
                                self.queue.push(PreviewEvent::End);
                            }
                            Some(target) => self.start_rebuild(target),
                            None => self.queue.push(PreviewEvent::End),
                        }
                        break;
                    }
                    other => self.queue.extend(plain(other)),
                }
            }
        } else if let Some(job) = &self.rebuild {
            while let Some(event) = job.try_next() {
                match event {
                    Event::Done(report) => {
                        self.rebuild = None;
                        self.queue.push(rebuild_done(report));
                        self.queue.push(PreviewEvent::End);
                        break;
                    }
                    other => self.queue.extend(plain(other)),
                }
            }
        }
        self.queue.drain(..).map(Action::PreviewEvent).collect()
    }
}

fn plain<R>(event: Event<R>) -> Option<PreviewEvent> {
    Some(match event {
        Event::Started {
            index,
            total,
            step,
            title,
            command,
        } => PreviewEvent::Started {
            index,
            total,
            step,
            title,
            command,
        },
        Event::Line { step, text, .. } => PreviewEvent::Line { step, text },
        Event::Finished { step, ok, note, .. } => PreviewEvent::Finished { step, ok, note },
        Event::Done(_) => return None,
    })
}

fn deep_done(report: DeepReport) -> PreviewEvent {
    let mut notes = report.notes.clone();
    if let Some(words) = &report.unavailable {
        notes.push(format!("deep check cannot run here: {words}"));
    }
    if let Some(error) = &report.error {
        notes.push(format!("deep check: {error}"));
    }
    if let Some(problem) = &report.problem {
        let word = if problem.is_environment() {
            "deep check cannot evaluate here"
        } else {
            "deep check: the host does not evaluate"
        };
        notes.push(format!("{word}: {}", problem.explain()));
    }
    PreviewEvent::Deep {
        summary: report.summary(),
        cancelled: report.cancelled,
        findings: report.findings,
        notes,
    }
}

fn rebuild_done(report: PreviewReport) -> PreviewEvent {
    let mut notes = report.notes.clone();
    if let Some(f) = &report.failure {
        notes.push(format!("{} failed: {}", f.step, f.message));
        if let Some(problem) = &f.problem {
            notes.push(format!("What it means: {}", problem.explain()));
        }
    }
    PreviewEvent::Rebuild {
        summary: report.summary(None),
        cannot_run: report.cannot_run.clone(),
        notes,
        cancelled: report.cancelled,
    }
}

/// The preflight probes' job at the edge: `c` on the Review step runs
/// `crate::preview::probes` for the current answers (nothing written is needed), the
/// same job as `atproto-wizard preview --probes`; polled every tick like the preview.
#[derive(Default)]
pub struct ProbeRunner {
    job: Option<Job<ProbeReport>>,
}

impl ProbeRunner {
    /// Starts the probes for these answers (stopping any still running).
    pub fn start(&mut self, catalog: &Catalog, tree: &BTreeMap<String, Value>) {
        self.cancel();
        self.job = Some(probes::spawn(ProbeInputs::from_answers(catalog, tree)));
    }

    /// Stops the probes; the job still reports `Done` with what it had.
    pub fn cancel(&mut self) {
        if let Some(j) = &self.job {
            j.cancel();
        }
    }

    /// The actions for what the probes reported since the last call (never blocks).
    pub fn poll(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        let Some(job) = &self.job else {
            return Vec::new();
        };
        // A job that ended without a Done (it panicked) is read once more, then let go.
        let finished = job.is_finished();
        while let Some(event) = job.try_next() {
            match event {
                Event::Started {
                    index,
                    total,
                    title,
                    ..
                } => out.push(ProbeEvent::Started {
                    index,
                    total,
                    title,
                }),
                Event::Done(report) => {
                    out.push(ProbeEvent::Done {
                        results: report.results,
                        cancelled: report.cancelled,
                    });
                    self.job = None;
                    break;
                }
                Event::Line { .. } | Event::Finished { .. } => {}
            }
        }
        if finished && self.job.is_some() {
            self.job = None;
            out.push(ProbeEvent::Done {
                results: Vec::new(),
                cancelled: true,
            });
        }
        out.into_iter().map(Action::ProbeEvent).collect()
    }
}
