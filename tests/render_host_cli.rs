//! `atproto-wizard render --file flake.nix|configuration.nix`, and what a classic host
//! (no flake) renders.
use assert_cmd::Command;
use atproto_wizard::apply::{generated_flake_nix, resolve_answers};
use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::Answers;
use atproto_wizard::render::{HostContext, render_configuration_nix};

fn wizard() -> Command {
    let mut c = Command::cargo_bin("atproto-wizard").unwrap();
    c.env("NO_COLOR", "1");
    c
}

const VALID: &str = "schema = 1\n[host]\nhostname = \"m\"\ndomain = \"m.example.com\"\nadmin_email = \"a@example.com\"\n[integrations.tls]\naccept_terms = true\n[integrations.secrets]\nbackend = \"generate\"\n[services.constellation]\n";

fn classic() -> String {
    VALID.replace("[host]\n", "[host]\nmode = \"classic\"\n")
}

fn render(answers: &str, file: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atproto.toml");
    std::fs::write(&path, answers).unwrap();
    let out = wizard()
        .args(["render", "--file", file, "--answers"])
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn render_prints_the_flake_as_apply_writes_it() {
    let (status, stdout, stderr) = render(VALID, "flake.nix");
    assert_eq!(status, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let answers = Answers::parse("atproto.toml", VALID).unwrap();
    assert_eq!(stdout, generated_flake_nix(&answers, Catalog::embedded()));
    assert!(
        stdout.contains("nixosConfigurations.m = nixpkgs.lib.nixosSystem {"),
        "{stdout}"
    );
}

#[test]
fn render_prints_a_new_configuration_with_the_hardware_configuration() {
    let (status, stdout, stderr) = render(VALID, "configuration.nix");
    assert_eq!(status, Some(0), "{stderr}");
    let answers = Answers::parse("atproto.toml", VALID).unwrap();
    let catalog = Catalog::embedded();
    let expected = render_configuration_nix(
        &resolve_answers(&answers, catalog).tree,
        catalog,
        &HostContext {
            has_hardware_configuration: true,
        },
    );
    assert_eq!(stdout, expected);
    assert!(
        stdout.contains("    ./hardware-configuration.nix\n"),
        "{stdout}"
    );
    assert!(stdout.contains("\"flakes\""), "{stdout}");
}

#[test]
fn a_classic_host_has_no_flake_to_render() {
    let (status, stdout, stderr) = render(&classic(), "flake.nix");
    assert_eq!(status, Some(2));
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("error: host.mode is \"classic\""),
        "{stderr}"
    );
    assert!(stderr.contains("has no flake.nix"), "{stderr}");

    let (status, stdout, _) = render(&classic(), "configuration.nix");
    assert_eq!(status, Some(0));
    assert!(!stdout.contains("experimental-features"), "{stdout}");
    assert!(stdout.contains("nix-channel --add"), "{stdout}");

    let (status, stdout, _) = render(&classic(), "atproto.nix");
    assert_eq!(status, Some(0));
    assert!(
        stdout.contains("imports = [ /etc/nixos/atproto-nix/nixlib/modules ];"),
        "{stdout}"
    );
}

#[test]
fn help_names_every_file_and_the_hardware_assumption() {
    let out = wizard().args(["render", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "atproto.nix",
        "flake.nix",
        "configuration.nix",
        "hardware-configuration.nix",
        "classic",
    ] {
        assert!(help.contains(needle), "{needle} not in\n{help}");
    }
}
