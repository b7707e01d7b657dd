//! `upgrade`, with a stand-in `nix` alone on PATH: `nix flake update` (run in the copy)
//! writes a newer recorded lock, `nix eval` prints recorded versions (the copy's or
//! DIR's), and every call is logged. DIR's flake.lock changes only on confirmation.
//! Also the package schema's version knowledge (`passthru.atproto`), under nixpkgs' lib.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{eval_json, nix_instantiate, nixpkgs_lib, repo};

fn lock(nixpkgs_rev: &str, modified: i64) -> String {
    format!(
        r#"{{
  "nodes": {{
    "atproto-nix": {{ "locked": {{ "lastModified": 5, "narHash": "sha256-a", "path": "/etc/nixos/atproto-nix", "type": "path" }}, "original": {{ "path": "/etc/nixos/atproto-nix", "type": "path" }} }},
    "nixpkgs": {{ "locked": {{ "lastModified": {modified}, "narHash": "sha256-{nixpkgs_rev}", "owner": "NixOS", "repo": "nixpkgs", "rev": "{nixpkgs_rev}", "type": "github" }}, "original": {{ "owner": "NixOS", "ref": "nixos-25.11", "repo": "nixpkgs", "type": "github" }} }},
    "root": {{ "inputs": {{ "atproto-nix": "atproto-nix", "nixpkgs": "nixpkgs" }} }}
  }},
  "root": "root",
  "version": 7
}}
"#
    )
}

const OLD_VERSIONS: &str = r#"{"indigo-relay": {"version": "0.1.0", "breaking": []}, "jetstream": {"version": "0.2.0", "breaking": []}}"#;
const NEW_VERSIONS: &str = r#"{"indigo-relay": {"version": "0.2.1", "breaking": [{"version": "0.2.0", "description": "the relay's database schema changes on first start", "migration": "back up the relay's database before switching"}, {"version": "0.3.0", "description": "not reached", "migration": "nothing yet"}]}, "jetstream": {"version": "0.2.0", "breaking": []}}"#;

struct Setup {
    tmp: tempfile::TempDir,
}

impl Setup {
    /// A relay host written by `apply`, with an old flake.lock, and the stand-in nix.
    fn new(new_lock: &str) -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("host");
        let out = Command::new(env!("CARGO_BIN_EXE_atproto-wizard"))
            .args(["apply", "--yes", "--answers"])
            .arg(repo().join("profiles/relay-node.toml"))
            .arg("--dir")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        std::fs::write(
            dir.join("flake.lock"),
            lock("aaaaaaaaaaaaaaaa", 1_700_000_000),
        )
        .unwrap();
        let bin = tmp.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("new.lock"), new_lock).unwrap();
        std::fs::write(data.join("old.json"), OLD_VERSIONS).unwrap();
        std::fs::write(data.join("new.json"), NEW_VERSIONS).unwrap();
        let script = format!(
            r#"#!/bin/sh
printf '%s\n' "cwd=$PWD nix $*" >> "{log}"
case "$*" in
  *"flake update"*) exec /bin/cp "{data}/new.lock" ./flake.lock ;;
  *"eval --json path:{host}#"*) exec /bin/cat "{data}/old.json" ;;
  *"eval --json path:"*) exec /bin/cat "{data}/new.json" ;;
esac
echo "unexpected: $*" >&2
exit 99
"#,
            log = tmp.path().join("log").display(),
            data = data.display(),
            host = std::fs::canonicalize(&dir).unwrap().display(),
        );
        let nix = bin.join("nix");
        std::fs::write(&nix, script).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&nix, std::fs::Permissions::from_mode(0o755)).unwrap();
        Setup { tmp }
    }

    fn dir(&self) -> PathBuf {
        self.tmp.path().join("host")
    }

    fn upgrade(&self, args: &[&str], path: Option<&Path>) -> (Output, String) {
        let bin = self.tmp.path().join("bin");
        let out = Command::new(env!("CARGO_BIN_EXE_atproto-wizard"))
            .arg("upgrade")
            .arg(self.dir())
            .args(args)
            .env("PATH", path.unwrap_or(&bin))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        (out, text)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.tmp.path().join("log")).unwrap_or_default()
    }

    fn lock_now(&self) -> String {
        std::fs::read_to_string(self.dir().join("flake.lock")).unwrap()
    }

    fn backups(&self) -> Vec<String> {
        std::fs::read_dir(self.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("flake.lock.") && n.ends_with(".bak"))
            .collect()
    }
}

