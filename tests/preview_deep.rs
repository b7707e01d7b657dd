//! Deep validation against real Nix (tier 2/3: needs `nix-instantiate`, and nixpkgs'
//! lib for the modules). No full nixpkgs is available here, so a stand-in `nixpkgs`
//! is made in a temporary directory: its `nixos/default.nix` (classic) or
//! `lib.nixosSystem` (flake) evaluates the host with nixlib/tests/eval (the declaration
//! stub, our modules, nixpkgs' lib) and adds `system.build.toplevel` guarded by the
//! assertions as nixpkgs' top-level.nix does. The host is written by `apply`, then a
//! choice in atproto.nix is broken by hand; the deep check must report the module's
//! message at its place in atproto.toml, through the code path `preview --deep` uses.
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use atproto_wizard::catalog::{Catalog, Level};
use atproto_wizard::preview::deep::{self, DeepOptions};
use atproto_wizard::preview::parse::EvalProblem;
use atproto_wizard::preview::{CancelToken, Reporter, Target, Verdict};

use crate::support::{nix_instantiate, nixpkgs_lib, repo};

/// nix-instantiate and nixpkgs' lib, or a SKIPPED line.
fn nix_and_lib() -> Option<PathBuf> {
    nix_instantiate()?;
    nixpkgs_lib()
}

/// The toplevel nixpkgs' top-level.nix would give: a derivation, or the
/// "Failed assertions" throw.
const TOPLEVEL: &str = r#"
  withToplevel = system: r:
    let
      toplevel =
        if r.failed != [ ] then
          throw "\nFailed assertions:\n${builtins.concatStringsSep "\n" (map (m: "- ${m}") r.failed)}"
        else
          derivation {
            name = "nixos-system-${r.config.networking.hostName}";
            inherit system;
            builder = "/bin/sh";
            args = [ "-c" "echo > $out" ];
          };
    in
    r // { config = r.config // { system = r.config.system // { build.toplevel = toplevel; }; }; };
"#;

/// A stand-in for `<nixpkgs>`: `nixos/default.nix` as nixpkgs has it, over the stub.
fn fake_channel(dir: &Path, lib: &Path) -> PathBuf {
    let root = dir.join("nixpkgs");
    std::fs::create_dir_all(root.join("nixos")).unwrap();
    let eval = repo().join("nixlib/tests/eval/eval.nix");
    std::fs::write(
        root.join("nixos/default.nix"),
        format!(
            "{{ configuration ? <nixos-config>, system ? builtins.currentSystem }}:\n\
             let\n{TOPLEVEL}\n  r = import {} {{ libPath = {}; host = configuration; modules = [ ]; }};\n\
             in {{ inherit (withToplevel system r) config; }}\n",
            eval.display(),
            lib.display()
        ),
    )
    .unwrap();
    root
}

/// Writes a host with `apply` from the community-pds profile in `mode`, with
/// atproto-nix at `flake_url`.
fn write_host(dir: &Path, mode: &str, flake_url: &str) -> PathBuf {
    let text = std::fs::read_to_string(repo().join("profiles/community-pds.toml"))
        .unwrap()
        .replace("mode = \"flake\"", &format!("mode = \"{mode}\""))
        .replace("path:/etc/nixos/atproto-nix", flake_url);
    let answers = dir.join("answers.toml");
    std::fs::write(&answers, text).unwrap();
    let host = dir.join("host");
    let status = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .args(["apply", "--yes", "--answers"])
        .arg(&answers)
        .arg("--dir")
        .arg(&host)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
    host
}

/// Breaks the host by hand: a PDS behind nginx with no way to get handle certificates.
fn break_host(host: &Path) {
    let path = host.join("atproto.nix");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("proxy.kind = \"caddy\";") && text.contains("handles = \"on-demand\";"));
    let broken = text
        .replace("proxy.kind = \"caddy\";", "proxy.kind = \"nginx\";")
        .replace("handles = \"on-demand\";", "handles = \"none\";");
    std::fs::write(&path, broken).unwrap();
}

fn deep_check(host: &Path, opts: &DeepOptions) -> deep::DeepReport {
    let catalog = Catalog::embedded();
    let target = Target::from_dir(host, None, catalog).unwrap();
    let (reporter, events) = Reporter::channel();
    let report = deep::run(&target, opts, catalog, &reporter, &CancelToken::new());
    drop(reporter);
    assert!(events.iter().count() >= 2, "progress was reported");
    report
}

const HANDLES: &str = "Bluesky PDS gives users handles under its hostname (alice.pds.example.com), and each needs a TLS certificate";

fn assert_caught(report: &deep::DeepReport) {
    assert_eq!(report.verdict(), Verdict::HostFails, "{report:#?}");
    // atproto.nix no longer matches its checksum: said before the places are trusted.
    assert!(
        report.notes.iter().any(|n| n.contains("edited by hand")),
        "{:?}",
        report.notes
    );
    let errors: Vec<_> = report.errors().collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = errors[0];
    assert!(e.message.starts_with(HANDLES), "{}", e.message);
    assert_eq!(e.option.as_deref(), Some("atproto.integration.tls.handles"));
    assert_eq!(e.answers_path.as_deref(), Some("integrations.tls.handles"));
    assert_eq!(e.section().as_deref(), Some("integrations.tls"));
    // The PDS has no email configured: a warning, mapped to its setting.
    assert!(
        report.warnings().any(|w| w.level == Level::Warning
            && w.answers_path.as_deref()
                == Some("services.bluesky-pds.settings.email_from_address")),
        "{report:#?}"
    );
}

