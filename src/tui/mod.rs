//! The full-screen wizard's edge: the terminal (raw mode, alternate screen, mouse,
//! bracketed paste; restored on exit, on a panic, on SIGTERM/SIGINT/SIGHUP/SIGQUIT and
//! while stopped by Ctrl-Z or SIGTSTP), input read and decoded ([`reader`],
//! [`decode`]) and turned into actions ([`input`]), the pure core's `update`, and
//! drawing as a pure function of the state ([`draw`], [`screens`], [`widgets`]).
//! Writing goes through [`write`], the same path as `atproto-wizard apply`. The answers
//! are kept in a draft as they change ([`keep`]), so that a lost terminal loses nothing.
//!
//! Imports among the drawing modules point one way: [`draw`] → [`screens`] →
//! [`widgets`] → [`input`] → [`form`] → [`theme`]. What the keys do
//! (`crate::wizard::keys`) and each overlay's keys, size and content
//! (`crate::wizard::update::overlay`) come from the pure core, so input and drawing
//! agree without importing each other.
pub mod decode;
pub mod draw;
pub mod fleet;
pub mod form;
pub mod input;
pub mod keep;
pub mod preview;
pub mod reader;
pub mod screens;
pub mod signals;
pub mod status;
pub mod theme;
pub mod widgets;
pub mod write;

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use crossterm::execute;
use crossterm::terminal::{Clear, ClearType};

use crate::apply::{ATPROTO_TOML, DirState};
use crate::catalog::Catalog;
use crate::disk::host::{git_state, read_host_files};
use crate::disk::read::Links;
use crate::draft_store::DraftStore;
use crate::report::{self, Style, outcome};
use crate::wizard::action::{Action, Effect};
use crate::wizard::draft::Draft;
use crate::wizard::hand_off;
use crate::wizard::profiles;
use crate::wizard::state::{Look, Message, Mode, WizardState, WriteOutcome};
use crate::wizard::summary::next_steps;
use crate::wizard::update::update;
use reader::{Input, Reader};
use signals::Signals;

pub use crate::exit_status::ExitStatus;

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
    /// Where the answers are kept until written; `None` keeps none.
    pub drafts: Option<DraftStore>,
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
) -> Result<WizardState, (String, ExitStatus)> {
    let dir = opts.dir.clone();
    // What git tracks is asked after the first frame (`event_loop`): it costs a process.
    let dir_state = read_host_files(&dir, Links::Refuse)
        .map_err(|e| (format!("error: {e}"), ExitStatus::Unusable))?;
    let profile = match &opts.profile {
        None => None,
        Some(name) => Some(profiles::find(name).ok_or_else(|| {
            let names: Vec<&str> = profiles::all().iter().map(|p| p.name).collect();
            (
                format!(
                    "error: there is no profile {name:?}; the profiles are: {}",
                    names.join(", ")
                ),
                ExitStatus::Unusable,
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
                (format!("error: {e}"), ExitStatus::Unusable)
            })?;
            let brought_up = draft.brought_up().map(String::from);
            let mut s = WizardState::edit_host(dir.clone(), dir_state, draft);
            if let Some(text) = brought_up {
                s.message = Some(Message {
                    level: crate::catalog::Level::Warning,
                    text,
                });
            } else if !opts.edit {
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
            let unmanaged = crate::report::adopt::unmanaged_host(&dir_state);
            return Err((
                format!(
                    "error: {}",
                    crate::report::adopt::nothing_to_edit(&dir, unmanaged)
                ),
                ExitStatus::Unusable,
            ));
        }
        (None, false) => {
            let docker_pds = std::path::Path::new(hand_off::DOCKER_PDS_ENV).is_file();
            let offers = hand_off::offers(&dir_state, docker_pds);
            let mut s = WizardState::new_host(catalog, dir.clone(), dir_state, profile);
            if !offers.is_empty() {
                s.message = Some(Message {
                    level: crate::catalog::Level::Warning,
                    text: "below the profiles: take over what is already here instead".into(),
                });
            }
            s.offers = offers;
            s
        }
    };
    state.look = look(opts.ascii);
    Ok(state)
}

/// Runs the full-screen wizard; returns the exit status.
pub fn run(opts: &Options) -> Result<ExitStatus> {
    let mut state = match initial_state(Catalog::embedded(), opts) {
        Ok(s) => s,
        Err((message, status)) => {
            eprintln!("{message}");
            return Ok(status);
        }
    };
    state.machine = Some(crate::disk::own_flake::this_machine());
    let mut keeping = keep::Keeping::start(opts.drafts.as_ref(), &mut state);
    let signals = Signals::catch()?;
    let status = {
        let _guard = Screen::enter()?;
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))?;
        // No terminal.clear(): it asks the terminal where the cursor is, which a
        // serial console or a test's pseudo-terminal may never answer; the alternate
        // screen starts empty and the first frame draws every cell.
        let size = terminal.size()?;
        update(&mut state, Action::Resize(size.width, size.height));
        event_loop(&mut terminal, &mut state, &signals, &mut keeping)?
    };
    drop(signals);
    let kept = keeping.finish(&mut state, !matches!(status, ExitStatus::Signal(_)));
    let mut out = std::io::stdout();
    // A way in another command takes: it runs here, on the main screen, as on the
    // command line.
    if let Some(offer) = state.hand_off {
        let mut ask = crate::cli::hand_off::ask_on_terminal;
        return Ok(crate::cli::hand_off::run(
            offer,
            Catalog::embedded(),
            &state.dir,
            Style::for_stdout(),
            &mut ask,
            &mut out,
        ));
    }
    match (&state.outcome, status) {
        (Some(WriteOutcome::Written { files, git_add, .. }), _) => {
            // The same last words as apply's, on the main screen once the wizard is gone.
            let style = Style::for_stdout();
            let steps = next_steps(&state.view(), &state.dir, git_add, state.machine.as_ref());
            let _ = write!(out, "{}", outcome::wrote(files.len(), &state.dir, style));
            let _ = write!(out, "{}", report::next::numbered(&steps, style));
        }
        (_, ExitStatus::Signal(_)) => {
            let _ = writeln!(out, "Stopped by a signal; nothing was written.");
            if kept {
                let _ = writeln!(
                    out,
                    "Your answers are kept: the same command offers to resume them."
                );
            }
        }
        (Some(WriteOutcome::NothingToDo { .. }), _) => {
            let _ = write!(out, "{}", outcome::up_to_date(&state.dir));
        }
        _ => {
            let _ = writeln!(out, "Nothing was written to {}.", state.dir.display());
        }
    }
    Ok(status)
}

