//! The host's other files: `flake.nix`, a new `configuration.nix`, and a classic host's
//! `atproto.nix` (which fetches the modules itself). Each profile in both modes: golden
//! snapshots, nixfmt-exact, parsed by rnix and by `nix-instantiate --parse`, the same
//! bytes twice, and evaluated with stub inputs to check what they wire together.
use crate::support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::Answers;
use atproto_wizard::render::{
    HostContext, HostMode, render_atproto_nix, render_configuration_nix, render_flake_nix,
};
use atproto_wizard::value::Value;

// ------------------------------------------------------------------ helpers

fn profiles() -> Vec<(String, Answers)> {
    let dir = support::repo().join("profiles");
    let mut out: Vec<(String, Answers)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            (name, Answers::read(&p).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 6, "the profiles are missing");
    out
}

/// Sets `host.<key>` (or any dotted path) in a plan tree.
fn set(tree: &mut BTreeMap<String, Value>, path: &str, value: Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let (last, parents) = parts.split_last().unwrap();
    let mut table = tree;
    for part in parents {
        let entry = table
            .entry(part.to_string())
            .or_insert_with(|| Value::Table(BTreeMap::new()));
        let Value::Table(t) = entry else {
            panic!("{part} is not a table")
        };
        table = t;
    }
    table.insert(last.to_string(), value);
}

fn with(tree: &BTreeMap<String, Value>, edits: &[(&str, &str)]) -> BTreeMap<String, Value> {
    let mut tree = tree.clone();
    for (path, value) in edits {
        set(&mut tree, path, Value::Str(value.to_string()));
    }
    tree
}

/// Every profile as given (flake mode) and its classic variant.
fn variants() -> Vec<(String, BTreeMap<String, Value>)> {
    let mut out = Vec::new();
    for (name, answers) in profiles() {
        out.push((
            format!("{name}-flake"),
            with(&answers.tree, &[("host.mode", "flake")]),
        ));
        out.push((
            format!("{name}-classic"),
            with(&answers.tree, &[("host.mode", "classic")]),
        ));
    }
    out
}

const HARDWARE: HostContext = HostContext {
    has_hardware_configuration: true,
};

/// Every host file a plan gives, by name: flake.nix only in flake mode.
fn host_files(tree: &BTreeMap<String, Value>) -> Vec<(&'static str, String)> {
    let catalog = Catalog::embedded();
    let mut out = vec![
        ("atproto.nix", render_atproto_nix(tree, catalog)),
        (
            "configuration.nix",
            render_configuration_nix(tree, catalog, &HARDWARE),
        ),
    ];
    if HostMode::of(tree, catalog).has_flake() {
        out.push(("flake.nix", render_flake_nix(tree, catalog)));
    }
    out
}

fn assert_parses(name: &str, text: &str) {
    let parsed = rnix::Root::parse(text);
    assert!(
        parsed.errors().is_empty(),
        "{name}: rnix: {:?}\n{text}",
        parsed.errors()
    );
    assert_eq!(
        nixfmt_rs::format(text).unwrap_or_else(|e| panic!("{name}: nixfmt: {e:?}")),
        text,
        "{name}: nixfmt would reformat it"
    );
}

