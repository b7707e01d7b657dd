//! `atproto-wizard status` end to end against a pretend host: stand-ins for systemctl,
//! journalctl, stat, du, df, openssl, readlink and ssh first (and alone) on PATH, each
//! logging its arguments and printing a recorded output, and small HTTP servers on
//! loopback for the health endpoints. There is no `cat` (nor anything else that could
//! read a file): a secret's content cannot be read.
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;

/// A recorded answer: when the tool's arguments match the shell pattern, print this
/// and exit with that.
struct Answer {
    pattern: String,
    stdout: String,
    code: i32,
}

struct Host {
    tmp: tempfile::TempDir,
    answers: Vec<(String, Answer)>,
    missing: Vec<&'static str>,
    /// What the stand-in ssh does instead of running the command (a failure).
    ssh: Option<&'static str>,
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

const ACTIVE: &str = "LoadState=loaded\nActiveState=active\nSubState=running\nActiveEnterTimestamp=@1700000000\nNRestarts=0\nExecMainStatus=0\nExecMainStartTimestamp=@1700000000\nResult=success\n";

impl Host {
    /// A healthy host: every unit active, every secret root's 0400, plenty of disk, a
    /// certificate valid for years, the backup done.
    fn healthy() -> Host {
        let mut h = Host {
            tmp: tempfile::tempdir().unwrap(),
            answers: Vec::new(),
            missing: Vec::new(),
            ssh: None,
        };
        h.on("systemctl", "show --property=Version", "Version=255\n", 0);
        h.on("systemctl", "show *", ACTIVE, 0);
        // Last night's backup: an hour ago, within its daily schedule.
        let an_hour_ago = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            - 3_600;
        h.on(
            "systemctl",
            "show restic-backups-atproto.service *",
            &format!("LoadState=loaded\nActiveState=inactive\nSubState=dead\nExecMainStatus=0\nExecMainStartTimestamp=@{an_hour_ago}\nResult=success\n"),
            0,
        );
        h.on("journalctl", "*", "", 0);
        h.on("stat", "-L -c %U %G %a *", "root root 400\n", 0);
        h.on("du", "-sb *", "1000000\t/var/lib/x\n", 0);
        h.on(
            "df",
            "-B1 --output=avail,size *",
            "Avail 1B-blocks\n50000000000 100000000000\n",
            0,
        );
        h.on("openssl", "s_client *", "CONNECTED(00000003)\n", 0);
        h.on(
            "openssl",
            "x509 -noout -enddate",
            "notAfter=Jan  1 00:00:00 2099 GMT\n",
            0,
        );
        h.on(
            "readlink",
            "/run/current-system",
            "/nix/store/abc-nixos-system\n",
            0,
        );
        h
    }

    /// A later answer for the same arguments wins.
    fn on(&mut self, tool: &str, pattern: &str, stdout: &str, code: i32) -> &mut Host {
        self.answers.insert(
            0,
            (
                tool.into(),
                Answer {
                    pattern: pattern.into(),
                    stdout: stdout.into(),
                    code,
                },
            ),
        );
        self
    }

    fn bin(&self) -> PathBuf {
        self.tmp.path().join("bin")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.tmp.path().join("log")).unwrap_or_default()
    }

