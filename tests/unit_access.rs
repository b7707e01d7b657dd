//! Unit access: every systemd unit of every profile (profiles/*.nix) and of a generated
//! matrix of 54 hosts (nixlib/tests/eval/unit-access-matrix.nix: secrets backend ×
//! proxy × backup × database) can read and write what it needs. The hosts are described
//! by nixlib/tests/eval/unit-access.nix (one nix-instantiate call for all of them), the
//! units nixpkgs creates are modelled by nixlib/tests/eval/stub-units.nix, the secrets
//! generator is run for real with each oneshot's arguments (tests/unit_access/), and
//! every failure names the unit, the path and the reason.
//!
//! Needs nix-instantiate, nixpkgs' lib ($NIXPKGS_LIB or ~/.cache/nixpkgs-lib) and
//! openssl; without them it prints SKIPPED and passes, unless ATPROTO_REQUIRE_NIX=1.
//! ATPROTO_UNIT_ACCESS_TREE=<dir> checks another checkout's nixlib (an older commit,
//! say) with this test's Nix files copied into it.
//!
//! The check itself is in the submodules (tests/unit_access/): the host description's
//! model, the shell reader, the simulated file system, unit order and sandbox, the
//! simulation, the verdict, and the real generator run.
mod check;
mod fsim;
mod generator;
mod model;
mod order;
mod sandbox;
mod shell;
mod simulate;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use crate::support;
use check::check_host;
use fsim::{Fs, Kind};
use generator::RealGenerator;
use model::{Command as UnitCommand, FileEntry, Host, Read, Unit};
use simulate::{Generator, Made};

fn have_openssl() -> bool {
    if Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return true;
    }
    if std::env::var("ATPROTO_REQUIRE_NIX").is_ok_and(|v| v == "1") {
        panic!(
            "openssl is required (ATPROTO_REQUIRE_NIX=1) but not installed: apt-get install openssl"
        );
    }
    eprintln!("SKIPPED: openssl not found; the unit access check runs the secrets generator");
    false
}

fn tree() -> PathBuf {
    std::env::var_os("ATPROTO_UNIT_ACCESS_TREE")
        .map(PathBuf::from)
        .unwrap_or_else(support::repo)
}

