//! Start-up as the operator feels it, measured on whole processes of the built binary
//! next to a bare process on the same machine, so the difference is the wizard's own:
//! - `check` on a profile and `catalog` should end within 1.5 ms of `true`;
//! - the first frame of `new` should reach the terminal within 4 ms of a bare process
//!   writing to one, with under 8 MiB resident (printed before the timings);
//! - keystroke to frame stays under 1 ms for the largest plan (benches/wizard.rs).
//!
//! Run by hand on a quiet machine: `cargo bench --bench startup`.
#[path = "support/terminal.rs"]
mod terminal;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

const BIN: &str = env!("CARGO_BIN_EXE_atproto-wizard");
/// What ratatui writes last in every frame: hide the cursor.
const END_OF_FRAME: &[u8] = b"\x1b[?25l";

fn profile(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("profiles")
        .join(name)
}

fn run(program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("spawn");
    assert!(status.success(), "{program} {args:?}: {status}");
}

fn processes(c: &mut Criterion) {
    let dev_host = profile("dev-host.toml");
    let dev_host = dev_host.to_str().unwrap();
    let mut group = c.benchmark_group("process");
    group.sample_size(100);
    group.bench_function("bare process (true)", |b| b.iter(|| run("true", &[])));
    group.bench_function("check --answers profiles/dev-host.toml", |b| {
        b.iter(|| run(BIN, &["check", "--answers", dev_host]))
    });
    group.bench_function("catalog", |b| b.iter(|| run(BIN, &["catalog"])));
    group.bench_function("catalog --json", |b| {
        b.iter(|| run(BIN, &["catalog", "--json"]))
    });
    group.finish();
}

/// `new` on a directory that does not exist yet: the first screen, choosing a profile.
fn new_host(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command.arg("new").arg("--dir").arg(dir.join("host"));
    command
}

/// A bare process putting the same end-of-frame sequence on its terminal.
fn bare() -> Command {
    let mut command = Command::new("printf");
    command.arg("\\033[?25l");
    command
}

/// The time from spawn to the end of the first frame, summed over `iters` programs;
/// making the terminal and ending the program are not counted.
fn until_drawn(iters: u64, make: impl Fn() -> Command) -> Duration {
    (0..iters)
        .map(|_| terminal::until(make(), END_OF_FRAME).elapsed)
        .sum()
}

fn first_frame(c: &mut Criterion) {
    let tmp = std::env::temp_dir().join(format!("atproto-startup-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let drawn = terminal::until(new_host(&tmp), END_OF_FRAME);
    let kib = |key| drawn.status_kib(key).unwrap_or(0) as f64 / 1024.0;
    println!(
        "new, after the first frame: {:.1} MiB resident (peak {:.1} MiB)",
        kib("VmRSS"),
        kib("VmHWM")
    );
    drop(drawn);

    let mut group = c.benchmark_group("terminal");
    group.sample_size(50);
    group.bench_function("bare process writing to it (printf)", |b| {
        b.iter_custom(|iters| until_drawn(iters, bare))
    });
    group.bench_function("first frame of new", |b| {
        b.iter_custom(|iters| until_drawn(iters, || new_host(&tmp)))
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&tmp);
}

criterion_group!(startup, processes, first_frame);
criterion_main!(startup);