    fn write_tools(&self) {
        let bin = self.bin();
        std::fs::create_dir_all(&bin).unwrap();
        let mut tools: Vec<&str> = self.answers.iter().map(|(t, _)| t.as_str()).collect();
        tools.sort();
        tools.dedup();
        for tool in tools.into_iter().filter(|t| !self.missing.contains(t)) {
            let mut body =
                format!("printf '%s\\n' \"{tool} $*\" >> \"$STATUS_LOG\"\ncase \"$*\" in\n");
            for (_, a) in self.answers.iter().filter(|(t, _)| t == tool) {
                // The pattern's words are literal but for `*`.
                let pattern: Vec<String> = a
                    .pattern
                    .split('*')
                    .map(|part| {
                        if part.is_empty() {
                            String::new()
                        } else {
                            quoted(part)
                        }
                    })
                    .collect();
                body.push_str(&format!(
                    "  {}) printf '%s' {}; exit {};;\n",
                    pattern.join("*"),
                    quoted(&a.stdout),
                    a.code
                ));
            }
            body.push_str("esac\necho \"unexpected: $*\" >&2\nexit 99\n");
            write_tool(&bin, tool, &body);
        }
        // ssh runs the command it is given right here, as the host's shell would.
        write_tool(
            &bin,
            "ssh",
            &format!(
                "printf '%s\\n' \"ssh $*\" >> \"$STATUS_LOG\"\n{}",
                self.ssh.unwrap_or(
                    "while [ \"$1\" != -- ]; do shift; done\nshift\nexec /bin/bash -c \"$1\""
                )
            ),
        );
        // What the health GET through ssh runs on the host (coreutils and bash).
        for real in ["timeout", "bash"] {
            let target = ["/usr/bin", "/bin"]
                .iter()
                .map(|d| PathBuf::from(d).join(real))
                .find(|p| p.exists())
                .unwrap();
            let _ = std::os::unix::fs::symlink(target, bin.join(real));
        }
    }

    /// Writes DIR/atproto.toml and runs `status DIR args…` with only the stand-ins on
    /// PATH.
    fn status(&self, plan: &str, args: &[&str]) -> (Output, String) {
        self.write_tools();
        let dir = self.tmp.path().join("host");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("atproto.toml"), plan).unwrap();
        let out = Command::cargo_bin("atproto-wizard")
            .unwrap()
            .arg("status")
            .arg(&dir)
            .args(args)
            .env("PATH", self.bin())
            .env("STATUS_LOG", self.tmp.path().join("log"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        (out, stdout)
    }
}

fn write_tool(bin: &std::path::Path, name: &str, body: &str) {
    let path = bin.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// An HTTP server on loopback answering every request with `status`; its port.
fn serve(status: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let _ = (&stream).write_all(
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            );
        }
    });
    port
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A PDS behind Caddy with restic backups and generated secrets, and Jetstream
/// (which has no health endpoint upstream).
fn plan(pds_port: u16) -> String {
    format!(
        r#"schema = 1
[host]
hostname = "pds1"
domain = "pds.example.com"
[services.bluesky-pds]
ports.http = {pds_port}
[services.bluesky-pds.settings]
hostname = "pds.example.com"
[services.jetstream]
[integrations.proxy]
kind = "caddy"
[integrations.tls]
handles = "on-demand"
[integrations.monitoring]
grafana = false
[integrations.backup]
kind = "restic"
repository = "/mnt/backup"
password_file = "/root/restic-password"
[integrations.secrets]
backend = "generate"
"#
    )
}

