//! The preview's parsers against recorded transcripts (tests/data/preview/): the
//! summary numbers must be the ones in the transcript, both its headers and its lists.
use std::path::PathBuf;

use atproto_wizard::preview::parse::diff_closures::ChangeKind;
use atproto_wizard::preview::parse::{
    ClosureDiff, EvalProblem, Size, failed_assertions, lines_of, parse_diff_closures,
    parse_dry_activate, parse_dry_build, parse_eval_failure, warnings,
};

fn transcript(name: &str) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/preview")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    lines_of(&text)
}

/// The number a header line of the transcript states (`these 23 derivations …`).
fn header_count(lines: &[String], what: &str) -> usize {
    lines
        .iter()
        .find_map(|l| {
            let rest = l.strip_prefix("these ")?;
            let (n, tail) = rest.split_once(' ')?;
            tail.starts_with(what).then(|| n.parse().unwrap())
        })
        .unwrap()
}

#[test]
fn first_switch_dry_build() {
    let lines = transcript("pds-first-switch.dry-build.txt");
    let out = parse_dry_build(&lines);
    assert_eq!(out.builds(), header_count(&lines, "derivations"));
    assert_eq!(out.fetches(), header_count(&lines, "paths"));
    // The lists agree with the headers.
    assert_eq!(out.to_build.len(), 23);
    assert_eq!(out.to_fetch.len(), 41);
    assert_eq!(out.download, Size::parse("96.9 MiB"));
    assert!(
        out.build_names()
            .contains(&"nixos-system-pds1-25.11.20260504.7a2622e".to_string())
    );
    assert_eq!(
        out.summary(),
        "23 derivations to build, 41 paths to fetch (96.9 MiB download, 402.3 MiB unpacked)"
    );
}

#[test]
fn first_switch_dry_activate() {
    let out = parse_dry_activate(&transcript("pds-first-switch.dry-activate.txt"));
    assert!(out.seen && out.activates && out.restart_systemd);
    assert_eq!(out.start.len(), 10);
    assert_eq!(
        out.started(),
        [
            "atproto-secrets-bluesky-pds.service",
            "bluesky-pds.service",
            "caddy.service",
            "fail2ban.service",
            "grafana.service",
            "prometheus-node-exporter.service",
            "prometheus.service",
            "restic-backups-atproto.timer",
        ]
    );
    assert_eq!(
        out.restarted(),
        [
            "nscd.service",
            "systemd-journald.service",
            "systemd-sysctl.service"
        ]
    );
    assert!(out.stopped().is_empty());
    assert_eq!(
        out.summary(),
        [
            "start 8 units: atproto-secrets-bluesky-pds.service, bluesky-pds.service, caddy.service, fail2ban.service, grafana.service, prometheus-node-exporter.service, prometheus.service, restic-backups-atproto.timer",
            "restart 3 units: nscd.service, systemd-journald.service, systemd-sysctl.service",
            "reload 1 unit: dbus-broker.service",
            "re-execute systemd",
        ]
    );
}

#[test]
fn upgrade_dry_build_in_old_nix_sizes() {
    let lines = transcript("pds-upgrade.dry-build.txt");
    let out = parse_dry_build(&lines);
    assert_eq!((out.builds(), out.to_build.len()), (14, 14));
    assert_eq!((out.fetches(), out.to_fetch.len()), (9, 9));
    assert_eq!(header_count(&lines, "paths"), 9);
    assert_eq!(out.download, Size::parse("247.64 MiB"));
    assert_eq!(
        out.summary(),
        "14 derivations to build, 9 paths to fetch (247.6 MiB download, 1.2 GiB unpacked)"
    );
}

