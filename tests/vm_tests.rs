//! The VM tests (nixlib/tests/vm/*.nix) run only where `nix flake check` has a full
//! nixpkgs and KVM. What can be checked without them is checked here: every file
//! parses and is one of the flake's checks, every host under test evaluates with the
//! ATProto modules and the declaration stub (nixlib/tests/eval/eval.nix) with no failed
//! assertion, each test's claims (`covers`) are true of its evaluated hosts and named
//! in its test script, and every integration is enabled by at least one VM test host.
//!
//! A VM test file is a function of what it needs by name (`self`, `sops-nix`, `agenix`)
//! returning nixpkgs' test module plus `hosts` (the hosts under test: what an operator
//! writes, nothing of the test harness) and `covers` (the integrations it claims).
//! Here `self` is this flake's outputs evaluated with nixpkgs' lib only, and sops-nix
//! and agenix are their stand-ins (nixlib/tests/eval/stub-{sops,agenix}.nix), as in
//! nixlib/tests/eval/host-flake.nix.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::support::{eval_json, nix_instantiate, nixpkgs_lib, repo};

/// The integrations every VM test together must enable, each read from the evaluated
/// configuration (see `KINDS`), never from a file name.
const REQUIRED: &[&str] = &[
    "proxy-nginx",
    "tls-acme-nginx",
    "proxy-caddy",
    "tls-on-demand-caddy",
    "monitoring-prometheus",
    "monitoring-node-exporter",
    "monitoring-grafana",
    "logging-loki",
    "logging-alloy",
    "security-fail2ban",
    "security-fail2ban-nginx",
    "security-apparmor",
    "secrets-generate",
    "secrets-sops",
    "secrets-agenix",
    "backup-restic",
    "backup-borg",
    "database-local",
    "database-remote",
    "redis",
];

/// What a test script must mention when its file claims a kind: the unit it waits for
/// or the path it inspects, so a claim is exercised and not only configured.
const SCRIPT_MARKERS: &[(&str, &str)] = &[
    ("proxy-nginx", "nginx.service"),
    ("tls-acme-nginx", "/var/lib/acme/"),
    ("proxy-caddy", "caddy.service"),
    ("tls-on-demand-caddy", "/tls-check"),
    ("monitoring-prometheus", "prometheus.service"),
    (
        "monitoring-node-exporter",
        "prometheus-node-exporter.service",
    ),
    ("monitoring-grafana", "grafana.service"),
    ("logging-loki", "loki.service"),
    ("logging-alloy", "alloy.service"),
    ("security-fail2ban", "fail2ban.service"),
    ("security-fail2ban-nginx", "nginx-botsearch"),
    ("security-apparmor", "apparmor.service"),
    ("secrets-generate", "atproto-secrets-"),
    ("secrets-sops", "/run/secrets/"),
    ("secrets-agenix", "/run/agenix/"),
    ("backup-restic", "restic-backups-atproto"),
    ("backup-borg", "borgbackup-job-atproto"),
    ("database-local", "postgresql.service"),
    ("database-remote", "PGPASSWORD"),
    ("redis", "redis-atproto.service"),
];