#[test]
fn every_unit_of_every_host_reads_and_writes_what_it_needs() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let Some(lib) = support::nixpkgs_lib() else {
        return;
    };
    if !have_openssl() {
        return;
    }
    let tree = tree();
    let started = Instant::now();
    let expr = format!(
        "import {}/nixlib/tests/eval/unit-access-hosts.nix {{ libPath = {:?}; }}",
        tree.display(),
        lib.display().to_string()
    );
    let hosts: BTreeMap<String, Host> = serde_json::from_value(support::eval_json(&nix, &expr))
        .expect("unit-access-hosts.nix gives host descriptions");
    let evaluated = started.elapsed();
    let matrix = hosts.keys().filter(|h| !h.starts_with("profile-")).count();
    assert_eq!(matrix, 54, "the matrix has 3 × 3 × 3 × 2 hosts");
    assert!(
        hosts.keys().any(|h| h.starts_with("profile-")),
        "the profiles are checked too"
    );

    let script = tree.join("nixlib/secrets/atproto-secrets.sh");
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get());
    let names: Vec<&String> = hosts.keys().collect();
    let mut results: Vec<(String, Vec<String>)> = Vec::new();
    for chunk in names.chunks(threads) {
        std::thread::scope(|s| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|name| {
                    let (host, script) = (&hosts[*name], script.clone());
                    s.spawn(move || {
                        (
                            (*name).clone(),
                            check_host(host, &mut RealGenerator::new(script)),
                        )
                    })
                })
                .collect();
            results.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a host's check")),
            );
        });
    }
    let units: usize = hosts.values().map(|h| h.units.len()).sum();
    eprintln!(
        "unit access: {} hosts ({matrix} in the matrix), {units} units; evaluation {:.1?}, check {:.1?}",
        hosts.len(),
        evaluated,
        started.elapsed() - evaluated
    );
    let failures: Vec<String> = results
        .iter()
        .flat_map(|(host, fs)| fs.iter().map(move |f| format!("{host}: {f}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} access problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------
// The checker on hand-made hosts: each known kind of violation gives its message.

/// Stands for the generator: makes --dir and one secret, with the modes the real
/// script uses, owned by --owner when given.
struct FakeGenerator;

impl Generator for FakeGenerator {
    fn run(&mut self, _fs: &Fs, args: &[String]) -> Result<Vec<Made>, String> {
        let g = simulate::gen_args(args);
        let (o, gr) = g.owner.unwrap_or(("root".into(), "root".into()));
        let parent = g.dir.rsplit_once('/').map(|(p, _)| p.to_string()).unwrap();
        Ok(vec![
            Made {
                path: parent,
                kind: Kind::Dir,
                mode: 0o700,
                owner: "root".into(),
                group: "root".into(),
            },
            Made {
                path: g.dir.clone(),
                kind: Kind::Dir,
                mode: 0o700,
                owner: o.clone(),
                group: gr.clone(),
            },
            Made {
                path: format!("{}/admin_password", g.dir),
                kind: Kind::File,
                mode: 0o400,
                owner: o,
                group: gr,
            },
        ])
    }
}

fn unit(user: &str, protect_system: &str) -> Unit {
    Unit {
        user: user.into(),
        group: user.into(),
        protect_system: protect_system.into(),
        protect_home: "no".into(),
        umask: "0022".into(),
        ..Unit::default()
    }
}

fn read(path: &str, as_: &str, why: &str) -> Read {
    Read {
        path: path.into(),
        as_: as_.into(),
        why: why.into(),
    }
}

fn cmd(text: &str) -> UnitCommand {
    UnitCommand {
        text: text.into(),
        privileged: false,
        why: "script".into(),
    }
}

fn check(host: &Host) -> Vec<String> {
    check_host(host, &mut FakeGenerator)
}

/// Grafana reading its secret itself from a directory only root may enter.
fn grafana_host(credentials: bool) -> Host {
    let mut grafana = unit("grafana", "full");
    grafana.after = vec!["atproto-secrets-grafana.service".into()];
    let mut oneshot = unit("root", "no");
    oneshot.commands = vec![cmd(
        "/nix/store/x-bash/bin/bash /nix/store/y-atproto-secrets.sh --dir /var/lib/atproto-secrets/grafana --owner grafana:grafana admin_password:password:24",
    )];
    if credentials {
        grafana.credentials = vec!["admin_password".into()];
        grafana.reads = vec![
            read(
                "/var/lib/atproto-secrets/grafana/admin_password",
                "pid1",
                "LoadCredential=admin_password",
            ),
            read(
                "/run/credentials/grafana.service/admin_password",
                "user",
                "$__file{} in services.grafana.settings.security.admin_password",
            ),
        ];
    } else {
        grafana.reads = vec![read(
            "/var/lib/atproto-secrets/grafana/admin_password",
            "user",
            "$__file{} in services.grafana.settings.security.admin_password",
        )];
    }
    Host {
        units: [
            ("grafana".to_string(), grafana),
            ("atproto-secrets-grafana".to_string(), oneshot),
        ]
        .into(),
        ..Host::default()
    }
}

#[test]
fn a_secret_behind_a_root_only_directory_is_reported() {
    assert_eq!(
        check(&grafana_host(false)),
        vec!["grafana: reads /var/lib/atproto-secrets/grafana/admin_password as grafana:grafana \
              ($__file{} in services.grafana.settings.security.admin_password), but /var/lib/atproto-secrets is 0700 root:root"
            .to_string()]
    );
    assert_eq!(
        check(&grafana_host(true)),
        Vec::<String>::new(),
        "as a credential it is readable"
    );
}

#[test]
fn a_credential_the_unit_does_not_load_is_reported() {
    let mut host = grafana_host(true);
    host.units.get_mut("grafana").unwrap().credentials.clear();
    let failures = check(&host);
    assert!(
        failures.contains(
            &"grafana: reads /run/credentials/grafana.service/admin_password ($__file{} in \
              services.grafana.settings.security.admin_password), but the unit has no credential admin_password \
              (LoadCredential=: none)"
                .to_string()
        ),
        "{failures:#?}"
    );
}

#[test]
fn a_write_outside_the_sandbox_and_a_missing_read_write_path_are_reported() {
    let mut borg = unit("root", "strict");
    borg.read_write_paths = vec!["/root/.config/borg".into()];
    borg.commands = vec![cmd("install -d -m 0700 /var/backup/atproto-postgresql\n\
         /nix/store/u/bin/runuser -u postgres -- pg_dumpall > /var/backup/atproto-postgresql/all.sql.tmp")];
    let host = Host {
        units: [("borgbackup-job-atproto".to_string(), borg.clone())].into(),
        tmpfiles: vec!["d /root/.config/borg 0755 root root -".into()],
        ..Host::default()
    };
    assert_eq!(
        check(&host),
        vec![
            "borgbackup-job-atproto: writes /var/backup/atproto-postgresql (script: makes the directory), but \
             ProtectSystem=strict leaves it read-only (writable: /root/.config/borg)"
                .to_string(),
            "borgbackup-job-atproto: writes /var/backup/atproto-postgresql/all.sql.tmp (script: `> \
             /var/backup/atproto-postgresql/all.sql.tmp`), but ProtectSystem=strict leaves it read-only (writable: \
             /root/.config/borg)"
                .to_string(),
        ]
    );

    // Listed, but made only by the job's own script: systemd cannot set it up.
    borg.read_write_paths
        .push("/var/backup/atproto-postgresql".into());
    let host = Host {
        units: [("borgbackup-job-atproto".to_string(), borg.clone())].into(),
        ..host
    };
    assert_eq!(
        check(&host),
        vec!["borgbackup-job-atproto: ReadWritePaths=/var/backup/atproto-postgresql is not there when the unit \
              starts, so systemd fails it (226/NAMESPACE): /var/backup is made only by borgbackup-job-atproto itself, \
              after systemd set the unit up"
            .to_string()]
    );

    // Made at boot by tmpfiles: fine.
    let mut host = host;
    host.tmpfiles
        .push("d /var/backup/atproto-postgresql 0700 root root -".into());
    assert_eq!(check(&host), Vec::<String>::new());
}

#[test]
fn an_environment_file_nothing_makes_is_reported() {
    let mut pds = unit("pds", "strict");
    pds.reads = vec![read(
        "/run/secrets-rendered/atproto-bluesky-pds.env",
        "pid1",
        "EnvironmentFile=",
    )];
    let rendered = |path: &str, kind: &str, mode: &str, target: Option<&str>| FileEntry {
        path: path.into(),
        kind: kind.into(),
        mode: mode.into(),
        owner: "root".into(),
        group: if kind == "dir" {
            "keys".into()
        } else {
            "root".into()
        },
        target: target.map(str::to_string),
        why: "sops-nix".into(),
    };
    let mut host = Host {
        units: [("bluesky-pds".to_string(), pds)].into(),
        files: vec![
            rendered("/run/secrets.d/1", "dir", "0751", None),
            rendered("/run/secrets", "symlink", "0777", Some("/run/secrets.d/1")),
            rendered("/run/secrets.d/1/rendered", "dir", "0751", None),
            rendered(
                "/run/secrets.d/1/rendered/atproto-bluesky-pds.env",
                "file",
                "0400",
                None,
            ),
        ],
        ..Host::default()
    };
    assert_eq!(
        check(&host),
        vec!["bluesky-pds: EnvironmentFile= /run/secrets-rendered/atproto-bluesky-pds.env is not there when the \
              unit starts: nothing on the host makes /run/secrets-rendered"
            .to_string()]
    );
    // Where sops-nix renders it, through its /run/secrets link: fine.
    host.units.get_mut("bluesky-pds").unwrap().reads = vec![read(
        "/run/secrets/rendered/atproto-bluesky-pds.env",
        "pid1",
        "EnvironmentFile=",
    )];
    assert_eq!(check(&host), Vec::<String>::new());
}

#[test]
fn a_file_made_by_a_unit_not_ordered_before_is_reported() {
    let mut svc = unit("svc", "strict");
    svc.reads = vec![read(
        "/run/atproto-secrets/svc.env",
        "pid1",
        "EnvironmentFile=",
    )];
    let mut oneshot = unit("root", "no");
    oneshot.commands = vec![cmd(
        "install -d -m 0700 /run/atproto-secrets\nprintf x > /run/atproto-secrets/svc.env",
    )];
    let mut host = Host {
        units: [
            ("svc".to_string(), svc),
            ("atproto-secrets-svc".to_string(), oneshot),
        ]
        .into(),
        ..Host::default()
    };
    assert_eq!(
        check(&host),
        vec!["svc: EnvironmentFile= /run/atproto-secrets/svc.env is not there when the unit starts: \
              /run/atproto-secrets is made by atproto-secrets-svc (atproto-secrets-svc's script), which is not \
              ordered before svc"
            .to_string()]
    );
    host.units.get_mut("atproto-secrets-svc").unwrap().before = vec!["svc.service".into()];
    assert_eq!(check(&host), Vec::<String>::new());
}
