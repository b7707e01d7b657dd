//! `apply` stopped or crowded: killed (SIGKILL) at random moments while it replaces a
//! host with new answers, run many times at once on one directory, and run out of disk
//! space. The host's files must always form a consistent set (atproto.toml never holds
//! answers whose atproto.nix and flake.nix are not written), a second apply must finish
//! what a killed one started, racing runs must be told another one is running, and a
//! failed write must leave no backups behind.
use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use atproto_wizard::disk::TEMP_SUFFIX;

const KILLS: usize = 100;
const SEED: u64 = 0x5eed_a770_2024_0002;
const FILES: [&str; 4] = [
    "atproto.toml",
    "atproto.nix",
    "configuration.nix",
    "flake.nix",
];

fn wizard() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_atproto-wizard"));
    c.env("NO_COLOR", "1").stdin(Stdio::null());
    c
}

fn apply(answers: &Path, dir: &Path) -> Command {
    let mut c = wizard();
    c.args(["apply", "--yes", "--answers"])
        .arg(answers)
        .arg("--dir")
        .arg(dir);
    c
}

fn run(mut c: Command) -> (i32, String) {
    let out = c.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// The host's files (absent ones left out).
fn host(dir: &Path) -> BTreeMap<&'static str, String> {
    FILES
        .iter()
        .filter_map(|n| Some((*n, std::fs::read_to_string(dir.join(n)).ok()?)))
        .collect()
}

fn names(dir: &Path, suffix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(suffix))
        .collect()
}

/// Two answers files for one host that differ in its name (so atproto.toml, atproto.nix
/// and flake.nix differ), and the host each writes into an empty directory.
struct Fixture {
    _tmp: tempfile::TempDir,
    a: PathBuf,
    b: PathBuf,
    host_a: BTreeMap<&'static str, String>,
    host_b: BTreeMap<&'static str, String>,
    root: PathBuf,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let profile = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("profiles/relay-node.toml"),
    )
    .unwrap();
    let a = root.join("a.toml");
    let b = root.join("b.toml");
    std::fs::write(&a, &profile).unwrap();
    std::fs::write(
        &b,
        profile.replace("hostname = \"relay1\"", "hostname = \"relay2\""),
    )
    .unwrap();
    let mut hosts = Vec::new();
    for answers in [&a, &b] {
        let dir = root.join(format!("clean-{}", hosts.len()));
        let (status, out) = run(apply(answers, &dir));
        assert_eq!(status, 0, "{out}");
        hosts.push(host(&dir));
    }
    let host_b = hosts.pop().unwrap();
    let host_a = hosts.pop().unwrap();
    for name in ["atproto.toml", "atproto.nix", "flake.nix"] {
        assert_ne!(host_a[name], host_b[name], "{name} must differ");
    }
    Fixture {
        _tmp: tmp,
        a,
        b,
        host_a,
        host_b,
        root,
    }
}

fn write_host(dir: &Path, files: &BTreeMap<&'static str, String>) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// xorshift64*: seeded, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Waits until the apply in `dir` starts writing (anything but the host's files appears:
/// its lock, a backup, a temporary file) or exits; returns when it did.
fn wait_for_writing(child: &mut Child, dir: &Path) -> Instant {
    loop {
        let busy = std::fs::read_dir(dir)
            .unwrap()
            .any(|e| !FILES.contains(&e.unwrap().file_name().to_str().unwrap()));
        if busy || child.try_wait().unwrap().is_some() {
            return Instant::now();
        }
        std::thread::sleep(Duration::from_micros(20));
    }
}

#[test]
fn a_killed_apply_leaves_a_consistent_host_and_the_next_one_finishes_it() {
    let f = fixture();
    // How long an uninterrupted apply of B over A writes, to aim the first kills.
    let mut writing = Duration::ZERO;
    for i in 0..3 {
        let dir = f.root.join(format!("timing-{i}"));
        write_host(&dir, &f.host_a);
        let mut child = apply(&f.b, &dir).stdout(Stdio::null()).spawn().unwrap();
        let started = wait_for_writing(&mut child, &dir);
        assert!(child.wait().unwrap().success());
        writing += started.elapsed();
        assert_eq!(host(&dir), f.host_b);
    }
    let writing = writing / 3;

    let mut rng = Rng(SEED);
    let (mut old, mut new, mut between) = (0, 0, 0);
    // Where the kills aim, corrected as they land (the machine's load changes how long
    // a write takes): later after a kill that found the old host, sooner after one
    // that found the new one.
    let mut aim = writing;
    for kill in 0..KILLS {
        let dir = f.root.join(format!("kill-{kill}"));
        write_host(&dir, &f.host_a);
        let mut cmd = apply(&f.b, &dir);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        // Anywhere in the writing, and a little after it.
        wait_for_writing(&mut child, &dir);
        std::thread::sleep(aim.mul_f64((rng.next() % 1200) as f64 / 1000.0));
        let _ = child.kill();
        child.wait().unwrap();

        let now = host(&dir);
        for name in FILES {
            assert!(
                now[name] == f.host_a[name] || now[name] == f.host_b[name],
                "kill {kill} (seed {SEED:#x}): {name} is neither the old nor the new one"
            );
        }
        if now["atproto.toml"] == f.host_b["atproto.toml"] {
            for name in FILES {
                assert_eq!(
                    now[name], f.host_b[name],
                    "kill {kill} (seed {SEED:#x}): atproto.toml holds the new answers but \
                     {name} is still from the old ones"
                );
            }
        }
        if now == f.host_a {
            old += 1;
            aim = aim.mul_f64(1.1);
        } else if now == f.host_b {
            new += 1;
            aim = aim.mul_f64(0.9);
        } else {
            between += 1;
        }
        // The next apply finishes the job and cleans up after the killed one (checked
        // wherever the kill left something to finish or clean, and now and then).
        let untouched = now == f.host_a && names(&dir, TEMP_SUFFIX).is_empty();
        if untouched && kill % 5 != 0 {
            continue;
        }
        let (status, out) = run(apply(&f.b, &dir));
        assert_eq!(status, 0, "kill {kill}: {out}");
        assert_eq!(host(&dir), f.host_b, "kill {kill}");
        assert_eq!(
            names(&dir, TEMP_SUFFIX),
            Vec::<String>::new(),
            "kill {kill}"
        );
    }
    eprintln!("{KILLS} kills: old {old}, between {between}, new {new}");
    assert!(
        old > 0 && new > 0,
        "the kills missed the writes: {old} / {new}"
    );
}

#[test]
fn an_apply_that_stopped_before_atproto_toml_is_named_by_the_next_one() {
    let f = fixture();
    let dir = f.root.join("half");
    // What a kill just before the last file leaves: everything new but atproto.toml.
    let mut half = f.host_b.clone();
    half.insert("atproto.toml", f.host_a["atproto.toml"].clone());
    write_host(&dir, &half);
    let (status, out) = run(apply(&f.b, &dir));
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("an earlier apply stopped before it wrote atproto.toml"),
        "{out}"
    );
    assert_eq!(host(&dir), f.host_b);
    // Not said when nothing was interrupted.
    let (status, out) = run(apply(&f.a, &dir));
    assert_eq!(status, 0, "{out}");
    assert!(!out.contains("stopped before"), "{out}");
}

