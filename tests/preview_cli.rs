//! `atproto-wizard preview` end to end, with stand-ins for `nixos-rebuild` and `nix`
//! placed on PATH that print the recorded transcripts (tests/data/preview/): the
//! commands it runs, the streamed lines, the summary numbers and the exit codes.
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn data(name: &str) -> PathBuf {
    repo().join("tests/data/preview").join(name)
}

fn tool(dir: &Path, name: &str, body: &str) {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A host written by apply from the community-pds profile.
fn host(tmp: &Path) -> PathBuf {
    let dir = tmp.join("host");
    let out = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .args(["apply", "--yes", "--answers"])
        .arg(repo().join("profiles/community-pds.toml"))
        .arg("--dir")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    dir.canonicalize().unwrap()
}

fn preview(path: &str, args: &[&str]) -> (Output, String) {
    let out = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .arg("preview")
        .args(args)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (out, stdout)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn a_recorded_first_switch_is_summarised() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = host(tmp.path());
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = tmp.path().join("calls.log");
    tool(
        &bin,
        "nixos-rebuild",
        &format!(
            "echo \"nixos-rebuild $*\" >> {log}\n\
             case \"$1\" in\n\
               dry-build) cat {} >&2 ;;\n\
               dry-activate) cat {} >&2 ;;\n\
               build) echo 'building the system configuration...' >&2; ln -s /nonexistent result ;;\n\
             esac",
            data("pds-first-switch.dry-build.txt").display(),
            data("pds-first-switch.dry-activate.txt").display(),
            log = log.display(),
        ),
    );
    tool(
        &bin,
        "nix",
        &format!(
            "echo \"nix $* (in $PWD)\" >> {log}\ncat {}",
            data("pds-upgrade.diff-closures.txt").display(),
            log = log.display()
        ),
    );
    let against = tmp.path().join("current-system");
    std::fs::create_dir(&against).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let (out, stdout) = preview(
        &path,
        &[
            dir.to_str().unwrap(),
            "--build",
            "--against",
            against.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let flake = format!("{}#pds1", dir.display());
    let calls = std::fs::read_to_string(&log).unwrap();
    let calls: Vec<&str> = calls.lines().collect();
    let mut want = vec![format!("nixos-rebuild dry-build --flake {flake}")];
    if is_root() {
        want.push(format!("nixos-rebuild dry-activate --flake {flake}"));
    }
    want.push(format!("nixos-rebuild build --flake {flake}"));
    assert_eq!(calls[..want.len()], want[..], "{calls:?}");
    let diff_call = calls[want.len()];
    assert!(
        diff_call.starts_with(&format!(
            "nix --extra-experimental-features nix-command flakes store diff-closures {} ./result (in ",
            against.display()
        )),
        "{diff_call}"
    );
    // Streamed with the step in front, then summarised with the transcript's numbers.
    assert!(
        stdout.contains(&format!("$ nixos-rebuild dry-build --flake {flake}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains("dry-build | these 23 derivations will be built:\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "  build: 23 derivations to build, 41 paths to fetch (96.9 MiB download, 402.3 MiB unpacked)\n"
        ),
        "{stdout}"
    );
    if is_root() {
        assert!(stdout.contains("  activate: start 8 units: atproto-secrets-bluesky-pds.service, bluesky-pds.service, caddy.service,"), "{stdout}");
        assert!(stdout.contains("  activate: restart 3 units: nscd.service, systemd-journald.service, systemd-sysctl.service\n"), "{stdout}");
        assert!(
            stdout.contains("  activate: re-execute systemd\n"),
            "{stdout}"
        );
    } else {
        assert!(
            stdout.contains("dry-activate was left out: it needs root"),
            "{stdout}"
        );
    }
    assert!(
        stdout.contains("  closure: 17 packages changed: 1 added, 3 removed, 10 upgraded, 1 changed version, 2 changed size only; closure size -32.7 MiB\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("Result: ok (exit status 0)\n"), "{stdout}");
}

#[test]
fn without_nixos_rebuild_it_says_what_would_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = host(tmp.path());
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (out, stdout) = preview(empty.to_str().unwrap(), &[dir.to_str().unwrap(), "--build"]);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    let flake = format!("{}#pds1", dir.display());
    assert!(stdout.contains("cannot run here: "), "{stdout}");
    let expected = format!(
        "  nixos-rebuild dry-build --flake {flake}\n  nixos-rebuild dry-activate --flake {flake}\n  \
         cd \"$(mktemp -d)\"   # build leaves a ./result link here\n  nixos-rebuild build --flake {flake}\n  \
         nix --extra-experimental-features 'nix-command flakes' store diff-closures /run/current-system ./result\n"
    );
    assert!(stdout.contains(&expected), "{stdout}");
    assert!(
        stdout.contains("Result: could not run everything here (exit status 3)"),
        "{stdout}"
    );
}

/// A stand-in `nixos-rebuild` whose every run prints `transcript` on stderr and fails,
/// or, with `fail_only`, fails only that action and succeeds with the first switch's
/// transcripts otherwise.
fn failing_rebuild(bin: &Path, transcript: &str, fail_only: Option<&str>) {
    let fail = format!("cat {} >&2; exit 1", data(transcript).display());
    let body = match fail_only {
        None => fail,
        Some(action) => format!(
            "case \"$1\" in\n\
               {action}) {fail} ;;\n\
               dry-build) cat {} >&2 ;;\n\
               dry-activate) cat {} >&2 ;;\n\
             esac",
            data("pds-first-switch.dry-build.txt").display(),
            data("pds-first-switch.dry-activate.txt").display(),
        ),
    };
    tool(bin, "nixos-rebuild", &body);
}

/// Nix 2.28 (eval-failed-assertions.txt): the failed step says why and nothing else,
/// and each assertion from our options stands at its line in atproto.toml.
#[test]
fn a_failing_dry_build_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = host(tmp.path());
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    failing_rebuild(&bin, "eval-failed-assertions.txt", None);
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let (out, stdout) = preview(&path, &[dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("error: dry-build failed: `nixos-rebuild` failed (exit status 1)\n"),
        "{stdout}"
    );
    let toml = format!("{}/atproto.toml:", dir.display());
    assert!(
        stdout.contains(&format!(
            "  dry-build: failed: 2 failed assertions\n    {toml}"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("error: Bluesky PDS gives users handles under its hostname"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "    error: The ‘fileSystems’ option does not specify your root file system.\n"
        ),
        "{stdout}"
    );
    // A failed dry-build claims nothing about what would be built.
    assert!(!stdout.contains("nothing to build"), "{stdout}");
    assert!(!stdout.contains("  build: "), "{stdout}");
    // The warning printed while evaluating is counted.
    assert!(stdout.contains("  evaluation: 1 warning\n"), "{stdout}");
    // Nothing after the failed step runs.
    assert!(!stdout.contains("dry-activate:"), "{stdout}");
}

/// Nix 2.18 (eval-assertions-blank-lines.txt): a message with a blank line inside is
/// listed whole in the summary.
#[test]
fn assertions_with_blank_lines_are_listed_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = host(tmp.path());
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    failing_rebuild(&bin, "eval-assertions-blank-lines.txt", None);
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let (out, stdout) = preview(&path, &[dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("  dry-build: failed: 3 failed assertions\n"),
        "{stdout}"
    );
    // `trace: evaluation warning:` (nixpkgs' lib.warn on Nix before 2.23) is counted.
    assert!(stdout.contains("  evaluation: 1 warning\n"), "{stdout}");
    assert!(
        stdout.contains("have the flag neededForBoot set to true.\n\n        Please fix or remove the following paths:"),
        "{stdout}"
    );
}

/// Nix 2.29 (build-failed-nix-2.29.txt): a builder that fails names its derivation
/// and shows its last lines; the steps before it keep their summary.
#[test]
fn a_failing_build_names_the_derivation() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = host(tmp.path());
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    failing_rebuild(&bin, "build-failed-nix-2.29.txt", Some("build"));
    tool(&bin, "nix", "exit 0");
    let against = tmp.path().join("current-system");
    std::fs::create_dir(&against).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let (out, stdout) = preview(
        &path,
        &[
            dir.to_str().unwrap(),
            "--build",
            "--against",
            against.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("  build: failed: building Caddyfile failed with exit code 1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "> Error: adapting config using caddyfile: ambiguous site definition: pds.example.com"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("  build: 23 derivations to build"),
        "{stdout}"
    );
}

/// Nix 2.18 (build-offline-nix-2.18.txt): no network inside a build is "could not
/// run here" (exit 3), not "the host fails".
#[test]
fn offline_inside_a_build_is_could_not_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = host(tmp.path());
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    failing_rebuild(&bin, "build-offline-nix-2.18.txt", None);
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let (out, stdout) = preview(&path, &[dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("  dry-build: failed: no network here: curl: (6) Could not resolve host: tarballs.nixos.org\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Result: could not run everything here (exit status 3)"),
        "{stdout}"
    );
}

#[test]
fn offline_flake_inputs_are_could_not_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = host(tmp.path());
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    tool(
        &bin,
        "nixos-rebuild",
        &format!("cat {} >&2\nexit 1", data("eval-offline.txt").display()),
    );
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let (out, stdout) = preview(&path, &[dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("Fetching the host's flake inputs"),
        "{stdout}"
    );
}

#[test]
fn a_directory_without_a_host_is_unreadable() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, stdout) = preview("/usr/bin:/bin", &[tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("holds no host"), "{stdout}");
    let (out, _) = preview(
        "/usr/bin:/bin",
        &[tmp.path().join("nope").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn deep_without_nix_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = host(tmp.path());
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (out, stdout) = preview(
        empty.to_str().unwrap(),
        &[dir.to_str().unwrap(), "--deep", "--no-rebuild"],
    );
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("cannot run here: Nix is not installed here (`nix` is not on PATH)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("deep check: could not evaluate here"),
        "{stdout}"
    );
}

#[test]
fn ctrl_c_stops_the_tool_and_exits_130() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = host(tmp.path());
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let pidfile = tmp.path().join("sleeper.pid");
    tool(
        &bin,
        "nixos-rebuild",
        &format!(
            "echo 'building the system configuration...' >&2\nsleep 60 &\necho $! > {}\nwait",
            pidfile.display()
        ),
    );
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let child = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .arg("preview")
        .arg(&dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let sleeper: i32 = loop {
        if let Ok(text) = std::fs::read_to_string(&pidfile)
            && let Ok(pid) = text.trim().parse()
        {
            break pid;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the tool never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    // SAFETY: signals the child we started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(130), "{stdout}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let gone = || {
        std::fs::read_to_string(format!("/proc/{sleeper}/stat")).map_or(true, |s| {
            s.rsplit(')')
                .next()
                .is_some_and(|r| r.trim_start().starts_with('Z'))
        })
    };
    while !gone() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(gone(), "the tool's child {sleeper} still runs");
}

/// What the tools print reaches the terminal with its control characters escaped: an
/// error quoting a hostile file cannot set the terminal's title or clear the screen.
#[test]
fn control_characters_in_what_the_tools_print_are_shown_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = host(tmp.path());
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    tool(
        &bin,
        "nixos-rebuild",
        r"printf 'error: in the file: \033]0;owned\007\033[2J\n' >&2; exit 1",
    );
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let (_, out) = preview(&path, &[dir.to_str().unwrap()]);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("\\u{1b}]0;owned"), "{out}");
}