/// One evaluated host's integrations, as a Nix function of its config `c` (lib in
/// scope). Each test is what the integration layer turns on for that choice.
const KINDS: &str = r#"
  c: let
    nginxHosts = builtins.attrValues c.services.nginx.virtualHosts;
    caddyHosts = builtins.attrValues c.services.caddy.virtualHosts;
    kind = name: on: if on then [ name ] else [ ];
  in
  kind "proxy-nginx" (c.services.nginx.enable && nginxHosts != [ ])
  # A vhost on HTTPS only, with its own ACME certificate (HTTP-01).
  ++ kind "tls-acme-nginx" (c.services.nginx.enable && c.security.acme.acceptTerms
    && builtins.any (n: let v = c.services.nginx.virtualHosts.${n}; in
      v.enableACME && v.forceSSL && c.security.acme.certs ? ${n})
      (builtins.attrNames c.services.nginx.virtualHosts))
  ++ kind "proxy-caddy" (c.services.caddy.enable && caddyHosts != [ ])
  ++ kind "tls-on-demand-caddy" (c.services.caddy.enable
    && lib.hasInfix "on_demand_tls" c.services.caddy.globalConfig
    && lib.hasInfix "ask http" c.services.caddy.globalConfig
    && builtins.any (v: lib.hasInfix "on_demand" v.extraConfig) caddyHosts)
  ++ kind "monitoring-prometheus" (c.services.prometheus.enable && c.services.prometheus.scrapeConfigs != [ ])
  ++ kind "monitoring-node-exporter" c.services.prometheus.exporters.node.enable
  ++ kind "monitoring-grafana" (c.services.grafana.enable
    && c.services.grafana.provision.datasources.settings.datasources != [ ])
  ++ kind "logging-loki" c.services.loki.enable
  ++ kind "logging-alloy" (c.services.alloy.enable && c.environment.etc ? "alloy/config.alloy")
  ++ kind "security-fail2ban" c.services.fail2ban.enable
  ++ kind "security-fail2ban-nginx" (c.services.fail2ban.enable && c.services.fail2ban.jails ? nginx-botsearch)
  ++ kind "security-apparmor" c.security.apparmor.enable
  ++ kind "secrets-generate" (c.atproto.integration.secrets.backend == "generate"
    && builtins.any (lib.hasPrefix "atproto-secrets-") (builtins.attrNames c.systemd.services))
  ++ kind "secrets-sops" ((c ? sops) && c.sops.secrets != { } && c.sops.templates != { })
  ++ kind "secrets-agenix" ((c ? age) && c.age.secrets != { })
  ++ kind "backup-restic" (c.services.restic.backups ? atproto)
  ++ kind "backup-borg" (c.services.borgbackup.jobs ? atproto)
  ++ kind "database-local" (c.services.postgresql.enable && c.services.postgresql.ensureDatabases != [ ])
  ++ kind "database-remote" (c.atproto.integration.database.kind == "remote"
    && c.atproto.integration.database.url != null)
  ++ kind "redis" (c.services.redis.servers ? atproto && c.services.redis.servers.atproto.enable)
"#;

/// Evaluates one VM test file: its hosts under the stub (failed assertions, warnings,
/// kinds), its claims, its node names and its test script.
const EVAL_FILE: &str = r#"
let
  libPath = @LIB@;
  lib = import (libPath + "/lib");
  flake = import ./flake.nix;
  self = flake.outputs { inherit self; nixpkgs = { inherit lib; }; crane = null; };
  stubArgs = {
    inherit self;
    sops-nix.nixosModules.sops = ./nixlib/tests/eval/stub-sops.nix;
    agenix.nixosModules.default = ./nixlib/tests/eval/stub-agenix.nix;
  };
  f = import @FILE@;
  t = f (builtins.intersectAttrs (builtins.functionArgs f) stubArgs);
  kinds = @KINDS@;
  # The files written before `hosts` existed have only hosts in their nodes.
  hosts = t.hosts or t.nodes;
  evalHost = host:
    let r = import ./nixlib/tests/eval/eval.nix { inherit libPath host; modules = [ ]; }; in
    { inherit (r) failed warnings; kinds = kinds r.config; };
in
{
  hosts = builtins.mapAttrs (_: evalHost) hosts;
  nodes = builtins.attrNames t.nodes;
  covers = t.covers or [ ];
  hasHosts = t ? hosts;
  script = if builtins.isString t.testScript then t.testScript else "";
}
"#;

fn lib_and_nix() -> Option<(PathBuf, PathBuf)> {
    let nix = nix_instantiate()?;
    let lib = nixpkgs_lib()?;
    Some((nix, lib))
}

fn vm_dir() -> PathBuf {
    repo().join("nixlib/tests/vm")
}

/// The VM test files: every top-level *.nix in nixlib/tests/vm (sub-folders hold their
/// harness pieces and test-only keys).
fn vm_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vm_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "nix"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no VM tests in {}", vm_dir().display());
    files
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn nix_files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            nix_files_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "nix") {
            out.push(path);
        }
    }
}

