//! `atproto-wizard status`: how the host in DIR is doing after the switch: its units,
//! health endpoints, certificates, disk, secrets, backup and generation, each problem
//! with what to do next. Text or one JSON document; `--watch` redraws until Ctrl-C.
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::catalog::Catalog;
use crate::exit_status::ExitStatus;
use crate::plan::{Answers, PlanView};
use crate::preview::CancelToken;
use crate::report::{Printer, Style};
use crate::safe_text::escape;
use crate::status::probes::{BUILT_KEY, probes};
use crate::status::runner::{Runner, can_run};
use crate::status::{Context, Report, judge, targets};
use crate::value::Value;
use crate::wizard::summary::switch_step;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub dir: PathBuf,
    /// `user@machine`: probe the host through ssh.
    pub host: Option<String>,
    pub json: bool,
    /// Seconds between redraws.
    pub watch: Option<u64>,
    /// Whether the output is a terminal (each redraw then clears the screen).
    pub terminal: bool,
}

/// A host being watched: what to probe and how, read once; each [`Session::round`]
/// probes again and judges what it saw.
pub struct Session {
    targets: crate::status::StatusTargets,
    every: Vec<crate::status::probes::Probe>,
    /// The observations made once (DIR's evaluated system: slow, and DIR does not
    /// change while watching).
    built: crate::status::Observations,
    runner: Runner,
    cx: Context,
}

impl Session {
    /// Reads DIR's plan and checks the probes can run here (or through ssh); the
    /// message and exit status otherwise.
    pub fn open(
        catalog: &Catalog,
        opts: &Options,
        style: Style,
        interrupt: &CancelToken,
    ) -> Result<Session, (String, ExitStatus)> {
        if let Some(target) = &opts.host
            && (target.is_empty() || target.starts_with('-'))
        {
            // ssh would read it as one of its own options.
            return Err((
                format!(
                    "{}: --host {} is not user@machine\n",
                    style.error("error"),
                    escape(target)
                ),
                ExitStatus::Unusable,
            ));
        }
        let answers = Answers::read(&opts.dir.join("atproto.toml")).map_err(|e| {
            (
                format!("{}: {e}\n", style.error("error")),
                ExitStatus::Unusable,
            )
        })?;
        let view = PlanView::new(catalog, &answers.tree);
        let t = targets(&view);
        let shown = opts.dir.display().to_string();
        // `nix eval` reads the flake where it is, whatever the working directory.
        let flake_dir = std::fs::canonicalize(&opts.dir)
            .map(|d| d.display().to_string())
            .unwrap_or_else(|_| shown.clone());
        let probes = probes(&t, &flake_dir);
        let runner = Runner {
            via: opts.host.clone(),
            cancel: interrupt.clone(),
            // Without a folder for the socket, each probe connects on its own.
            shared: opts
                .host
                .as_deref()
                .and_then(|t| crate::status::runner::SharedConnection::new(t).ok()),
        };
        if let Err(why) = can_run(&runner) {
            return Err((
                format!("{}: {}\n", style.error("cannot run here"), escape(&why)),
                ExitStatus::CannotRunHere,
            ));
        }
        let text = |path: &str| match view.get(path) {
            Some(Value::Str(s)) if !s.is_empty() => Some(s),
            _ => None,
        };
        let switch = switch_step(&view, &opts.dir);
        let cx = Context {
            dir: shown,
            via: opts.host.clone(),
            backend: text("integrations.secrets.backend").unwrap_or_else(|| "generate".into()),
            proxy: text("integrations.proxy.kind").filter(|k| k != "none"),
            switch: switch.lines().last().unwrap_or_default().trim().to_string(),
            now: 0,
        };
        let (once, every): (Vec<_>, Vec<_>) = probes.into_iter().partition(|p| p.key == BUILT_KEY);
        let built = runner.run_all(&once);
        Ok(Session {
            targets: t,
            every,
            built,
            runner,
            cx,
        })
    }

    /// What stops a round under way (its running tool is killed).
    pub fn cancel_token(&self) -> CancelToken {
        self.runner.cancel.clone()
    }

    /// Probes once more and judges; `None` when cancelled meanwhile.
    pub fn round(&self) -> Option<Report> {
        let mut observations = self.runner.run_all(&self.every);
        observations.extend(self.built.clone());
        if self.runner.cancel.is_cancelled() {
            return None;
        }
        Some(judge(
            &self.targets,
            &observations,
            &Context {
                now: now(),
                ..self.cx.clone()
            },
        ))
    }
}

/// Runs `status`, printing to `out`; returns the exit status: 0 all healthy, 1 needs
/// attention, 2 DIR has no readable atproto.toml (or --host is no ssh target), 3
/// cannot run here, 130 when a `--watch` is ended with Ctrl-C.
pub fn run(
    catalog: &Catalog,
    opts: &Options,
    style: Style,
    out: &mut dyn Write,
    interrupt: &CancelToken,
) -> ExitStatus {
    let mut p = Printer { out };
    let session = match Session::open(catalog, opts, style, interrupt) {
        Ok(s) => s,
        Err((message, status)) => {
            p.put(&message);
            return status;
        }
    };
    loop {
        let Some(report) = session.round() else {
            return ExitStatus::INTERRUPTED;
        };
        if opts.watch.is_some() && opts.terminal {
            // Home and clear: each report replaces the last.
            p.put("\x1b[H\x1b[2J");
        }
        p.put(&render(&report, opts.json, style));
        let Some(every) = opts.watch else {
            return report.exit_status();
        };
        if !sleep(Duration::from_secs(every.max(1)), interrupt) {
            return ExitStatus::INTERRUPTED;
        }
    }
}

fn render(report: &Report, json: bool, style: Style) -> String {
    if json {
        report.json()
    } else {
        report.text(style)
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Sleeps, waking early when cancelled; false when it was.
fn sleep(total: Duration, cancel: &CancelToken) -> bool {
    let step = Duration::from_millis(100);
    let mut slept = Duration::ZERO;
    while slept < total {
        if cancel.is_cancelled() {
            return false;
        }
        std::thread::sleep(step);
        slept += step;
    }
    !cancel.is_cancelled()
}
