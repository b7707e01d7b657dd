//! The line mode as the operator meets it: the real binary in a pseudo-terminal
//! (`atproto-wizard new --plain`), answered key by key; and without any terminal.
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use regex::Regex;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::lineui::NO_TERMINAL;
use atproto_wizard::wizard::profiles;
use atproto_wizard::wizard::questions::{StepKind, questions, steps};

const BIN: &str = env!("CARGO_BIN_EXE_atproto-wizard");
const DOWN_ENTER: &str = "\x1b[B\r";

/// The binary on a pseudo-terminal of 80x24, its output collected as it comes.
struct Pty {
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    output: Arc<Mutex<Vec<u8>>>,
    /// How much of the plain text the waits have passed.
    seen: usize,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    /// The state directory the drafts go to, unless the test gives one.
    _state: Option<tempfile::TempDir>,
}

impl Pty {
    fn spawn(args: &[&str], envs: &[(&str, &str)]) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        // Drafts never go to the real user's state directory.
        let state = (!envs.iter().any(|(k, _)| *k == "XDG_STATE_HOME"))
            .then(|| tempfile::tempdir().unwrap());
        if let Some(state) = &state {
            cmd.env("XDG_STATE_HOME", state.path());
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Pty {
            writer,
            child,
            output,
            seen: 0,
            _master: pair.master,
            _state: state,
        }
    }