#[test]
fn the_update_is_shown_then_written_with_a_backup_and_the_way_back() {
    let new = lock("bbbbbbbbbbbbbbbb", 1_790_000_000);
    let s = Setup::new(&new);
    let old = s.lock_now();
    let (out, text) = s.upgrade(&["--no-build", "--yes"], None);
    assert_eq!(out.status.code(), Some(0), "{text}");
    if std::env::var_os("SHOW_OUTPUT").is_some() {
        eprintln!("{text}");
    }
    // The input that moved, with its dates; the service whose version changes.
    assert!(
        text.contains("nixpkgs: aaaaaaaaaaaa (2023-11-14) -> bbbbbbbbbbbb (2026-09-21)"),
        "{text}"
    );
    assert!(
        !text.contains("atproto-nix:"),
        "an input that did not move: {text}"
    );
    assert!(
        text.contains("Indigo relay (indigo-relay): 0.1.0 -> 0.2.1"),
        "{text}"
    );
    assert!(!text.contains("Jetstream (jetstream)"), "{text}");
    // The breaking change crossed, with its migration; not the one beyond the update.
    assert!(
        text.contains("Indigo relay 0.2.0: the relay's database schema changes on first start\n    what to do: back up the relay's database before switching"),
        "{text}"
    );
    assert!(!text.contains("not reached"), "{text}");
    // Written with a backup of the old lock, then how to switch and go back.
    assert_eq!(s.lock_now(), new);
    let backups = s.backups();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(
        std::fs::read_to_string(s.dir().join(&backups[0])).unwrap(),
        old
    );
    assert!(
        text.contains("sudo nixos-rebuild switch --flake "),
        "{text}"
    );
    assert!(text.contains("#relay1\n"), "{text}");
    assert!(
        text.contains("sudo nixos-rebuild switch --rollback"),
        "{text}"
    );
    assert!(
        text.contains("Do what each breaking change above needs first."),
        "{text}"
    );
    // The update ran in a copy, never in DIR.
    let log = s.log();
    let update = log.lines().find(|l| l.contains("flake update")).unwrap();
    let dir = std::fs::canonicalize(s.dir()).unwrap();
    assert!(
        !update.contains(&format!("cwd={} ", dir.display())),
        "{log}"
    );
    assert!(update.contains("atproto-wizard-upgrade-"), "{log}");
}

#[test]
fn nothing_is_written_unconfirmed_or_in_a_dry_run() {
    let s = Setup::new(&lock("bbbbbbbbbbbbbbbb", 1_790_000_000));
    let old = s.lock_now();
    // No terminal to ask and no --yes: not written.
    let (out, text) = s.upgrade(&["--no-build"], None);
    assert_eq!(out.status.code(), Some(4), "{text}");
    assert!(text.contains("pass --yes"), "{text}");
    assert_eq!(s.lock_now(), old);
    let (out, text) = s.upgrade(&["--no-build", "--dry-run"], None);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Dry run"), "{text}");
    assert_eq!(s.lock_now(), old);
    assert!(s.backups().is_empty());
}

#[test]
fn an_up_to_date_host_and_one_without_nix() {
    let same = lock("aaaaaaaaaaaaaaaa", 1_700_000_000);
    let s = Setup::new(&same);
    let (out, text) = s.upgrade(&["--no-build"], None);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Up to date"), "{text}");
    let empty = s.tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let (out, text) = s.upgrade(&["--no-build", "--yes"], Some(&empty));
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("upgrade needs Nix"), "{text}");
    assert_eq!(s.lock_now(), same);
}

#[test]
fn without_no_build_the_switch_is_previewed_on_the_updated_copy() {
    let s = Setup::new(&lock("bbbbbbbbbbbbbbbb", 1_790_000_000));
    // No nixos-rebuild here: the preview says what would run; the update goes on.
    let (out, text) = s.upgrade(&["--yes"], None);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("The switch, previewed on the updated copy:"),
        "{text}"
    );
    assert!(text.contains("nixos-rebuild"), "{text}");
    assert!(
        text.contains("atproto-wizard-upgrade-"),
        "the copy is previewed: {text}"
    );
}

/// The package schema's version knowledge: `minCompatibleVersion` (null by default)
/// and `breakingChanges`, each exactly a version, a description and a migration.
#[test]
fn passthru_atproto_carries_version_knowledge_and_refuses_a_change_without_its_migration() {
    let (Some(nix), Some(lib)) = (nix_instantiate(), nixpkgs_lib()) else {
        return;
    };
    let expr = format!(
        r#"let
          lib = import {lib}/lib;
          p = import ./nixlib/lib/packages.nix {{ inherit lib; }};
          meta = {{ description = "d"; homepage = "h"; }};
          make = atproto: p.mkAtprotoPackage {{ inherit atproto meta; }} {{ name = "x"; }};
          plain = make {{ type = "go"; services = [ ]; }};
          known = make {{
            type = "go"; services = [ ]; minCompatibleVersion = "0.1.0";
            breakingChanges = [ {{ version = "0.2.0"; description = "d"; migration = "m"; }} ];
          }};
          fails = a: !(builtins.tryEval (builtins.deepSeq (make a).passthru.atproto true)).success;
        in {{
          plainMin = plain.passthru.atproto.minCompatibleVersion;
          plainBreaking = plain.passthru.atproto.breakingChanges;
          known = known.passthru.atproto.breakingChanges;
          min = known.passthru.atproto.minCompatibleVersion;
          noMigration = fails {{ type = "go"; services = [ ]; breakingChanges = [ {{ version = "0.2.0"; description = "d"; }} ]; }};
          emptyVersion = fails {{ type = "go"; services = [ ]; breakingChanges = [ {{ version = ""; description = "d"; migration = "m"; }} ]; }};
          badMin = fails {{ type = "go"; services = [ ]; minCompatibleVersion = 1; }};
        }}"#,
        lib = lib.display()
    );
    let v = eval_json(&nix, &expr);
    assert_eq!(v["plainMin"], serde_json::Value::Null);
    assert_eq!(v["plainBreaking"], serde_json::json!([]));
    assert_eq!(
        v["known"],
        serde_json::json!([{ "version": "0.2.0", "description": "d", "migration": "m" }])
    );
    assert_eq!(v["min"], "0.1.0");
    assert_eq!(v["noMigration"], true);
    assert_eq!(v["emptyVersion"], true);
    assert_eq!(v["badMin"], true);
}
