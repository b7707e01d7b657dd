//! `fleet edit` in the line mode, driven by a scripted prompter: the fleet view shows
//! each host's state, a host goes through the usual journey checked with its fleet, a
//! setting that points at another service is chosen from the fleet's services, saving
//! writes the host's answers alone, and "Apply the fleet" writes every host's files.
use std::path::Path;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::lineui::fleet::run_with;
use atproto_wizard::lineui::{Input, Look, Scripted};

use crate::support::copy_fleet;

fn choose(s: &str) -> Input {
    Input::Choose(s.into())
}

fn enabled_services(answers: &Path) -> usize {
    let text = std::fs::read_to_string(answers).unwrap();
    let a = atproto_wizard::plan::Answers::parse("t", &text).unwrap();
    atproto_wizard::plan::PlanView::new(Catalog::embedded(), &a.tree)
        .enabled_services()
        .count()
}

#[test]
fn a_broken_reference_is_fixed_from_the_fleets_services_then_the_fleet_is_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let fleet = tmp.path();
    copy_fleet(fleet);
    let answers = fleet.join("hosts/microcosm1/atproto.toml");
    // Constellation follows a relay host the fleet does not have.
    let text = std::fs::read_to_string(&answers).unwrap().replacen(
        "jetstream = \"@relay1/jetstream\"",
        "jetstream = \"@relay9/jetstream\"",
        1,
    );
    std::fs::write(&answers, &text).unwrap();

    let mut script = vec![
        choose("microcosm1"),
        choose("Keep these answers"), // Host
        Input::Enter,                 // Services as they are
    ];
    script.extend(vec![
        choose("Keep these answers");
        enabled_services(&answers)
    ]);
    script.extend(vec![choose("Keep these answers"); 9]); // the integrations
    script.extend([
        choose("Fix services.constellation.settings.jetstream"),
        choose("@relay1/jetstream"),
        Input::Type("y".into()), // write (no preflight question: the host is elsewhere)
        choose("Apply the fleet"),
        Input::Yes,
    ]);
    let mut p = Scripted::new(script);
    let code = run_with(
        &mut p,
        Catalog::embedded(),
        &fleet.join("fleet.toml"),
        Look::plain(),
        100,
    );
    let tr = &p.transcript;
    assert!(p.finished(), "{} answers left\n{tr}", p.left());
    assert_eq!(code.as_i32(), 0, "{tr}");
    if std::env::var_os("SHOW_TRANSCRIPT").is_some() {
        eprintln!("{tr}");
    }

    // The view showed the broken host as such, and the others as done.
    assert!(tr.contains("Fleet example (colmena, 3 hosts)"), "{tr}");
    let listed = |host: &str, state: &str| {
        tr.lines()
            .any(|l| l.contains(host) && l.contains("root@") && l.contains(state))
    };
    assert!(listed("microcosm1", "error 1"), "{tr}");
    assert!(listed("pds1", "done") || listed("pds1", "warning"), "{tr}");
    // The error said where the fleet's hosts are, and the fix offered its services of
    // the right kind, each with the URL it stands for.
    assert!(tr.contains("no host \"relay9\""), "{tr}");
    assert!(
        tr.contains(
            "@relay1/jetstream  Jetstream on relay1 (wss://jetstream.relay.example.com/subscribe)"
        ),
        "{tr}"
    );
    assert!(tr.contains("Type a URL by hand"), "{tr}");
    assert!(!tr.contains("Check this machine first"), "{tr}");

    // Saving wrote the answers alone, with the reference kept; comments stay.
    let saved = std::fs::read_to_string(&answers).unwrap();
    assert!(
        saved.contains("jetstream = \"@relay1/jetstream\""),
        "{saved}"
    );
    assert!(!saved.contains("@relay9"), "{saved}");
    assert!(saved.contains("# The fleet's indexers"), "{saved}");
    assert!(
        std::fs::read_dir(answers.parent().unwrap())
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".bak")),
        "a backup of the answers"
    );
    // Back at the view the host is no longer in error, and applying wrote the fleet.
    assert!(tr.contains("microcosm1: done; back at the fleet."), "{tr}");
    let after = tr.split("back at the fleet.").nth(1).unwrap();
    assert!(!after.contains("error 1"), "{after}");
    let flake = std::fs::read_to_string(fleet.join("flake.nix")).unwrap();
    assert!(flake.contains("colmenaHive"), "{flake}");
    let nix = std::fs::read_to_string(fleet.join("hosts/microcosm1/atproto.nix")).unwrap();
    assert!(
        nix.contains("wss://jetstream.relay.example.com/subscribe"),
        "{nix}"
    );
}

