//! `fleet check`: the example fleet in profiles/fleet/ is valid, a broken one says
//! where and what to fix, and a fleet host's answers checked alone say a reference is
//! resolved only in the fleet.
use crate::support::repo;

use std::path::Path;
use std::process::Command;

fn wizard(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_atproto-wizard"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn copy_fleet(to: &Path) {
    for rel in [
        "fleet.toml",
        "hosts/pds1/atproto.toml",
        "hosts/relay1/atproto.toml",
        "hosts/microcosm1/atproto.toml",
    ] {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(repo().join("profiles/fleet").join(rel), target).unwrap();
    }
}

#[test]
fn the_example_fleet_is_valid() {
    let file = repo().join("profiles/fleet/fleet.toml");
    let (code, out) = wizard(&["fleet", "check", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("the fleet is valid (3 hosts)"), "{out}");
    let (code, out) = wizard(&["fleet", "check", file.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["hosts"].as_array().unwrap().len(), 3);
}

#[test]
fn a_dangling_reference_is_shown_at_its_line_with_the_candidates() {
    let tmp = tempfile::tempdir().unwrap();
    copy_fleet(tmp.path());
    let indexers = tmp.path().join("hosts/microcosm1/atproto.toml");
    let text = std::fs::read_to_string(&indexers).unwrap().replacen(
        "jetstream = \"@relay1/jetstream\"",
        "jetstream = \"@relay1/indigo-relay\"",
        1,
    );
    std::fs::write(&indexers, text).unwrap();
    let file = tmp.path().join("fleet.toml");
    let (code, out) = wizard(&["fleet", "check", file.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("atproto.toml:20:1: error: @relay1/indigo-relay: Indigo relay is a relay, and jetstream takes a firehose (on relay1: @relay1/jetstream)."),
        "{out}"
    );
    assert!(
        out.contains("at services.constellation.settings.jetstream [fleet-reference]"),
        "{out}"
    );
    assert!(out.contains("the fleet is invalid: 1 error"), "{out}");
    let (code, out) = wizard(&["fleet", "check", file.to_str().unwrap(), "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = &v["hosts"][2]["diagnostics"][0];
    assert_eq!(d["code"], "fleet-reference");
    assert_eq!(d["line"], 20);
}

#[test]
fn a_fleet_host_checked_alone_says_the_fleet_resolves_its_references() {
    let answers = repo().join("profiles/fleet/hosts/pds1/atproto.toml");
    let (code, out) = wizard(&["check", "--answers", answers.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("\"@relay1/indigo-relay\" names a service on another host of a fleet: only `atproto-wizard fleet check` resolves it"),
        "{out}"
    );
}

#[test]
fn unreadable_fleets_exit_with_2_and_say_why() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("fleet.toml");
    std::fs::write(&file, "schema = 1\nname = \"x\"\nengine = \"ansible\"\n").unwrap();
    let (code, out) = wizard(&["fleet", "check", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("ansible"), "{out}");
    std::fs::write(
        &file,
        "schema = 1\nname = \"x\"\nengine = \"colmena\"\n[[hosts]]\nname = \"a\"\nanswers = \"missing.toml\"\ntarget = \"a\"\n",
    )
    .unwrap();
    let (code, out) = wizard(&["fleet", "check", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("host \"a\" of the fleet has no readable answers file"),
        "{out}"
    );
}