fn nix_parse(nix: &Path, file: &Path) {
    let out = Command::new(nix).arg("--parse").arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Evaluates `expr` strictly to JSON in `dir`.
fn eval_in(nix: &Path, dir: &Path, expr: &str) -> serde_json::Value {
    let out = Command::new(nix)
        .args(["--eval", "--strict", "--json", "-E", expr])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nix-instantiate failed on {expr}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A flake's `nixosConfigurations` called with stub inputs, `nixpkgs.lib.nixosSystem`
/// returning its arguments; paths shown as `path <name>`, so nothing is copied.
const FLAKE_EVAL: &str = r#"
let
  flake = import ./flake.nix;
  inputs = {
    self = { };
    nixpkgs = { lib.nixosSystem = args: args; };
    atproto-nix = { nixosModules.default = "atproto-module"; };
    sops-nix = { nixosModules.sops = "sops-module"; };
    agenix = { nixosModules.default = "agenix-module"; };
  };
  show = m: if builtins.typeOf m == "path" then "path " + baseNameOf (toString m) else m;
  hosts = (flake.outputs inputs).nixosConfigurations;
in
{
  inputs = builtins.mapAttrs (_: i: i) flake.inputs;
  hosts = builtins.mapAttrs (_: c: {
    inherit (c) system;
    modules = map show c.modules;
    special = builtins.attrNames c.specialArgs;
    passesInputs = c.specialArgs.inputs == inputs;
  }) hosts;
}
"#;

// ------------------------------------------------------------------ every profile

#[test]
fn profile_snapshots_in_both_modes() {
    let catalog = Catalog::embedded();
    for (variant, tree) in variants() {
        for (file, text) in host_files(&tree) {
            // Flake mode's atproto.nix is tests/render.rs's snapshot; classic mode's is
            // here, as it differs.
            if file == "atproto.nix" && variant.ends_with("-flake") {
                assert_eq!(text, render_atproto_nix(&tree, catalog));
                continue;
            }
            support::assert_snapshot!(format!("{variant}-{file}"), text);
        }
    }
}

#[test]
fn every_host_file_is_nixfmt_exact_parses_and_renders_the_same_twice() {
    for (variant, tree) in variants() {
        let first = host_files(&tree);
        assert_eq!(first, host_files(&tree), "{variant}");
        for (file, text) in &first {
            assert_parses(&format!("{variant} {file}"), text);
        }
    }
    // Without a hardware-configuration.nix, too.
    for (name, answers) in profiles() {
        let text = render_configuration_nix(
            &answers.tree,
            Catalog::embedded(),
            &HostContext {
                has_hardware_configuration: false,
            },
        );
        assert_parses(&name, &text);
    }
}

#[test]
fn every_host_file_parses_with_nix() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (variant, tree) in variants() {
        for (file, text) in host_files(&tree) {
            let path = dir.path().join(format!("{variant}-{file}"));
            std::fs::write(&path, text).unwrap();
            nix_parse(&nix, &path);
        }
    }
}

#[test]
fn the_classic_variant_differs_only_where_it_must() {
    let catalog = Catalog::embedded();
    for (name, answers) in profiles() {
        let flake = with(&answers.tree, &[("host.mode", "flake")]);
        let classic = with(&answers.tree, &[("host.mode", "classic")]);
        // Flake mode is the profile as committed: the mode changes nothing else.
        assert_eq!(
            render_atproto_nix(&flake, catalog),
            render_atproto_nix(&answers.tree, catalog),
            "{name}"
        );
        let flake_text = render_atproto_nix(&flake, catalog);
        let classic_text = render_atproto_nix(&classic, catalog);
        assert!(!flake_text.contains("imports"), "{name}");
        assert!(
            classic_text.contains("imports = [ /etc/nixos/atproto-nix/nixlib/modules ];"),
            "{name}: {classic_text}"
        );
        // Everything after the imports is the flake-mode module.
        let tail = |t: &str| t[t.find("  # The host:").unwrap()..].to_string();
        assert_eq!(tail(&classic_text), tail(&flake_text), "{name}");
        let config = render_configuration_nix(&classic, catalog, &HARDWARE);
        assert!(!config.contains("experimental-features"), "{name}");
        assert!(render_configuration_nix(&flake, catalog, &HARDWARE).contains("\"flakes\""));
    }
}

// ------------------------------------------------------------------ flake.nix

#[test]
fn flakes_evaluate_to_one_host_with_the_modules_and_system() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let catalog = Catalog::embedded();
    let dir = tempfile::tempdir().unwrap();
    for (name, answers) in profiles() {
        std::fs::write(
            dir.path().join("flake.nix"),
            render_flake_nix(&answers.tree, catalog),
        )
        .unwrap();
        let result = eval_in(&nix, dir.path(), FLAKE_EVAL);
        let host = answers.tree["host"].as_table().unwrap();
        let hostname = host["hostname"].as_str().unwrap();
        let system = host
            .get("system")
            .and_then(Value::as_str)
            .unwrap_or("x86_64-linux");
        assert_eq!(
            result["hosts"],
            serde_json::json!({ hostname: {
                "system": system,
                "modules": ["path configuration.nix", "atproto-module"],
                "special": ["inputs"],
                "passesInputs": true,
            }}),
            "{name}"
        );
        let inputs = &result["inputs"];
        assert_eq!(
            inputs["nixpkgs"]["url"],
            format!("github:NixOS/nixpkgs/{}", host["nixpkgs"].as_str().unwrap())
        );
        assert_eq!(
            inputs["atproto-nix"]["url"],
            host["flake_url"].as_str().unwrap()
        );
        assert_eq!(
            inputs["atproto-nix"]["inputs"]["nixpkgs"]["follows"],
            "nixpkgs"
        );
        assert_eq!(
            inputs.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["atproto-nix", "nixpkgs"],
            "{name}"
        );
    }
}

