//! Running tools for the preview (src/preview/process.rs and job.rs) with small test
//! executables placed on the child's PATH: output streams while the child runs, cancel
//! kills the child and what it started, a missing binary and a failing one are typed
//! errors with words to show.
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use atproto_wizard::preview::process::{self, CancelToken, CommandSpec, RunError, Stream};
use atproto_wizard::preview::{Event, Job};

/// Writes an executable shell script `name` into `dir`.
fn tool(dir: &Path, name: &str, body: &str) {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A command running `name` from `dir`, found through PATH.
fn on_path(dir: &Path, name: &str) -> CommandSpec {
    CommandSpec::new(name, Vec::<String>::new())
        .with_env("PATH", &format!("{}:/usr/bin:/bin", dir.display()))
}

#[test]
fn lines_stream_while_the_child_runs() {
    let dir = tempfile::tempdir().unwrap();
    tool(
        dir.path(),
        "slow-tool",
        "echo one\nsleep 1\necho two >&2\nprintf 'no newline at the end'",
    );
    let started = Instant::now();
    let mut seen: Vec<(Stream, String, Duration)> = Vec::new();
    let out = process::run(
        &on_path(dir.path(), "slow-tool"),
        &CancelToken::new(),
        &mut |stream, line| seen.push((stream, line.to_string(), started.elapsed())),
    )
    .unwrap();
    assert!(out.success());
    // Each stream keeps its order; the order between the two streams depends on how
    // the reader threads are scheduled, so it is not asserted.
    let of = |stream: Stream| -> Vec<&str> {
        seen.iter()
            .filter(|(s, _, _)| *s == stream)
            .map(|(_, l, _)| l.as_str())
            .collect()
    };
    assert_eq!(of(Stream::Stdout), ["one", "no newline at the end"]);
    assert_eq!(of(Stream::Stderr), ["two"]);
    assert_eq!(
        seen[0].1, "one",
        "the first line seen is the first one printed"
    );
    // "one" arrived before the child finished sleeping.
    let total = started.elapsed();
    assert!(
        seen[0].2 + Duration::from_millis(700) < total,
        "first line at {:?}, end at {total:?}",
        seen[0].2
    );
    assert_eq!(out.stdout(), ["one", "no newline at the end"]);
    assert_eq!(out.stderr(), ["two"]);
}

fn gone_or_zombie(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

#[test]
fn cancel_kills_the_child_and_what_it_started() {
    let dir = tempfile::tempdir().unwrap();
    // The grandchild (sleep) is what a real tool's build would be.
    tool(dir.path(), "stuck-tool", "sleep 60 &\necho $!\nwait");
    let cancel = CancelToken::new();
    let grandchild = Arc::new(Mutex::new(None::<u32>));
    let started = Instant::now();
    let err = {
        let cancel2 = cancel.clone();
        let g = Arc::clone(&grandchild);
        process::run(
            &on_path(dir.path(), "stuck-tool"),
            &cancel,
            &mut move |_, line| {
                *g.lock().unwrap() = line.trim().parse().ok();
                cancel2.cancel();
            },
        )
        .unwrap_err()
    };
    assert!(matches!(err, RunError::Cancelled { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
    let pid = grandchild
        .lock()
        .unwrap()
        .expect("the tool printed its child's pid");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !gone_or_zombie(pid) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    assert!(gone_or_zombie(pid), "the grandchild {pid} still runs");
}

#[test]
fn a_missing_binary_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let err = process::run(
        &on_path(dir.path(), "atproto-wizard-no-such-tool"),
        &CancelToken::new(),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert!(
        matches!(&err, RunError::NotFound { program } if program == "atproto-wizard-no-such-tool")
    );
    assert_eq!(
        err.to_string(),
        "`atproto-wizard-no-such-tool` is not installed here (it is not on PATH), so it cannot run"
    );
}

#[test]
fn a_failure_keeps_the_end_of_stderr() {
    let dir = tempfile::tempdir().unwrap();
    tool(
        dir.path(),
        "failing-tool",
        "i=1\nwhile [ $i -le 30 ]; do echo \"line $i\" >&2; i=$((i+1)); done\necho 'error: it broke' >&2\nexit 3",
    );
    let spec = on_path(dir.path(), "failing-tool");
    // run: a non-zero exit is still an output.
    let out = process::run(&spec, &CancelToken::new(), &mut |_, _| {}).unwrap();
    assert_eq!(out.status.code(), Some(3));
    // run_checked: it is an error with the tail.
    let err = process::run_checked(&spec, &CancelToken::new(), &mut |_, _| {}).unwrap_err();
    let tail = err.stderr_tail();
    assert_eq!(tail.len(), process::TAIL_LINES);
    assert_eq!(tail.last().unwrap(), "error: it broke");
    assert_eq!(tail[0], "line 12");
    let words = err.to_string();
    assert!(
        words.starts_with("`failing-tool` failed (exit status 3); the end of what it printed:"),
        "{words}"
    );
    assert!(words.ends_with("\n  error: it broke"), "{words}");
}

#[test]
fn a_time_limit_stops_the_child() {
    let dir = tempfile::tempdir().unwrap();
    tool(dir.path(), "silent-tool", "sleep 30");
    let spec = on_path(dir.path(), "silent-tool").with_timeout(Duration::from_millis(200));
    let started = Instant::now();
    let err = process::run(&spec, &CancelToken::new(), &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, RunError::TimedOut { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_job_streams_events_and_cancels() {
    let dir = tempfile::tempdir().unwrap();
    tool(dir.path(), "chatty-tool", "echo ready\nsleep 60");
    let spec = on_path(dir.path(), "chatty-tool");
    let job: Job<Result<(), String>> = Job::spawn(move |reporter, cancel| {
        reporter.started(0, 1, "chatty", "a chatty tool", &spec.display());
        let result = process::run(&spec, cancel, &mut |stream, line| {
            reporter.line(0, "chatty", stream, line)
        });
        reporter.finished(0, "chatty", result.is_ok(), "");
        result.map(|_| ()).map_err(|e| e.to_string())
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut result = None;
    while Instant::now() < deadline {
        match job.next_timeout(Duration::from_millis(50)) {
            Some(Event::Line { text, .. }) if text == "ready" => job.cancel(),
            Some(Event::Done(r)) => {
                result = Some(r);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(result, Some(Err("`chatty-tool` was cancelled".to_string())));
}
