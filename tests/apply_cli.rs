//! `atproto-wizard apply` as an operator runs it: every profile into an empty directory
//! and into a typical existing host, second runs that change nothing, hand edits
//! refused, dry runs, confirmation, colours, and the git hint.
use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::SystemTime;

use assert_cmd::Command;
use atproto_wizard::apply::{checksum, generated_atproto_nix};
use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::Answers;

fn wizard() -> Command {
    let mut c = Command::cargo_bin("atproto-wizard").unwrap();
    c.env("NO_COLOR", "1");
    c
}

struct Run {
    status: i32,
    stdout: String,
}

fn apply(answers: &Path, dir: &Path, extra: &[&str]) -> Run {
    let out = wizard()
        .args(["apply", "--answers"])
        .arg(answers)
        .arg("--dir")
        .arg(dir)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "apply wrote to stderr: {stderr}");
    Run {
        status: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
    }
}

fn profiles() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(support::repo().join("profiles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    assert!(!v.is_empty());
    v
}

/// Every file in a directory with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            (
                e.file_name().into_string().unwrap(),
                (std::fs::read(e.path()).unwrap(), m.modified().unwrap()),
            )
        })
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    snapshot(dir).into_keys().collect()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn backups(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.ends_with(".bak"))
        .collect()
}