#[test]
fn a_healthy_host_exits_0() {
    let h = Host::healthy();
    let (out, stdout) = h.status(&plan(serve("200 OK")), &[]);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("ok: health http://127.0.0.1:"), "{stdout}");
    assert!(
        stdout.contains("note: health jetstream: no health endpoint upstream"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok: unit bluesky-pds: active (running)"),
        "{stdout}"
    );
    assert!(stdout.contains("ok: secret-file /var/lib/atproto-secrets/bluesky-pds/jwt_secret: root's alone (mode 400)"), "{stdout}");
    assert!(
        stdout.contains("ok: tls pds.example.com: certificate valid for"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok: backup restic-backups-atproto: last restic backup"),
        "{stdout}"
    );
    // nix is not here: the generation is unknown, which is no problem.
    assert!(
        stdout.contains("note: generation /nix/store/abc-nixos-system: whether it is"),
        "{stdout}"
    );
    assert!(
        stdout.contains("all healthy: 0 errors, 0 warnings"),
        "{stdout}"
    );
    let log = h.log();
    assert!(
        log.contains("journalctl -u bluesky-pds.service -p err -n 5 --no-pager -o cat --since -1d"),
        "{log}"
    );
    assert!(
        log.contains("df -B1 --output=avail,size /var/lib/pds"),
        "{log}"
    );
    assert!(
        log.contains("openssl s_client -connect pds.example.com:443 -servername pds.example.com"),
        "{log}"
    );
}

#[test]
fn a_failed_unit_exits_1_with_its_journal() {
    let mut h = Host::healthy();
    h.on(
        "systemctl",
        "show bluesky-pds.service *",
        "LoadState=loaded\nActiveState=failed\nSubState=failed\nNRestarts=5\nExecMainStatus=1\nResult=exit-code\n",
        0,
    );
    let (out, stdout) = h.status(&plan(serve("200 OK")), &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error: unit bluesky-pds: failed (exit-code), last exit status 1\n    what to do: journalctl -u bluesky-pds -e\n    what to do: systemctl restart bluesky-pds\n"), "{stdout}");
}

#[test]
fn failing_and_silent_health_endpoints_exit_1() {
    let h = Host::healthy();
    let (out, stdout) = h.status(&plan(serve("500 Internal Server Error")), &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("/xrpc/_health: answers HTTP/1.1 500 Internal Server Error\n    what to do: systemctl status bluesky-pds\n"), "{stdout}");

    let h = Host::healthy();
    let port = closed_port();
    let (out, stdout) = h.status(&plan(port), &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("error: health http://127.0.0.1:{port}/xrpc/_health: does not answer: 127.0.0.1:{port}: Connection refused")), "{stdout}");
}

#[test]
fn an_expiring_certificate_exits_1() {
    let mut h = Host::healthy();
    // Seven days from now, as openssl prints it.
    let soon = std::process::Command::new("date")
        .args(["-u", "-d", "+7 days 1 hour", "+%b %e %H:%M:%S %Y GMT"])
        .output()
        .unwrap();
    let soon = String::from_utf8(soon.stdout).unwrap();
    h.on(
        "openssl",
        "x509 -noout -enddate",
        &format!("notAfter={soon}"),
        0,
    );
    let (out, stdout) = h.status(&plan(serve("200 OK")), &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("warning: tls pds.example.com: the certificate expires in 7 days: renewal should have happened\n    what to do: journalctl -u caddy -e\n"), "{stdout}");
}

#[test]
fn a_secret_readable_by_others_exits_1_and_is_never_read() {
    let mut h = Host::healthy();
    h.on(
        "stat",
        "-L -c %U %G %a /var/lib/atproto-secrets/bluesky-pds/jwt_secret",
        "root root 644\n",
        0,
    );
    let (out, stdout) = h.status(&plan(serve("200 OK")), &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error: secret-file /var/lib/atproto-secrets/bluesky-pds/jwt_secret: owner root, group root, mode 644: must be root's alone (0400)\n    what to do: chown root:root /var/lib/atproto-secrets/bluesky-pds/jwt_secret && chmod 0400 /var/lib/atproto-secrets/bluesky-pds/jwt_secret\n"), "{stdout}");
    // Every look at a secret was a stat of its owner and mode, and nothing else named it.
    let log = h.log();
    let touching: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("atproto-secrets/"))
        .collect();
    assert_eq!(touching.len(), 3, "{log}");
    assert!(
        touching
            .iter()
            .all(|l| l.starts_with("stat -L -c %U %G %a /var/lib/atproto-secrets/bluesky-pds/")),
        "{log}"
    );
}

#[test]
fn a_failed_backup_exits_1() {
    let mut h = Host::healthy();
    h.on(
        "systemctl",
        "show restic-backups-atproto.service *",
        "LoadState=loaded\nActiveState=failed\nSubState=failed\nExecMainStatus=1\nExecMainStartTimestamp=@1700000000\nResult=exit-code\n",
        0,
    );
    let (out, stdout) = h.status(&plan(serve("200 OK")), &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("error: backup restic-backups-atproto: last restic backup"),
        "{stdout}"
    );
    assert!(stdout.contains("failed (exit-code, exit status 1)\n    what to do: journalctl -u restic-backups-atproto -e\n"), "{stdout}");
}

#[test]
fn without_systemctl_it_cannot_run_here() {
    let mut h = Host::healthy();
    h.missing.push("systemctl");
    let (out, stdout) = h.status(&plan(serve("200 OK")), &[]);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("cannot run here: systemctl is not installed here"),
        "{stdout}"
    );
}

