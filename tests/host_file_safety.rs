//! What the wizard does with files that are not plain files: a host file that is a
//! symbolic link (to a file outside the host directory, or inside it) is refused, named
//! with its target, and never read, printed, backed up or written through, `--force` or
//! not; an answers or host file that is a device, a FIFO or a directory, or is larger
//! than the limit, is refused at once instead of hanging or eating memory.
use std::os::unix::fs::symlink;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use atproto_wizard::catalog::Catalog;
use atproto_wizard::lineui::{self, LineOptions, Look, Scripted};

fn wizard_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_atproto-wizard"))
}

fn profile() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("profiles/relay-node.toml")
}

/// Runs the wizard with its address space capped at 2 GiB and a deadline, so that a
/// reader that never stops fails this test instead of the machine.
fn run_bounded(args: &[&std::ffi::OsStr]) -> Output {
    let mut cmd = Command::new(wizard_bin());
    cmd.args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in the child here.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 2 << 30,
                rlim_max: 2 << 30,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "atproto-wizard {args:?} did not finish in 20 s\nstdout:\n{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn apply(dir: &Path, extra: &[&str]) -> (i32, String) {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "apply".as_ref(),
        "--answers".as_ref(),
        profile().into_os_string().leak(),
        "--dir".as_ref(),
        dir.as_os_str(),
    ];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    let out = run_bounded(&args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Every file under `root`, recursively, with its bytes (links as `-> target`).
fn tree(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                out.push((path, format!("-> {}", target.display()).into_bytes()));
            } else if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            } else {
                out.push((path, b"(special)".to_vec()));
            }
        }
    }
    out.sort();
    out
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

const SHADOW: &str = "root:$6$not-for-your-eyes$:19000:0:99999:7:::\n";

#[test]
fn a_linked_atproto_toml_is_refused_never_read_printed_backed_up_or_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    let host = tmp.path().join("host");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(&host).unwrap();
    std::fs::write(outside.join("shadow"), SHADOW).unwrap();
    symlink("../outside/shadow", host.join("atproto.toml")).unwrap();
    let before = tree(tmp.path());
    for extra in [&["--yes"][..], &["--yes", "--force"], &["--dry-run"]] {
        let (status, out) = apply(&host, extra);
        assert_eq!(status, 5, "{extra:?}: {out}");
        assert!(
            !out.contains("not-for-your-eyes"),
            "{extra:?} printed it: {out}"
        );
        assert!(
            out.contains("atproto.toml") && out.contains("symbolic link"),
            "{out}"
        );
        assert!(out.contains("../outside/shadow"), "names the target: {out}");
        assert!(out.contains("Replace the link"), "says what to do: {out}");
        assert_eq!(tree(tmp.path()), before, "{extra:?} changed something");
    }
}

#[test]
fn a_linked_atproto_nix_is_refused_even_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    let host = tmp.path().join("host");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(&host).unwrap();
    std::fs::write(outside.join("keep.nix"), "{ }: { } # someone else's\n").unwrap();
    symlink(outside.join("keep.nix"), host.join("atproto.nix")).unwrap();
    let before = tree(tmp.path());
    for extra in [&["--yes"][..], &["--yes", "--force"]] {
        let (status, out) = apply(&host, extra);
        assert_eq!(status, 5, "{extra:?}: {out}");
        assert!(
            out.contains("atproto.nix") && out.contains("symbolic link"),
            "{out}"
        );
        assert!(out.contains("keep.nix"), "names the target: {out}");
        assert!(!out.contains("someone else's"), "{out}");
        assert_eq!(tree(tmp.path()), before, "{extra:?} changed something");
    }
}

#[test]
fn a_link_between_two_files_of_the_host_is_refused_too() {
    let tmp = tempfile::tempdir().unwrap();
    let host = tmp.path();
    std::fs::write(host.join("real.nix"), "{ ... }:\n{\n  imports = [ ];\n}\n").unwrap();
    symlink("real.nix", host.join("configuration.nix")).unwrap();
    let before = tree(host);
    let (status, out) = apply(host, &["--yes"]);
    assert_eq!(status, 5, "{out}");
    assert!(
        out.contains("configuration.nix") && out.contains("real.nix"),
        "{out}"
    );
    assert_eq!(tree(host), before);
}

