//! Reading the terminal: each wait takes every byte that is there (up to a bound) and
//! decodes it ([`super::decode`]), so a large paste or a burst of keys is never left
//! half-read, and the wait sleeps in `poll` until a byte, a signal or the timeout comes.
//! A hang-up or end of file is said as such, never read again and again.
use std::os::fd::RawFd;
use std::time::{Duration, Instant};

use crossterm::event::Event;

use super::decode::Decoder;

/// How long an Esc waits for the rest of a sequence before it is the Esc key. Bytes of
/// one sequence arrive together, even over ssh; a person is slower than this.
const ESC_WAIT: Duration = Duration::from_millis(50);
/// How long a paste may pause before the wizard stops waiting for its end marker.
const PASTE_WAIT: Duration = Duration::from_secs(1);
/// Read at most this much per wait, so the screen keeps up with a flood of input.
const MAX_READ: usize = 1 << 20;

/// What a wait brought.
#[derive(Debug)]
pub enum Input {
    /// The events decoded, possibly none (the wait timed out or a signal came).
    Events(Vec<Event>),
    /// The terminal is gone: hung up, closed, or at end of file.
    HungUp,
}

pub struct Reader {
    fd: RawFd,
    decoder: Decoder,
    last_byte: Instant,
    buf: Vec<u8>,
}

impl Reader {
    /// Reads standard input, which the full screen requires to be the terminal.
    pub fn stdin() -> Reader {
        Reader {
            fd: libc::STDIN_FILENO,
            decoder: Decoder::default(),
            last_byte: Instant::now(),
            buf: vec![0; 64 * 1024],
        }
    }

    /// Waits up to `wait` for input and decodes what came.
    pub fn wait(&mut self, wait: Duration) -> Input {
        let mut events = Vec::new();
        // Bytes waiting for more only wait so long.
        let wait = match self.patience() {
            Some(left) => wait.min(left),
            None => wait,
        };
        match poll(self.fd, wait) {
            Ready::Hup => return Input::HungUp,
            Ready::Nothing => {
                if self.patience() == Some(Duration::ZERO) {
                    self.decoder.idle(&mut events);
                }
            }
            Ready::Input => {
                let mut read = 0;
                while read < MAX_READ {
                    // SAFETY: reads into a buffer this reader owns, at most its length.
                    let n = unsafe {
                        libc::read(self.fd, self.buf.as_mut_ptr().cast(), self.buf.len())
                    };
                    match n {
                        0 => return Input::HungUp,
                        n if n < 0 => match std::io::Error::last_os_error().kind() {
                            std::io::ErrorKind::Interrupted => continue,
                            std::io::ErrorKind::WouldBlock => break,
                            _ => return Input::HungUp,
                        },
                        n => {
                            let n = n as usize;
                            read += n;
                            self.decoder.feed(&self.buf[..n], &mut events);
                            self.last_byte = Instant::now();
                        }
                    }
                    // Read again only what is already there: the read must not block.
                    match poll(self.fd, Duration::ZERO) {
                        Ready::Input => {}
                        Ready::Hup => return Input::HungUp,
                        Ready::Nothing => break,
                    }
                }
            }
        }
        Input::Events(events)
    }

    /// How much longer bytes waiting for more may wait, if any are.
    fn patience(&self) -> Option<Duration> {
        if !self.decoder.waiting() {
            return None;
        }
        let limit = if self.decoder.in_paste() {
            PASTE_WAIT
        } else {
            ESC_WAIT
        };
        Some(limit.saturating_sub(self.last_byte.elapsed()))
    }
}

enum Ready {
    Input,
    Nothing,
    Hup,
}

/// Waits up to `wait` for `fd` to be readable. A signal ends the wait early (Nothing).
fn poll(fd: RawFd, wait: Duration) -> Ready {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // Rounded up, so that a wait for an Esc's patience to run out does not end before.
    let millis = libc::c_int::try_from(wait.as_micros().div_ceil(1000)).unwrap_or(libc::c_int::MAX);
    // SAFETY: one valid pollfd; poll only writes its `revents`.
    let ready = unsafe { libc::poll(&mut p, 1, millis) };
    if ready <= 0 {
        return Ready::Nothing;
    }
    if p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
        Ready::Hup
    } else {
        Ready::Input
    }
}

/// Whether the terminal on standard input has hung up, without waiting.
pub fn stdin_hung_up() -> bool {
    matches!(poll(libc::STDIN_FILENO, Duration::ZERO), Ready::Hup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::{AsRawFd, OwnedFd};

    fn pipe() -> (OwnedFd, std::fs::File) {
        let (read, write) = std::io::pipe().unwrap();
        (
            OwnedFd::from(read),
            std::fs::File::from(OwnedFd::from(write)),
        )
    }

    fn reader(fd: &OwnedFd) -> Reader {
        Reader {
            fd: fd.as_raw_fd(),
            ..Reader::stdin()
        }
    }

    #[test]
    fn everything_written_is_read_in_one_wait() {
        use std::io::Write;
        let (read, mut write) = pipe();
        let mut r = reader(&read);
        // More than a pipe holds at once is not needed: more than crossterm's 1 KiB is.
        let text = "x".repeat(30_000);
        write.write_all(text.as_bytes()).unwrap();
        let Input::Events(events) = r.wait(Duration::from_secs(5)) else {
            panic!("hung up");
        };
        assert_eq!(events.len(), 30_000);
        // Then nothing: the wait times out with no events.
        let Input::Events(events) = r.wait(Duration::from_millis(10)) else {
            panic!("hung up");
        };
        assert!(events.is_empty());
    }

    #[test]
    fn a_lone_esc_becomes_the_key_after_a_pause_and_end_of_file_is_a_hang_up() {
        use std::io::Write;
        let (read, mut write) = pipe();
        let mut r = reader(&read);
        write.write_all(b"\x1b").unwrap();
        let Input::Events(first) = r.wait(Duration::from_secs(5)) else {
            panic!("hung up");
        };
        assert!(first.is_empty(), "an Esc may start a sequence: {first:?}");
        let Input::Events(then) = r.wait(Duration::from_secs(5)) else {
            panic!("hung up");
        };
        assert_eq!(
            then,
            vec![Event::Key(crossterm::event::KeyCode::Esc.into())]
        );
        drop(write);
        assert!(matches!(r.wait(Duration::from_secs(5)), Input::HungUp));
    }
}