/// How long a wait for input lasts before the loop looks at signals and jobs again.
pub(crate) const TICK: Duration = Duration::from_millis(100);

pub(crate) fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    state: &mut WizardState,
    signals: &Signals,
    keeping: &mut keep::Keeping,
) -> Result<ExitStatus> {
    let mut jobs = preview::Runner::default();
    let mut checks = preview::ProbeRunner::default();
    let mut input = Reader::stdin();
    let mut git_asked = false;
    loop {
        keeping.sync(state);
        if let Err(e) = terminal.draw(|f| draw::draw(f, state)) {
            // The terminal went away while drawing: a hang-up, not a failure.
            if reader::stdin_hung_up() {
                return Ok(hang_up(&mut jobs, &mut checks));
            }
            return Err(e.into());
        }
        if !git_asked {
            // The first frame is on the screen: now what git tracks in the directory
            // (for the `git add` the Write step names), before any key is read.
            git_asked = true;
            let git = git_state(&state.dir);
            let dir_state = DirState {
                git,
                ..state.dir_state.clone()
            };
            update(state, Action::DirRead(dir_state));
        }
        // Sleep until something changes what is drawn.
        let events = loop {
            if let Some(sig) = signals.ending() {
                jobs.cancel();
                checks.cancel();
                return Ok(ExitStatus::Signal(sig as u8));
            }
            if signals.take_stop() {
                suspend(terminal, signals)?;
                break Vec::new();
            }
            if signals.take_continued() {
                take_screen_again(terminal)?;
                break Vec::new();
            }
            if signals.take_resized() {
                let size = terminal.size()?;
                break vec![Event::Resize(size.width, size.height)];
            }
            // The preview's jobs report between keys: fold that in and redraw.
            let mut reported = jobs.poll();
            reported.extend(checks.poll());
            if !reported.is_empty() {
                for action in reported {
                    update(state, action);
                }
                break Vec::new();
            }
            match input.wait(TICK) {
                // Stop as a hang-up would, writing nothing.
                Input::HungUp => return Ok(hang_up(&mut jobs, &mut checks)),
                Input::Events(events) if !events.is_empty() => break events,
                Input::Events(_) => {}
            }
        };
        let mut edge = Edge {
            terminal,
            signals,
            jobs: &mut jobs,
            checks: &mut checks,
        };
        if let Some(status) = edge.handle(state, events)? {
            return Ok(status);
        }
    }
}

/// What an action's effect may need: the terminal and the background jobs.
struct Edge<'a> {
    terminal: &'a mut ratatui::DefaultTerminal,
    signals: &'a Signals,
    jobs: &'a mut preview::Runner,
    checks: &'a mut preview::ProbeRunner,
}

