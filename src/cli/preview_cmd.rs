//! `atproto-wizard preview`: what a switch to the host would do, before it happens.
//! Plain text for terminals and CI logs: every line a tool prints is streamed with the
//! step's name in front, then a summary. The work is done by `crate::preview`'s
//! background jobs, the same ones the full-screen wizard runs.
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::catalog::{Catalog, Level};
use crate::preview::deep::{self, DeepOptions, DeepReport, Finding};
use crate::preview::probes::{self, ProbeInputs, ProbeReport};
use crate::preview::rebuild::{self, PreviewOptions, PreviewReport};
use crate::preview::{CancelToken, Event, Job, Target, Verdict, pipeline};
use crate::report::{Printer, Style};
use crate::safe_text::{escape, escape_lines};

use crate::exit_status::ExitStatus;

/// The command line's options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub dir: PathBuf,
    pub host: Option<String>,
    pub build: bool,
    pub deep: bool,
    pub full: bool,
    pub probes: bool,
    pub no_rebuild: bool,
    /// Extra arguments for the deep check's `nix eval`/`nix-instantiate`.
    pub nix_args: Vec<String>,
    /// The system the closure diff compares with (default /run/current-system).
    pub against: Option<PathBuf>,
}

/// Runs `preview`, printing to `out` as it goes; returns the exit status. `interrupt`
/// is set by the signal handler (Ctrl-C): the running job is cancelled.
pub fn run(
    catalog: &Catalog,
    opts: &Options,
    style: Style,
    out: &mut dyn Write,
    interrupt: &CancelToken,
) -> ExitStatus {
    let mut p = Printer { out };
    let target = match Target::from_dir(&opts.dir, opts.host.as_deref(), catalog) {
        Ok(t) => t,
        Err(e) => {
            p.put(&format!("{}: {e}\n", style.error("error")));
            return ExitStatus::Unusable;
        }
    };
    p.put(&format!("{} {}\n", style.bold("Host:"), target.describe()));
    let mut verdicts = Vec::new();
    let mut summary: Vec<String> = Vec::new();

    if opts.probes {
        let inputs = match &target.answers {
            Some(a) => ProbeInputs::from_answers(catalog, &a.tree),
            None => ProbeInputs {
                flake: target.mode.has_flake(),
                ..ProbeInputs::default()
            },
        };
        p.put(&format!(
            "\n{} (advisory: they never change the exit status)\n",
            style.bold("Preflight probes")
        ));
        let Some(report) = follow(&mut p, probes::spawn(inputs), interrupt, style, false) else {
            return ExitStatus::INTERRUPTED;
        };
        print_probes(&mut p, &report, style);
        summary.push(format!("probes: {}", probe_counts(&report)));
        if report.cancelled {
            verdicts.push(Verdict::Cancelled);
        }
    }

    let mut rebuild = true;
    if (opts.deep || opts.full) && !interrupt.is_cancelled() {
        p.put(&format!(
            "\n{} (Nix evaluates the host's assertions and warnings)\n",
            style.bold("Deep check")
        ));
        let deep_opts = DeepOptions {
            full: opts.full,
            nix_args: opts.nix_args.clone(),
            env: Vec::new(),
        };
        let Some(report) = follow(
            &mut p,
            deep::spawn(target.clone(), deep_opts),
            interrupt,
            style,
            true,
        ) else {
            return ExitStatus::INTERRUPTED;
        };
        print_deep(&mut p, &report, &target, style);
        summary.push(format!("deep check: {}", report.summary()));
        rebuild = pipeline::rebuild_after(report.verdict());
        verdicts.push(report.verdict());
    }

    if !opts.no_rebuild && !interrupt.is_cancelled() {
        p.put(&format!(
            "\n{} (nixos-rebuild; nothing is switched)\n",
            style.bold("Preview")
        ));
        if !rebuild {
            p.put(&format!("{}\n", pipeline::REBUILD_LEFT_OUT));
        } else {
            let mut preview_opts = PreviewOptions {
                build: opts.build,
                ..PreviewOptions::default()
            };
            if let Some(against) = &opts.against {
                preview_opts.current_system = against.clone();
            }
            let Some(report) = follow(
                &mut p,
                rebuild::spawn(target.clone(), preview_opts),
                interrupt,
                style,
                true,
            ) else {
                return ExitStatus::INTERRUPTED;
            };
            print_preview(&mut p, &report, opts, &target, style);
            summary.extend(report.summary(target.answers.as_ref()));
            verdicts.push(report.verdict());
        }
    }

    if interrupt.is_cancelled() || verdicts.contains(&Verdict::Cancelled) {
        p.put(&format!(
            "\n{}: stopped (Ctrl-C).\n",
            style.warning("interrupted")
        ));
        return ExitStatus::INTERRUPTED;
    }
    let verdict = verdicts.iter().copied().max().unwrap_or(Verdict::Passed);
    p.put(&format!(
        "\n{} {}\n",
        style.bold("Summary for"),
        target.describe()
    ));
    for line in &summary {
        p.put(&format!("  {line}\n"));
    }
    let (word, status) = match verdict {
        Verdict::Passed => (style.ok("ok"), ExitStatus::Success),
        Verdict::HostFails => (style.error("the host fails"), ExitStatus::Problems),
        Verdict::CannotRun => (
            style.warning("could not run everything here"),
            ExitStatus::CannotRunHere,
        ),
        Verdict::Cancelled => (style.warning("interrupted"), ExitStatus::INTERRUPTED),
    };
    p.put(&format!("Result: {word} (exit status {})\n", status.code()));
    status
}

