//! The real binary driven through a pseudo-terminal, whole journeys: a first-time PDS
//! host from an empty directory, a relay node, editing a PDS host to add constellation,
//! quitting halfway and a SIGTERM leaving the directory untouched. Each step waits for
//! text on the screen (a vt100 emulator reads the output), with generous timeouts.
use std::path::{Path, PathBuf};

use crate::support::pty::{DOWN, ENTER, RIGHT, Wizard, bin};

fn apply(answers: &Path, dir: &Path) -> std::process::Output {
    std::process::Command::new(bin())
        .args(["apply", "--yes", "--answers"])
        .arg(answers)
        .arg("--dir")
        .arg(dir)
        .output()
        .unwrap()
}

fn host_files(dir: &Path) -> Vec<(String, String)> {
    [
        "atproto.toml",
        "atproto.nix",
        "configuration.nix",
        "flake.nix",
    ]
    .iter()
    .filter_map(|n| {
        std::fs::read_to_string(dir.join(n))
            .ok()
            .map(|t| (n.to_string(), t))
    })
    .collect()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn first_time_pds_host_from_an_empty_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pds-host");
    let mut w = Wizard::start(&["new", "--dir", dir.to_str().unwrap()]);
    w.wait_for("what will this host run?");
    w.wait_for("A community PDS");
    w.send(ENTER);
    w.wait_for("Host: the machine");
    w.replace_field("pds7");
    w.replace_field("pds.example.net");
    w.replace_field("ops@example.net");
    w.wait_for("ops@example.net");
    w.jump_from_end(2);
    w.wait_for("Review: lines");
    w.wait_for("Problems:");
    w.send(RIGHT);
    w.wait_for("Press Enter to write");
    w.send(ENTER);
    w.wait_for("Wrote 4 files");
    w.wait_for("Next:");
    w.press_until(DOWN, "nixos-rebuild switch --flake");
    w.send(ENTER);
    assert_eq!(w.exit_status(), 0);

    let written = host_files(&dir);
    assert_eq!(written.len(), 4);
    let toml = &written[0].1;
    assert!(toml.contains("hostname = \"pds7\""), "{toml}");
    assert!(toml.contains("domain = \"pds.example.net\""), "{toml}");
    // The PDS follows the host's domain it was given.
    assert!(toml.contains("hostname = \"pds.example.net\""), "{toml}");
    // apply with the atproto.toml the wizard wrote writes the very same files.
    let other = tmp.path().join("by-apply");
    let out = apply(&dir.join("atproto.toml"), &other);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(host_files(&other), written);
}

#[test]
fn a_relay_node() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("relay");
    let mut w = Wizard::start(&[
        "new",
        "--dir",
        dir.to_str().unwrap(),
        "--profile",
        "relay-node",
        "--ascii",
    ]);
    w.wait_for("Host: the machine");
    w.replace_field("relay7");
    w.jump_from_end(1);
    w.wait_for("Press Enter to write");
    w.send(ENTER);
    w.wait_for("Wrote 4 files");
    w.send("q");
    assert_eq!(w.exit_status(), 0);
    let flake = std::fs::read_to_string(dir.join("flake.nix")).unwrap();
    assert!(flake.contains("relay7"), "{flake}");
    let nix = std::fs::read_to_string(dir.join("atproto.nix")).unwrap();
    assert!(nix.contains("indigo-relay"), "{nix}");
    let other = tmp.path().join("by-apply");
    assert!(apply(&dir.join("atproto.toml"), &other).status.success());
    assert_eq!(host_files(&other), host_files(&dir));
}

#[test]
fn the_preview_at_the_done_step_explains_why_it_cannot_run_here() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("relay");
    // An empty PATH: neither nixos-rebuild nor nix is found, as on a machine that is
    // not NixOS, whatever this one has.
    let bin_dir = tmp.path().join("empty-bin");
    std::fs::create_dir(&bin_dir).unwrap();
    let mut w = Wizard::start_with_env(
        &[
            "new",
            "--dir",
            dir.to_str().unwrap(),
            "--profile",
            "relay-node",
            "--ascii",
        ],
        &[("PATH", bin_dir.to_str().unwrap())],
    );
    w.wait_for("Host: the machine");
    w.replace_field("relay7");
    w.jump_from_end(1);
    w.wait_for("Press Enter to write");
    w.send(ENTER);
    w.wait_for("Wrote 4 files");
    w.wait_for("p preview");
    w.send("p");
    w.wait_for("cannot run here");
    w.wait_for("On the host, run:");
    w.wait_for("nixos-rebuild dry-build");
    w.wait_for("Preview: finished");
    w.send("q");
    assert_eq!(w.exit_status(), 0);
}

