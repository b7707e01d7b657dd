//! The binary as an operator runs it: exit statuses, text and JSON output.
use crate::support;

use assert_cmd::Command;

fn wizard() -> Command {
    let mut c = Command::cargo_bin("atproto-wizard").unwrap();
    c.env("NO_COLOR", "1");
    c
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn check_exits_0_on_a_profile() {
    let out = wizard()
        .args(["check", "--answers"])
        .arg(support::repo().join("profiles/microcosm-indexers.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid: no problems"));
}

/// Jetstream's Go vendor hash is still lib.fakeHash: `check` says so, with where the
/// real hash goes, as a warning (exit 0), in words and in JSON.
#[test]
fn check_warns_that_a_package_cannot_build_yet_and_still_exits_0() {
    let relay = support::repo().join("profiles/relay-node.toml");
    let out = wizard()
        .args(["check", "--answers"])
        .arg(&relay)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "warning: Jetstream cannot be built yet: a dependency hash of its package is a \
             placeholder (lib.fakeHash): vendorHash in nixlib/pkgs/jetstream/default.nix. The \
             first build stops with a hash mismatch and prints the real hash (got: sha256-…)"
        ),
        "{text}"
    );
    assert!(text.contains("local change to that copy"), "{text}");
    assert!(
        text.contains("at services.jetstream.enable [placeholder-hash]"),
        "{text}"
    );
    assert!(text.contains("valid, with 1 warning"), "{text}");

    let out = wizard()
        .args(["check", "--json", "--answers"])
        .arg(&relay)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], true);
    let d = &json["diagnostics"].as_array().unwrap()[..];
    assert_eq!(d.len(), 1, "{json:#}");
    assert_eq!(d[0]["level"], "warning");
    assert_eq!(d[0]["code"], "placeholder-hash");
    assert_eq!(d[0]["path"], "services.jetstream.enable");
    let message = d[0]["message"].as_str().unwrap();
    assert!(
        message.contains("vendorHash in nixlib/pkgs/jetstream/default.nix"),
        "{message}"
    );
}

#[test]
fn check_exits_1_with_file_line_column_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "broken.toml",
        "schema = 1\n[host]\nhostname = \"pds1\"\ndomain = \"pds.example.com\"\nadmin_email = \"nope\"\n[integrations.tls]\naccept_terms = true\n[integrations.secrets]\nbackend = \"generate\"\n",
    );
    let out = wizard()
        .args(["check", "--answers"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let expected = format!(
        "{}:5:1: error: \"nope\" must be an email address, like admin@example.com.",
        p.display()
    );
    assert!(text.contains(&expected), "{text}");
    assert!(text.contains("at host.admin_email [field]"), "{text}");
    assert!(text.contains("invalid: 1 error, 0 warnings"), "{text}");
}

#[test]
fn check_exits_2_when_the_file_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(&dir, "bad.toml", "schema = 1\nhost = [\n");
    let out = wizard()
        .args(["check", "--answers"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("bad.toml:2:"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let out = wizard()
        .args(["check", "--answers"])
        .arg(dir.path().join("missing.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("cannot read the answers file"));
}

#[test]
fn check_json_gives_locations() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "clash.toml",
        "schema = 1\n[host]\nhostname = \"m\"\ndomain = \"m.example.com\"\nadmin_email = \"a@example.com\"\n[integrations.tls]\naccept_terms = true\n[integrations.secrets]\nbackend = \"generate\"\n[services.spacedust]\ndomain = \"s.m.example.com\"\n[services.slingshot]\n",
    );
    let out = wizard()
        .args(["check", "--json", "--answers"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "port-clash");
    assert_eq!(d["path"], "services.spacedust.ports.http");
    assert_eq!(d["line"], 10);
}

#[test]
fn catalog_lists_every_service_with_fixed_ports_marked() {
    let out = wizard().arg("catalog").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("pocket ") && l.contains("http=3000*")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("ozone ") && l.contains("postgres")),
        "{text}"
    );

    let out = wizard().args(["catalog", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 20);
    assert!(ids.contains(&"rsky-jetstream-subscriber"));
}