#[test]
fn upgrade_dry_activate() {
    let out = parse_dry_activate(&transcript("pds-upgrade.dry-activate.txt"));
    assert_eq!(
        out.restarted(),
        [
            "bluesky-pds.service",
            "grafana.service",
            "prometheus-node-exporter.service",
            "systemd-journald.service",
        ]
    );
    assert!(out.started().is_empty() && out.stopped().is_empty());
    assert_eq!(out.reload, ["caddy.service", "dbus-broker.service"]);
    assert_eq!(out.not_stopped, ["sshd.service"]);
    assert_eq!(
        out.notes,
        [
            "would remove user ‘constellation’",
            "would remove group ‘constellation’"
        ]
    );
    assert_eq!(
        out.summary(),
        [
            "restart 4 units: bluesky-pds.service, grafana.service, prometheus-node-exporter.service, systemd-journald.service",
            "reload 2 units: caddy.service, dbus-broker.service",
            "leave running although changed 1 unit: sshd.service",
            "re-execute systemd",
        ]
    );
}

/// Nix 2.18 (`+13.9 KiB`): several versions on a side, and a version gone from a
/// package that grew (`glibc: 2.40-66 → ∅, +…`: other glibc versions stay).
#[test]
fn upgrade_closure_diff() {
    let lines = transcript("pds-upgrade.diff-closures.txt");
    let diff = parse_diff_closures(&lines);
    let non_empty = lines.iter().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(
        diff.changes.len(),
        non_empty,
        "every line is a change: {:?}",
        diff.other
    );
    let names =
        |k: ChangeKind| -> Vec<String> { diff.of_kind(k).iter().map(|c| c.name.clone()).collect() };
    assert_eq!(names(ChangeKind::Added), ["zstd"]);
    assert_eq!(
        names(ChangeKind::Removed),
        ["constellation", "rocksdb", "unit-constellation.service"]
    );
    assert_eq!(names(ChangeKind::Upgraded).len(), 10);
    assert!(names(ChangeKind::Upgraded).contains(&"linux".to_string()));
    assert_eq!(names(ChangeKind::Changed), ["glibc"]);
    assert_eq!(names(ChangeKind::SizeOnly), ["dbus", "etc"]);
    assert_eq!(
        diff.summary(),
        "17 packages changed: 1 added, 3 removed, 10 upgraded, 1 changed version, 2 changed size only; closure size -32.7 MiB"
    );
    let caddy = &diff.of_kind(ChangeKind::Upgraded)[2];
    assert_eq!(caddy.describe(), "caddy 2.10.0 → 2.10.2 (+96.3 KiB)");
}

/// Nix 2.33 prints the size change with `renderSize` (the largest unit, a sign only
/// when negative): the same upgrade reads the same.
#[test]
fn closure_diff_in_nix_2_33_sizes() {
    let old = parse_diff_closures(&transcript("pds-upgrade.diff-closures.txt"));
    let new = parse_diff_closures(&transcript("pds-upgrade-nix-2.33.diff-closures.txt"));
    assert!(new.other.is_empty(), "{:?}", new.other);
    let kinds = |d: &ClosureDiff| -> Vec<(String, ChangeKind)> {
        d.changes
            .iter()
            .map(|c| (c.name.clone(), c.kind.clone()))
            .collect()
    };
    assert_eq!(kinds(&new), kinds(&old));
    // Each size is rounded to a tenth of a larger unit, so the totals differ a little.
    let apart = (new.size_change().bytes() - old.size_change().bytes()).abs();
    assert!(apart < 200 * 1024, "{apart}");
    let glibc = new.changes.iter().find(|c| c.name == "glibc").unwrap();
    assert_eq!(glibc.describe(), "glibc 2.40-66 → ∅ (+9.7 MiB)");
    let constellation = new
        .changes
        .iter()
        .find(|c| c.name == "constellation")
        .unwrap();
    assert_eq!(constellation.size, Size::parse("-37.4 MiB"));
}

