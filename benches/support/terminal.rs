//! A program started on a fresh pseudo-terminal, timed from its spawn until a given
//! byte sequence reaches the terminal. Plain `openpty` and `poll`, no reader thread, so
//! the harness adds the same small cost to every program it times.
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Rows and columns of the terminal, as large as a usual window.
pub const SIZE: (u16, u16) = (40, 120);
const TIMEOUT: Duration = Duration::from_secs(10);

/// A program that has drawn on its terminal, still running (unless it ended by itself).
pub struct Drawn {
    pub elapsed: Duration,
    child: Child,
    _master: OwnedFd,
}

impl Drawn {
    /// A line of /proc/<pid>/status, like `VmRSS`, in KiB.
    pub fn status_kib(&self, key: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with(&format!("{key}:")))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for Drawn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `command` on a new terminal and waits until `marker` has been written to it.
pub fn until(mut command: Command, marker: &[u8]) -> Drawn {
    let (master, slave) = open_pty();
    command
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave))
        .env("TERM", "xterm-256color");
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            // Its own session, with this terminal as the controlling one, as a login has.
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let start = Instant::now();
    let child = command.spawn().expect("spawn on the terminal");
    // The parent's copies of the terminal's end are gone with `command`.
    drop(command);
    let mut file = std::fs::File::from(master.try_clone().unwrap());
    let mut seen = Vec::new();
    let mut buf = [0u8; 65536];
    while !contains(&seen, marker) {
        assert!(start.elapsed() < TIMEOUT, "no {marker:?} on the terminal");
        let mut fd = libc::pollfd {
            fd: master.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut fd, 1, 100) } <= 0 {
            continue;
        }
        match file.read(&mut buf) {
            Ok(n) if n > 0 => seen.extend_from_slice(&buf[..n]),
            _ => panic!("the terminal closed before {marker:?}: {seen:?}"),
        }
    }
    Drawn {
        elapsed: start.elapsed(),
        child,
        _master: master,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn open_pty() -> (OwnedFd, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: SIZE.0,
        ws_col: SIZE.1,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: out-pointers to two ints; no name buffer, default terminal settings.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: openpty returned two open descriptors that nothing else owns.
    unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) }
}
