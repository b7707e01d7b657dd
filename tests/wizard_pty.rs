//! The real binary driven through a pseudo-terminal, whole journeys: a first-time PDS
//! host from an empty directory, a relay node, editing a PDS host to add constellation,
//! quitting halfway and a SIGTERM leaving the directory untouched. Each step waits for
//! text on the screen (a vt100 emulator reads the output), with generous timeouts.
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const TIMEOUT: Duration = Duration::from_secs(30);
const ENTER: &str = "\r";
const CTRL_U: &str = "\x15";
const RIGHT: &str = "\x1b[C";
const UP: &str = "\x1b[A";
const DOWN: &str = "\x1b[B";
const END: &str = "\x1b[F";

struct Wizard {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    /// The state directory the drafts go to, unless the test gives one.
    _state: Option<tempfile::TempDir>,
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_atproto-wizard")
}

impl Wizard {
    fn start(args: &[&str]) -> Wizard {
        Wizard::start_with_env(args, &[])
    }

    fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Wizard {
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
        // The master must outlive the child; leak it for the test's lifetime.
        std::mem::forget(pty.master);
        Wizard {
            screen,
            writer,
            child,
            _state: state,
        }
    }

    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `needle`.
    fn wait_for(&self, needle: &str) {
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
    /// down it is depends on this machine (the step before the first switch is shown
    /// only where host.flake_url's path holds no flake).
    fn press_until(&mut self, key: &str, needle: &str) {
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

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Escape sequences sent back to back could read as Alt-keys: let each land.
        std::thread::sleep(Duration::from_millis(40));
    }

    /// Types text into the field being edited (after Enter and Ctrl-U).
    fn replace_field(&mut self, text: &str) {
        self.send(ENTER);
        self.send(CTRL_U);
        self.send(text);
        self.send(ENTER);
    }

    /// Opens the jump list and goes to the step `from_end` entries above the last one
    /// (Done is 0, Write 1, Review 2).
    fn jump_from_end(&mut self, from_end: usize) {
        self.send("g");
        self.wait_for("Go to step");
        self.send(END);
        for _ in 0..from_end {
            self.send(UP);
        }
        self.send(ENTER);
    }

    fn exit_status(&mut self) -> u32 {
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

fn apply(answers: &Path, dir: &Path) -> std::process::Output {
    std::process::Command::new(bin())
        .args(["apply", "--yes", "--answers"])
        .arg(answers)
        .arg("--dir")
        .arg(dir)
        .output()
        .unwrap()
}

fn host_files(dir: &Path) -> Vec<(String, String)> {
    [
        "atproto.toml",
        "atproto.nix",
        "configuration.nix",
        "flake.nix",
    ]
    .iter()
    .filter_map(|n| {
        std::fs::read_to_string(dir.join(n))
            .ok()
            .map(|t| (n.to_string(), t))
    })
    .collect()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn first_time_pds_host_from_an_empty_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pds-host");
    let mut w = Wizard::start(&["new", "--dir", dir.to_str().unwrap()]);
    w.wait_for("what will this host run?");
    w.wait_for("A community PDS");
    w.send(ENTER);
    w.wait_for("Host: the machine");
    w.replace_field("pds7");
    w.replace_field("pds.example.net");
    w.replace_field("ops@example.net");
    w.wait_for("ops@example.net");
    w.jump_from_end(2);
    w.wait_for("Review: lines");
    w.wait_for("Problems:");
    w.send(RIGHT);
    w.wait_for("Press Enter to write");
    w.send(ENTER);
    w.wait_for("Wrote 4 files");
    w.wait_for("Next:");
    w.press_until(DOWN, "nixos-rebuild switch --flake");
    w.send(ENTER);
    assert_eq!(w.exit_status(), 0);

    let written = host_files(&dir);
    assert_eq!(written.len(), 4);
    let toml = &written[0].1;
    assert!(toml.contains("hostname = \"pds7\""), "{toml}");
    assert!(toml.contains("domain = \"pds.example.net\""), "{toml}");
    // The PDS follows the host's domain it was given.
    assert!(toml.contains("hostname = \"pds.example.net\""), "{toml}");
    // apply with the atproto.toml the wizard wrote writes the very same files.
    let other = tmp.path().join("by-apply");
    let out = apply(&dir.join("atproto.toml"), &other);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(host_files(&other), written);
}

#[test]
fn a_relay_node() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("relay");
    let mut w = Wizard::start(&[
        "new",
        "--dir",
        dir.to_str().unwrap(),
        "--profile",
        "relay-node",
        "--ascii",
    ]);
    w.wait_for("Host: the machine");
    w.replace_field("relay7");
    w.jump_from_end(1);
    w.wait_for("Press Enter to write");
    w.send(ENTER);
    w.wait_for("Wrote 4 files");
    w.send("q");
    assert_eq!(w.exit_status(), 0);
    let flake = std::fs::read_to_string(dir.join("flake.nix")).unwrap();
    assert!(flake.contains("relay7"), "{flake}");
    let nix = std::fs::read_to_string(dir.join("atproto.nix")).unwrap();
    assert!(nix.contains("indigo-relay"), "{nix}");
    let other = tmp.path().join("by-apply");
    assert!(apply(&dir.join("atproto.toml"), &other).status.success());
    assert_eq!(host_files(&other), host_files(&dir));
}

#[test]
fn the_preview_at_the_done_step_explains_why_it_cannot_run_here() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("relay");
    // An empty PATH: neither nixos-rebuild nor nix is found, as on a machine that is
    // not NixOS, whatever this one has.
    let bin_dir = tmp.path().join("empty-bin");
    std::fs::create_dir(&bin_dir).unwrap();
    let mut w = Wizard::start_with_env(
        &[
            "new",
            "--dir",
            dir.to_str().unwrap(),
            "--profile",
            "relay-node",
            "--ascii",
        ],
        &[("PATH", bin_dir.to_str().unwrap())],
    );
    w.wait_for("Host: the machine");
    w.replace_field("relay7");
    w.jump_from_end(1);
    w.wait_for("Press Enter to write");
    w.send(ENTER);
    w.wait_for("Wrote 4 files");
    w.wait_for("p preview");
    w.send("p");
    w.wait_for("cannot run here");
    w.wait_for("On the host, run:");
    w.wait_for("nixos-rebuild dry-build");
    w.wait_for("Preview: finished");
    w.send("q");
    assert_eq!(w.exit_status(), 0);
}

#[test]
fn editing_a_pds_host_to_add_constellation() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pds");
    assert!(
        apply(&repo().join("profiles/community-pds.toml"), &dir)
            .status
            .success()
    );
    let before = host_files(&dir);
    let index = atproto_wizard::wizard::questions::services_in_order(
        atproto_wizard::catalog::Catalog::embedded(),
    )
    .iter()
    .position(|s| s.id == "constellation")
    .unwrap();
    let mut w = Wizard::start(&["edit", dir.to_str().unwrap()]);
    // An edit opens at the Host step, every field filled in.
    w.wait_for("Host: the machine");
    w.wait_for("pds.example.com");
    w.send(RIGHT);
    w.wait_for("Services: what this host runs (1 on)");
    for _ in 0..index {
        w.send(DOWN);
    }
    w.send(" ");
    w.wait_for("(2 on)");
    w.wait_for("constellation.pds.example.com");
    w.jump_from_end(2);
    w.wait_for("Review: lines");
    w.wait_for("Problems:");
    // The files come after the problems and the summary: page down to them.
    w.press_until(" ", "update atproto.nix");
    w.send(RIGHT);
    w.wait_for("Press Enter to write");
    w.send(ENTER);
    w.wait_for("Wrote 2 files");
    w.send(ENTER);
    assert_eq!(w.exit_status(), 0);
    let after = host_files(&dir);
    assert_eq!(after[2], before[2], "configuration.nix untouched");
    assert_eq!(after[3], before[3], "flake.nix untouched");
    assert!(after[1].1.contains("constellation"));
    assert!(after[0].1.contains("# A Bluesky PDS for a community"));
    let backups = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".bak")
        })
        .count();
    assert_eq!(backups, 2);
}