#[test]
fn failed_assertions_after_a_trace() {
    let lines = transcript("eval-failed-assertions.txt");
    let failed = failed_assertions(&lines);
    assert_eq!(failed.len(), 2);
    assert!(
        failed[0].starts_with("atproto.integration.tls.handles: Bluesky PDS gives users handles")
    );
    assert_eq!(
        failed[1],
        "The ‘fileSystems’ option does not specify your root file system."
    );
    assert_eq!(warnings(&lines).len(), 1);
    assert!(matches!(parse_eval_failure(&lines), EvalProblem::Assertions(a) if a == failed));
}

#[test]
fn offline_is_explained() {
    let problem = parse_eval_failure(&transcript("eval-offline.txt"));
    assert!(problem.is_environment());
    let words = problem.explain();
    assert!(
        words.contains("could not download https://api.github.com/repos/NixOS/nixpkgs/commits/nixos-25.11 (Couldn't resolve host name (6))"),
        "{words}"
    );
}

/// The Perl switch-to-configuration (switch-to-configuration.pl, before
/// switch-to-configuration-ng) prints the units the activation script asked to restart
/// in two "as well" lines after the activation.
#[test]
fn perl_activation_restarts_as_well() {
    let out = parse_dry_activate(&transcript("pl-activation-restart.dry-activate.txt"));
    assert_eq!(
        out.restarted(),
        [
            "bluesky-pds.service",
            "caddy.service",
            "systemd-journald.service"
        ]
    );
    assert_eq!(
        out.not_stopped,
        [
            "restic-backups-atproto.service",
            "atproto-secrets-bluesky-pds.service"
        ]
    );
    assert!(out.notes.is_empty(), "{:?}", out.notes);
    assert!(out.stopped().is_empty());
}

/// Nix 2.18 (`(stack trace truncated; … the full trace)`) with nixpkgs' `lib.warn`
/// falling back to `builtins.trace`: a message with a blank line inside, and a blank
/// line after it (it ends with a newline), are kept whole.
#[test]
fn assertions_with_blank_lines_nix_2_18() {
    let lines = transcript("eval-assertions-blank-lines.txt");
    let failed = failed_assertions(&lines);
    assert_eq!(failed.len(), 3, "{failed:#?}");
    assert!(failed[0].starts_with("atproto.integration.tls.handles: "));
    assert_eq!(
        failed[1],
        "environment.persistence:\n    All filesystems used for persistent storage must\n    have the flag neededForBoot set to true.\n\n    Please fix or remove the following paths:\n      /persist"
    );
    assert_eq!(
        failed[2],
        "The ‘fileSystems’ option does not specify your root file system."
    );
    assert_eq!(warnings(&lines).len(), 1);
    assert!(
        warnings(&lines)[0].starts_with("services.bluesky-pds.settings.PDS_EMAIL_FROM_ADDRESS: ")
    );
}

/// Nix 2.3 prints the list unindented after `error: `.
#[test]
fn assertions_nix_2_3() {
    let lines = transcript("eval-assertions-nix-2.3.txt");
    let failed = failed_assertions(&lines);
    assert_eq!(failed.len(), 3, "{failed:#?}");
    assert!(failed[2].starts_with("You must set the option ‘boot.loader.grub.devices’"));
    assert_eq!(
        warnings(&lines),
        [
            "The option `i18n.consoleKeyMap' defined in `/etc/nixos/configuration.nix' has been renamed to `console.keyMap'."
        ]
    );
}

/// Nix 2.3 with `--show-trace`: one unindented `while …:` line per frame, and the
/// message last, without `error:`.
#[test]
fn old_style_trace_nix_2_3() {
    let problem = parse_eval_failure(&transcript("eval-old-trace-nix-2.3.txt"));
    assert_eq!(
        problem,
        EvalProblem::Other {
            message: "attribute 'bluesky-pds' missing, at /etc/nixos/atproto.nix:12:3".into()
        }
    );
}

