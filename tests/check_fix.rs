//! `check --fix` on a catalog whose settings were renamed and removed (the test-only
//! service of nixlib/tests/migration-catalog; no real setting has been renamed yet):
//! the file is rewritten in place, comments kept, after one confirmation, with a backup;
//! and `apply` goes on with the new names.
use std::path::Path;

use atproto_wizard::apply::ATPROTO_TOML;
use atproto_wizard::cli::{apply_cmd, fix_cmd};
use atproto_wizard::exit_status::ExitStatus;
use atproto_wizard::report::Style;

use crate::plan_fixtures::migration_catalog;

const OLD: &str = r#"schema = 1

[host]
hostname = "box"
domain = "box.example.com"
admin_email = "admin@example.com"

[integrations.proxy]
kind = "none"

[integrations.secrets]
backend = "generate"

[services.mover]
# which relay: ours
settings = { ws_url = "https://relay.example.com", event_ttl = "24h" }

[services.mover.ports]
http = 7071 # moved off 7070
"#;

/// What the fix must write: every byte but the two keys as they were.
const NEW: &str = r#"schema = 1

[host]
hostname = "box"
domain = "box.example.com"
admin_email = "admin@example.com"

[integrations.proxy]
kind = "none"

[integrations.secrets]
backend = "generate"

[services.mover]
# which relay: ours
settings = { relay_url = "https://relay.example.com" }

[services.mover.ports]
http = 7071 # moved off 7070
"#;

/// Runs `check --fix` on `dir/atproto.toml` holding `text`; the asked questions, the
/// output and the status.
fn fix(
    dir: &Path,
    text: &str,
    yes: bool,
    answer: Option<bool>,
) -> (Vec<String>, String, ExitStatus) {
    let file = dir.join(ATPROTO_TOML);
    std::fs::write(&file, text).unwrap();
    let mut asked = Vec::new();
    let mut confirm = |q: &str| {
        asked.push(q.to_string());
        answer
    };
    let mut out = Vec::new();
    let status = fix_cmd::run(
        &migration_catalog(),
        &file,
        yes,
        Style::plain(),
        &mut confirm,
        &mut out,
    );
    (asked, String::from_utf8(out).unwrap(), status)
}

fn backups(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".bak"))
        .collect();
    names.sort();
    names
}

#[test]
fn fix_renames_in_place_takes_out_removed_keys_with_their_advice_and_backs_up() {
    let dir = tempfile::tempdir().unwrap();
    let (asked, out, status) = fix(dir.path(), OLD, false, Some(true));
    assert_eq!(asked, ["Write 1 file? [y/N] "]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(ATPROTO_TOML)).unwrap(),
        NEW
    );
    assert!(
        out.contains(
            "renamed: services.mover.settings.ws_url -> services.mover.settings.relay_url"
        ),
        "{out}"
    );
    assert!(
        out.contains("taken out: services.mover.settings.event_ttl (removed in mover v2.0): Events are kept by size now: set workers instead."),
        "{out}"
    );
    // The diff is shown before the question, the old line and the new.
    assert!(
        out.contains("-settings = { ws_url = \"https://relay.example.com\", event_ttl = \"24h\" }"),
        "{out}"
    );
    assert!(
        out.contains("+settings = { relay_url = \"https://relay.example.com\" }"),
        "{out}"
    );
    // One backup of the file as it was; then the file checks clean.
    let backups = backups(dir.path());
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(&backups[0])).unwrap(),
        OLD
    );
    assert!(out.ends_with("valid: no problems\n"), "{out}");
    assert_eq!(status, ExitStatus::Success);
    // A second run finds nothing to do and asks nothing.
    let (asked, out, status) = fix(dir.path(), NEW, false, Some(true));
    assert!(asked.is_empty());
    assert!(out.contains("nothing to fix"), "{out}");
    assert_eq!(status, ExitStatus::Success);
}

#[test]
fn fix_writes_nothing_unless_confirmed() {
    for (yes, answer, expected) in [
        (false, Some(false), ExitStatus::NotWritten),
        (false, None, ExitStatus::NotWritten),
        (true, None, ExitStatus::Problems),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let old = OLD.replace(", event_ttl = \"24h\"", ", worker_count = 100");
        let (asked, out, status) = fix(dir.path(), &old, yes, answer);
        assert_eq!(status, expected, "{out}");
        let now = std::fs::read_to_string(dir.path().join(ATPROTO_TOML)).unwrap();
        if yes {
            // Written without a question; the value keeps failing under its new name.
            assert!(asked.is_empty());
            assert!(
                now.contains("{ relay_url = \"https://relay.example.com\", workers = 100 }"),
                "{now}"
            );
            assert!(out.contains("100 must be at most 64."), "{out}");
        } else {
            assert_eq!(asked.len(), 1);
            assert_eq!(now, old);
            assert!(backups(dir.path()).is_empty());
        }
    }
}

/// `apply` with an old key: it says how to fix the file, and goes on with the value
/// under its new name, never a default beside the old key.
#[test]
fn apply_reads_an_old_key_as_its_new_one_and_names_the_fix() {
    let work = tempfile::tempdir().unwrap();
    let answers = work.path().join("answers.toml");
    std::fs::write(&answers, OLD.replace(", event_ttl = \"24h\"", "")).unwrap();
    let host = work.path().join("host");
    let opts = apply_cmd::Options {
        answers,
        dir: host.clone(),
        yes: true,
        dry_run: false,
        force: false,
    };
    let mut never = |_: &str| None;
    let mut out = Vec::new();
    let status = apply_cmd::run(
        &migration_catalog(),
        &opts,
        Style::plain(),
        &mut never,
        &mut out,
    );
    let out = String::from_utf8(out).unwrap();
    assert_eq!(status, ExitStatus::Success, "{out}");
    assert!(
        out.contains("atproto-wizard check --fix --answers <file>"),
        "{out}"
    );
    let written = std::fs::read_to_string(host.join(ATPROTO_TOML)).unwrap();
    assert!(
        written.contains("relay_url = \"https://relay.example.com\""),
        "{written}"
    );
    assert!(!written.contains("ws_url"), "{written}");
    assert!(!written.contains("bsky.network"), "{written}");
    let nix = std::fs::read_to_string(host.join("atproto.nix")).unwrap();
    assert!(
        nix.contains("relay_url = \"https://relay.example.com\""),
        "{nix}"
    );
}
