//! The real binary driven through a pseudo-terminal: keys go in, a vt100 emulator reads
//! what it draws. Each step waits for text on the screen, with generous timeouts.
#![allow(dead_code)]
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const TIMEOUT: Duration = Duration::from_secs(30);
pub const ENTER: &str = "\r";
pub const CTRL_U: &str = "\x15";
pub const RIGHT: &str = "\x1b[C";
pub const UP: &str = "\x1b[A";
pub const DOWN: &str = "\x1b[B";
pub const END: &str = "\x1b[F";

pub struct Wizard {
    pub screen: Arc<Mutex<vt100::Parser>>,
    pub writer: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    /// Kept for resizing; the terminal goes away (a hang-up) when the test drops it.
    master: Box<dyn MasterPty + Send>,
    /// The state directory the drafts go to, unless the test gives one.
    _state: Option<tempfile::TempDir>,
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_atproto-wizard")
}

impl Wizard {
    pub fn start(args: &[&str]) -> Wizard {
        Wizard::start_with_env(args, &[])
    }

    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Wizard {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(bin());
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        // Drafts never go to the real user's state directory.
        let state = (!env.iter().any(|(k, _)| *k == "XDG_STATE_HOME"))
            .then(|| tempfile::tempdir().unwrap());
        if let Some(state) = &state {
            cmd.env("XDG_STATE_HOME", state.path());
        }
        cmd.cwd(std::env::temp_dir());
        let child = pty.slave.spawn_command(cmd).expect("spawn the wizard");
        drop(pty.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            24.try_into().unwrap(),
            80.try_into().unwrap(),
            0,
        )));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
        let writer = pty.master.take_writer().unwrap();
        Wizard {
            screen,
            writer,
            child,
            master: pty.master,
            _state: state,
        }
    }

    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `needle`.
    pub fn wait_for(&self, needle: &str) {
        let start = Instant::now();
        loop {
            let text = self.text();
            if text.contains(needle) {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {needle:?}; the screen is:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Presses `key` (a scroll or page key) until the screen shows `needle`: how far
    /// down it is can depend on this machine (the step before the first switch is
    /// shown only where host.flake_url's path holds no flake).
    pub fn press_until(&mut self, key: &str, needle: &str) {
        for _ in 0..40 {
            if self.text().contains(needle) {
                return;
            }
            self.send(key);
            // Let the screen redraw before looking again, so nothing scrolls past.
            std::thread::sleep(Duration::from_millis(150));
        }
        self.wait_for(needle);
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Escape sequences sent back to back could read as Alt-keys: let each land.
        std::thread::sleep(Duration::from_millis(40));
    }

    /// Types text into the field being edited (after Enter and Ctrl-U).
    pub fn replace_field(&mut self, text: &str) {
        self.send(ENTER);
        self.send(CTRL_U);
        self.send(text);
        self.send(ENTER);
    }

    /// Opens the jump list and goes to the step `from_end` entries above the last one
    /// (Done is 0, Write 1, Review 2).
    pub fn jump_from_end(&mut self, from_end: usize) {
        self.send("g");
        self.wait_for("Go to step");
        self.send(END);
        for _ in 0..from_end {
            self.send(UP);
        }
        self.send(ENTER);
    }

    pub fn exit_status(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            if start.elapsed() > TIMEOUT {
                let _ = self.child.kill();
                panic!("the wizard did not exit; the screen is:\n{}", self.text());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Wizard {
    /// The wizard's process id.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("the wizard runs")
    }

    /// Sends a signal to the wizard.
    pub fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill with a process id this test started.
        let sent = unsafe { libc::kill(self.pid() as libc::pid_t, signal) };
        assert_eq!(sent, 0, "kill failed");
    }

    /// Waits until the emulated terminal's state satisfies `ready`.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&vt100::Screen) -> bool) {
        let start = Instant::now();
        loop {
            if ready(self.screen.lock().unwrap().screen()) {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out waiting for {what}; the screen is:\n{}",
                    self.text()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Resizes the terminal (the wizard gets SIGWINCH) and the emulator with it.
    pub fn resize(&self, rows: u16, cols: u16) {
        self.screen
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows.try_into().unwrap(), cols.try_into().unwrap());
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    /// The processor time the wizard has used (user and system), from /proc.
    pub fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        // The fields after the command name, which is in parentheses and may hold spaces.
        let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        // SAFETY: sysconf has no preconditions.
        let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
        Duration::from_millis(ticks * 1000 / per_second)
    }

    /// The process state letter from /proc (`S` sleeping, `R` running, `T` stopped).
    pub fn state(&self) -> char {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        stat[stat.rfind(')').unwrap() + 2..].chars().next().unwrap()
    }
}