#[test]
fn a_host_directory_that_is_itself_a_link_is_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let host = tmp.path().join("host");
    symlink("real", &host).unwrap();
    let (status, out) = apply(&host, &["--yes"]);
    assert_eq!(status, 0, "{out}");
    assert!(real.join("atproto.nix").is_file());
    assert!(
        std::fs::symlink_metadata(&host)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn answers_that_are_not_regular_files_are_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("answers.fifo");
    mkfifo(&fifo);
    let host = tmp.path().join("host");
    for source in [
        PathBuf::from("/dev/zero"),
        PathBuf::from("/dev/urandom"),
        fifo.clone(),
    ] {
        let what = if source == fifo {
            "a FIFO"
        } else {
            "a character device"
        };
        for command in [&["check"][..], &["render"], &["apply", "--yes", "--dir"]] {
            let mut args: Vec<&std::ffi::OsStr> =
                command.iter().map(|a| std::ffi::OsStr::new(*a)).collect();
            if command[0] == "apply" {
                args.push(host.as_os_str());
            }
            args.push("--answers".as_ref());
            args.push(source.as_os_str());
            let out = run_bounded(&args);
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(2), "{command:?} {source:?}: {text}");
            assert!(
                text.contains(&source.display().to_string())
                    && text.contains(what)
                    && text.contains("not a regular file"),
                "{command:?} {source:?}: {text}"
            );
        }
    }
    assert!(!host.exists());
}

#[test]
fn an_answers_file_over_the_limit_is_refused_and_the_limit_said() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.toml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(5 << 20).unwrap();
    let out = run_bounded(&["check".as_ref(), "--answers".as_ref(), big.as_os_str()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("big.toml") && text.contains("4 MiB"),
        "{text}"
    );
}

#[test]
fn host_files_that_are_not_regular_files_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let host = tmp.path();
    mkfifo(&host.join("atproto.nix"));
    let (status, out) = apply(host, &["--yes"]);
    assert_eq!(status, 5, "{out}");
    assert!(
        out.contains("atproto.nix") && out.contains("a FIFO, not a regular file"),
        "{out}"
    );
    std::fs::remove_file(host.join("atproto.nix")).unwrap();
    std::fs::create_dir(host.join("atproto.toml")).unwrap();
    let (status, out) = apply(host, &["--yes"]);
    assert_eq!(status, 5, "{out}");
    assert!(
        out.contains("atproto.toml") && out.contains("a directory, not a regular file"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_dir(host).unwrap().count(),
        1,
        "nothing written"
    );
}

/// Runs `f` on a thread and gives up after 20 s (a reader blocked on a FIFO never
/// returns: the thread is left behind and the test fails).
fn within_deadline<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("did not finish in 20 s (blocked reading a FIFO?)")
}

#[test]
fn edit_refuses_an_atproto_toml_that_is_a_link_or_a_fifo() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("shadow"), SHADOW).unwrap();
    let linked = tmp.path().join("linked");
    std::fs::create_dir(&linked).unwrap();
    symlink("../outside/shadow", linked.join("atproto.toml")).unwrap();
    let fifo = tmp.path().join("fifo");
    std::fs::create_dir(&fifo).unwrap();
    mkfifo(&fifo.join("atproto.toml"));

    for (dir, words) in [
        (linked, "symbolic link"),
        (fifo, "a FIFO, not a regular file"),
    ] {
        // The line mode.
        let opts = LineOptions {
            dir: dir.clone(),
            profile: None,
            edit: true,
            ascii: false,
            drafts: None,
        };
        let (code, transcript) = within_deadline(move || {
            let mut p = Scripted::new([]);
            let code = lineui::run_with(&mut p, Catalog::embedded(), &opts, Look::plain(), 80);
            (code, p.transcript)
        });
        assert_eq!(code, lineui::ExitStatus::Unusable, "{transcript}");
        assert!(transcript.contains(words), "{transcript}");
        assert!(!transcript.contains("not-for-your-eyes"), "{transcript}");

        // The full-screen wizard's start.
        let opts = atproto_wizard::tui::Options {
            dir: dir.clone(),
            edit: true,
            profile: None,
            ascii: true,
            drafts: None,
        };
        let message = within_deadline(move || {
            atproto_wizard::tui::initial_state(Catalog::embedded(), &opts)
                .err()
                .map(|(m, _)| m)
        });
        let message = message.expect("the wizard started on it");
        assert!(message.contains(words), "{message}");
        assert!(!message.contains("not-for-your-eyes"), "{message}");
    }
}
