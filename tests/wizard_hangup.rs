//! The full-screen wizard stops when its terminal goes away, even when no SIGHUP comes
//! (a pty whose master is closed while the wizard is not its session leader): it must
//! neither spin on end-of-file nor write anything.
use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn the_wizard_exits_when_its_terminal_closes() {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors; the name and termios are optional.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(opened, 0, "openpty failed");
    // The wizard must not inherit the master: the terminal only goes away once every
    // copy of it is closed.
    // SAFETY: fcntl on a descriptor this test owns.
    unsafe {
        libc::fcntl(master, libc::F_SETFD, libc::FD_CLOEXEC);
        libc::fcntl(slave, libc::F_SETFD, libc::FD_CLOEXEC);
    }
    // SAFETY: both descriptors were just opened and are owned here.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let dir = tempfile::tempdir().unwrap();
    let host = dir.path().join("host");
    let mut child = Command::new(env!("CARGO_BIN_EXE_atproto-wizard"))
        .args(["new", "--dir"])
        .arg(&host)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave))
        .spawn()
        .expect("start the wizard");

    // Wait until it has drawn its first screen.
    let mut screen = File::from(master);
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("Start") {
        let n = screen.read(&mut buf).expect("read the screen");
        assert!(n > 0, "the wizard closed its terminal before drawing");
        seen.extend_from_slice(&buf[..n]);
    }

    drop(screen); // the terminal goes away
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("the wizard kept running after its terminal closed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(
        status.code(),
        Some(128 + libc::SIGHUP),
        "stopped as a hang-up"
    );
    assert!(!host.exists(), "nothing is written");
    assert!(
        !dir.path().join("state").exists(),
        "nothing was typed: no draft"
    );
}
