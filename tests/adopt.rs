//! `adopt`: hand-written hosts (tests/data/adopt/, written the way the NixOS manual and
//! wiki show: comments, `let` bindings, `with pkgs;`, several files) become
//! wizard-managed hosts, and they run the same. The proof: each host is evaluated
//! before and after (nixlib/tests/eval/host-effective.nix: the flake as nixos-rebuild
//! would, over the declaration stub and nixpkgs' lib) and the PDS's settings, every
//! unit's ExecStart/Environment/EnvironmentFile/User, the virtual hosts, the ACME
//! certificates and the firewall are compared.
use crate::support::{self, eval_json, repo};

use std::path::{Path, PathBuf};
use std::process::Command;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::render::atproto_nix::env_text;
use atproto_wizard::value::Value;
use serde_json::Value as Json;
use similar::{ChangeTag, TextDiff};

fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    copy_dir(&repo().join("tests/data/adopt").join(name), &dir);
    (tmp, dir)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn wizard(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_atproto-wizard"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn effective(dir: &Path, host: &str) -> Option<Json> {
    let nix = support::nix_instantiate()?;
    let lib = support::nixpkgs_lib()?;
    let expr = format!(
        "import ./nixlib/tests/eval/host-effective.nix {{ libPath = {:?}; dir = {}; host = {host:?}; }}",
        lib.display().to_string(),
        dir.display()
    );
    Some(eval_json(&nix, &expr))
}

/// The PDS variables the wizard writes where a host leaves them unset (its catalog's
/// `unset_means`, when that is a value and not "no variable"): the program reads them
/// the same as absent.
fn written_for_unset() -> Vec<(String, String)> {
    let pds = Catalog::embedded().service("bluesky-pds").unwrap();
    pds.settings
        .iter()
        .filter_map(|f| {
            let v = Value::from_toml(f.unset_means.as_ref()?);
            let text = env_text(&v);
            (!text.is_empty()).then(|| (f.env.clone().unwrap(), text))
        })
        .collect()
}

/// Before and after are the same host: every compared option equal; the PDS's
/// variables equal but for those the wizard writes for "unset".
fn assert_same_host(before: &Json, after: &Json) {
    assert_eq!(before["failed"], Json::Array(vec![]), "before fails");
    assert_eq!(after["failed"], Json::Array(vec![]), "after fails");
    for key in [
        "hostName",
        "firewall",
        "pdsEnvironmentFiles",
        "nginx",
        "virtualHosts",
        "caddy",
        "acme",
        "restic",
        "postgresql",
        "prometheus",
        "grafana",
        "fail2ban",
    ] {
        assert_eq!(before[key], after[key], "{key} changed");
    }
    let extra = written_for_unset();
    let (b, a) = (
        before["pds"].as_object().unwrap(),
        after["pds"].as_object().unwrap(),
    );
    for (k, v) in b {
        assert_eq!(Some(v), a.get(k), "PDS setting {k}");
    }
    for (k, v) in a.iter().filter(|(k, _)| !b.contains_key(*k)) {
        assert!(
            extra
                .iter()
                .any(|(e, t)| e == k && Json::String(t.clone()) == *v),
            "PDS setting {k} = {v} is new after adoption"
        );
    }
    // Every unit, with its command, user and environment (the PDS's differs only by
    // the variables above).
    let (bu, au) = (
        before["units"].as_object().unwrap(),
        after["units"].as_object().unwrap(),
    );
    let names = |m: &serde_json::Map<String, Json>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(bu), names(au), "the units differ");
    for (name, unit) in bu {
        let mut after_unit = au[name].clone();
        if name == "bluesky-pds" {
            let had = unit["serviceConfig"]["Environment"].as_array().unwrap();
            let env = after_unit["serviceConfig"]["Environment"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|line| {
                    had.contains(line)
                        || !extra
                            .iter()
                            .any(|(e, t)| line.as_str() == Some(&format!("{e}={t}")))
                })
                .cloned()
                .collect();
            after_unit["serviceConfig"]["Environment"] = Json::Array(env);
        }
        assert_eq!(unit, &after_unit, "unit {name} changed");
    }
}

/// What was taken out of an operator's file: only whole bindings (deleted text), and
/// every line left is one that was there.
fn removed_lines(before: &str, after: &str) -> Vec<String> {
    let mut removed = Vec::new();
    for change in TextDiff::from_lines(before, after).iter_all_changes() {
        match change.tag() {
            ChangeTag::Delete => removed.push(change.value().trim().to_string()),
            ChangeTag::Insert => panic!("adopt added {:?} to\n{after}", change.value()),
            ChangeTag::Equal => {}
        }
    }
    removed
}

