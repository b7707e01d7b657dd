//! Signals to the full-screen wizard, through a pseudo-terminal: SIGQUIT ends it like
//! SIGTERM does, with the terminal restored; SIGTSTP (or Ctrl-Z, which raw mode turns
//! into a key) gives the terminal back and stops, and SIGCONT takes the screen again,
//! with mouse and paste modes, drawn in full. A resize (SIGWINCH) redraws at the new
//! size.
use crate::support::pty::{self, ENTER, Wizard};
use vt100::MouseProtocolMode;

/// The wizard's modes as the emulated terminal has them: alternate screen, mouse
/// tracking, bracketed paste.
fn modes(s: &vt100::Screen) -> (bool, bool, bool) {
    (
        s.alternate_screen(),
        s.mouse_protocol_mode() != MouseProtocolMode::None,
        s.bracketed_paste(),
    )
}

fn full_screen(s: &vt100::Screen) -> bool {
    modes(s) == (true, true, true)
}

fn given_back(s: &vt100::Screen) -> bool {
    modes(s) == (false, false, false)
}

fn start() -> (tempfile::TempDir, Wizard) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let w = Wizard::start(&["new", "--dir", dir.to_str().unwrap()]);
    w.wait_for("A community PDS");
    w.wait_until("the alternate screen", vt100::Screen::alternate_screen);
    (tmp, w)
}

/// Waits until the process is stopped (state T in /proc).
fn wait_stopped(w: &Wizard) {
    let start = std::time::Instant::now();
    while w.state() != 'T' {
        assert!(
            start.elapsed() < pty::TIMEOUT,
            "the wizard did not stop: state {}",
            w.state()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn sigquit_restores_the_terminal_and_exits_like_sigterm() {
    let (tmp, mut w) = start();
    w.signal(libc::SIGQUIT);
    assert_eq!(w.exit_status(), 128 + libc::SIGQUIT as u32);
    w.wait_for("Stopped by a signal; nothing was written.");
    w.wait_until("the terminal given back", given_back);
    assert!(!tmp.path().join("host").exists());
}

#[test]
fn sigtstp_gives_the_terminal_back_and_sigcont_takes_it_again() {
    let (_tmp, mut w) = start();
    w.signal(libc::SIGTSTP);
    w.wait_until("the terminal given back", given_back);
    wait_stopped(&w);
    w.signal(libc::SIGCONT);
    w.wait_until("the full screen again", full_screen);
    // The alternate screen starts blank: what shows was drawn again, in full.
    w.wait_for("A community PDS");
    w.wait_for("Steps");
    // And it still answers keys.
    w.send(ENTER);
    w.wait_for("Host: the machine");
    w.send("q");
    w.wait_for("Quit without writing?");
    w.send("y");
    assert_eq!(w.exit_status(), 4);
}

#[test]
fn ctrl_z_suspends_like_sigtstp() {
    let (_tmp, mut w) = start();
    w.send("\x1a");
    w.wait_until("the terminal given back", given_back);
    wait_stopped(&w);
    w.signal(libc::SIGCONT);
    w.wait_until("the full screen again", full_screen);
    w.wait_for("A community PDS");
    w.send("q");
    assert_eq!(w.exit_status(), 4);
}

#[test]
fn a_resize_redraws_at_the_new_size() {
    let (_tmp, mut w) = start();
    w.resize(30, 100);
    // The title bar ends with the step counter at the new right edge.
    w.wait_until("a frame 100 columns wide", |s| {
        s.contents()
            .lines()
            .next()
            .is_some_and(|l| l.chars().count() == 100)
    });
    w.send("q");
    assert_eq!(w.exit_status(), 4);
}