#[test]
fn leaving_the_view_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    copy_fleet(tmp.path());
    let before = std::fs::read_dir(tmp.path()).unwrap().count();
    let mut p = Scripted::new([choose("Quit")]);
    let code = run_with(
        &mut p,
        Catalog::embedded(),
        &tmp.path().join("fleet.toml"),
        Look::plain(),
        100,
    );
    assert_eq!(code.as_i32(), 0, "{}", p.transcript);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), before);
    assert!(!tmp.path().join("flake.nix").exists());
}

#[test]
fn a_host_is_added_from_the_view_and_listed_next_time_round() {
    let tmp = tempfile::tempdir().unwrap();
    copy_fleet(tmp.path());
    let before = std::fs::read_to_string(tmp.path().join("fleet.toml")).unwrap();
    let mut p = Scripted::new([
        choose("Add a host"),
        Input::Type("relay2".into()),
        Input::Type("root@203.0.113.13".into()),
        choose("relay-node"),
        Input::Yes,
        choose("Quit"),
    ]);
    let code = run_with(
        &mut p,
        Catalog::embedded(),
        &tmp.path().join("fleet.toml"),
        Look::plain(),
        100,
    );
    let tr = &p.transcript;
    assert!(p.finished(), "{} answers left\n{tr}", p.left());
    assert_eq!(code.as_i32(), 0, "{tr}");
    assert!(tr.contains("+++ b/hosts/relay2/atproto.toml"), "{tr}");
    assert!(tr.contains("relay2: added; open it to fill it in."), "{tr}");
    // Next time round the view lists it (its profile's domains clash with relay1's).
    let last_view = tr.rsplit("Fleet example").next().unwrap();
    assert!(
        last_view.contains("relay2") && last_view.contains("root@203.0.113.13"),
        "{last_view}"
    );
    let fleet = std::fs::read_to_string(tmp.path().join("fleet.toml")).unwrap();
    assert!(fleet.starts_with(&before), "comments and hosts kept");
    assert!(fleet.ends_with("[[hosts]]\nname = \"relay2\"\nanswers = \"hosts/relay2/atproto.toml\"\ntarget = \"root@203.0.113.13\"\n"), "{fleet}");
    let answers = std::fs::read_to_string(tmp.path().join("hosts/relay2/atproto.toml")).unwrap();
    assert!(answers.contains("hostname = \"relay2\""), "{answers}");
}

#[test]
fn add_host_refuses_a_taken_name_and_an_answers_file_already_there() {
    let tmp = tempfile::tempdir().unwrap();
    copy_fleet(tmp.path());
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_atproto-wizard"))
            .args(["fleet", "add-host"])
            .arg(tmp.path().join("fleet.toml"))
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let before = std::fs::read_to_string(tmp.path().join("fleet.toml")).unwrap();
    let (code, text) = run(&["--name", "relay1", "--target", "root@x", "--yes"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("already has a host \"relay1\""), "{text}");
    let (code, text) = run(&["--name", "relay2", "--target", "root@x", "--dry-run"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        !tmp.path().join("hosts/relay2").exists(),
        "a dry run writes nothing"
    );
    std::fs::create_dir_all(tmp.path().join("hosts/relay2")).unwrap();
    std::fs::write(tmp.path().join("hosts/relay2/atproto.toml"), "schema = 1\n").unwrap();
    let (code, text) = run(&["--name", "relay2", "--target", "root@x", "--yes"]);
    assert_eq!(code, 5, "{text}");
    assert!(text.contains("is already there"), "{text}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("fleet.toml")).unwrap(),
        before
    );
}