#[test]
fn a_hand_written_pds_is_adopted_and_runs_the_same() {
    let (_tmp, dir) = fixture("manual-pds");
    let d = dir.to_str().unwrap();
    let before_files: Vec<(String, String)> = ["configuration.nix", "pds.nix", "flake.nix"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read_to_string(dir.join(f)).unwrap()))
        .collect();
    let before = effective(&dir, "pds");

    // A dry run writes nothing.
    let (code, out) = wizard(&["adopt", d, "--dry-run"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Dry run: 5 files would be written"), "{out}");
    assert!(!dir.join("atproto.toml").exists());

    let (code, out) = wizard(&["adopt", d, "--yes"]);
    assert_eq!(code, 0, "{out}");
    // What was found says where it came from, and what stays is listed.
    assert!(
        out.contains(
            "services.bluesky-pds.settings.hostname = \"pds.example.org\"  from pds.nix:11"
        ),
        "{out}"
    );
    assert!(
        out.contains("services.bluesky-pds.environmentFiles (pds.nix:19)"),
        "{out}"
    );
    assert!(
        out.contains("PDS_SERVICE_HANDLE_DOMAINS (pds.nix:16)"),
        "{out}"
    );

    let answers = std::fs::read_to_string(dir.join("atproto.toml")).unwrap();
    assert!(
        answers.contains("hostname = \"Kappa\" # from configuration.nix:10"),
        "{answers}"
    );
    assert!(
        answers.contains(
            "crawlers = [\"https://bsky.network\", \"https://relay.example.net\"] # from pds.nix:14"
        ),
        "{answers}"
    );
    assert!(answers.contains("own_secrets = true"), "{answers}");
    assert!(
        answers.contains("dns_provider = \"cloudflare\" # from pds.nix:43"),
        "{answers}"
    );

    // The operator's files lost only the adopted bindings; configuration.nix gained the
    // import and nothing else.
    let now = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let pds_removed = removed_lines(&before_files[1].1, &now("pds.nix"));
    assert!(
        pds_removed.contains(&"enable = true;".to_string()),
        "{pds_removed:?}"
    );
    assert!(
        pds_removed.contains(&"PDS_HOSTNAME = domain;".to_string()),
        "{pds_removed:?}"
    );
    assert!(now("pds.nix").contains("PDS_SERVICE_HANDLE_DOMAINS = \".example.org\";"));
    assert!(now("pds.nix").contains("environmentFiles = [ \"/var/lib/pds/pds.env\" ];"));
    assert!(now("pds.nix").contains("# Not something the wizard models: stays here."));
    // nginx's own `false` wins over the wizard's default, so it stays.
    assert!(now("pds.nix").contains("recommendedGzipSettings = false; # mine: no gzip"));
    assert!(!now("pds.nix").contains("recommendedProxySettings"));
    let config_now = now("configuration.nix");
    assert!(config_now.contains("./atproto.nix"), "{config_now}");
    assert!(config_now.contains("networking.firewall.allowedTCPPorts = [ 22 80 443 ];"));
    assert!(!config_now.contains("networking.hostName"), "{config_now}");
    assert!(config_now.contains("system.stateVersion = \"25.05\"; # Did you read the comment?"));

    // Every file parses.
    if let Some(nix) = support::nix_instantiate() {
        for f in ["configuration.nix", "pds.nix", "flake.nix", "atproto.nix"] {
            let out = Command::new(&nix)
                .arg("--parse")
                .arg(dir.join(f))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{f}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    // The same host, evaluated.
    if let (Some(before), Some(after)) = (before, effective(&dir, "pds")) {
        assert_same_host(&before, &after);
    }

    // Managed now: apply with the answers it wrote changes nothing, and adopting again
    // is refused with what to use instead.
    let (code, out) = wizard(&[
        "apply",
        "--answers",
        &format!("{d}/atproto.toml"),
        "--dir",
        d,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("No changes"), "{out}");
    let (code, out) = wizard(&["adopt", d, "--yes"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("already has an atproto.toml"), "{out}");
    assert!(out.contains("atproto-wizard edit"), "{out}");
}

/// A flake with two machines, the PDS one named apart from the sibling configuration.nix
/// (which the other machine uses), the call in parentheses, modules in subdirectories,
/// `with lib;`, and an nginx the wizard does not write that way (no handles): nginx
/// stays the operator's, the PDS moves, the other machine's files are untouched.
#[test]
fn a_flake_host_with_its_own_nginx_keeps_it_and_moves_the_pds() {
    let (_tmp, dir) = fixture("plain-nginx");
    let d = dir.to_str().unwrap();
    let configuration = std::fs::read_to_string(dir.join("configuration.nix")).unwrap();
    let before = effective(&dir, "bsky");
    let desktop_before = effective(&dir, "desktop");

    // Two hosts: which one must be said.
    let (code, out) = wizard(&["adopt", d, "--yes"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("several hosts (desktop, bsky): say which one with --host NAME"),
        "{out}"
    );

    let (code, out) = wizard(&["adopt", d, "--host", "bsky", "--yes"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("The nginx configuration stays as you wrote it"),
        "{out}"
    );
    assert!(
        out.contains("services.bluesky-pds.ports.http = 2583  from services/pds.nix:5"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("configuration.nix")).unwrap(),
        configuration
    );
    let bsky = std::fs::read_to_string(dir.join("hosts/bsky.nix")).unwrap();
    assert!(
        bsky.contains("services.nginx.virtualHosts.\"bsky.example.net\""),
        "{bsky}"
    );
    assert!(!bsky.contains("networking.hostName"), "{bsky}");
    let flake = std::fs::read_to_string(dir.join("flake.nix")).unwrap();
    assert!(
        flake.contains(
            "modules = [ ./hosts/bsky.nix inputs.atproto-nix.nixosModules.default ./atproto.nix ];"
        ),
        "{flake}"
    );
    assert!(
        flake.contains("modules = [ ./configuration.nix ];"),
        "{flake}"
    );
    let answers = std::fs::read_to_string(dir.join("atproto.toml")).unwrap();
    assert!(
        answers.contains("[integrations.proxy]\nkind = \"none\""),
        "{answers}"
    );

    if let (Some(before), Some(after)) = (before, effective(&dir, "bsky")) {
        assert_same_host(&before, &after);
    }
    if let (Some(before), Some(after)) = (desktop_before, effective(&dir, "desktop")) {
        assert_eq!(before, after, "the other machine changed");
    }
}

/// What cannot be adopted safely stops everything, with the place and what to do.
#[test]
fn an_unreadable_module_or_an_import_list_it_cannot_edit_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let d = dir.to_str().unwrap();
    // A module that is a mkMerge: its bindings cannot be read as text.
    std::fs::write(
        dir.join("configuration.nix"),
        "{ lib, ... }:\nlib.mkMerge [ { services.bluesky-pds.enable = true; } ]\n",
    )
    .unwrap();
    let (code, out) = wizard(&["adopt", d, "--yes"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("configuration.nix cannot be read as bindings"),
        "{out}"
    );
    assert!(out.contains("lib.mkMerge"), "{out}");
    assert_eq!(std::fs::read_dir(dir).unwrap().count(), 1);

    // Imports built by a call: the file gains nothing and nothing is written anywhere.
    let text = "{ config, lib, ... }:\n{\n  imports = lib.optionals true [ ./hardware-configuration.nix ];\n  networking.hostName = \"pds\";\n  security.acme.defaults.email = \"a@example.org\";\n  services.bluesky-pds.enable = true;\n  services.bluesky-pds.settings.PDS_HOSTNAME = \"pds.example.org\";\n  services.bluesky-pds.environmentFiles = [ \"/var/lib/pds/pds.env\" ];\n}\n";
    std::fs::write(dir.join("configuration.nix"), text).unwrap();
    let (code, out) = wizard(&["adopt", d, "--yes"]);
    assert_eq!(code, 5, "{out}");
    assert!(out.contains("refused: configuration.nix"), "{out}");
    assert!(
        out.contains("imports = [ ./atproto.nix ] ++ lib.optionals true"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("configuration.nix")).unwrap(),
        text
    );
    assert_eq!(
        std::fs::read_dir(dir).unwrap().count(),
        1,
        "no other file, no backup"
    );

    // No service the wizard knows: nothing to adopt.
    std::fs::write(
        dir.join("configuration.nix"),
        "{ ... }: { services.openssh.enable = true; }\n",
    )
    .unwrap();
    let (code, out) = wizard(&["adopt", d, "--yes"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nothing to adopt"), "{out}");
}

/// A value the text cannot give (an expression) is asked of Nix, once, for the whole
/// host: it goes into the answers and its binding stays. Nix here is a stand-in on
/// PATH that prints what the real `nix eval --json … --apply` would, and records how
/// it was called; without Nix the binding stays and the report says what to give.
#[test]
fn an_expression_is_evaluated_with_nix_and_its_binding_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    std::fs::create_dir(&dir).unwrap();
    let configuration = "{ config, lib, ... }:\n{\n  networking.hostName = \"pds\";\n  networking.domain = \"example.org\";\n  security.acme.defaults.email = \"a@example.org\";\n  services.bluesky-pds.enable = true;\n  services.bluesky-pds.settings.PDS_HOSTNAME = lib.toLower config.my.pds.fqdn;\n  services.bluesky-pds.environmentFiles = [ \"/var/lib/pds/pds.env\" ];\n}\n";
    std::fs::write(dir.join("configuration.nix"), configuration).unwrap();
    let d = dir.to_str().unwrap();

    // No Nix on PATH: said, and nothing written.
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let run = |path: &str, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_atproto-wizard"))
            .args(args)
            .env("PATH", path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, out) = run(bin.to_str().unwrap(), &["adopt", d, "--yes"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Nix could not evaluate the host (nix-instantiate is not installed)"),
        "{out}"
    );
    assert!(!dir.join("atproto.toml").exists());

    // A stand-in nix-instantiate (a classic host), answering for the PDS's hostname.
    let log = tmp.path().join("calls");
    let fake = bin.join("nix-instantiate");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > {}\necho '{{\"services.bluesky-pds.settings.PDS_HOSTNAME\":\"pds.example.org\"}}'\n",
            log.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let (code, out) = run(&path, &["adopt", d, "--yes"]);
    assert_eq!(code, 0, "{out}");
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(
        calls.contains(&format!(
            "nixos-config={}/configuration.nix",
            std::fs::canonicalize(&dir).unwrap().display()
        )),
        "{calls}"
    );
    assert!(
        calls.contains("c.\"services\".\"bluesky-pds\".\"settings\".\"PDS_HOSTNAME\" or null"),
        "{calls}"
    );
    let answers = std::fs::read_to_string(dir.join("atproto.toml")).unwrap();
    assert!(
        answers.contains("domain = \"pds.example.org\""),
        "{answers}"
    );
    assert!(answers.contains("hostname = \"pds.example.org\" # evaluated with Nix; configuration.nix:7 keeps its expression"), "{answers}");
    let now = std::fs::read_to_string(dir.join("configuration.nix")).unwrap();
    assert!(
        now.contains("PDS_HOSTNAME = lib.toLower config.my.pds.fqdn;"),
        "{now}"
    );
    assert!(!now.contains("services.bluesky-pds.enable"), "{now}");
}

/// A host that already uses the project's modules, written by hand: its
/// `atproto.integration` and `atproto.host` choices become the answers (they would
/// clash with atproto.nix's otherwise), and it runs the same.
#[test]
fn a_host_written_against_the_projects_modules_is_adopted() {
    let (_tmp, dir) = fixture("own-modules");
    let d = dir.to_str().unwrap();
    let before = effective(&dir, "links");
    let (code, out) = wizard(&["adopt", d, "--yes"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("integrations.proxy.kind = \"nginx\"  from configuration.nix:17"),
        "{out}"
    );
    assert!(
        out.contains("integrations.monitoring.prometheus = true  from configuration.nix:19"),
        "{out}"
    );
    let configuration = std::fs::read_to_string(dir.join("configuration.nix")).unwrap();
    assert_eq!(
        configuration,
        "{ ... }:\n{\n  imports = [ ./atproto.nix ];\n\n  system.stateVersion = \"25.05\";\n}\n"
    );
    // The flake already brings the modules; only atproto.nix is new to the host.
    assert_eq!(
        std::fs::read_to_string(dir.join("flake.nix")).unwrap(),
        std::fs::read_to_string(repo().join("tests/data/adopt/own-modules/flake.nix")).unwrap()
    );
    if let (Some(before), Some(after)) = (before, effective(&dir, "links")) {
        assert_same_host(&before, &after);
    }
}

/// A module another host of the flake uses too keeps its bindings: taking them out
/// would change that host. Both hosts run the same afterwards.
#[test]
fn a_module_shared_with_another_host_keeps_its_bindings() {
    let (_tmp, dir) = fixture("plain-nginx");
    let flake = std::fs::read_to_string(dir.join("flake.nix"))
        .unwrap()
        .replace(
            "modules = [ ./configuration.nix ];",
            "modules = [ ./configuration.nix ./services/pds.nix ];",
        );
    std::fs::write(dir.join("flake.nix"), &flake).unwrap();
    let shared = std::fs::read_to_string(dir.join("services/pds.nix")).unwrap();
    let d = dir.to_str().unwrap();
    let before = effective(&dir, "bsky");
    let desktop_before = effective(&dir, "desktop");
    let (code, out) = wizard(&["adopt", d, "--host", "bsky", "--yes"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "services/pds.nix is also used by nixosConfigurations.desktop: its bindings stay"
        ),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("services/pds.nix")).unwrap(),
        shared
    );
    if let (Some(before), Some(after)) = (before, effective(&dir, "bsky")) {
        assert_same_host(&before, &after);
    }
    if let (Some(before), Some(after)) = (desktop_before, effective(&dir, "desktop")) {
        assert_eq!(before, after, "the other machine changed");
    }
}
