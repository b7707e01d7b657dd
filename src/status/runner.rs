//! The thin edge: runs the probes here, or on the host through `ssh <target> -- …`,
//! and records what each saw. The health GET is a plain HTTP/1.1 request over a
//! `TcpStream` here, or bash's `/dev/tcp` on the host.
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::observed::{Observations, Observed};
use super::probes::{Action, HEALTH_TIMEOUT_SECS, Place, Probe, RUNNING_KEY, remote_http_get};
use crate::preview::process::{self, CancelToken, CommandSpec, RunError};
use crate::shell::shell_word;

/// How long one command may run (an ssh round trip, `du` on a large directory, a
/// `nix eval` of the whole system).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Runner {
    /// `user@machine` for `--host`.
    pub via: Option<String>,
    pub cancel: CancelToken,
    /// With `--host`: one ssh connection shared by every probe of every round
    /// (OpenSSH's ControlMaster), instead of a handshake per probe.
    pub shared: Option<SharedConnection>,
}

/// A folder for OpenSSH's control socket; when dropped, the master connection is told
/// to exit and the folder goes.
pub struct SharedConnection {
    dir: std::path::PathBuf,
    target: String,
}

impl SharedConnection {
    /// A fresh socket folder for connections to `target`.
    pub fn new(target: &str) -> std::io::Result<SharedConnection> {
        Ok(SharedConnection {
            dir: process::fresh_dir("ssh")?,
            target: target.to_string(),
        })
    }

    /// `-o` options every ssh call takes: the first one opens the master, the others
    /// go through it; it lingers 60 s after the last.
    fn options(&self) -> Vec<String> {
        vec![
            "-o".into(),
            "ControlMaster=auto".into(),
            "-o".into(),
            // %C: a hash of the connection (OpenSSH 6.7+), short enough for a socket path.
            format!("ControlPath={}/%C", self.dir.display()),
            "-o".into(),
            "ControlPersist=60".into(),
        ]
    }
}