#[test]
fn json_has_the_documented_fields() {
    let mut h = Host::healthy();
    h.on(
        "journalctl",
        "-u bluesky-pds.service *",
        "database is locked\n",
        0,
    );
    let (out, stdout) = h.status(&plan(serve("200 OK")), &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["host"], "pds1");
    assert_eq!(doc["via"], serde_json::Value::Null);
    assert_eq!(doc["status"], "attention");
    assert_eq!(doc["exit"], 1);
    assert!(doc["checked_at"].as_i64().unwrap() > 1_700_000_000);
    let sections: Vec<&str> = doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        sections,
        ["bluesky-pds", "jetstream", "secrets", "tls", "system"]
    );
    let journal = &doc["sections"][0]["checks"][2];
    assert_eq!(journal["check"], "journal");
    assert_eq!(journal["subject"], "bluesky-pds");
    assert_eq!(journal["level"], "warning");
    assert_eq!(
        journal["details"],
        serde_json::json!(["database is locked"])
    );
    assert_eq!(
        journal["next"],
        serde_json::json!(["journalctl -u bluesky-pds -p err --since -1d"])
    );
}

#[test]
fn through_ssh_every_host_probe_runs_on_the_target() {
    let h = Host::healthy();
    let port = serve("200 OK");
    let (out, stdout) = h.status(&plan(port), &["--host", "ops@pds1"]);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with("Status of pds1 (through ssh ops@pds1)"),
        "{stdout}"
    );
    // The health GET went through ssh too (bash's /dev/tcp on the "host").
    assert!(
        stdout.contains(&format!(
            "ok: health http://127.0.0.1:{port}/xrpc/_health: answers 200"
        )),
        "{stdout}"
    );
    let log = h.log();
    let lines: Vec<&str> = log.lines().collect();
    let ssh: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("ssh "))
        .collect();
    // One shared connection: every call names the same control socket, and the last
    // one tells the master to exit.
    let socket = ssh[0]
        .split(' ')
        .find(|w| w.starts_with("ControlPath="))
        .expect("a control socket")
        .to_string();
    assert!(socket.contains("atproto-wizard-ssh-"), "{socket}");
    let (exit, probes) = ssh.split_last().unwrap();
    assert_eq!(
        *exit,
        format!("ssh -o ControlMaster=auto -o {socket} -o ControlPersist=60 -O exit ops@pds1")
    );
    assert!(
        probes.iter().all(|l| l.starts_with(&format!(
            "ssh -o BatchMode=yes -o ControlMaster=auto -o {socket} -o ControlPersist=60 ops@pds1 -- "
        ))),
        "{log}"
    );
    assert!(ssh.iter().any(|l| l.contains("timeout 5 bash -c")), "{log}");
    // Every tool the host runs was started by ssh: each is the line after its ssh.
    for (i, l) in lines.iter().enumerate() {
        let tool = l.split(' ').next().unwrap();
        if ["systemctl", "journalctl", "stat", "du", "df", "readlink"].contains(&tool) {
            assert!(
                i > 0 && lines[i - 1].starts_with("ssh "),
                "{l} ran without ssh:\n{log}"
            );
        }
        if tool == "openssl" {
            // Certificates are checked from here, as the public sees them.
            assert!(!lines[i - 1].starts_with("ssh "), "{log}");
        }
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("readlink /run/current-system")),
        "{log}"
    );
}

