//! The full-screen wizard's edge: the terminal (raw mode, alternate screen, mouse;
//! restored on exit, on a panic and on SIGTERM/SIGINT/SIGHUP), events turned into
//! actions ([`input`]), the pure core's `update`, and drawing as a pure function of the
//! state ([`draw`], [`screens`], [`widgets`]). Writing goes through [`write`], the same
//! path as `atproto-wizard apply`.
pub mod decode;
pub mod draw;
pub mod form;
pub mod input;
pub mod preview;
pub mod reader;
pub mod screens;
pub mod theme;
pub mod widgets;
pub mod write;

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;

use crate::apply::ATPROTO_TOML;
use crate::catalog::Catalog;
use crate::fsio::host::read_dir_state;
use crate::wizard::action::{Action, Effect};
use crate::wizard::draft::Draft;
use crate::wizard::profiles;
use crate::wizard::state::{Look, Message, Mode, WizardState, WriteOutcome};
use crate::wizard::summary::next_steps;
use crate::wizard::update::update;

/// Exit status: written, or nothing needed writing.
pub const DONE: i32 = 0;
/// Exit status: the directory or its answers cannot be read; no terminal.
pub const UNREADABLE: i32 = 2;
/// Exit status: quit without writing.
pub const NOT_WRITTEN: i32 = 4;

/// What `new` or `edit` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub dir: PathBuf,
    /// `edit`: start from DIR/atproto.toml.
    pub edit: bool,
    /// `new --profile NAME`.
    pub profile: Option<String>,
    /// `--ascii`: no box drawing, no symbols beyond ASCII.
    pub ascii: bool,
}