impl Drop for SharedConnection {
    fn drop(&mut self) {
        let mut args = self.options();
        args.extend(["-O".into(), "exit".into(), self.target.clone()]);
        let _ = std::process::Command::new("ssh")
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Runner {
    pub fn run_all(&self, probes: &[Probe]) -> Observations {
        let mut out = Observations::new();
        for p in probes {
            if self.cancel.is_cancelled() {
                break;
            }
            out.insert(p.key.clone(), self.observe(p));
        }
        out
    }

    pub fn observe(&self, p: &Probe) -> Observed {
        let remote = p.place == Place::Host && self.via.is_some();
        match &p.action {
            Action::HttpGet { port, path } if remote => {
                self.command(&remote_http_get(*port, path), true)
            }
            Action::HttpGet { port, path } => http_get(*port, path),
            Action::Run(argv) => self.command(argv, remote),
            Action::Pipe(first, second) => {
                let handshake = self.command(first, remote);
                pipe_into(second, handshake)
            }
        }
    }

    fn command(&self, argv: &[String], remote: bool) -> Observed {
        let spec = match (&self.via, remote) {
            (Some(target), true) => {
                let line: Vec<String> = argv.iter().map(|a| shell_word(a)).collect();
                // BatchMode: never stop to ask for a password in the middle of a report.
                let mut args: Vec<String> = vec!["-o".into(), "BatchMode=yes".into()];
                if let Some(shared) = &self.shared {
                    args.extend(shared.options());
                }
                args.extend([target.clone(), "--".into(), line.join(" ")]);
                CommandSpec::new("ssh", args)
            }
            _ => CommandSpec::new(&argv[0], argv[1..].iter().cloned()),
        };
        record(process::run(
            &spec.with_timeout(COMMAND_TIMEOUT),
            &self.cancel,
            &mut |_, _| {},
        ))
    }
}

fn record(result: Result<process::Output, RunError>) -> Observed {
    match result {
        Ok(output) => Observed::Output {
            code: output.status.code().unwrap_or(-1),
            stdout: join(output.stdout()),
            stderr: join(output.stderr()),
        },
        Err(RunError::NotFound { program }) => Observed::NotInstalled(program),
        Err(e) => Observed::CouldNotRun(e.to_string()),
    }
}

fn join(lines: Vec<&str>) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// `first | second`: what the first printed, read by the second (here).
fn pipe_into(second: &[String], first: Observed) -> Observed {
    let Observed::Output { stdout, stderr, .. } = &first else {
        return first;
    };
    let child = Command::new(&second[0])
        .args(&second[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Observed::NotInstalled(second[0].clone());
        }
        Err(e) => return Observed::CouldNotRun(e.to_string()),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(stdout.as_bytes());
    }
    match child.wait_with_output() {
        Ok(out) if out.status.success() => Observed::ok(&String::from_utf8_lossy(&out.stdout)),
        // The reader found no certificate: why the handshake failed says more.
        Ok(out) => Observed::failed(
            out.status.code().unwrap_or(-1),
            &format!("{stderr}{}", String::from_utf8_lossy(&out.stderr)),
        ),
        Err(e) => Observed::CouldNotRun(e.to_string()),
    }
}

/// A plain HTTP/1.1 GET on this machine's loopback; the status line is what it saw.
fn http_get(port: u16, path: &str) -> Observed {
    let timeout = Duration::from_secs(u64::from(HEALTH_TIMEOUT_SECS));
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let result = (|| -> std::io::Result<String> {
        let mut stream = TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )?;
        // The status line is all that is read: a body could be large.
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while head.len() < 256 && stream.read(&mut byte)? == 1 && byte[0] != b'\n' {
            head.push(byte[0]);
        }
        Ok(String::from_utf8_lossy(&head).trim_end().to_string())
    })();
    match result {
        Ok(line) => Observed::ok(&line),
        Err(e) => Observed::CouldNotRun(format!("127.0.0.1:{port}: {e}")),
    }
}

/// Whether probes can run at all: systemd and NixOS here (or ssh, and both on the host).
/// `Err` says why not.
pub fn can_run(runner: &Runner) -> Result<(), String> {
    if runner.via.is_none() && !cfg!(target_os = "linux") {
        return Err(
            "status reads systemd: it runs on the NixOS host (or give --host user@machine)".into(),
        );
    }
    let probe = Probe {
        key: "systemctl".into(),
        // The manager's own property: it fails where systemd is installed but not
        // running (a container, a chroot), where no unit could be read either.
        action: Action::Run(vec![
            "systemctl".into(),
            "show".into(),
            "--property=Version".into(),
        ]),
        place: Place::Host,
    };
    match runner.observe(&probe) {
        Observed::Output { code: 0, .. } => is_nixos(runner),
        Observed::NotInstalled(p) if p == "ssh" => {
            Err("ssh is not installed here, and --host needs it".into())
        }
        Observed::NotInstalled(_) => Err(
            "systemctl is not installed here: run status on the NixOS host, or give --host user@machine".into(),
        ),
        Observed::Output { code: 255, stderr, .. } if runner.via.is_some() => Err(format!(
            "cannot reach the host through ssh: {}",
            stderr.lines().next().unwrap_or("ssh failed")
        )),
        other => Err(format!("systemctl does not work on the host: {}", other.problem())),
    }
}

/// NixOS links the running system at /run/current-system; without it the units and
/// paths `status` reads are not this project's.
fn is_nixos(runner: &Runner) -> Result<(), String> {
    let probe = Probe {
        key: RUNNING_KEY.into(),
        action: Action::Run(vec!["readlink".into(), "/run/current-system".into()]),
        place: Place::Host,
    };
    match runner.observe(&probe) {
        Observed::Output { code: 0, .. } => Ok(()),
        other => Err(format!(
            "the host is not NixOS (no /run/current-system): {}",
            other.problem()
        )),
    }
}