#[test]
fn quitting_halfway_leaves_the_directory_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let mut w = Wizard::start(&["new", "--dir", dir.to_str().unwrap()]);
    w.wait_for("A community PDS");
    w.send(ENTER);
    w.wait_for("Host: the machine");
    w.replace_field("halfway");
    w.send(RIGHT);
    w.wait_for("Services: what");
    w.send("q");
    w.wait_for("Quit without writing?");
    w.send("y");
    assert_eq!(w.exit_status(), 4);
    assert!(!dir.exists());

    // An existing host is left as it was too, and so is it on SIGTERM.
    assert!(
        apply(&repo().join("profiles/relay-node.toml"), &dir)
            .status
            .success()
    );
    let before = host_files(&dir);
    let mut w = Wizard::start(&["edit", dir.to_str().unwrap()]);
    w.wait_for("Host: the machine");
    w.replace_field("changed");
    w.wait_for("changed");
    let pid = w.child.process_id().unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(w.exit_status(), 128 + 15);
    assert_eq!(host_files(&dir), before);
    // The terminal is back on its main screen, which says what happened.
    w.wait_for("Stopped by a signal; nothing was written.");
    assert!(!w.screen.lock().unwrap().screen().alternate_screen());
}

#[test]
fn a_hang_up_keeps_the_answers_and_the_next_start_offers_them() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let state = tmp.path().join("state");
    let env = [
        ("XDG_STATE_HOME", state.to_str().unwrap()),
        ("HOME", tmp.path().to_str().unwrap()),
    ];
    let args = ["new", "--dir", dir.to_str().unwrap()];
    let mut w = Wizard::start_with_env(&args, &env);
    w.wait_for("A community PDS");
    w.send(ENTER);
    w.wait_for("Host: the machine");
    w.replace_field("hungup7");
    w.wait_for("hungup7");
    let pid = w.child.process_id().unwrap();
    let sent = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    assert_eq!(w.exit_status(), 128 + 1);
    w.wait_for("Your answers are kept");
    assert!(!dir.exists(), "nothing is written");

    // The draft: user-only, in a user-only directory, holding the answer.
    let drafts = state.join("atproto-wizard/drafts");
    let kept: Vec<PathBuf> = std::fs::read_dir(&drafts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&kept[0]), 0o600);
    assert_eq!(mode(&drafts), 0o700);
    assert!(
        std::fs::read_to_string(&kept[0])
            .unwrap()
            .contains("hungup7")
    );

    // `new` on the same directory offers it, with what differs, and takes it up.
    let mut w = Wizard::start_with_env(&args, &env);
    w.wait_for("Resume your answers?");
    w.wait_for("host.hostname = \"hungup7\" (was \"pds1\")");
    w.send("y");
    w.wait_for("Resumed the answers saved");
    w.wait_for("Host: the machine");
    w.wait_for("hungup7");
    // Quitting without writing, confirmed, discards them.
    w.send("q");
    w.wait_for("Quit without writing?");
    w.send("y");
    assert_eq!(w.exit_status(), 4);
    assert!(!kept[0].exists(), "the discarded draft is gone");
    assert!(!dir.exists());
}

#[test]
fn without_a_terminal_it_points_at_apply() {
    let out = std::process::Command::new(bin())
        .args(["new", "--dir", "/nonexistent/x"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("apply --answers"), "{err}");
}
