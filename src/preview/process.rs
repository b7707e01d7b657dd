//! Running a tool at the edge: a child process whose output lines are handed over as
//! they come, which can be cancelled (the child and everything it started are
//! killed), and whose failures are typed: not installed, could not start, cancelled,
//! timed out, or exited with an error (with the end of what it printed on stderr).
//!
//! The child runs in its own process group with stdin closed, so cancelling kills
//! `nixos-rebuild` together with the `nix` processes it started, and nothing ever
//! waits for input.
use std::ffi::OsString;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;

use crate::shell::shell_word;
use std::time::{Duration, Instant};

/// How many lines of stderr a failure keeps to show.
pub const TAIL_LINES: usize = 20;

/// A command to run: the program (looked up on `PATH`, the one in `env` when it sets
/// one, unless the name has a `/`), its arguments, and optionally a working directory,
/// extra environment and a time limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandSpec {
    pub program: String,
    pub args: Vec<String>,
    pub cwd: Option<PathBuf>,
    pub env: Vec<(String, String)>,
    pub timeout: Option<Duration>,
}

impl CommandSpec {
    pub fn new<I, S>(program: &str, args: I) -> CommandSpec
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        CommandSpec {
            program: program.to_string(),
            args: args.into_iter().map(Into::into).collect(),
            cwd: None,
            env: Vec::new(),
            timeout: None,
        }
    }

    pub fn in_dir(mut self, dir: impl Into<PathBuf>) -> CommandSpec {
        self.cwd = Some(dir.into());
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> CommandSpec {
        self.timeout = Some(timeout);
        self
    }

    pub fn with_env(mut self, key: &str, value: &str) -> CommandSpec {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// The command as one would type it in a shell (arguments quoted where needed).
    pub fn display(&self) -> String {
        let mut words: Vec<String> = self
            .env
            .iter()
            .map(|(k, v)| format!("{k}={}", shell_word(v)))
            .collect();
        words.push(shell_word(&self.program));
        words.extend(self.args.iter().map(|a| shell_word(a)));
        words.join(" ")
    }
}

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Shared flag that stops a run: the child's process group is killed.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }
    /// A token over an existing flag (one a signal handler sets).
    pub fn from_flag(flag: Arc<AtomicBool>) -> CancelToken {
        CancelToken(flag)
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A new empty directory under the temporary directory, `atproto-wizard-<what>-…`.
pub fn fresh_dir(what: &str) -> std::io::Result<PathBuf> {
    let base = std::env::temp_dir();
    for n in 0..1000u32 {
        let dir = base.join(format!("atproto-wizard-{what}-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary directory name"))
}

/// What a finished child printed, and how it ended.
#[derive(Debug, Clone)]
pub struct Output {
    pub status: ExitStatus,
    /// Every line in the order it arrived, with its stream.
    pub lines: Vec<(Stream, String)>,
}

impl Output {
    pub fn success(&self) -> bool {
        self.status.success()
    }
    pub fn stdout(&self) -> Vec<&str> {
        self.of(Stream::Stdout)
    }
    pub fn stderr(&self) -> Vec<&str> {
        self.of(Stream::Stderr)
    }
    /// All lines, both streams, in order.
    pub fn all(&self) -> Vec<&str> {
        self.lines.iter().map(|(_, l)| l.as_str()).collect()
    }
    fn of(&self, stream: Stream) -> Vec<&str> {
        self.lines
            .iter()
            .filter(|(s, _)| *s == stream)
            .map(|(_, l)| l.as_str())
            .collect()
    }
    /// The last `n` non-empty lines of stderr.
    pub fn stderr_tail(&self, n: usize) -> Vec<String> {
        let lines: Vec<&str> = self
            .stderr()
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .collect();
        lines[lines.len().saturating_sub(n)..]
            .iter()
            .map(|l| l.to_string())
            .collect()
    }
}

/// Why a run did not give an [`Output`] (or, from [`run_checked`], not a successful one).
#[derive(Debug)]
pub enum RunError {
    /// The program is not installed: not found on `PATH`.
    NotFound { program: String },
    /// It exists but could not be started (permissions, not executable, …).
    Spawn { program: String, error: io::Error },
    /// Cancelled; the child was killed. What it printed until then is kept.
    Cancelled {
        program: String,
        lines: Vec<(Stream, String)>,
    },
    /// It ran longer than its time limit and was killed.
    TimedOut { program: String, after: Duration },
    /// It exited with an error ([`run_checked`] only).
    Failed { program: String, output: Output },
}

impl RunError {
    pub fn program(&self) -> &str {
        match self {
            RunError::NotFound { program }
            | RunError::Spawn { program, .. }
            | RunError::Cancelled { program, .. }
            | RunError::TimedOut { program, .. }
            | RunError::Failed { program, .. } => program,
        }
    }

    /// The stderr lines to show under the message (a failure's tail).
    pub fn stderr_tail(&self) -> Vec<String> {
        match self {
            RunError::Failed { output, .. } => output.stderr_tail(TAIL_LINES),
            _ => Vec::new(),
        }
    }
}

/// How an exit status reads: `exit status 1` or `killed by signal 9`.
pub fn describe_status(status: &ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        _ => "an unknown status".to_string(),
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NotFound { program } => write!(
                f,
                "`{program}` is not installed here (it is not on PATH), so it cannot run"
            ),
            RunError::Spawn { program, error } => write!(f, "`{program}` could not start: {error}"),
            RunError::Cancelled { program, .. } => write!(f, "`{program}` was cancelled"),
            RunError::TimedOut { program, after } => write!(
                f,
                "`{program}` gave no answer within {} s and was stopped",
                after.as_secs_f32()
            ),
            RunError::Failed { program, output } => {
                write!(
                    f,
                    "`{program}` failed ({})",
                    describe_status(&output.status)
                )?;
                let tail = output.stderr_tail(TAIL_LINES);
                if !tail.is_empty() {
                    write!(f, "; the end of what it printed:")?;
                    for line in tail {
                        write!(f, "\n  {line}")?;
                    }
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for RunError {}

/// The program's path: `program` itself when it names a file (has a `/`), else the
/// first executable file of that name in `PATH`.
pub fn find_program(program: &str) -> Option<PathBuf> {
    find_program_in(program, std::env::var_os("PATH"))
}

/// [`find_program`] with an explicit `PATH` value.
pub fn find_program_in(program: &str, path: Option<OsString>) -> Option<PathBuf> {
    if program.contains('/') {
        let p = PathBuf::from(program);
        return is_executable(&p).then_some(p);
    }
    std::env::split_paths(&path?)
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Runs `spec` to the end, calling `on_line` with every output line as it arrives (on
/// the calling thread). A non-zero exit is an `Ok` output; see [`run_checked`].
pub fn run(
    spec: &CommandSpec,
    cancel: &CancelToken,
    on_line: &mut dyn FnMut(Stream, &str),
) -> Result<Output, RunError> {
    let program = spec.program.clone();
    // The child's PATH: the spec's own when it sets one, else ours.
    let path_var = spec
        .env
        .iter()
        .rev()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| OsString::from(v))
        .or_else(|| std::env::var_os("PATH"));
    let Some(path) = find_program_in(&spec.program, path_var) else {
        return Err(RunError::NotFound { program });
    };
    let mut cmd = Command::new(&path);
    cmd.args(&spec.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    if let Some(dir) = &spec.cwd {
        cmd.current_dir(dir);
    }
    for (k, v) in &spec.env {
        cmd.env(k, v);
    }
    // A script written a moment ago can still be open for writing in a process that
    // forked meanwhile ("Text file busy"): try again briefly.
    let mut tries = 0;
    let spawned = loop {
        match cmd.spawn() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && tries < 20 => {
                tries += 1;
                thread::sleep(Duration::from_millis(25));
            }
            other => break other,
        }
    };
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(RunError::NotFound { program });
        }
        Err(error) => return Err(RunError::Spawn { program, error }),
    };

    let (tx, rx) = mpsc::channel::<(Stream, String)>();
    let readers = [
        child
            .stdout
            .take()
            .map(|s| reader(s, Stream::Stdout, tx.clone())),
        child
            .stderr
            .take()
            .map(|s| reader(s, Stream::Stderr, tx.clone())),
    ];
    drop(tx);

    let started = Instant::now();
    let mut lines = Vec::new();
    let mut status: Option<ExitStatus> = None;
    let mut exited_at: Option<Instant> = None;
    loop {
        match rx.recv_timeout(Duration::from_millis(25)) {
            Ok((stream, line)) => {
                on_line(stream, &line);
                lines.push((stream, line));
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                if status.is_some() {
                    break;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if status.is_none() {
            if cancel.is_cancelled() {
                kill_group(&mut child);
                drain(&rx, &mut lines, on_line);
                return Err(RunError::Cancelled { program, lines });
            }
            if let Some(limit) = spec.timeout
                && started.elapsed() > limit
            {
                kill_group(&mut child);
                return Err(RunError::TimedOut {
                    program,
                    after: limit,
                });
            }
            match child.try_wait() {
                Ok(Some(s)) => {
                    status = Some(s);
                    exited_at = Some(Instant::now());
                }
                Ok(None) => {}
                Err(error) => return Err(RunError::Spawn { program, error }),
            }
        } else if exited_at.is_some_and(|t| t.elapsed() > Duration::from_millis(500)) {
            // The child is gone but something it started still holds the pipes open:
            // stop waiting for them.
            break;
        } else if status.is_some() && rx_is_idle(&readers) {
            break;
        }
    }
    drain(&rx, &mut lines, on_line);
    Ok(Output {
        status: status.expect("the loop ends only once the child exited"),
        lines,
    })
}

/// [`run`], with a non-zero exit turned into [`RunError::Failed`].
pub fn run_checked(
    spec: &CommandSpec,
    cancel: &CancelToken,
    on_line: &mut dyn FnMut(Stream, &str),
) -> Result<Output, RunError> {
    let output = run(spec, cancel, on_line)?;
    if output.success() {
        Ok(output)
    } else {
        Err(RunError::Failed {
            program: spec.program.clone(),
            output,
        })
    }
}

fn rx_is_idle(readers: &[Option<thread::JoinHandle<()>>; 2]) -> bool {
    readers.iter().flatten().all(|h| h.is_finished())
}

fn drain(
    rx: &mpsc::Receiver<(Stream, String)>,
    lines: &mut Vec<(Stream, String)>,
    on_line: &mut dyn FnMut(Stream, &str),
) {
    while let Ok((stream, line)) = rx.try_recv() {
        on_line(stream, &line);
        lines.push((stream, line));
    }
}

/// Reads a pipe line by line (lossy UTF-8; `\r` also ends a line, for progress
/// output) and sends each line on `tx`.
fn reader(
    pipe: impl Read + Send + 'static,
    stream: Stream,
    tx: mpsc::Sender<(Stream, String)>,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut pipe = BufReader::new(pipe);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match pipe.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&buf);
                    let text = text.strip_suffix('\n').unwrap_or(&text);
                    for part in text
                        .split('\r')
                        .filter(|p| !p.is_empty() || !text.contains('\r'))
                    {
                        if tx.send((stream, part.to_string())).is_err() {
                            return;
                        }
                    }
                }
            }
        }
    })
}

/// Stops the child's whole process group: SIGTERM, then SIGKILL after a grace time.
fn kill_group(child: &mut Child) {
    let pgid = child.id() as libc::pid_t;
    // SAFETY: kill(2) with a negative pid signals the process group the child leads
    // (it was started with process_group(0)); no memory is shared.
    unsafe {
        libc::kill(-pgid, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        thread::sleep(Duration::from_millis(20));
    }
    // Whatever is left of the group (grandchildren that ignored SIGTERM).
    // SAFETY: as above.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_display_as_typed() {
        let spec = CommandSpec::new(
            "nix",
            [
                "eval",
                "--apply",
                "as: map (a: a.message) as",
                "/etc/nixos#x",
            ],
        );
        assert_eq!(
            spec.display(),
            "nix eval --apply 'as: map (a: a.message) as' /etc/nixos#x"
        );
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }

    #[test]
    fn programs_are_found_on_the_given_path() {
        assert!(find_program_in("sh", Some("/nonexistent:/bin:/usr/bin".into())).is_some());
        assert_eq!(find_program_in("sh", Some("/nonexistent".into())), None);
        assert_eq!(find_program_in("sh", None), None);
    }
}