struct Evaluated {
    /// node -> (failed assertions, kinds)
    hosts: BTreeMap<String, (Vec<String>, BTreeSet<String>)>,
    nodes: BTreeSet<String>,
    covers: Vec<String>,
    has_hosts: bool,
    script: String,
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected a list, got {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

fn evaluate(nix: &Path, lib: &Path, file: &Path) -> Evaluated {
    let expr = EVAL_FILE
        .replace("@LIB@", &format!("{:?}", lib.display().to_string()))
        .replace("@FILE@", &file.display().to_string())
        .replace("@KINDS@", &format!("({KINDS})"));
    let out = eval_json(nix, &expr);
    let hosts = out["hosts"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(node, h)| {
            (
                node.clone(),
                (
                    strings(&h["failed"]),
                    strings(&h["kinds"]).into_iter().collect(),
                ),
            )
        })
        .collect();
    Evaluated {
        hosts,
        nodes: strings(&out["nodes"]).into_iter().collect(),
        covers: strings(&out["covers"]),
        has_hosts: out["hasHosts"] == true,
        script: out["script"].as_str().unwrap_or_default().to_owned(),
    }
}

#[test]
fn every_vm_file_parses() {
    let Some(nix) = nix_instantiate() else {
        return;
    };
    let mut files = Vec::new();
    nix_files_under(&vm_dir(), &mut files);
    files.sort();
    for file in files {
        let out = std::process::Command::new(&nix)
            .arg("--parse")
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} does not parse:\n{}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Every VM test file is a check (vm-<file name>) for x86_64-linux, and every vm-*
/// check is a file: the flake's list of checks, read with nixpkgs' lib only.
#[test]
fn every_vm_file_is_a_flake_check() {
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
    let expr = format!(
        r#"let
          lib = import ({lib:?} + "/lib");
          flake = import ./flake.nix;
          outputs = flake.outputs {{ self = outputs; nixpkgs = {{ inherit lib; }}; crane = null; }};
        in builtins.attrNames outputs.checks.x86_64-linux"#,
        lib = lib.display().to_string()
    );
    let checks: BTreeSet<String> = strings(&eval_json(&nix, &expr)).into_iter().collect();
    let files: BTreeSet<String> = vm_files()
        .iter()
        .map(|f| format!("vm-{}", stem(f)))
        .collect();
    let missing: Vec<_> = files.difference(&checks).collect();
    assert!(
        missing.is_empty(),
        "VM tests missing from the flake's checks.x86_64-linux: {missing:?} (checks: {checks:?})"
    );
    let extra: Vec<_> = checks
        .iter()
        .filter(|c| c.starts_with("vm-") && !files.contains(*c))
        .collect();
    assert!(
        extra.is_empty(),
        "flake checks without a VM test file: {extra:?}"
    );
}

/// Each VM test's hosts evaluate with our modules and the declaration stub with no
/// failed assertion; each is one of the test's nodes; what the file claims to cover is
/// enabled in one of its evaluated hosts and mentioned in its test script.
#[test]
fn vm_test_hosts_evaluate_and_cover_what_they_claim() {
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
    let markers: BTreeMap<&str, &str> = SCRIPT_MARKERS.iter().copied().collect();
    let mut problems = Vec::new();
    for file in vm_files() {
        let name = stem(&file);
        let e = evaluate(&nix, &lib, &file);
        if e.hosts.is_empty() {
            problems.push(format!("{name}: no host under test"));
        }
        let mut enabled = BTreeSet::new();
        for (node, (failed, kinds)) in &e.hosts {
            if !e.nodes.contains(node) {
                problems.push(format!(
                    "{name}: host {node} is not one of the nodes {:?}",
                    e.nodes
                ));
            }
            if !failed.is_empty() {
                problems.push(format!(
                    "{name}: host {node} fails its assertions: {failed:#?}"
                ));
            }
            enabled.extend(kinds.iter().cloned());
        }
        if e.has_hosts && e.covers.is_empty() {
            problems.push(format!("{name}: `covers` is empty"));
        }
        for claim in &e.covers {
            let Some(marker) = markers.get(claim.as_str()) else {
                problems.push(format!(
                    "{name}: claims {claim}, which is not a known integration kind"
                ));
                continue;
            };
            if !enabled.contains(claim) {
                problems.push(format!(
                    "{name}: claims {claim} but no evaluated host enables it (enabled: {enabled:?})"
                ));
            }
            if !e.script.contains(marker) {
                problems.push(format!(
                    "{name}: claims {claim} but its test script never mentions {marker:?}"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "VM test problems:\n{}",
        problems.join("\n")
    );
}

/// Together the VM tests enable every integration: read from the evaluated hosts.
#[test]
fn every_integration_is_enabled_by_some_vm_test() {
    let Some((nix, lib)) = lib_and_nix() else {
        return;
    };
    let mut by_kind: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in vm_files() {
        let name = stem(&file);
        for (node, (_, kinds)) in evaluate(&nix, &lib, &file).hosts {
            for kind in kinds {
                by_kind
                    .entry(kind)
                    .or_default()
                    .push(format!("{name}:{node}"));
            }
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|k| !by_kind.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "integrations no VM test host enables: {missing:?}\nenabled: {by_kind:#?}"
    );
    // Every kind the probe knows is one a test must cover: the lists stay in step.
    let known: BTreeSet<&str> = SCRIPT_MARKERS.iter().map(|(k, _)| *k).collect();
    assert_eq!(known, REQUIRED.iter().copied().collect::<BTreeSet<_>>());
    eprintln!("VM test coverage:");
    for (kind, hosts) in &by_kind {
        eprintln!("  {kind}: {}", hosts.join(", "));
    }
}