#[test]
fn classic_host_with_a_broken_choice_is_caught() {
    let Some(lib) = nix_and_lib() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let channel = fake_channel(tmp.path(), &lib);
    let host = write_host(tmp.path(), "classic", &format!("path:{}", repo().display()));
    let opts = DeepOptions {
        full: true,
        nix_args: vec!["-I".into(), format!("nixpkgs={}", channel.display())],
        env: Vec::new(),
    };
    // As written by apply: evaluates, and the whole system too.
    let good = deep_check(&host, &opts);
    assert_eq!(good.verdict(), Verdict::Passed, "{good:#?}");
    assert!(good.errors().next().is_none());
    let drv = good.drv_path.as_deref().unwrap_or_default();
    assert!(
        drv.starts_with("/nix/store/") && drv.ends_with("-nixos-system-pds1.drv"),
        "{drv}"
    );

    break_host(&host);
    let bad = deep_check(&host, &opts);
    assert_caught(&bad);
    assert_eq!(
        bad.drv_path, None,
        "the full evaluation is left out after failed assertions"
    );

    // The same through the command line, with the place in atproto.toml.
    let out = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .args(["preview", "--deep", "--no-rebuild"])
        .arg("--nix-arg=-I")
        .arg(format!("--nix-arg=nixpkgs={}", channel.display()))
        .arg(&host)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let toml = host.canonicalize().unwrap().join("atproto.toml");
    let handles_line = std::fs::read_to_string(&toml)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("handles"))
        .unwrap()
        + 1;
    assert!(
        stdout.contains(&format!(
            "{}:{handles_line}:1: error: {HANDLES}",
            toml.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("at integrations.tls.handles (NixOS option atproto.integration.tls.handles)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("deep check: 1 assertion failed, 1 warning"),
        "{stdout}"
    );
}

#[test]
fn classic_host_without_nixpkgs_is_explained() {
    let Some(_) = nix_and_lib() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let host = write_host(tmp.path(), "classic", &format!("path:{}", repo().display()));
    // An empty search path: no <nixpkgs> at all.
    let opts = DeepOptions {
        env: vec![("NIX_PATH".into(), String::new())],
        ..DeepOptions::default()
    };
    let report = deep_check(&host, &opts);
    assert_eq!(report.verdict(), Verdict::CannotRun, "{report:#?}");
    assert_eq!(
        report.problem,
        Some(EvalProblem::NotOnSearchPath {
            file: "nixpkgs/nixos".into()
        })
    );
}

/// Copies a directory tree (the stand-in flakes need their files inside them).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn nix_has_flakes() -> bool {
    Command::new("nix")
        .args([
            "--extra-experimental-features",
            "nix-command flakes",
            "flake",
            "--help",
        ])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn flake_host_with_a_broken_choice_is_caught() {
    let Some(lib) = nix_and_lib() else { return };
    if !nix_has_flakes() {
        eprintln!("SKIPPED: this nix has no flakes (Nix 2.4 or later needed)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // Stand-in nixpkgs flake: lib, and nixosSystem over the declaration stub.
    let np = tmp.path().join("nixpkgs");
    copy_tree(&lib.join("lib"), &np.join("lib"));
    copy_tree(&repo().join("nixlib/tests/eval"), &np.join("eval"));
    std::fs::write(
        np.join("flake.nix"),
        format!(
            "{{\n  outputs = {{ self }}: let\n{TOPLEVEL}\n  in {{\n    lib = (import ./lib) // {{\n      \
             nixosSystem = args: withToplevel (args.system or \"x86_64-linux\") (import ./eval/eval.nix {{\n        libPath = ./.;\n        \
             host = {{ imports = args.modules; _module.args = args.specialArgs or {{ }}; }};\n        \
             modules = [ ];\n      }});\n    }};\n  }};\n}}\n"
        ),
    )
    .unwrap();
    // Stand-in atproto-nix flake: this repository's modules (and the assets they use).
    let at = tmp.path().join("atproto-nix");
    copy_tree(&repo().join("nixlib"), &at.join("nixlib"));
    copy_tree(&repo().join("assets"), &at.join("assets"));
    std::fs::write(
        at.join("flake.nix"),
        "{ outputs = { self }: { nixosModules.default = ./nixlib/modules; }; }\n",
    )
    .unwrap();
    let host = write_host(tmp.path(), "flake", &format!("path:{}", at.display()));
    let opts = DeepOptions {
        full: true,
        nix_args: vec![
            "--override-input".into(),
            "nixpkgs".into(),
            format!("path:{}", np.display()),
        ],
        env: Vec::new(),
    };
    let good = deep_check(&host, &opts);
    assert_eq!(good.verdict(), Verdict::Passed, "{good:#?}");
    assert!(
        good.drv_path
            .as_deref()
            .is_some_and(|d| d.ends_with("-nixos-system-pds1.drv")),
        "{good:#?}"
    );
    assert!(
        !host.join("flake.lock").exists(),
        "a check writes no lock file"
    );

    break_host(&host);
    let bad = deep_check(&host, &opts);
    assert_caught(&bad);
}