#[test]
fn secrets_backends_bring_their_flake_only_when_chosen() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let catalog = Catalog::embedded();
    let (_, answers) = profiles().into_iter().next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (backend, input, url, module) in [
        ("generate", None, None, None),
        (
            "sops",
            Some("sops-nix"),
            Some("github:Mic92/sops-nix"),
            Some("sops-module"),
        ),
        (
            "agenix",
            Some("agenix"),
            Some("github:ryantm/agenix"),
            Some("agenix-module"),
        ),
    ] {
        let tree = with(
            &answers.tree,
            &[
                ("integrations.secrets.backend", backend),
                ("host.hostname", "h"),
            ],
        );
        let text = render_flake_nix(&tree, catalog);
        assert_parses(backend, &text);
        std::fs::write(dir.path().join("flake.nix"), &text).unwrap();
        let result = eval_in(&nix, dir.path(), FLAKE_EVAL);
        let mut names = vec!["atproto-nix", "nixpkgs"];
        let mut modules = vec!["path configuration.nix", "atproto-module"];
        names.extend(input);
        names.sort();
        modules.extend(module);
        assert_eq!(
            result["inputs"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            names,
            "{backend}"
        );
        if let (Some(input), Some(url)) = (input, url) {
            assert_eq!(result["inputs"][input]["url"], url);
            assert_eq!(
                result["inputs"][input]["inputs"]["nixpkgs"]["follows"],
                "nixpkgs"
            );
        }
        assert_eq!(
            result["hosts"]["h"]["modules"],
            serde_json::json!(modules),
            "{backend}"
        );
    }
}

#[test]
fn odd_hostnames_are_quoted_and_evaluate_to_the_same_name() {
    let catalog = Catalog::embedded();
    let (_, answers) = profiles().into_iter().next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let nix = support::nix_instantiate();
    for hostname in [
        "pds1",
        "1pds",
        "my.host",
        "in",
        "with space",
        "quote\"and${x}",
        "ünï",
        &"h".repeat(63),
        &format!("9{}", "h".repeat(62)),
    ] {
        let tree = with(&answers.tree, &[("host.hostname", hostname)]);
        let text = render_flake_nix(&tree, catalog);
        assert_parses(hostname, &text);
        let Some(nix) = &nix else { continue };
        std::fs::write(dir.path().join("flake.nix"), &text).unwrap();
        let result = eval_in(nix, dir.path(), FLAKE_EVAL);
        assert_eq!(
            result["hosts"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            [hostname],
            "{text}"
        );
    }
}

// ------------------------------------------------------------------ configuration.nix

#[test]
fn new_configurations_evaluate_to_their_imports_and_settings() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let catalog = Catalog::embedded();
    let dir = tempfile::tempdir().unwrap();
    let expr = r#"
let
  c = import ./configuration.nix { };
  show = m: "path " + baseNameOf (toString m);
in
c // { imports = map show c.imports; }
"#;
    for (variant, tree) in variants() {
        for hardware in [true, false] {
            let text = render_configuration_nix(
                &tree,
                catalog,
                &HostContext {
                    has_hardware_configuration: hardware,
                },
            );
            std::fs::write(dir.path().join("configuration.nix"), text).unwrap();
            let result = eval_in(&nix, dir.path(), expr);
            let mut imports = vec!["path atproto.nix"];
            if hardware {
                imports.insert(0, "path hardware-configuration.nix");
            }
            let state_version = tree["host"].as_table().unwrap()["state_version"].clone();
            let mut expected = serde_json::json!({
                "imports": imports,
                "services": { "openssh": { "enable": true } },
                "system": { "stateVersion": state_version.as_str().unwrap() },
            });
            if variant.ends_with("-flake") {
                expected["nix"] = serde_json::json!({ "settings": { "experimental-features": ["nix-command", "flakes"] } });
            }
            assert_eq!(result, expected, "{variant}");
        }
    }
}

