//! The host-side scripts of the health wiring, run with bash and fake tools first on
//! PATH: the units' start check (`nixlib/modules/integration/health-check.sh`) and
//! `atproto-diagnostics` (`nixlib/pkgs/atproto-diagnostics/atproto-diagnostics.sh`),
//! whose report must list every service's state and health and never show a secret,
//! wherever it was planted.
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tool(dir: &Path, name: &str, body: &str) {
    let path = dir.join(name);
    fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// `bin` first on PATH, the system's tools (bash, sed, tr, df, date) after it.
fn path_with(bin: &Path) -> String {
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap())
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

// --- the start check -------------------------------------------------------------

fn health_check(bin: &Path, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let out = Command::new("bash")
        .arg(repo().join("nixlib/modules/integration/health-check.sh"))
        .args(args)
        .env("PATH", path_with(bin))
        .output()
        .unwrap();
    (out, started.elapsed())
}

/// A fake curl that fails until its third call; each call is counted in `calls`.
fn curl_answering_on_third_try(bin: &Path) -> PathBuf {
    let calls = bin.join("calls");
    tool(
        bin,
        "curl",
        &format!(
            "echo \"$*\" >> {calls}\n[ \"$(wc -l < {calls})\" -ge 3 ] || exit 7",
            calls = calls.display()
        ),
    );
    calls
}

#[test]
fn the_start_check_waits_until_the_endpoint_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let calls = curl_answering_on_third_try(tmp.path());
    let (out, _) = health_check(
        tmp.path(),
        &[
            "http://127.0.0.1:3000/xrpc/_health",
            "30",
            "PDS did not answer",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    let calls = fs::read_to_string(calls).unwrap();
    assert_eq!(calls.lines().count(), 3, "{calls}");
    assert_eq!(
        calls.lines().next().unwrap(),
        "--fail --silent --output /dev/null --max-time 2 http://127.0.0.1:3000/xrpc/_health"
    );
}

#[test]
fn the_start_check_gives_up_after_its_bound_with_the_message() {
    let tmp = tempfile::tempdir().unwrap();
    tool(tmp.path(), "curl", "exit 7");
    let (out, took) = health_check(
        tmp.path(),
        &[
            "http://127.0.0.1:3000/xrpc/_health",
            "2",
            "PDS did not answer: see journalctl -u bluesky-pds",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "PDS did not answer: see journalctl -u bluesky-pds\n"
    );
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(10),
        "took {took:?}"
    );
}

#[test]
fn the_start_check_refuses_bad_usage() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _) = health_check(tmp.path(), &["http://127.0.0.1:3000/"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("usage:"),
        "{}",
        text(&out.stderr)
    );
}

// --- atproto-diagnostics ---------------------------------------------------------

/// Secrets planted where a report could pick them up; none may appear in it.
const PLANTED: &[&str] = &[
    "envplanted-admin-pw",
    "unitenv-admin-pw",
    "journal-jwt-secret",
    "fileonly-jwt-value",
    "dbpassword99",
    "abcdefghijkl12345",
    "jsonpassword1",
    "tok_verysecret",
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaWQ6cGxjOngifQ.c2lnbmF0dXJl",
    "configsecret",
    "rsky-api-key-value",
    "smtppass",
];

struct Host {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

/// A host with three services: the PDS (healthy), the relay (its health endpoint does
/// not answer) and constellation (no health endpoint upstream).
fn host() -> Host {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let bin = dir.join("bin");
    fs::create_dir(&bin).unwrap();
    tool(
        &bin,
        "systemctl",
        r#"unit=""; for a; do unit=$a; done
case "$*" in
  *--property=ActiveState\ --value*) [ "$unit" = indigo-relay.service ] && echo failed || echo active ;;
  *--property=SubState\ --value*) [ "$unit" = indigo-relay.service ] && echo failed || echo running ;;
  *) echo "ActiveState=active"; echo "SubState=running"; echo "Result=success"
     echo "Environment=PDS_ADMIN_PASSWORD=unitenv-admin-pw PDS_HOSTNAME=pds.example.com" ;;
esac"#,
    );
    tool(
        &bin,
        "journalctl",
        r#"echo "Jan 01 pds[1]: server listening on port 3000 for $1"
echo "Jan 01 pds[1]: PDS_JWT_SECRET=journal-jwt-secret and more"
echo "Jan 01 pds[1]: Authorization: Bearer abcdefghijkl12345"
echo "Jan 01 pds[1]: db postgresql://ozone:dbpassword99@localhost/ozone"
echo "Jan 01 pds[1]: value fileonly-jwt-value leaked without a name"
echo "Jan 01 pds[1]: login {\"password\":\"jsonpassword1\",\"handle\":\"alice.pds.example.com\"}"
echo "Jan 01 pds[1]: key 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
echo "Jan 01 pds[1]: GET /x?token=tok_verysecret&cursor=42"
echo "Jan 01 pds[1]: jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaWQ6cGxjOngifQ.c2lnbmF0dXJl"
echo "Jan 01 pds[1]: env leak envplanted-admin-pw"
echo "Jan 01 pds[1]: RSKY_API_KEY: rsky-api-key-value"
echo "Jan 01 pds[1]: smtp smtps://mailer:smtppass@smtp.example.com:465/"
echo "Jan 01 systemd[1]: atproto-secrets-bluesky-pds.service: Deactivated successfully."
printf 'Jan 01 pds[1]: colour \033[31mred\n'"#,
    );
    tool(
        &bin,
        "curl",
        r#"for a; do url=$a; done
case "$url" in
  *:3000/*) echo '{"version":"0.4.208"}' ;;
  *) echo "curl: (7) Failed to connect to 127.0.0.1 port 2470" >&2; exit 7 ;;
esac"#,
    );
    tool(
        &bin,
        "nixos-version",
        "echo '25.11.20260101.abcdef0 (Xantusia)'",
    );

    fs::write(
        dir.join("pds.env"),
        "PDS_JWT_SECRET=fileonly-jwt-value\nPDS_HOSTNAME=pds.example.com\n",
    )
    .unwrap();
    fs::write(
        dir.join("services"),
        format!(
            "bluesky-pds\tbluesky-pds\tpds-0.4.208\thttp://127.0.0.1:3000/xrpc/_health\t{d}\t{d}/pds.env\tatproto-secrets-bluesky-pds\n\
             indigo-relay\tindigo-relay\tindigo-tap-v0.1.10\thttp://127.0.0.1:2470/xrpc/_health\t{d}\t-\t-\n\
             constellation\tconstellation\tconstellation-0.1.0\t-\t-\t-\tconstellation-extra\n",
            d = dir.display()
        ),
    )
    .unwrap();
    fs::write(
        dir.join("config.json"),
        r#"{"bluesky-pds":{"settings":{"PDS_HOSTNAME":"pds.example.com","PDS_ADMIN_PASSWORD":"configsecret"}}}"#,
    )
    .unwrap();
    fs::write(
        dir.join("names"),
        "PDS_JWT_SECRET\nPDS_ADMIN_PASSWORD\nRSKY_API_KEY\nnot a name\n",
    )
    .unwrap();
    Host { _tmp: tmp, dir }
}

fn diagnostics(host: &Host, args: &[&str]) -> Output {
    let d = &host.dir;
    Command::new("bash")
        .arg(repo().join("nixlib/pkgs/atproto-diagnostics/atproto-diagnostics.sh"))
        .args(args)
        .env("PATH", path_with(&d.join("bin")))
        .env("ATPROTO_DIAGNOSTICS_SERVICES", d.join("services"))
        .env("ATPROTO_DIAGNOSTICS_CONFIG", d.join("config.json"))
        .env("ATPROTO_DIAGNOSTICS_SECRET_NAMES", d.join("names"))
        .env("PDS_ADMIN_PASSWORD", "envplanted-admin-pw")
        .output()
        .unwrap()
}

fn report(host: &Host) -> String {
    let out = diagnostics(host, &["--lines", "20"]);
    assert!(
        out.status.success(),
        "atproto-diagnostics failed:\n{}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn the_report_never_shows_a_secret() {
    let host = host();
    let out = diagnostics(&host, &[]);
    let printed = format!("{}{}", text(&out.stdout), text(&out.stderr));
    for secret in PLANTED {
        assert!(
            !printed.contains(secret),
            "{secret} is in the report:\n{printed}"
        );
    }
}

#[test]
fn the_report_keeps_ordinary_lines_and_marks_what_it_removed() {
    let report = report(&host());
    for kept in [
        "pds[1]: server listening on port 3000 for --unit=bluesky-pds.service",
        "pds[1]: PDS_JWT_SECRET=<redacted> and more",
        "pds[1]: Authorization: Bearer <redacted>",
        "pds[1]: db postgresql://<redacted>@localhost/ozone",
        "pds[1]: value <redacted> leaked without a name",
        "\"handle\":\"alice.pds.example.com\"",
        "GET /x?token=<redacted>&cursor=42",
        "Environment=PDS_ADMIN_PASSWORD=<redacted> PDS_HOSTNAME=pds.example.com",
        "\"PDS_HOSTNAME\": \"pds.example.com\"",
        "\"PDS_ADMIN_PASSWORD\": \"<redacted>\"",
        "systemd[1]: atproto-secrets-bluesky-pds.service: Deactivated successfully.",
    ] {
        assert!(report.contains(kept), "{kept:?} is not in:\n{report}");
    }
    // A terminal escape from a log line is shown, not sent.
    assert!(!report.contains('\u{1b}'), "{report}");
    assert!(report.contains("colour ?[31mred"), "{report}");
}

#[test]
fn the_report_lists_each_services_state_and_health() {
    let report = report(&host());
    let summary: Vec<&str> = report
        .split("== Summary\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        summary,
        [
            "bluesky-pds\tactive/running\thealth ok",
            "indigo-relay\tfailed/failed\thealth FAILING",
            "constellation\tactive/running\thealth none",
        ]
    );
    for line in [
        "nixos-version: 25.11.20260101.abcdef0 (Xantusia)",
        "== bluesky-pds (bluesky-pds.service)\npackage: pds-0.4.208\nunit:\n    ActiveState=active\n",
        "health: ok: http://127.0.0.1:3000/xrpc/_health answered: {\"version\":\"0.4.208\"}",
        "health: FAILING: http://127.0.0.1:2470/xrpc/_health: curl: (7) Failed to connect to 127.0.0.1 port 2470",
        "health: none: upstream serves no health endpoint on an enabled port",
        "== constellation (constellation.service)\npackage: constellation-0.1.0",
        "-- atproto-secrets-bluesky-pds.service: active/running\n    ActiveState=active\n",
        "-- constellation-extra.service: active/running\n",
        "journal (last 20 lines):",
        "== Configuration (non-secret, as evaluated)",
    ] {
        assert!(report.contains(line), "{line:?} is not in:\n{report}");
    }
}

#[test]
fn the_report_refuses_bad_usage_and_missing_data() {
    let host = host();
    let out = diagnostics(&host, &["--lines", "many"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--lines takes a number"));

    let out = Command::new("bash")
        .arg(repo().join("nixlib/pkgs/atproto-diagnostics/atproto-diagnostics.sh"))
        .env_remove("ATPROTO_DIAGNOSTICS_SERVICES")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("run the command the NixOS module installs"),
        "{}",
        text(&out.stderr)
    );
}