#[test]
fn editing_a_pds_host_to_add_constellation() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("pds");
    assert!(
        apply(&repo().join("profiles/community-pds.toml"), &dir)
            .status
            .success()
    );
    let before = host_files(&dir);
    let index = atproto_wizard::wizard::questions::services_in_order(
        atproto_wizard::catalog::Catalog::embedded(),
    )
    .iter()
    .position(|s| s.id == "constellation")
    .unwrap();
    let mut w = Wizard::start(&["edit", dir.to_str().unwrap()]);
    // An edit opens at the Host step, every field filled in.
    w.wait_for("Host: the machine");
    w.wait_for("pds.example.com");
    w.send(RIGHT);
    w.wait_for("Services: what this host runs (1 on)");
    for _ in 0..index {
        w.send(DOWN);
    }
    w.send(" ");
    w.wait_for("(2 on)");
    w.wait_for("constellation.pds.example.com");
    w.jump_from_end(2);
    w.wait_for("Review: lines");
    w.wait_for("Problems:");
    // The files come after the problems and the summary: page down to them.
    w.press_until(" ", "update atproto.nix");
    w.send(RIGHT);
    w.wait_for("Press Enter to write");
    w.send(ENTER);
    w.wait_for("Wrote 2 files");
    w.send(ENTER);
    assert_eq!(w.exit_status(), 0);
    let after = host_files(&dir);
    assert_eq!(after[2], before[2], "configuration.nix untouched");
    assert_eq!(after[3], before[3], "flake.nix untouched");
    assert!(after[1].1.contains("constellation"));
    assert!(after[0].1.contains("# A Bluesky PDS for a community"));
    let backups = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".bak")
        })
        .count();
    assert_eq!(backups, 2);
}

#[test]
fn quitting_halfway_leaves_the_directory_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let mut w = Wizard::start(&["new", "--dir", dir.to_str().unwrap()]);
    w.wait_for("A community PDS");
    w.send(ENTER);
    w.wait_for("Host: the machine");
    w.replace_field("halfway");
    w.send(RIGHT);
    w.wait_for("Services: what");
    w.send("q");
    w.wait_for("Quit without writing?");
    w.send("y");
    assert_eq!(w.exit_status(), 4);
    assert!(!dir.exists());

    // An existing host is left as it was too, and so is it on SIGTERM.
    assert!(
        apply(&repo().join("profiles/relay-node.toml"), &dir)
            .status
            .success()
    );
    let before = host_files(&dir);
    let mut w = Wizard::start(&["edit", dir.to_str().unwrap()]);
    w.wait_for("Host: the machine");
    w.replace_field("changed");
    w.wait_for("changed");
    let pid = w.child.process_id().unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(w.exit_status(), 128 + 15);
    assert_eq!(host_files(&dir), before);
    // The terminal is back on its main screen, which says what happened.
    w.wait_for("Stopped by a signal; nothing was written.");
    assert!(!w.screen.lock().unwrap().screen().alternate_screen());
}

#[test]
fn a_hang_up_keeps_the_answers_and_the_next_start_offers_them() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let state = tmp.path().join("state");
    let env = [
        ("XDG_STATE_HOME", state.to_str().unwrap()),
        ("HOME", tmp.path().to_str().unwrap()),
    ];
    let args = ["new", "--dir", dir.to_str().unwrap()];
    let mut w = Wizard::start_with_env(&args, &env);
    w.wait_for("A community PDS");
    w.send(ENTER);
    w.wait_for("Host: the machine");
    w.replace_field("hungup7");
    w.wait_for("hungup7");
    w.signal(libc::SIGHUP);
    assert_eq!(w.exit_status(), 128 + 1);
    w.wait_for("Your answers are kept");
    assert!(!dir.exists(), "nothing is written");

    // The draft: user-only, in a user-only directory, holding the answer.
    let drafts = state.join("atproto-wizard/drafts");
    let kept: Vec<PathBuf> = std::fs::read_dir(&drafts)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&kept[0]), 0o600);
    assert_eq!(mode(&drafts), 0o700);
    assert!(
        std::fs::read_to_string(&kept[0])
            .unwrap()
            .contains("hungup7")
    );

    // `new` on the same directory offers it, with what differs, and takes it up.
    let mut w = Wizard::start_with_env(&args, &env);
    w.wait_for("Resume your answers?");
    w.wait_for("host.hostname = \"hungup7\" (was \"pds1\")");
    w.send("y");
    w.wait_for("Resumed the answers saved");
    w.wait_for("Host: the machine");
    w.wait_for("hungup7");
    // Quitting without writing, confirmed, discards them.
    w.send("q");
    w.wait_for("Quit without writing?");
    w.send("y");
    assert_eq!(w.exit_status(), 4);
    assert!(!kept[0].exists(), "the discarded draft is gone");
    assert!(!dir.exists());
}