/// Parses with rnix and, where installed, `nix-instantiate --parse`.
fn assert_parses(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = rnix::Root::parse(&text);
    assert!(
        parsed.errors().is_empty(),
        "{}: rnix: {:?}\n{text}",
        path.display(),
        parsed.errors()
    );
    if let Some(nix) = support::nix_instantiate() {
        let out = Process::new(nix).arg("--parse").arg(path).output().unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn assert_nixfmt_clean(name: &str, text: &str) {
    let formatted = nixfmt_rs::format(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(formatted, text, "{name} is not as nixfmt formats it");
}

/// No secret value anywhere: no `NAME=value` of any catalog secret's variable, and the
/// answers' file settings are paths.
fn assert_no_secrets(dir: &Path) {
    let catalog = Catalog::embedded();
    for name in names(dir) {
        let text = read(dir, &name);
        for service in catalog.services.values() {
            for secret in &service.secrets {
                if let Some(env) = &secret.env {
                    assert!(
                        !text.contains(&format!("{env}=")),
                        "{name} holds a value for the secret {env}"
                    );
                }
            }
        }
    }
    let answers = Answers::parse("atproto.toml", &read(dir, "atproto.toml")).unwrap();
    let mut files = Vec::new();
    collect_files(&answers.tree, "", &mut files);
    for (path, value) in files {
        assert!(
            value.starts_with('/') || value.starts_with("./"),
            "{path} = {value:?} is not a path"
        );
    }
}

fn collect_files(
    tree: &BTreeMap<String, atproto_wizard::value::Value>,
    at: &str,
    out: &mut Vec<(String, String)>,
) {
    use atproto_wizard::value::Value;
    for (k, v) in tree {
        let path = format!("{at}{k}");
        match v {
            Value::Table(t) => collect_files(t, &format!("{path}."), out),
            Value::Str(s) if k.ends_with("_file") || k.ends_with("password") => {
                out.push((path, s.clone()))
            }
            _ => {}
        }
    }
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn is_flake_mode(dir: &Path) -> bool {
    !read(dir, "atproto.toml").contains("mode = \"classic\"")
}

/// What `nixos-generate-config` writes, with a line of the operator's own.
const EXISTING_CONFIGURATION: &str = r#"# Edit this configuration file to define what should be installed on
# your system.  Help is available in the configuration.nix(5) man page
# and in the NixOS manual (accessible by running ‘nixos-help’).

{ config, pkgs, ... }:

{
  imports =
    [ # Include the results of the hardware scan.
      ./hardware-configuration.nix
    ];

  # Use the GRUB 2 boot loader.
  boot.loader.grub.enable = true;
  boot.loader.grub.device = "/dev/vda"; # or "nodev" for efi only

  # networking.hostName = "nixos"; # Define your hostname.

  time.timeZone = "Europe/Berlin";

  users.users.ops = {
    isNormalUser = true;
    extraGroups = [ "wheel" ]; # Enable ‘sudo’ for the user.
  };

  services.openssh.enable = true;

  # This value determines the NixOS release from which the default
  # settings for stateful data, like file locations and database versions
  # on your system were taken. Do not change it.
  system.stateVersion = "25.11"; # Did you read the comment?

}
"#;

const HARDWARE: &str = "{ config, lib, pkgs, modulesPath, ... }:\n{\n  imports = [ (modulesPath + \"/profiles/qemu-guest.nix\") ];\n  fileSystems.\"/\" = { device = \"/dev/vda1\"; fsType = \"ext4\"; };\n}\n";

// ------------------------------------------------------------------ tests

#[test]
fn every_profile_applies_into_an_empty_directory_and_a_second_apply_changes_nothing() {
    for profile in profiles() {
        let tmp = tempfile::tempdir().unwrap();
        // A directory that does not exist yet: apply creates it.
        let dir = tmp.path().join("etc/nixos");
        let run = apply(&profile, &dir, &["--yes"]);
        assert_eq!(run.status, 0, "{}:\n{}", profile.display(), run.stdout);
        let flake = is_flake_mode(&dir);
        let mut expected = vec!["atproto.nix", "atproto.toml", "configuration.nix"];
        if flake {
            expected.push("flake.nix");
        }
        expected.sort();
        assert_eq!(names(&dir), expected, "{}", profile.display());
        for name in &expected {
            assert_eq!(mode(&dir.join(name)), 0o644, "{name}");
            if name.ends_with(".nix") {
                assert_parses(&dir.join(name));
                assert_nixfmt_clean(name, &read(&dir, name));
            }
        }
        // atproto.nix is what render prints, checksum included.
        let atproto_nix = read(&dir, "atproto.nix");
        assert_eq!(checksum::verify(&atproto_nix), checksum::Stamp::Intact);
        let answers = Answers::read(&profile).unwrap();
        assert_eq!(
            atproto_nix,
            generated_atproto_nix(&answers, Catalog::embedded())
        );
        // The host imports the flake's modules and atproto.nix.
        assert!(read(&dir, "configuration.nix").contains("./atproto.nix"));
        if flake {
            let flake_nix = read(&dir, "flake.nix");
            assert!(
                flake_nix.contains("atproto-nix.nixosModules.default"),
                "{flake_nix}"
            );
        }
        assert_no_secrets(&dir);
        assert!(run.stdout.contains("Wrote "), "{}", run.stdout);

        let before = snapshot(&dir);
        let again = apply(&profile, &dir, &["--yes"]);
        assert_eq!(again.status, 0, "{}", again.stdout);
        assert!(again.stdout.contains("No changes"), "{}", again.stdout);
        assert_eq!(snapshot(&dir), before, "the second apply wrote something");
        // Applying the written atproto.toml itself, as the operator will next time.
        let again = apply(&dir.join("atproto.toml"), &dir, &["--yes"]);
        assert!(again.stdout.contains("No changes"), "{}", again.stdout);
        assert_eq!(snapshot(&dir), before);
    }
}

#[test]
fn every_profile_applies_into_a_typical_existing_host() {
    for profile in profiles() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("configuration.nix"), EXISTING_CONFIGURATION).unwrap();
        std::fs::write(dir.join("hardware-configuration.nix"), HARDWARE).unwrap();
        let run = apply(&profile, dir, &["--yes"]);
        assert_eq!(run.status, 0, "{}:\n{}", profile.display(), run.stdout);
        assert!(
            run.stdout.contains("adds ./atproto.nix to its imports"),
            "{}",
            run.stdout
        );
        let configuration = read(dir, "configuration.nix");
        assert!(configuration.contains("./atproto.nix"), "{configuration}");
        // Only the import was added: take it out and the operator's file is back.
        let lines_before: Vec<&str> = EXISTING_CONFIGURATION.lines().collect();
        let lines_after: Vec<&str> = configuration
            .lines()
            .filter(|l| l.trim() != "./atproto.nix")
            .collect();
        assert_eq!(lines_after, lines_before, "{configuration}");
        assert_parses(&dir.join("configuration.nix"));
        // The old configuration.nix is kept, byte for byte.
        let b = backups(dir);
        assert_eq!(b.len(), 1, "{b:?}");
        assert!(b[0].starts_with("configuration.nix.") && b[0].ends_with("Z.bak"));
        assert_eq!(read(dir, &b[0]), EXISTING_CONFIGURATION);
        assert_eq!(read(dir, "hardware-configuration.nix"), HARDWARE);
        for name in ["atproto.nix", "flake.nix"] {
            if dir.join(name).exists() {
                assert_parses(&dir.join(name));
                assert_nixfmt_clean(name, &read(dir, name));
            }
        }
        assert_no_secrets(dir);

        let before = snapshot(dir);
        let again = apply(&profile, dir, &["--yes"]);
        assert_eq!(again.status, 0);
        assert!(again.stdout.contains("No changes"), "{}", again.stdout);
        assert_eq!(snapshot(dir), before);
    }
}

fn community_pds() -> PathBuf {
    support::repo().join("profiles/community-pds.toml")
}

#[test]
fn a_hand_edited_atproto_nix_is_refused_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    assert_eq!(apply(&community_pds(), dir, &["--yes"]).status, 0);
    let generated = read(dir, "atproto.nix");
    let edited = generated.replace(
        "  networking.hostName = \"pds1\";\n",
        "  networking.hostName = \"pds1\";\n  networking.firewall.allowedTCPPorts = [ 22 ]; # mine\n",
    );
    assert_ne!(edited, generated);
    std::fs::write(dir.join("atproto.nix"), &edited).unwrap();
    // New answers, so that apply has something to write.
    let answers = dir.join("next.toml");
    std::fs::write(
        &answers,
        read(dir, "atproto.toml").replace("fail2ban = true", "fail2ban = false"),
    )
    .unwrap();
    let before = snapshot(dir);

    let run = apply(&answers, dir, &["--yes"]);
    assert_eq!(run.status, 5, "{}", run.stdout);
    assert!(run.stdout.contains("edited by hand"), "{}", run.stdout);
    // The edit itself is shown, and what would be lost.
    assert!(
        run.stdout
            .contains("+  networking.firewall.allowedTCPPorts = [ 22 ]; # mine"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("-  networking.firewall.allowedTCPPorts = [ 22 ]; # mine"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("--force"), "{}", run.stdout);
    assert!(run.stdout.contains("nothing was written"), "{}", run.stdout);
    assert_eq!(snapshot(dir), before, "a refused apply wrote something");

    let run = apply(&answers, dir, &["--yes", "--force"]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    let now = read(dir, "atproto.nix");
    assert_eq!(checksum::verify(&now), checksum::Stamp::Intact);
    assert!(!now.contains("# mine"));
    let b: Vec<String> = backups(dir)
        .into_iter()
        .filter(|n| n.starts_with("atproto.nix."))
        .collect();
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(read(dir, &b[0]), edited);
}

#[test]
fn a_dry_run_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let run = apply(&community_pds(), &dir, &["--dry-run"]);
    assert_eq!(run.status, 0);
    assert!(run.stdout.contains("+++ b/atproto.nix"), "{}", run.stdout);
    assert!(run.stdout.contains("Dry run"), "{}", run.stdout);
    assert!(!dir.exists(), "a dry run created the directory");

    // Also over an existing host, with --yes.
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("configuration.nix"), EXISTING_CONFIGURATION).unwrap();
    let before = snapshot(&dir);
    let run = apply(&community_pds(), &dir, &["--dry-run", "--yes"]);
    assert_eq!(run.status, 0);
    assert!(
        run.stdout.contains("--- a/configuration.nix"),
        "{}",
        run.stdout
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn invalid_answers_are_reported_as_check_reports_them_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = tmp.path().join("atproto.toml");
    std::fs::write(
        &answers,
        std::fs::read_to_string(community_pds()).unwrap().replace(
            "admin_email = \"admin@example.com\"",
            "admin_email = \"nope\"",
        ),
    )
    .unwrap();
    let dir = tmp.path().join("host");
    let run = apply(&answers, &dir, &["--yes"]);
    assert_eq!(run.status, 1);
    let check = wizard()
        .args(["check", "--answers"])
        .arg(&answers)
        .output()
        .unwrap();
    let check = String::from_utf8(check.stdout).unwrap();
    assert!(check.contains("error"), "{check}");
    assert!(
        run.stdout.starts_with(&check),
        "{}\n---\n{check}",
        run.stdout
    );
    assert!(!dir.exists());

    // An unreadable answers file is exit 2.
    let run = apply(&tmp.path().join("missing.toml"), &dir, &["--yes"]);
    assert_eq!(run.status, 2, "{}", run.stdout);
    assert!(!dir.exists());
}

#[test]
fn without_yes_and_without_a_terminal_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let run = apply(&community_pds(), &dir, &[]);
    assert_eq!(run.status, 4, "{}", run.stdout);
    assert!(run.stdout.contains("pass --yes"), "{}", run.stdout);
    assert!(!dir.exists());
}

#[test]
fn a_foreign_flake_it_cannot_edit_stops_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let flake = "{\n  inputs.parts.url = \"github:hercules-ci/flake-parts\";\n  outputs = inputs: inputs.parts.lib.mkFlake { inherit inputs; } { };\n}\n";
    std::fs::write(dir.join("flake.nix"), flake).unwrap();
    std::fs::write(dir.join("configuration.nix"), EXISTING_CONFIGURATION).unwrap();
    let before = snapshot(dir);
    let run = apply(&community_pds(), dir, &["--yes", "--force"]);
    assert_eq!(run.status, 5, "{}", run.stdout);
    assert!(run.stdout.contains("refused: flake.nix"), "{}", run.stdout);
    assert!(
        run.stdout.contains("atproto-nix.nixosModules.default"),
        "the lines to add by hand: {}",
        run.stdout
    );
    assert_eq!(snapshot(dir), before);
}

#[test]
fn classic_mode_writes_no_flake() {
    let tmp = tempfile::tempdir().unwrap();
    let answers = tmp.path().join("classic.toml");
    std::fs::write(
        &answers,
        std::fs::read_to_string(community_pds())
            .unwrap()
            .replace("mode = \"flake\"", "mode = \"classic\""),
    )
    .unwrap();
    let dir = tmp.path().join("host");
    let run = apply(&answers, &dir, &["--yes"]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(
        names(&dir),
        ["atproto.nix", "atproto.toml", "configuration.nix"]
    );
    for name in ["atproto.nix", "configuration.nix"] {
        assert_parses(&dir.join(name));
        assert_nixfmt_clean(name, &read(&dir, name));
    }
    let again = apply(&answers, &dir, &["--yes"]);
    assert!(again.stdout.contains("No changes"), "{}", again.stdout);
}

/// Runs a command under a pseudo-terminal (util-linux `script`), returning its output.
fn in_terminal(args: &str, no_color: bool) -> Option<String> {
    let found = Process::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED: util-linux `script` not found, so there is no terminal to test in");
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("atproto-wizard");
    let mut c = Process::new("script");
    c.args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"]);
    c.env_remove("NO_COLOR");
    if no_color {
        c.env("NO_COLOR", "1");
    }
    let out = c.stdin(std::process::Stdio::null()).output().unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn colours_only_on_a_terminal_without_no_color() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let args = format!(
        "apply --answers {} --dir {} --dry-run",
        community_pds().display(),
        dir.display()
    );
    let Some(coloured) = in_terminal(&args, false) else {
        return;
    };
    assert!(
        coloured.contains("\x1b[32m+"),
        "no green on a terminal: {coloured}"
    );
    let plain = in_terminal(&args, true).unwrap();
    assert!(plain.contains("+++ b/atproto.nix"), "{plain}");
    assert!(!plain.contains('\x1b'), "NO_COLOR ignored: {plain}");
    // And never when stdout is not a terminal.
    let out = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .env_remove("NO_COLOR")
        .args(args.split(' '))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
    assert!(!dir.exists());
}

#[test]
fn the_question_is_asked_on_a_terminal_and_no_means_no() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let args = format!(
        "apply --answers {} --dir {}",
        community_pds().display(),
        dir.display()
    );
    // stdin of `script` is /dev/null: the answer is end of input, which is "no".
    let Some(out) = in_terminal(&args, true) else {
        return;
    };
    assert!(out.contains("Write 4 files? [y/N]"), "{out}");
    assert!(out.contains("Nothing was written."), "{out}");
    assert!(!dir.exists());
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Process::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn in_a_git_repository_the_untracked_files_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    if !git(dir, &["init", "-q"]) {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    std::fs::write(dir.join("configuration.nix"), EXISTING_CONFIGURATION).unwrap();
    std::fs::write(dir.join("hardware-configuration.nix"), HARDWARE).unwrap();
    assert!(git(dir, &["add", "configuration.nix"]));
    let run = apply(&community_pds(), dir, &["--yes"]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    let hint = format!(
        "a flake only sees the files git tracks; run `git -C {} add flake.nix hardware-configuration.nix atproto.nix atproto.toml`",
        dir.display()
    );
    assert!(run.stdout.contains(&hint), "{}", run.stdout);
    // Once they are tracked, no hint.
    assert!(git(
        dir,
        &[
            "add",
            "flake.nix",
            "hardware-configuration.nix",
            "atproto.nix",
            "atproto.toml"
        ]
    ));
    let run = apply(&community_pds(), dir, &["--yes"]);
    assert!(run.stdout.contains("No changes"), "{}", run.stdout);
    assert!(!run.stdout.contains("git -C"), "{}", run.stdout);
}

/// The relay-node profile with `host.flake_url` pointing at `path:<flake>`.
fn relay_node_with_flake_at(dir: &Path, flake: &Path) -> PathBuf {
    let text = std::fs::read_to_string(support::repo().join("profiles/relay-node.toml"))
        .unwrap()
        .replace(
            "flake_url = \"path:/etc/nixos/atproto-nix\"",
            &format!("flake_url = \"path:{}\"", flake.display()),
        );
    assert!(text.contains(&format!("path:{}", flake.display())));
    let answers = dir.join("answers.toml");
    std::fs::write(&answers, text).unwrap();
    answers
}

#[test]
fn after_writing_apply_says_to_copy_the_flake_where_flake_url_points_when_it_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let flake = tmp.path().join("atproto-nix");
    let answers = relay_node_with_flake_at(tmp.path(), &flake);
    let run = apply(&answers, &tmp.path().join("host"), &["--yes"]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    let out = &run.stdout;
    let next = &out[out.find("\nNext:\n").expect(out)..];
    // The copy comes before the switch, from the checkout this binary was built from.
    let copy = next
        .find(&format!(
            "Before the first switch: host.flake_url is path:{0}, but {0} does not hold this \
             project's flake on this machine",
            flake.display()
        ))
        .expect(next);
    let switch = next.find("sudo nixos-rebuild switch --flake ").expect(next);
    assert!(copy < switch, "{next}");
    let repo = support::repo();
    let command = if repo.join(".git").exists() {
        format!(
            "      git -C {} archive HEAD | sudo tar -x -C {}\n",
            repo.display(),
            flake.display()
        )
    } else {
        format!(
            "      tar -C {} --exclude=./target -c . | sudo tar -x -C {}\n",
            repo.display(),
            flake.display()
        )
    };
    assert!(next.contains(&command), "{next}");
    assert!(
        next.contains(&format!("      sudo mkdir -p {}\n", flake.display())),
        "{next}"
    );

    // Once the flake is there, nothing more is said about it.
    std::fs::create_dir_all(flake.join("nixlib")).unwrap();
    std::fs::write(flake.join("flake.nix"), "{ outputs = _: { }; }\n").unwrap();
    let run = apply(&answers, &tmp.path().join("host2"), &["--yes"]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.stdout.contains("\nNext:\n"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("Before the first switch"),
        "{}",
        run.stdout
    );
}

#[test]
fn git_runs_no_program_the_repository_configures() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    std::fs::create_dir(&dir).unwrap();
    if !git(&dir, &["init", "-q"]) {
        eprintln!("SKIPPED: git is not installed");
        return;
    }
    std::fs::write(dir.join("configuration.nix"), EXISTING_CONFIGURATION).unwrap();
    assert!(git(&dir, &["add", "configuration.nix"]));
    // A hook that leaves a mark wherever git runs it.
    let marker = tmp.path().join("fsmonitor-ran");
    let hook = tmp.path().join("hook.sh");
    std::fs::write(&hook, format!("#!/bin/sh\ntouch '{}'\n", marker.display())).unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    assert!(git(
        &dir,
        &["config", "core.fsmonitor", hook.to_str().unwrap()]
    ));
    assert!(git(
        &dir,
        &["config", "core.hooksPath", tmp.path().to_str().unwrap()]
    ));
    // The hook is live: git itself runs it for ls-files.
    assert!(git(&dir, &["ls-files"]));
    assert!(marker.exists(), "the test's hook never ran");
    std::fs::remove_file(&marker).unwrap();

    let run = apply(&community_pds(), &dir, &["--yes"]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(!marker.exists(), "apply let git run core.fsmonitor");
    // git still answered: the untracked files are named.
    assert!(run.stdout.contains("git -C"), "{}", run.stdout);
}