// ------------------------------------------------------------------ classic atproto.nix

/// A classic `atproto.nix`'s imports, with `builtins.fetchTarball` and `fetchGit`
/// replaced by stubs that say what they would fetch (so nothing is downloaded).
const CLASSIC_EVAL: &str = r#"
let
  describe = kind: a:
    if builtins.isAttrs a then
      "${kind}(${builtins.concatStringsSep "," (map (k: "${k}=${toString a.${k}}") (builtins.attrNames a))})"
    else
      "${kind}(${a})";
  stubs = builtins // {
    fetchTarball = describe "tarball";
    fetchGit = describe "git";
  };
  m = scopedImport { builtins = stubs; } ./atproto.nix { };
  show = i: if builtins.typeOf i == "path" then "path " + toString i else i;
  imports = map show m.imports;
  tried = builtins.tryEval (builtins.deepSeq imports imports);
in
if tried.success then tried.value else "throws"
"#;

fn classic_imports(nix: &Path, dir: &Path, flake_url: &str, backend: &str) -> serde_json::Value {
    let (_, answers) = profiles().into_iter().next().unwrap();
    let tree = with(
        &answers.tree,
        &[
            ("host.mode", "classic"),
            ("host.flake_url", flake_url),
            ("integrations.secrets.backend", backend),
        ],
    );
    let text = render_atproto_nix(&tree, Catalog::embedded());
    assert_parses(flake_url, &text);
    std::fs::write(dir.join("atproto.nix"), &text).unwrap();
    nix_parse(nix, &dir.join("atproto.nix"));
    eval_in(nix, dir, CLASSIC_EVAL)
}

const REV: &str = "0123456789abcdef0123456789abcdef01234567";

#[test]
fn classic_hosts_fetch_the_modules_as_pinned_as_the_reference_allows() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let gh = |at: &str| {
        format!("tarball(url=https://github.com/o/r/archive/{at}.tar.gz)/nixlib/modules")
    };
    for (flake_url, expected) in [
        (
            "path:/etc/nixos/atproto-nix".to_string(),
            serde_json::json!(["path /etc/nixos/atproto-nix/nixlib/modules"]),
        ),
        (format!("github:o/r/{REV}"), serde_json::json!([gh(REV)])),
        (
            format!("github:o/r?rev={REV}&dir=sub"),
            serde_json::json!([format!(
                "tarball(url=https://github.com/o/r/archive/{REV}.tar.gz)/sub/nixlib/modules"
            )]),
        ),
        ("github:o/r".to_string(), serde_json::json!([gh("HEAD")])),
        (
            "github:o/r/main?narHash=sha256-AAAA%3D".to_string(),
            serde_json::json!([
                "tarball(sha256=sha256-AAAA=,url=https://github.com/o/r/archive/main.tar.gz)/nixlib/modules"
            ]),
        ),
        (
            format!("git+https://git.example.com/r.git?ref=deploy&rev={REV}"),
            serde_json::json!([format!(
                "git(ref=deploy,rev={REV},url=https://git.example.com/r.git)/nixlib/modules"
            )]),
        ),
        (
            format!("git+https://git.example.com/r.git?rev={REV}"),
            serde_json::json!([format!(
                "git(allRefs=1,rev={REV},url=https://git.example.com/r.git)/nixlib/modules"
            )]),
        ),
        (
            "https://example.com/a$b.tar.gz".to_string(),
            serde_json::json!(["tarball(url=https://example.com/a$b.tar.gz)/nixlib/modules"]),
        ),
        ("flake:atproto-nix".to_string(), serde_json::json!("throws")),
    ] {
        assert_eq!(
            classic_imports(&nix, d, &flake_url, "generate"),
            expected,
            "{flake_url}"
        );
    }
}

