//! The wizard's Write step writes exactly what `atproto-wizard apply` writes for the
//! same answers: one write path.
use std::path::{Path, PathBuf};

use atproto_wizard::apply::WRITE_ORDER;
use atproto_wizard::catalog::Catalog;
use atproto_wizard::cli::apply_cmd;
use atproto_wizard::disk::host::read_dir_state;
use atproto_wizard::report::Style;
use atproto_wizard::tui::write::write_host;
use atproto_wizard::value::Value;
use atproto_wizard::wizard::action::{Action, Effect};
use atproto_wizard::wizard::state::{WizardState, WriteOutcome};
use atproto_wizard::wizard::update::{go_to, update};
use atproto_wizard::wizard::{Draft, StepKind, profiles};

fn apply(answers: &Path, dir: &Path) -> i32 {
    let opts = apply_cmd::Options {
        answers: answers.to_path_buf(),
        dir: dir.to_path_buf(),
        yes: true,
        dry_run: false,
        force: false,
    };
    let mut never = |_: &str| None;
    apply_cmd::run(
        Catalog::embedded(),
        &opts,
        Style::plain(),
        &mut never,
        &mut Vec::new(),
    )
    .as_i32()
}

fn files(dir: &Path) -> Vec<(String, String)> {
    WRITE_ORDER
        .iter()
        .filter_map(|n| {
            std::fs::read_to_string(dir.join(n))
                .ok()
                .map(|t| (n.to_string(), t))
        })
        .collect()
}

/// Writes through the wizard's Write step (update → Effect::Write → the edge).
fn wizard_write(mut s: WizardState) -> WizardState {
    go_to(&mut s, StepKind::Write);
    assert_eq!(
        update(&mut s, Action::Enter),
        Effect::Write,
        "{:?}",
        s.message
    );
    let (outcome, dir) = write_host(&s);
    if let Some(d) = dir {
        update(&mut s, Action::DirRead(d));
    }
    update(&mut s, Action::Written(outcome));
    s
}

#[test]
fn the_wizard_writes_what_apply_writes() {
    let tmp = tempfile::tempdir().unwrap();
    for profile in profiles::all().iter().filter(|p| p.name != "custom") {
        let wizard_dir = tmp.path().join(format!("{}-wizard", profile.name));
        let apply_dir = tmp.path().join(format!("{}-apply", profile.name));
        let mut s = WizardState::new_host(
            Catalog::embedded(),
            wizard_dir.clone(),
            read_dir_state(&wizard_dir).unwrap(),
            Some(profile),
        );
        s.draft
            .set("host.domain", &Value::Str("host.example.net".into()));
        let answers = tmp.path().join(format!("{}.toml", profile.name));
        std::fs::write(&answers, s.draft.text()).unwrap();
        let s = wizard_write(s);
        assert!(
            matches!(s.outcome, Some(WriteOutcome::Written { .. })),
            "{:?}",
            s.outcome
        );
        assert_eq!(s.step, StepKind::Done);
        assert_eq!(apply(&answers, &apply_dir), 0);
        let written = files(&wizard_dir);
        assert_eq!(written.len(), 4, "{}", profile.name);
        assert_eq!(written, files(&apply_dir), "{}", profile.name);
        // apply with the atproto.toml the wizard wrote finds nothing to change.
        assert_eq!(apply(&wizard_dir.join("atproto.toml"), &wizard_dir), 0);
        assert_eq!(written, files(&wizard_dir));
    }
}

#[test]
fn editing_writes_only_the_change_and_backs_up() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let answers = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("profiles/community-pds.toml");
    assert_eq!(apply(&answers, &dir), 0);
    let state = read_dir_state(&dir).unwrap();
    let draft = Draft::parse(Catalog::embedded(), state.atproto_toml.as_deref().unwrap()).unwrap();
    let mut s = WizardState::edit_host(dir.clone(), state, draft);
    s.draft
        .set("services.constellation.enable", &Value::Bool(true));
    s.draft.set(
        "services.constellation.domain",
        &Value::Str("links.pds.example.com".into()),
    );
    go_to(&mut s, StepKind::Review);
    let plan = s.apply_plan.clone().expect("no errors, so a plan");
    let changed: Vec<&str> = plan.changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(changed, ["atproto.nix", "atproto.toml"]);
    assert!(plan.changes[0].diff().contains("constellation"));
    let s = wizard_write(s);
    let Some(WriteOutcome::Written { files, .. }) = &s.outcome else {
        panic!("{:?}", s.outcome);
    };
    assert!(files.iter().all(|f| f.backup.is_some()));
    let toml = std::fs::read_to_string(dir.join("atproto.toml")).unwrap();
    assert!(
        toml.contains("# A Bluesky PDS for a community"),
        "comments kept"
    );
    assert!(toml.contains("[services.constellation]"));
    assert!(!s.dirty());
}

#[test]
fn nothing_is_written_before_the_write_step() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let mut s = WizardState::new_host(
        Catalog::embedded(),
        dir.clone(),
        read_dir_state(&dir).unwrap(),
        Some(profiles::find("relay-node").unwrap()),
    );
    for step in s.steps().into_iter().map(|st| st.kind) {
        go_to(&mut s, step);
    }
    assert_eq!(update(&mut s, Action::Quit), Effect::None);
    assert_eq!(update(&mut s, Action::Yes), Effect::Quit(0));
    assert!(!dir.exists());
}