impl Edge<'_> {
    /// Applies a batch of events; the exit status when one of them ends the wizard.
    /// Characters typed in a row go in as one paste: a burst of keys (a paste from a
    /// terminal without bracketed paste) is validated once, not once per key.
    fn handle(
        &mut self,
        state: &mut WizardState,
        events: Vec<Event>,
    ) -> Result<Option<ExitStatus>> {
        let mut typed = String::new();
        for event in events {
            let action = input::map_event(state, &event);
            if let Some(Action::Type(c)) = action
                && state.edit.is_some()
                && state.overlay.is_none()
            {
                typed.push(c);
                continue;
            }
            if !typed.is_empty() {
                let paste = Action::Paste(std::mem::take(&mut typed));
                if let Some(status) = self.apply(state, paste)? {
                    return Ok(Some(status));
                }
            }
            if let Some(action) = action
                && let Some(status) = self.apply(state, action)?
            {
                return Ok(Some(status));
            }
        }
        if typed.is_empty() {
            Ok(None)
        } else {
            self.apply(state, Action::Paste(typed))
        }
    }

    /// Updates the state and carries out the effect.
    fn apply(&mut self, state: &mut WizardState, action: Action) -> Result<Option<ExitStatus>> {
        match update(state, action) {
            Effect::None => {}
            Effect::StartPreview => self.jobs.start(&state.dir, state.catalog()),
            Effect::CancelPreview => self.jobs.cancel(),
            Effect::StartProbes => self.checks.start(state.catalog(), state.draft.tree()),
            Effect::CancelProbes => self.checks.cancel(),
            Effect::Suspend => suspend(self.terminal, self.signals)?,
            Effect::Quit(_) => {
                self.jobs.cancel();
                self.checks.cancel();
                let done = state.written() || (state.mode == Mode::Edit && !state.dirty());
                // As the line mode and apply end: a write refused, then quit, is a refusal.
                let refused = matches!(state.outcome, Some(WriteOutcome::Refused(_)));
                return Ok(Some(if done {
                    ExitStatus::Success
                } else if refused {
                    ExitStatus::Refused
                } else {
                    ExitStatus::NotWritten
                }));
            }
            Effect::Write => {
                let (outcome, dir_state) = write::write_host(state);
                if let Some(d) = dir_state {
                    update(state, Action::DirRead(d));
                }
                update(state, Action::Written(outcome));
                // A host of a fleet is saved: back to the fleet view, which writes the
                // hosts' Nix for the whole fleet.
                if state.draft.seat().is_some() && state.written() {
                    return Ok(Some(ExitStatus::Success));
                }
            }
        }
        Ok(None)
    }
}

/// Ctrl-Z or SIGTSTP: the shell gets its terminal back as it was, the wizard stops, and
/// once continued it takes the full screen again.
fn suspend(terminal: &mut ratatui::DefaultTerminal, signals: &Signals) -> Result<()> {
    restore();
    signals::stop_until_continued();
    // This SIGCONT is answered here.
    signals.take_continued();
    take_screen_again(terminal)
}

/// After a stop the terminal may show anything, in any mode: set the modes again, clear
/// it and forget the last frame, so that the next draw writes every cell.
fn take_screen_again(terminal: &mut ratatui::DefaultTerminal) -> Result<()> {
    enter_modes()?;
    execute!(std::io::stdout(), Clear(ClearType::All))?;
    // Not terminal.clear(), which asks the terminal where its cursor is: swapping the
    // buffers after a draw leaves both blank, so the next frame is drawn in full.
    terminal.swap_buffers();
    Ok(())
}

/// Stops the background jobs and leaves the dead terminal alone; the exit status of a
/// hang-up.
fn hang_up(jobs: &mut preview::Runner, checks: &mut preview::ProbeRunner) -> ExitStatus {
    jobs.cancel();
    checks.cancel();
    detach_from_dead_terminal();
    ExitStatus::Signal(signal_hook::consts::SIGHUP as u8)
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

/// The full screen: raw mode, the alternate screen, mouse capture and bracketed paste,
/// undone when dropped and by the panic hook.
pub(crate) struct Screen;

impl Screen {
    pub(crate) fn enter() -> Result<Screen> {
        enter_modes()?;
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

fn enter_modes() -> Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )?;
    Ok(())
}

/// Puts the terminal back as it was: paste and mouse modes off, main screen, cooked
/// mode, cursor shown.
fn restore() {
    let _ = execute!(
        std::io::stdout(),
        DisableBracketedPaste,
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
            drafts: None,
        }
    }

    #[test]
    fn the_directory_decides_new_or_edit() {
        let c = Catalog::embedded();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("host");
        let (msg, status) = initial_state(c, &opts(&dir, true, None)).unwrap_err();
        assert_eq!(status, ExitStatus::Unusable);
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
        assert_eq!(status, ExitStatus::Unusable);
        assert!(
            msg.contains("atproto.toml") && msg.contains("newer"),
            "{msg}"
        );
    }

    #[test]
    fn a_hand_written_host_is_offered_to_adopt_and_edit_says_to_adopt_first() {
        let c = Catalog::embedded();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        std::fs::write(dir.join("configuration.nix"), "{ ... }: { }\n").unwrap();
        let s = initial_state(c, &opts(&dir, false, None)).unwrap();
        assert_eq!(s.offers.first(), Some(&hand_off::HandOff::Adopt));
        assert!(s.message.unwrap().text.contains("below the profiles"));
        let (msg, status) = initial_state(c, &opts(&dir, true, None)).unwrap_err();
        assert_eq!(status, ExitStatus::Unusable);
        assert!(msg.contains("atproto-wizard adopt"), "{msg}");
    }
}
