//! The kill test: a writer process replaces a file over and over with large, alternating
//! contents through `disk::write_atomic` (and backs it up with `disk::backup` now and
//! then), and is killed with SIGKILL at random moments. After every kill the file must
//! be exactly the old or the new content, never torn; at most the one temporary file of
//! the write that was interrupted may be left, and the next write removes it.
//!
//! The writer is this same test binary, run again with `ATPROTO_KILL_TEST_WRITER` set
//! and filtered to the `writer` test below (which does nothing in a normal run): no
//! extra binary target is needed, and it is always built with the test.
//!
//! SIGKILL stops the process at any instruction, which is what this tests; it cannot
//! simulate a power cut, where the fsyncs in `write_atomic` are what keep the data.
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use atproto_wizard::disk::{self, TEMP_SUFFIX};

const WRITER_ENV: &str = "ATPROTO_KILL_TEST_WRITER";
const ITERATIONS: usize = 100;
const SEED: u64 = 0x5eed_a770_2024_0001;

/// Two contents of different lengths (1 MiB and 1.5 MiB), every line naming its
/// version, so that a mix of both, a prefix of one or anything else is caught.
fn contents() -> [Vec<u8>; 2] {
    let make = |tag: &str, lines: usize| {
        let mut s = String::with_capacity(lines * 64);
        for i in 0..lines {
            s.push_str(&format!("{tag} line {i:08} {}\n", "x".repeat(40)));
        }
        s.into_bytes()
    };
    [make("old", 16_384), make("new", 24_576)]
}

/// The writer's loop, when this binary is run as the writer.
#[test]
fn writer() {
    let Some(path) = std::env::var_os(WRITER_ENV) else {
        return;
    };
    let path = PathBuf::from(path);
    let [a, b] = contents();
    let ready = path.with_extension("ready");
    let _ = std::fs::write(&ready, b"");
    for i in 0u64.. {
        let bytes = if i % 2 == 0 { &b } else { &a };
        disk::write_atomic(&path, bytes).unwrap();
        if i % 7 == 3 {
            let backup = disk::backup(&path).unwrap();
            let _ = std::fs::remove_file(backup);
        }
    }
}

/// xorshift64*: a small seeded generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(TEMP_SUFFIX))
        .collect()
}

fn bak_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".bak"))
        .collect()
}

#[test]
fn a_killed_writer_leaves_the_old_or_the_new_file_never_a_torn_one() {
    if std::env::var_os(WRITER_ENV).is_some() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let path = dir.join("atproto.nix");
    let [a, b] = contents();
    disk::write_atomic(&path, &a).unwrap();
    let me = std::env::current_exe().unwrap();
    // The writer's full test name: this module's path without the crate's name.
    let module = module_path!().split_once("::").map(|(_, module)| module);
    let writer = module.map_or("writer".into(), |module| format!("{module}::writer"));
    let mut rng = Rng(SEED);
    let mut seen = [0usize; 2];
    for iteration in 0..ITERATIONS {
        let ready = path.with_extension("ready");
        let _ = std::fs::remove_file(&ready);
        let mut child = Command::new(&me)
            .args(["--exact", &writer, "--nocapture", "--test-threads=1"])
            .env(WRITER_ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the writer runs, then let it write for 0–20 ms.
        let start = Instant::now();
        while !ready.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the writer did not start"
            );
            if let Some(status) = child.try_wait().unwrap() {
                panic!("the writer exited early: {status}");
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        std::thread::sleep(Duration::from_micros(rng.next() % 20_000));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let now = std::fs::read(&path).unwrap();
        let which = if now == a {
            0
        } else if now == b {
            1
        } else {
            panic!(
                "iteration {iteration} (seed {SEED:#x}): the file is torn: {} bytes, starts {:?}",
                now.len(),
                String::from_utf8_lossy(&now[..now.len().min(40)])
            );
        };
        seen[which] += 1;
        let temps = temp_files(dir);
        assert!(
            temps.len() <= 1,
            "iteration {iteration}: more than one temporary file: {temps:?}"
        );
        for backup in bak_files(dir) {
            let bytes = std::fs::read(dir.join(&backup)).unwrap();
            assert!(
                bytes == a || bytes == b,
                "iteration {iteration}: backup {backup} is torn"
            );
            std::fs::remove_file(dir.join(backup)).unwrap();
        }
    }
    // Both outcomes happened: the kills really landed between and during writes.
    assert!(seen[0] > 0 && seen[1] > 0, "{seen:?}");
    // The next write cleans whatever the last kill left.
    disk::write_atomic(&path, &a).unwrap();
    assert_eq!(temp_files(dir), Vec::<String>::new());
    assert_eq!(std::fs::read(&path).unwrap(), a);
    eprintln!(
        "kill test: {ITERATIONS} kills, old {} / new {}",
        seen[0], seen[1]
    );
}