#[test]
fn classic_hosts_say_whether_they_are_pinned() {
    let catalog = Catalog::embedded();
    let (_, answers) = profiles().into_iter().next().unwrap();
    let render = |flake_url: &str| {
        render_atproto_nix(
            &with(
                &answers.tree,
                &[("host.mode", "classic"), ("host.flake_url", flake_url)],
            ),
            catalog,
        )
    };
    let pinned = render(&format!("github:o/r/{REV}"));
    assert!(
        pinned.contains("# atproto-nix at the commit host.flake_url (atproto.toml) names."),
        "{pinned}"
    );
    assert!(!pinned.contains("Not pinned"), "{pinned}");
    for unpinned in [
        "github:o/r",
        "github:o/r/main",
        "git+https://e.com/r",
        "https://e.com/a.tar.gz",
    ] {
        let text = render(unpinned);
        assert!(text.contains("# Not pinned:"), "{text}");
        assert!(text.contains("To pin it,"), "{text}");
        assert!(!text.contains("sha256 ="), "a hash was invented:\n{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    }
}

#[test]
fn classic_hosts_import_the_secrets_backends_module() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let local = "path /etc/nixos/atproto-nix/nixlib/modules";
    assert_eq!(
        classic_imports(&nix, dir.path(), "path:/etc/nixos/atproto-nix", "sops"),
        serde_json::json!([
            local,
            "tarball(https://github.com/Mic92/sops-nix/archive/master.tar.gz)/modules/sops"
        ])
    );
    assert_eq!(
        classic_imports(&nix, dir.path(), "path:/etc/nixos/atproto-nix", "agenix"),
        serde_json::json!([
            local,
            "tarball(https://github.com/ryantm/agenix/archive/main.tar.gz)/modules/age.nix"
        ])
    );
}

/// A classic host's `atproto.nix`, pointing at this repository, brings the modules by
/// itself: evaluated with nixpkgs' lib (tier 3) and no other module list, it fails no
/// assertion.
#[test]
fn classic_profiles_evaluate_with_the_modules_they_import() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let Some(lib) = support::nixpkgs_lib() else {
        return;
    };
    let catalog = Catalog::embedded();
    let dir = tempfile::tempdir().unwrap();
    let repo = support::repo();
    for (name, answers) in profiles() {
        let tree = with(
            &answers.tree,
            &[
                ("host.mode", "classic"),
                ("host.flake_url", &format!("path:{}", repo.display())),
            ],
        );
        let file = dir.path().join(format!("{name}.nix"));
        std::fs::write(&file, render_atproto_nix(&tree, catalog)).unwrap();
        let view = atproto_wizard::plan::PlanView::new(catalog, &tree);
        let ids: Vec<String> = view
            .enabled_services()
            .map(|s| format!("{:?}", s.id))
            .collect();
        assert!(!ids.is_empty(), "{name}");
        let expr = format!(
            "let r = import {:?} {{ libPath = {:?}; host = ./{name}.nix; modules = [ ]; }}; in {{ inherit (r) failed; enabled = map (id: r.config.services.${{id}}.enable) [ {} ]; }}",
            repo.join("nixlib/tests/eval/eval.nix")
                .display()
                .to_string(),
            lib.display().to_string(),
            ids.join(" "),
        );
        let result = eval_in(&nix, dir.path(), &expr);
        assert_eq!(result["failed"], serde_json::json!([]), "{name}");
        assert_eq!(
            result["enabled"],
            serde_json::json!(vec![true; ids.len()]),
            "{name}: {ids:?}"
        );
    }
}