/// nixos-rebuild-ng (NixOS 25.05, Nix 2.28) names the host quoted, and ends with
/// Python's `Command '…' returned non-zero exit status 1.`
#[test]
fn no_such_host_from_nixos_rebuild_ng() {
    let problem = parse_eval_failure(&transcript("ng-no-such-host.dry-build.txt"));
    assert_eq!(
        problem,
        EvalProblem::NoSuchHost {
            host: "nixos".into()
        }
    );
}

/// Nix 2.28 under nixos-rebuild-ng: the message after the frames, whole, and not the
/// exit line.
#[test]
fn first_error_under_nixos_rebuild_ng() {
    let problem = parse_eval_failure(&transcript("ng-undefined-option.dry-build.txt"));
    let EvalProblem::Other { message } = &problem else {
        panic!("{problem:?}");
    };
    assert_eq!(
        message,
        "The option `services.bluesky-pds.setings' does not exist. Definition values:\n- In `/nix/store/0c1dyzp7n5yyfvpy8fdhb4hwjpk07avx-source/atproto.nix':\n    {\n      PDS_HOSTNAME = \"pds.example.com\";\n    }"
    );
    assert_eq!(
        problem.headline(),
        "The option `services.bluesky-pds.setings' does not exist. Definition values:"
    );
}

/// Nix 2.29's `Cannot build '…'. Reason: builder failed …`: the derivation whose
/// builder failed, with its last lines; the dependants are not the cause.
#[test]
fn build_failure_nix_2_29() {
    let problem = parse_eval_failure(&transcript("build-failed-nix-2.29.txt"));
    assert_eq!(
        problem,
        EvalProblem::BuildFailed {
            drv: "/nix/store/yn1ia83gk13m2hqw933cmv2znvrwd5mg-Caddyfile.drv".into(),
            reason: "failed with exit code 1".into(),
            log: vec![
                "Running phase: buildPhase".into(),
                "Error: adapting config using caddyfile: ambiguous site definition: pds.example.com".into(),
                "".into(),
            ],
        }
    );
    assert_eq!(
        problem.headline(),
        "building Caddyfile failed with exit code 1"
    );
    assert!(!problem.is_environment());
}

/// Nix 2.3: `builder for '…' failed …; last N log lines:` without `error:`, the log
/// indented by two.
#[test]
fn build_failure_nix_2_3() {
    let problem = parse_eval_failure(&transcript("build-failed-nix-2.3.txt"));
    let EvalProblem::BuildFailed { drv, log, .. } = &problem else {
        panic!("{problem:?}");
    };
    assert!(drv.ends_with("-Caddyfile.drv"));
    assert_eq!(log.len(), 2);
    assert!(log[1].contains("ambiguous site definition"));
}

/// Nix 2.18 (2.4 to 2.28 wording): a fetch in a builder without network is "could
/// not run here", naming the derivation.
#[test]
fn offline_in_a_build_nix_2_18() {
    let problem = parse_eval_failure(&transcript("build-offline-nix-2.18.txt"));
    assert!(problem.is_environment(), "{problem:?}");
    assert_eq!(
        problem,
        EvalProblem::Offline {
            evidence: "curl: (6) Could not resolve host: tarballs.nixos.org".into(),
            during: Some("/nix/store/fs4bzf4rsbda0bvs5lpjf0rxlzf9q3x1-source.drv".into()),
        }
    );
    assert!(
        problem.explain().contains("building source printed"),
        "{}",
        problem.explain()
    );
}

/// Nix 2.31's git fetcher (`Failed to fetch git repository`) after git's own
/// `unable to access`: offline, not the host.
#[test]
fn offline_git_fetch_nix_2_31() {
    let problem = parse_eval_failure(&transcript("fetchgit-offline-nix-2.31.txt"));
    assert!(problem.is_environment(), "{problem:?}");
    assert!(
        matches!(&problem, EvalProblem::Offline { during: None, evidence } if evidence.contains("Could not resolve host: github.com"))
    );
}