/// Holds the lock apply takes, as a running apply would.
fn hold_lock(dir: &Path) -> std::fs::File {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(".atproto-wizard.lock"))
        .unwrap();
    file.try_lock().unwrap();
    file
}

#[test]
fn an_apply_while_another_is_writing_is_told_so_and_writes_nothing() {
    let f = fixture();
    let dir = f.root.join("busy");
    write_host(&dir, &f.host_a);
    let lock = hold_lock(&dir);
    let (status, out) = run(apply(&f.b, &dir));
    assert_eq!(status, 5, "{out}");
    let says = format!(
        "another apply is running in {} (lock file {})",
        dir.display(),
        dir.join(".atproto-wizard.lock").display()
    );
    assert!(out.contains(&says), "{out}");
    assert!(out.contains("Nothing was written"), "{out}");
    assert_eq!(host(&dir), f.host_a);
    assert!(names(&dir, ".bak").is_empty());
    drop(lock);
    let (status, out) = run(apply(&f.b, &dir));
    assert_eq!(status, 0, "{out}");
    assert!(
        !dir.join(".atproto-wizard.lock").exists(),
        "the lock file is removed when the write is done"
    );
}

#[test]
fn racing_applies_never_trip_over_each_other() {
    let f = fixture();
    let dir = f.root.join("race");
    write_host(&dir, &f.host_a);
    for round in 0..12 {
        let children: Vec<_> = (0..6)
            .map(|i| {
                let answers = if i % 2 == 0 { &f.b } else { &f.a };
                let mut c = apply(answers, &dir);
                c.stdout(Stdio::piped()).stderr(Stdio::piped());
                c.spawn().unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            let status = out.status.code();
            assert!(
                status == Some(0) || status == Some(5),
                "round {round}: {status:?}: {text}"
            );
            if status == Some(5) {
                assert!(
                    text.contains("another apply is running in")
                        || text.contains("changed since apply read it"),
                    "round {round}: {text}"
                );
            }
        }
        let now = host(&dir);
        assert!(
            now == f.host_a || now == f.host_b,
            "round {round}: the host is a mix of both answers"
        );
        assert!(names(&dir, TEMP_SUFFIX).is_empty(), "round {round}");
    }
}

#[test]
fn a_full_disk_leaves_the_host_as_it_was_and_no_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    std::fs::create_dir(&dir).unwrap();
    // Small files, so that backing them up fits and writing the new ones does not.
    let configuration = "{ ... }:\n{\n  imports = [ ];\n}\n";
    std::fs::write(dir.join("configuration.nix"), configuration).unwrap();
    std::fs::write(dir.join("atproto.toml"), "# old answers\n").unwrap();
    let mut cmd = apply(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("profiles/relay-node.toml"),
        &dir,
    );
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            // Files may not grow past 1 KiB: writes beyond fail like a full disk does
            // (EFBIG instead of ENOSPC), and SIGXFSZ must not kill the process.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 1024,
                rlim_max: 1024,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
            Ok(())
        });
    }
    let (status, out) = run(cmd);
    assert_eq!(status, 2, "{out}");
    assert!(out.contains("cannot write"), "{out}");
    assert!(out.contains("Nothing was written"), "{out}");
    let mut left = names(&dir, "");
    left.sort();
    assert_eq!(left, ["atproto.toml", "configuration.nix"], "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.join("configuration.nix")).unwrap(),
        configuration
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("atproto.toml")).unwrap(),
        "# old answers\n"
    );
}