/// Whether a full-screen terminal can be used: stdin and stdout are terminals and
/// `TERM` is not `dumb`.
pub fn full_screen_possible() -> bool {
    std::io::stdin().is_terminal()
        && std::io::stdout().is_terminal()
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// The colours and symbols: `NO_COLOR` (set and not empty) turns colour off.
pub fn look(ascii: bool) -> Look {
    Look {
        ascii,
        colour: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// The state to start from, or a message and an exit status when the directory or its
/// answers cannot be used.
pub fn initial_state(
    catalog: &'static Catalog,
    opts: &Options,
) -> Result<WizardState, (String, i32)> {
    let dir = opts.dir.clone();
    let dir_state = read_dir_state(&dir).map_err(|e| (format!("error: {e}"), UNREADABLE))?;
    let profile = match &opts.profile {
        None => None,
        Some(name) => Some(profiles::find(name).ok_or_else(|| {
            let names: Vec<&str> = profiles::all().iter().map(|p| p.name).collect();
            (
                format!(
                    "error: there is no profile {name:?}; the profiles are: {}",
                    names.join(", ")
                ),
                UNREADABLE,
            )
        })?),
    };
    let existing = dir_state.atproto_toml.clone();
    let mut state = match (&existing, opts.edit) {
        (Some(text), _) => {
            let draft = Draft::parse(catalog, text).map_err(|e| {
                let name = dir.join(ATPROTO_TOML).display().to_string();
                let mut e = e;
                e.file = name;
                (format!("error: {e}"), UNREADABLE)
            })?;
            let mut s = WizardState::edit_host(dir.clone(), dir_state, draft);
            if !opts.edit {
                s.message = Some(Message {
                    level: crate::catalog::Level::Warning,
                    text: format!(
                        "{} already has an atproto.toml: editing it (atproto-wizard edit).",
                        dir.display()
                    ),
                });
            }
            s
        }
        (None, true) => {
            return Err((
                format!(
                    "error: {} has no atproto.toml to edit; start a host with `atproto-wizard new --dir {}`",
                    dir.display(),
                    dir.display()
                ),
                UNREADABLE,
            ));
        }
        (None, false) => WizardState::new_host(catalog, dir.clone(), dir_state, profile),
    };
    state.look = look(opts.ascii);
    Ok(state)
}

/// Runs the full-screen wizard; returns the exit status.
pub fn run(opts: &Options) -> Result<i32> {
    let mut state = match initial_state(Catalog::embedded(), opts) {
        Ok(s) => s,
        Err((message, status)) => {
            eprintln!("{message}");
            return Ok(status);
        }
    };
    let signal = Arc::new(AtomicUsize::new(0));
    let mut ids = Vec::new();
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGHUP,
    ] {
        ids.push(signal_hook::flag::register_usize(
            sig,
            Arc::clone(&signal),
            sig as usize,
        )?);
    }
    let status = {
        let _guard = Screen::enter()?;
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))?;
        // No terminal.clear(): it asks the terminal where the cursor is, which a
        // serial console or a test's pseudo-terminal may never answer; the alternate
        // screen starts empty and the first frame draws every cell.
        let size = terminal.size()?;
        update(&mut state, Action::Resize(size.width, size.height));
        event_loop(&mut terminal, &mut state, &signal)?
    };
    for id in ids {
        signal_hook::low_level::unregister(id);
    }
    let mut out = std::io::stdout();
    match (&state.outcome, status) {
        (Some(WriteOutcome::Written { files, git_add, .. }), _) => {
            let _ = writeln!(
                out,
                "Wrote {} file{} in {}. Next:",
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                state.dir.display()
            );
            for step in next_steps(&state.view(), &state.dir, git_add) {
                let _ = writeln!(out, "- {step}");
            }
        }
        (_, s) if s >= 128 => {
            let _ = writeln!(out, "Stopped by a signal; nothing was written.");
        }
        (Some(WriteOutcome::NothingToDo { .. }), _) => {
            let _ = writeln!(
                out,
                "Nothing to write: {} is up to date.",
                state.dir.display()
            );
        }
        _ => {
            let _ = writeln!(out, "Nothing was written to {}.", state.dir.display());
        }
    }
    Ok(status)
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut WizardState,
    signal: &AtomicUsize,
) -> Result<i32> {
    let mut jobs = preview::Runner::default();
    let mut checks = preview::ProbeRunner::default();
    loop {
        if let Err(e) = terminal.draw(|f| draw::draw(f, state)) {
            // The terminal went away while drawing: a hang-up, not a failure.
            if terminal_hung_up(Duration::ZERO) {
                return Ok(hang_up(&mut jobs, &mut checks));
            }
            return Err(e.into());
        }
        let ev = loop {
            let sig = signal.load(Ordering::Relaxed);
            if sig != 0 {
                jobs.cancel();
                checks.cancel();
                return Ok(128 + sig as i32);
            }
            // The preview's jobs report between keys: fold that in and redraw.
            let mut reported = jobs.poll();
            reported.extend(checks.poll());
            if !reported.is_empty() {
                for action in reported {
                    update(state, action);
                }
                break None;
            }
            // A terminal that went away without a SIGHUP (its window closed, the pty
            // master dropped) would leave crossterm reading end-of-file forever inside
            // its poll: look first, and stop as a hang-up would, writing nothing.
            if terminal_hung_up(Duration::ZERO) {
                return Ok(hang_up(&mut jobs, &mut checks));
            }
            if event::poll(Duration::ZERO)? {
                break Some(event::read()?);
            }
            // Wait for a key (or the next tick: jobs, signals, resizes).
            terminal_hung_up(Duration::from_millis(100));
        };
        let Some(action) = ev.and_then(|ev| input::map_event(state, &ev)) else {
            continue;
        };
        match update(state, action) {
            Effect::None => {}
            Effect::StartPreview => jobs.start(&state.dir, state.catalog()),
            Effect::CancelPreview => jobs.cancel(),
            Effect::StartProbes => checks.start(state.catalog(), state.draft.tree()),
            Effect::CancelProbes => checks.cancel(),
            Effect::Quit(_) => {
                jobs.cancel();
                checks.cancel();
                let done = state.written() || (state.mode == Mode::Edit && !state.dirty());
                return Ok(if done { DONE } else { NOT_WRITTEN });
            }
            Effect::Write => {
                let (outcome, dir_state) = write::write_host(state);
                if let Some(d) = dir_state {
                    update(state, Action::DirRead(d));
                }
                update(state, Action::Written(outcome));
            }
        }
    }
}