#[test]
fn a_control_byte_in_the_journal_is_not_shown() {
    let mut h = Host::healthy();
    h.on(
        "journalctl",
        "-u bluesky-pds.service *",
        "bad \x1b]0;owned\x07 line\n",
        0,
    );
    let (out, stdout) = h.status(&plan(serve("200 OK")), &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        !stdout.contains('\x1b') && !stdout.contains('\x07'),
        "{stdout:?}"
    );
    assert!(
        stdout.contains("bad \\u{1b}]0;owned\\u{7} line"),
        "{stdout}"
    );
}

/// The unit names `status` asks systemd about are the ones the modules create: every
/// catalog service's unit (and its registry entry), the secrets oneshot, and the
/// backup jobs nixpkgs turns into `restic-backups-<job>` / `borgbackup-job-<job>`.
#[test]
fn the_units_status_reads_are_the_ones_the_modules_create() {
    use crate::support::{eval_json, nix_instantiate, nixpkgs_lib};
    use atproto_wizard::status::targets::{
        backup_unit_of, companions_of, secrets_unit_of, unit_of,
    };
    let (Some(nix), Some(lib)) = (nix_instantiate(), nixpkgs_lib()) else {
        return;
    };
    let eval = |host: &str| {
        eval_json(
            &nix,
            &format!(
                "let r = import ./nixlib/tests/eval/eval.nix {{ libPath = {:?}; host = ./nixlib/tests/eval/hosts/{host}; }}; in {{ \
                 units = builtins.attrNames r.config.systemd.services; \
                 registry = builtins.mapAttrs (_: e: e.unit) r.config.atproto.registry; \
                 restic = builtins.attrNames r.config.services.restic.backups; \
                 borg = builtins.attrNames r.config.services.borgbackup.jobs; }}",
                lib.display().to_string()
            ),
        )
    };
    let has = |v: &serde_json::Value, name: &str| v.as_array().unwrap().iter().any(|u| u == name);
    let all = eval("everything.nix");
    let catalog = atproto_wizard::catalog::Catalog::embedded();
    for service in catalog.services.values() {
        let unit = unit_of(service);
        assert!(
            has(&all["units"], &unit),
            "no systemd.services.{unit}: {}",
            all["units"]
        );
        assert_eq!(all["registry"][&service.id], unit.as_str());
        for companion in companions_of(service) {
            assert!(
                has(&all["units"], &companion),
                "no systemd.services.{companion}"
            );
        }
    }
    assert_eq!(
        companions_of(catalog.service("ozone").unwrap()),
        ["ozone-daemon"]
    );
    // nixpkgs' borgbackup module names each job's unit borgbackup-job-<job>.
    assert_eq!(all["borg"], serde_json::json!(["atproto"]));
    assert_eq!(backup_unit_of("borg").unwrap(), "borgbackup-job-atproto");

    let pds = eval("pds-caddy.nix");
    assert!(
        has(&pds["units"], &secrets_unit_of("bluesky-pds")),
        "{}",
        pds["units"]
    );
    // nixpkgs' restic module names each job's unit restic-backups-<job>.
    assert_eq!(pds["restic"], serde_json::json!(["atproto"]));
    assert_eq!(backup_unit_of("restic").unwrap(), "restic-backups-atproto");
}

#[test]
fn a_host_that_ssh_would_read_as_an_option_is_refused() {
    let h = Host::healthy();
    let (out, stdout) = h.status(&plan(serve("200 OK")), &["--host=-oProxyCommand=touch x"]);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("is not user@machine"), "{stdout}");
    assert!(!h.log().contains("ssh"), "{}", h.log());
}