#[test]
fn an_edit_cut_off_is_offered_again_and_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let state = tmp.path().join("state");
    assert!(
        apply(&repo().join("profiles/relay-node.toml"), &dir)
            .status
            .success()
    );
    let env = [
        ("XDG_STATE_HOME", state.to_str().unwrap()),
        ("HOME", tmp.path().to_str().unwrap()),
    ];
    let args = ["edit", dir.to_str().unwrap()];
    let mut w = Wizard::start_with_env(&args, &env);
    w.wait_for("Host: the machine");
    w.replace_field("edited9");
    w.wait_for("edited9");
    w.signal(libc::SIGHUP);
    assert_eq!(w.exit_status(), 128 + 1);
    let toml = || std::fs::read_to_string(dir.join("atproto.toml")).unwrap();
    assert!(!toml().contains("edited9"), "nothing is written");

    // The same edit, started again, offers the answers against the host's own.
    let mut w = Wizard::start_with_env(&args, &env);
    w.wait_for("Resume your answers?");
    w.wait_for("host.hostname = \"edited9\" (was \"relay1\")");
    w.send("y");
    w.wait_for("Resumed the answers saved");
    w.wait_for("edited9");
    // To the Write step (Done waits for the write), then write.
    for _ in 0..20 {
        w.send(RIGHT);
    }
    w.wait_for("Press Enter to write");
    w.send(ENTER);
    w.wait_for("Wrote");
    w.send("q");
    assert_eq!(w.exit_status(), 0);
    assert!(toml().contains("hostname = \"edited9\""), "{}", toml());
    let drafts = state.join("atproto-wizard/drafts");
    assert_eq!(
        std::fs::read_dir(&drafts).unwrap().count(),
        0,
        "a written draft is gone"
    );
}

#[test]
fn in_a_git_work_tree_the_done_step_says_what_to_add() {
    // The first frame is drawn before git is asked anything; the write reads the
    // directory afresh, git included, and the Done step names what to add.
    let tmp = tempfile::tempdir().unwrap();
    let repo_dir = tmp.path().join("repo");
    std::fs::create_dir_all(&repo_dir).unwrap();
    let init = std::process::Command::new("git")
        .args(["init", "-q"])
        .arg(&repo_dir)
        .status();
    if !init.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    let dir = repo_dir.join("host");
    let state = tmp.path().join("state");
    let env = [
        ("XDG_STATE_HOME", state.to_str().unwrap()),
        ("HOME", tmp.path().to_str().unwrap()),
    ];
    let args = [
        "new",
        "--profile",
        "relay-node",
        "--dir",
        dir.to_str().unwrap(),
    ];
    let mut w = Wizard::start_with_env(&args, &env);
    w.wait_for("Host: the machine");
    for _ in 0..20 {
        w.send(RIGHT);
    }
    w.wait_for("Press Enter to write");
    w.send(ENTER);
    w.wait_for("Wrote");
    w.wait_for("A flake only sees the files git tracks");
    w.send("q");
    assert_eq!(w.exit_status(), 0);
    assert!(dir.join("flake.nix").exists());
}

#[test]
fn without_a_terminal_it_points_at_apply() {
    let out = std::process::Command::new(bin())
        .args(["new", "--dir", "/nonexistent/x"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("apply --answers"), "{err}");
}

/// `fleet edit` on a terminal: the fleet view lists each host with its state; a host
/// opens in the usual steps, where its reference is chosen from the fleet's services;
/// Write saves its answers and comes back to the view with the host done.
#[test]
fn the_fleet_view_opens_a_host_and_a_reference_is_chosen_from_the_fleet() {
    let tmp = tempfile::tempdir().unwrap();
    let fleet = tmp.path();
    crate::support::copy_fleet(fleet);
    let answers = fleet.join("hosts/microcosm1/atproto.toml");
    let text = std::fs::read_to_string(&answers).unwrap().replacen(
        "jetstream = \"@relay1/jetstream\"",
        "jetstream = \"@relay9/jetstream\"",
        1,
    );
    std::fs::write(&answers, text).unwrap();
    let file = fleet.join("fleet.toml");
    let mut w = Wizard::start(&["fleet", "edit", file.to_str().unwrap()]);
    w.wait_for("Fleet example (colmena, 3 hosts)");
    w.wait_for("error 1");
    w.send(DOWN);
    w.send(DOWN);
    w.send(ENTER);
    w.wait_for("Host: the machine");
    w.send(RIGHT);
    w.send(RIGHT);
    w.wait_for("Constellation: settings");
    w.send(DOWN);
    w.send(DOWN);
    w.send(DOWN);
    w.send(ENTER);
    w.wait_for("jetstream: a service of the fleet");
    w.wait_for("@relay1/jetstream  Jetstream on relay1");
    w.send(ENTER);
    w.press_until(RIGHT, "Press Enter to write");
    w.wait_for("These are the host's answers alone");
    w.send(ENTER);
    w.wait_for("microcosm1: answers saved");
    assert!(!w.text().contains("error 1"), "{}", w.text());
    w.send("q");
    assert_eq!(w.exit_status(), 0);
    let saved = std::fs::read_to_string(&answers).unwrap();
    assert!(
        saved.contains("jetstream = \"@relay1/jetstream\""),
        "{saved}"
    );
    // Only the answers: the fleet's Nix is written by applying the fleet.
    assert!(!fleet.join("hosts/microcosm1/atproto.nix").exists());
    assert!(!fleet.join("flake.nix").exists());
}