/// Prints a job's events as they come; returns its result, or `None` when
/// interrupted before it could finish.
fn follow<R: Send + 'static>(
    p: &mut Printer,
    job: Job<R>,
    interrupt: &CancelToken,
    style: Style,
    show_lines: bool,
) -> Option<R> {
    let mut cancelled = false;
    loop {
        if interrupt.is_cancelled() && !cancelled {
            job.cancel();
            cancelled = true;
        }
        match job.next_timeout(Duration::from_millis(50)) {
            Some(Event::Started {
                index,
                total,
                step,
                title,
                command,
            }) => {
                if show_lines {
                    p.put(&format!(
                        "{} {step}: {title}\n",
                        style.dim(&format!("[{}/{total}]", index + 1))
                    ));
                    if !command.is_empty() {
                        p.put(&format!("$ {command}\n"));
                    }
                }
            }
            Some(Event::Line { step, text, .. }) => {
                if show_lines {
                    // What the tools print can quote a host's files: shown escaped.
                    let text = escape(&text);
                    p.put(&format!("{} {text}\n", style.dim(&format!("{step} |"))));
                }
            }
            Some(Event::Finished { step, ok, note, .. }) => {
                if show_lines {
                    let word = if ok {
                        style.ok("done")
                    } else {
                        style.warning("stopped")
                    };
                    let first = escape(note.lines().next().unwrap_or(""));
                    p.put(&format!("{step}: {word}: {first}\n"));
                }
            }
            Some(Event::Done(result)) => {
                return if cancelled { None } else { Some(result) };
            }
            None => {
                if job.is_finished() && !cancelled {
                    // The work ended without a Done (it panicked).
                    return None;
                }
            }
        }
    }
}

fn probe_counts(report: &ProbeReport) -> String {
    probes::counts(&report.results)
}

fn print_probes(p: &mut Printer, report: &ProbeReport, style: Style) {
    p.put(&crate::report::probes::lines(&report.results, style));
}

fn print_deep(p: &mut Printer, report: &DeepReport, target: &Target, style: Style) {
    for note in &report.notes {
        p.put(&format!("{}: {note}\n", style.warning("note")));
    }
    print_findings(p, &report.findings, target, style);
    if let Some(words) = &report.unavailable {
        p.put(&format!("{}: {words}\n", style.warning("cannot run here")));
    }
    if let Some(error) = &report.error {
        p.put(&format!("{}: {error}\n", style.error("error")));
    }
    if let Some(problem) = &report.problem {
        let word = if problem.is_environment() {
            style.warning("cannot evaluate here")
        } else {
            style.error("error")
        };
        p.put(&format!("{word}: {}\n", problem.explain()));
    }
    if let Some(drv) = &report.drv_path {
        p.put(&format!("The whole system evaluates: {drv}\n"));
    }
}

/// Failed assertions and warnings, each at its place in atproto.toml as `check` names
/// it, with the answers path and NixOS option under it.
fn print_findings(p: &mut Printer, findings: &[Finding], target: &Target, style: Style) {
    for f in findings {
        let level = match f.level {
            Level::Error => style.error("error"),
            Level::Warning => style.warning("warning"),
        };
        let place = f
            .place(target.answers.as_ref())
            .map(|p| format!("{p}: "))
            .unwrap_or_default();
        let missing = match (&target.answers, &f.answers_path) {
            (Some(a), Some(path)) if !a.has(path) => " (not in the file)",
            _ => "",
        };
        // Nix quotes values from the file in its messages (DEL and C1 unescaped).
        p.put(&format!("{place}{level}: {}\n", escape_lines(&f.message)));
        match (&f.answers_path, &f.option) {
            (Some(path), Some(option)) => {
                let at = format!("at {}{missing} (NixOS option {option})", escape(path));
                p.put(&format!("  {}\n", style.dim(&at)));
            }
            (None, Some(option)) => {
                p.put(&format!(
                    "  {}\n",
                    style.dim(&format!("NixOS option {option}"))
                ));
            }
            _ => {}
        }
    }
}

fn print_preview(
    p: &mut Printer,
    report: &PreviewReport,
    opts: &Options,
    target: &Target,
    style: Style,
) {
    if let Some(cannot) = &report.cannot_run {
        p.put(&format!(
            "{}: {}\n",
            style.warning("cannot run here"),
            cannot.why
        ));
        for c in &cannot.commands {
            p.put(&format!("  {c}\n"));
        }
        if !(opts.deep || opts.full) && crate::preview::process::find_program("nix").is_some() {
            p.put(&format!(
                "Nix is installed here, so the host can still be evaluated: atproto-wizard \
                 preview --deep --no-rebuild {}\n",
                opts.dir.display()
            ));
        }
    }
    for note in &report.notes {
        p.put(&format!("{}: {note}\n", style.warning("note")));
    }
    if let Some(f) = &report.failure {
        p.put(&format!(
            "{}: {} failed: {}\n",
            style.error("error"),
            f.step,
            f.message
        ));
        // Failed assertions are listed below, each at its place.
        if let Some(problem) = f.problem.as_ref().filter(|p| !p.is_assertions()) {
            p.put(&format!("What it means: {}\n", problem.explain()));
        }
    }
    print_findings(p, &report.findings, target, style);
}