#[test]
fn watch_redraws_until_ctrl_c_and_exits_130() {
    let mut h = Host::healthy();
    h.on("nix", "eval --raw *", "/nix/store/abc-nixos-system", 0);
    h.write_tools();
    let dir = h.tmp.path().join("host");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("atproto.toml"), plan(serve("200 OK"))).unwrap();
    let child = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .arg("status")
        .arg(&dir)
        .args(["--watch", "1"])
        .env("PATH", h.bin())
        .env("STATUS_LOG", h.tmp.path().join("log"))
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Two reports at least, one second apart: the third has started once its probes
    // run, so the second was printed.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while h.log().matches("journalctl -u bluesky-pds").count() < 3
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // SAFETY: kill has no preconditions; the pid is our own child's.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(130), "{stdout}");
    assert!(stdout.matches("Status of pds1").count() >= 2, "{stdout}");
    // DIR's system is evaluated once, however many redraws; it is the running one.
    let log = h.log();
    assert_eq!(log.matches("nix eval --raw").count(), 1, "{log}");
    assert!(
        log.contains(&format!(
            "nix eval --raw {}#nixosConfigurations.pds1.config.system.build.toplevel.outPath",
            dir.canonicalize().unwrap().display()
        )),
        "{log}"
    );
    assert!(
        stdout.contains("ok: generation /nix/store/abc-nixos-system: running "),
        "{stdout}"
    );
    // Not a terminal: no screen clearing in the output.
    assert!(!stdout.contains('\x1b'), "{stdout:?}");
}

#[test]
fn a_machine_that_is_not_nixos_or_cannot_be_reached_is_cannot_run_here() {
    let mut h = Host::healthy();
    h.on("readlink", "/run/current-system", "", 1);
    let (out, stdout) = h.status(&plan(serve("200 OK")), &[]);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("cannot run here: the host is not NixOS (no /run/current-system)"),
        "{stdout}"
    );

    let mut h = Host::healthy();
    h.ssh = Some("echo 'ssh: connect to host pds1 port 22: Connection refused' >&2\nexit 255");
    let (out, stdout) = h.status(&plan(serve("200 OK")), &["--host", "ops@pds1"]);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("cannot run here: cannot reach the host through ssh: ssh: connect to host pds1 port 22: Connection refused"), "{stdout}");
}

/// On a terminal, `status` shows the report full screen: each check with its level in
/// words, what to do under a problem, checked again on `r`; `q` leaves with the
/// report's exit status.
#[test]
fn on_a_terminal_the_report_is_a_screen_checked_again_on_r() {
    use crate::support::pty::Wizard;
    let mut h = Host::healthy();
    h.on(
        "systemctl",
        "show bluesky-pds.service *",
        "LoadState=loaded\nActiveState=failed\nSubState=failed\nNRestarts=5\nExecMainStatus=1\nResult=exit-code\n",
        0,
    );
    h.write_tools();
    let dir = h.tmp.path().join("host");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("atproto.toml"), plan(serve("200 OK"))).unwrap();
    let path = h.bin().display().to_string();
    let log = h.tmp.path().join("log").display().to_string();
    let mut w = Wizard::start_with_env(
        &["status", dir.to_str().unwrap()],
        &[("PATH", &path), ("STATUS_LOG", &log)],
    );
    w.wait_for("Status of");
    w.wait_for("error   unit bluesky-pds: failed");
    w.wait_for("what to do: journalctl -u bluesky-pds -e");
    w.wait_for("r check again");
    let rounds = |h: &Host| {
        h.log()
            .lines()
            .filter(|l| l.starts_with("systemctl show bluesky-pds.service"))
            .count()
    };
    let before = rounds(&h);
    w.send("r");
    let start = std::time::Instant::now();
    while rounds(&h) <= before && start.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(rounds(&h) > before, "r probes again");
    w.send("q");
    assert_eq!(w.exit_status(), 1, "the report needs attention");
}