    fn raw(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// The output without escape sequences and carriage returns.
    fn text(&self) -> String {
        plain(&String::from_utf8_lossy(&self.raw()))
    }

    /// Waits until `text` appears after what earlier waits saw.
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let all = self.text();
            if let Some(i) = all[self.seen.min(all.len())..].find(text) {
                self.seen += i + text.len();
                return;
            }
            if Instant::now() > deadline {
                let tail: String = all
                    .chars()
                    .rev()
                    .take(3000)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                panic!("timed out waiting for {text:?}; the output ends with:\n{tail}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, keys: &str) {
        // Give inquire a moment to switch the terminal to raw mode.
        std::thread::sleep(Duration::from_millis(50));
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn exit_code(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the wizard did not exit:\n{}", self.text());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Text without ANSI escape sequences and carriage returns.
fn plain(s: &str) -> String {
    let re = Regex::new(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][A-Za-z0-9]|[=>78])").unwrap();
    re.replace_all(s, "").replace('\r', "")
}

/// The step titles the dev-host journey passes after Services, in order.
fn dev_host_gates() -> Vec<String> {
    let catalog = Catalog::embedded();
    let draft = profiles::find("dev-host").unwrap().draft(catalog);
    let view = draft.view();
    steps(catalog, &view)
        .into_iter()
        .filter(|s| matches!(s.kind, StepKind::Settings(_) | StepKind::Integration(_)))
        .filter(|s| !questions(catalog, &view, &s.kind).is_empty())
        .map(|s| s.title)
        .collect()
}

fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A new development host from the dev-host profile: a wrong host name first (the
/// validator's message, asked again), `?` for help, `<` back, Esc then "no" to go on,
/// then keep every step and write.
fn dev_host_journey(dir: &Path, extra: &[&str], envs: &[(&str, &str)]) -> (u32, Pty) {
    let dir_s = dir.to_str().unwrap();
    let mut args = vec!["new", "--plain", "--profile", "dev-host", "--dir", dir_s];
    args.extend(extra);
    let mut pty = Pty::spawn(&args, envs);
    pty.wait_for("Step 2 of");
    pty.wait_for("? Host:");
    pty.send("\r"); // go through the host questions
    pty.wait_for("Hostname (atproto-dev)");
    pty.send("Dev Box\r");
    pty.wait_for("must be a machine name");
    pty.wait_for("Hostname (atproto-dev)");
    pty.send("devbox\r");
    pty.wait_for("Domain (pds.dev.localhost)");
    pty.send("?\r");
    pty.wait_for("(host.domain):");
    pty.wait_for("Domain (pds.dev.localhost)");
    pty.send("<\r");
    pty.wait_for("Hostname (devbox)");
    pty.send("\x1b"); // Esc
    pty.wait_for("Discard your answers?");
    pty.send("n\r");
    pty.wait_for("Hostname (devbox)");
    pty.send("\r");
    for n in 2..=8 {
        pty.wait_for(&format!("[{n}/8]"));
        pty.send("\r"); // keep each answer
    }
    pty.wait_for("? Which services?");
    pty.send("\r");
    for title in dev_host_gates() {
        pty.wait_for(&format!("? {title}:"));
        pty.send(DOWN_ENTER); // keep these answers
    }
    pty.wait_for("Check this machine first");
    pty.send("n\r");
    pty.wait_for("Write these files? (y/N)");
    pty.send("y\r");
    pty.wait_for("Wrote 4 files in");
    pty.wait_for("atproto-wizard edit");
    let code = pty.exit_code();
    (code, pty)
}

#[test]
fn a_new_host_in_line_mode_on_a_real_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let (code, pty) = dev_host_journey(&dir, &[], &[("NO_COLOR", "1")]);
    let text = pty.text();
    assert_eq!(code, 0, "{text}");
    let toml = std::fs::read_to_string(dir.join("atproto.toml")).unwrap();
    assert!(toml.contains("hostname = \"devbox\""), "{toml}");

    // `apply` with the answers the wizard wrote writes the very same files.
    let other = tmp.path().join("by-apply");
    let out = Command::new(BIN)
        .env("NO_COLOR", "1")
        .args(["apply", "--yes", "--answers"])
        .arg(dir.join("atproto.toml"))
        .arg("--dir")
        .arg(&other)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(files(&other), files(&dir));

    // NO_COLOR: no colour at all; meaning in words.
    let raw = String::from_utf8_lossy(&pty.raw()).into_owned();
    let colour = Regex::new(r"\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7])(;[0-9]+)*m").unwrap();
    assert!(!colour.is_match(&raw), "colour despite NO_COLOR");
    assert!(text.contains("warning: "), "{text}");
    assert!(
        text.contains("error: \"Dev Box\" must be a machine name"),
        "{text}"
    );
    // Only line prompts: no alternate screen, no box drawing.
    assert!(!raw.contains("\x1b[?1049h"), "no full screen in line mode");
    assert!(!raw.chars().any(|c| ('\u{2500}'..='\u{257f}').contains(&c)));
}

#[test]
fn ascii_and_colour_on_a_real_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let (code, pty) = dev_host_journey(&dir, &["--ascii"], &[]);
    let raw = String::from_utf8_lossy(&pty.raw()).into_owned();
    assert_eq!(code, 0, "{}", pty.text());
    let bad: Vec<char> = raw.chars().filter(|c| !c.is_ascii()).collect();
    assert!(bad.is_empty(), "--ascii printed {bad:?}");
    // Colour on a terminal without NO_COLOR, and still the words.
    assert!(raw.contains("\x1b[1;33mwarning\x1b[0m:"), "{}", pty.text());
    assert!(pty.text().contains("error: \"Dev Box\""));
}

#[test]
fn without_a_terminal_it_points_to_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    for args in [
        vec!["new", "--plain", "--dir", dir.to_str().unwrap()],
        vec!["edit", "--plain", dir.to_str().unwrap()],
        vec!["new", "--dir", dir.to_str().unwrap()],
    ] {
        let out = std::process::Command::new(BIN)
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("{NO_TERMINAL}\n")
        );
        assert!(out.stdout.is_empty());
        assert!(!dir.exists());
    }
}

#[test]
fn a_hang_up_in_line_mode_keeps_what_was_answered() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let state = tmp.path().join("state");
    let dir_s = dir.to_str().unwrap();
    let env = [
        ("NO_COLOR", "1"),
        ("XDG_STATE_HOME", state.to_str().unwrap()),
        ("HOME", tmp.path().to_str().unwrap()),
    ];
    let mut pty = Pty::spawn(
        &["new", "--plain", "--profile", "dev-host", "--dir", dir_s],
        &env,
    );
    pty.wait_for("? Host:");
    pty.send("\r");
    pty.wait_for("Hostname (atproto-dev)");
    pty.send("hupbox\r");
    // The next question is asked once the answer is on disk.
    pty.wait_for("Domain (");
    let pid = pty.child.process_id().unwrap();
    let sent = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    pty.exit_code();
    assert!(!dir.exists(), "nothing is written");

    let mut pty = Pty::spawn(&["new", "--plain", "--dir", dir_s], &env);
    pty.wait_for("in an earlier session were not written");
    pty.wait_for("host.hostname = \"hupbox\" (was \"atproto-dev\")");
    pty.wait_for("Resume these answers? (Y/n)");
    pty.send("y\r");
    pty.wait_for("Resumed the answers saved");
    // Resumed at the Host step, the answer in place.
    pty.wait_for("? Host:");
    pty.send("\r");
    pty.wait_for("Hostname (hupbox)");
    pty.send("\x1b");
    pty.wait_for("Discard your answers?");
    pty.send("y\r");
    assert_eq!(pty.exit_code(), 4);
    let drafts = state.join("atproto-wizard/drafts");
    assert_eq!(std::fs::read_dir(&drafts).unwrap().count(), 0, "discarded");
}
