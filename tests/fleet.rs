//! `fleet check`: the example fleet in profiles/fleet/ is valid, a broken one says
//! where and what to fix, and a fleet host's answers checked alone say a reference is
//! resolved only in the fleet.
use crate::support::{copy_fleet, repo};

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

fn evaluate_fleet(dir: &Path) -> Option<serde_json::Value> {
    let nix = crate::support::nix_instantiate()?;
    let lib = crate::support::nixpkgs_lib()?;
    Some(crate::support::eval_json(
        &nix,
        &format!(
            "import ./nixlib/tests/eval/fleet-flake.nix {{ libPath = {:?}; dir = {}; }}",
            lib.display().to_string(),
            dir.display()
        ),
    ))
}

/// The example fleet written for colmena into an empty directory: every host
/// evaluates through the fleet's flake with its references resolved to the right URL,
/// colmena's hive has each node's target, and a second apply changes nothing.
#[test]
fn the_fleet_is_written_as_one_flake_for_colmena() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fleet");
    let file = repo().join("profiles/fleet/fleet.toml");
    let (code, out) = wizard(&[
        "fleet",
        "apply",
        file.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
        "--yes",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Wrote 11 files"), "{out}");
    assert!(out.contains("colmena apply"), "{out}");
    assert!(out.contains("nixos-anywhere --flake"), "{out}");
    // The answers keep their references; atproto.nix has the URLs.
    let toml = std::fs::read_to_string(dir.join("hosts/pds1/atproto.toml")).unwrap();
    assert!(toml.contains("\"@relay1/indigo-relay\""), "{toml}");
    let nix = std::fs::read_to_string(dir.join("hosts/pds1/atproto.nix")).unwrap();
    assert!(
        nix.contains("PDS_CRAWLERS = \"https://relay.example.com,https://bsky.network\";"),
        "{nix}"
    );
    if let Some(v) = evaluate_fleet(&dir) {
        for host in ["pds1", "relay1", "microcosm1"] {
            assert_eq!(
                v["hosts"][host]["failed"],
                serde_json::json!([]),
                "{host}: {v}"
            );
            assert_eq!(v["hosts"][host]["hostName"], host);
        }
        assert_eq!(
            v["hosts"]["pds1"]["crawlers"],
            "https://relay.example.com,https://bsky.network"
        );
        assert_eq!(
            v["hosts"]["microcosm1"]["jetstream"],
            "wss://jetstream.relay.example.com/subscribe"
        );
        assert_eq!(
            v["colmena"]["nodes"]["relay1"]["deployment"]["targetHost"],
            "203.0.113.11"
        );
        assert_eq!(
            v["colmena"]["nodes"]["relay1"]["deployment"]["targetUser"],
            "root"
        );
        assert_eq!(v["colmena"]["meta"]["system"], "x86_64-linux");
    }
    // Applied again from the fleet file it wrote: nothing to do.
    let (code, out) = wizard(&[
        "fleet",
        "apply",
        dir.join("fleet.toml").to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
        "--yes",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("No changes"), "{out}");
}

/// deploy-rs: its nodes with hostname, SSH user and port, where they build, and the
/// system profile activated by its activate.nixos; its checks.
#[test]
fn the_fleet_is_written_for_deploy_rs() {
    let tmp = tempfile::tempdir().unwrap();
    copy_fleet(tmp.path());
    let file = tmp.path().join("fleet.toml");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("engine = \"colmena\"", "engine = \"deploy-rs\"")
        .replace(
            "target = \"root@203.0.113.11\"",
            "target = \"deploy@203.0.113.11\"\nport = 2222\nbuild = \"target\"",
        );
    std::fs::write(&file, text).unwrap();
    let dir = tmp.path().join("out");
    let (code, out) = wizard(&[
        "fleet",
        "apply",
        file.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
        "--yes",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("deploy .#relay1"), "{out}");
    if let Some(v) = evaluate_fleet(&dir) {
        let relay = &v["deploy"]["nodes"]["relay1"];
        assert_eq!(relay["hostname"], "203.0.113.11");
        assert_eq!(relay["sshUser"], "deploy");
        assert_eq!(relay["sshOpts"], serde_json::json!(["-p", "2222"]));
        assert_eq!(relay["remoteBuild"], true);
        assert_eq!(relay["activates"], "relay1");
        assert_eq!(relay["user"], "root");
        assert_eq!(v["deploy"]["nodes"]["pds1"]["remoteBuild"], false);
        assert_eq!(
            v["deploy"]["checks"]["x86_64-linux"]["nodes"],
            serde_json::json!(["microcosm1", "pds1", "relay1"])
        );
        assert_eq!(v["colmena"], serde_json::Value::Null);
    }
}

/// A broken fleet writes nothing; adding a host later changes only what it must.
#[test]
fn errors_write_nothing_and_a_new_host_changes_only_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    copy_fleet(tmp.path());
    let file = tmp.path().join("fleet.toml");
    let dir = tmp.path().join("out");
    let pds = tmp.path().join("hosts/pds1/atproto.toml");
    let good = std::fs::read_to_string(&pds).unwrap();
    std::fs::write(
        &pds,
        good.replace("@relay1/indigo-relay", "@relay9/indigo-relay"),
    )
    .unwrap();
    let (code, out) = wizard(&[
        "fleet",
        "apply",
        file.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
        "--yes",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Nothing was written."), "{out}");
    assert!(!dir.exists());
    std::fs::write(&pds, good).unwrap();
    let (code, out) = wizard(&[
        "fleet",
        "apply",
        file.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
        "--yes",
    ]);
    assert_eq!(code, 0, "{out}");

    // A fourth host: its files, the flake and fleet.toml change; nothing else.
    std::fs::create_dir_all(tmp.path().join("hosts/feeds1")).unwrap();
    let feeds = std::fs::read_to_string(repo().join("profiles/feed-generator.toml")).unwrap();
    let hostname = feeds
        .lines()
        .find_map(|l| l.strip_prefix("hostname = "))
        .unwrap()
        .trim_matches('"')
        .to_string();
    std::fs::write(tmp.path().join("hosts/feeds1/atproto.toml"), feeds).unwrap();
    let mut fleet = std::fs::read_to_string(&file).unwrap();
    fleet.push_str(&format!(
        "\n[[hosts]]\nname = \"{hostname}\"\nanswers = \"hosts/feeds1/atproto.toml\"\ntarget = \"root@203.0.113.13\"\n"
    ));
    std::fs::write(&file, fleet).unwrap();
    let (code, out) = wizard(&[
        "fleet",
        "apply",
        file.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{out}");
    let changed: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  create ") || l.starts_with("  update "))
        .collect();
    assert_eq!(changed.len(), 5, "{changed:#?}\n{out}");
    assert!(
        changed
            .iter()
            .all(|l| l.contains(&format!("hosts/{hostname}/"))
                || l.contains("flake.nix")
                || l.contains("fleet.toml")),
        "{changed:#?}"
    );
}

/// `fleet preview` runs `preview` for each host of a written fleet and ends with the
/// worst status; a directory without a fleet is unusable input.
#[test]
fn fleet_preview_previews_each_host_and_ends_with_the_worst() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out) = wizard(&["fleet", "preview", tmp.path().to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("fleet.toml: no such file"), "{out}");
    let dir = tmp.path().join("fleet");
    let file = repo().join("profiles/fleet/fleet.toml");
    let (code, _) = wizard(&[
        "fleet",
        "apply",
        file.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
        "--yes",
    ]);
    assert_eq!(code, 0);
    // Here the hosts' atproto-nix input (path:/etc/nixos/atproto-nix) is not on this
    // machine, or Nix is not: every host could not be evaluated here.
    let (code, out) = wizard(&[
        "fleet",
        "preview",
        dir.to_str().unwrap(),
        "--deep",
        "--no-rebuild",
    ]);
    assert_eq!(code, 3, "{out}");
    for host in ["pds1", "relay1", "microcosm1"] {
        assert!(out.contains(&format!("== {host} ==")), "{out}");
        assert!(
            out.contains(&format!("  {host}: could not run everything here")),
            "{out}"
        );
    }
}

/// A host on sops: the fleet's flake brings sops-nix for it, and the encrypted file its
/// answers name is said to go into its directory (it is not copied).
#[test]
fn a_host_on_sops_gets_sops_nix_and_is_told_where_its_file_goes() {
    let tmp = tempfile::tempdir().unwrap();
    copy_fleet(tmp.path());
    let pds = tmp.path().join("hosts/pds1/atproto.toml");
    let text = std::fs::read_to_string(&pds).unwrap().replace(
        "backend = \"generate\"",
        "backend = \"sops\"\nsops_file = \"./secrets/secrets.yaml\"",
    );
    std::fs::write(&pds, text).unwrap();
    let dir = tmp.path().join("out");
    let file = tmp.path().join("fleet.toml");
    let (code, out) = wizard(&[
        "fleet",
        "apply",
        file.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
        "--yes",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("pds1: integrations.secrets.sops_file names ./secrets/secrets.yaml, which stays where it is: put it in hosts/pds1/ (hosts/pds1/secrets/secrets.yaml) before deploying."),
        "{out}"
    );
    let flake = std::fs::read_to_string(dir.join("flake.nix")).unwrap();
    assert!(
        flake.contains("url = \"github:Mic92/sops-nix\";"),
        "{flake}"
    );
    assert_eq!(
        flake.matches("inputs.sops-nix.nixosModules.sops").count(),
        2,
        "{flake}"
    );
}