/// Stops the background jobs and leaves the dead terminal alone; the exit status of a
/// hang-up.
fn hang_up(jobs: &mut preview::Runner, checks: &mut preview::ProbeRunner) -> i32 {
    jobs.cancel();
    checks.cancel();
    detach_from_dead_terminal();
    128 + signal_hook::consts::SIGHUP
}

/// Points stdout and stderr at /dev/null once the terminal is gone: restoring it, and
/// ratatui's own messages on drop, would otherwise fail to write, and `eprintln!`
/// panics on a failed write.
fn detach_from_dead_terminal() {
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        use std::os::fd::AsRawFd;
        // SAFETY: dup2 onto the standard descriptors from one this function owns.
        unsafe {
            libc::dup2(null.as_raw_fd(), libc::STDOUT_FILENO);
            libc::dup2(null.as_raw_fd(), libc::STDERR_FILENO);
        }
    }
}

/// Waits up to `wait` for input on stdin; true when the terminal there has hung up
/// (POLLHUP or an error on the descriptor).
fn terminal_hung_up(wait: Duration) -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: libc::POLLIN,
        revents: 0,
    };
    let millis = libc::c_int::try_from(wait.as_millis()).unwrap_or(libc::c_int::MAX);
    // SAFETY: one valid pollfd; poll only writes its `revents`.
    let ready = unsafe { libc::poll(&mut fd, 1, millis) };
    ready > 0 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

/// The full screen: raw mode, the alternate screen and mouse capture, undone when
/// dropped and by the panic hook.
struct Screen;

impl Screen {
    fn enter() -> Result<Screen> {
        crossterm::terminal::enable_raw_mode()?;
        execute!(
            std::io::stdout(),
            crossterm::terminal::EnterAlternateScreen,
            EnableMouseCapture
        )?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        Ok(Screen)
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        restore();
        let _ = std::panic::take_hook();
    }
}

/// Puts the terminal back as it was: mouse capture off, main screen, cooked mode,
/// cursor shown.
fn restore() {
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = crossterm::terminal::disable_raw_mode();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(dir: &std::path::Path, edit: bool, profile: Option<&str>) -> Options {
        Options {
            dir: dir.to_path_buf(),
            edit,
            profile: profile.map(String::from),
            ascii: false,
        }
    }

    #[test]
    fn the_directory_decides_new_or_edit() {
        let c = Catalog::embedded();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("host");
        let (msg, status) = initial_state(c, &opts(&dir, true, None)).unwrap_err();
        assert_eq!(status, UNREADABLE);
        assert!(msg.contains("atproto-wizard new --dir"), "{msg}");
        let (msg, _) = initial_state(c, &opts(&dir, false, Some("nope"))).unwrap_err();
        assert!(msg.contains("community-pds"), "{msg}");
        let s = initial_state(c, &opts(&dir, false, Some("relay-node"))).unwrap();
        assert_eq!((s.mode, s.profile), (Mode::New, Some("relay-node")));
        // `new` on a directory that already has answers edits them, and says so.
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(ATPROTO_TOML), profiles::ALL[1].text).unwrap();
        let s = initial_state(c, &opts(&dir, false, None)).unwrap();
        assert_eq!(s.mode, Mode::Edit);
        assert!(s.message.unwrap().text.contains("editing it"));
        std::fs::write(dir.join(ATPROTO_TOML), "schema = 9\n").unwrap();
        let (msg, status) = initial_state(c, &opts(&dir, true, None)).unwrap_err();
        assert_eq!(status, UNREADABLE);
        assert!(
            msg.contains("atproto.toml") && msg.contains("newer"),
            "{msg}"
        );
    }
}
