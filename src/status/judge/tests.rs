//! The judgement from recorded outputs: what each finding says and what to do next.
use super::*;
use crate::status::targets::{BackupTarget, HealthTarget, SecretFile, ServiceTarget, TlsTarget};

const NOW: i64 = 1_800_000_000;

fn targets() -> StatusTargets {
    StatusTargets {
        flake_name: "pds1".into(),
        flake: true,
        services: vec![ServiceTarget {
            id: "bluesky-pds".into(),
            title: "Bluesky PDS".into(),
            unit: "bluesky-pds".into(),
            health: Some(HealthTarget {
                port: 3000,
                path: "/xrpc/_health".into(),
            }),
            state_dirs: vec!["/var/lib/pds".into()],
            disk_gb: 20,
            secrets_unit: Some("atproto-secrets-bluesky-pds".into()),
            companions: Vec::new(),
        }],
        secret_files: vec![SecretFile {
            owner: "bluesky-pds".into(),
            name: "jwt_secret".into(),
            file: "/s/jwt".into(),
        }],
        backup: Some(BackupTarget {
            kind: "restic".into(),
            unit: "restic-backups-atproto".into(),
            period: Some(86_400),
        }),
        tls: vec![TlsTarget {
            label: "pds.example.com".into(),
            server_name: "pds.example.com".into(),
        }],
    }
}

fn cx(via: Option<&str>) -> Context {
    Context {
        dir: "/srv/host".into(),
        via: via.map(String::from),
        backend: "generate".into(),
        proxy: Some("caddy".into()),
        switch: "sudo nixos-rebuild switch --flake /srv/host#pds1".into(),
        now: NOW,
    }
}

fn unit(state: &str, sub: &str, restarts: u32, result: &str) -> Observed {
    Observed::ok(&format!(
        "LoadState=loaded\nActiveState={state}\nSubState={sub}\nActiveEnterTimestamp=@{}\nNRestarts={restarts}\nExecMainStatus=0\nExecMainStartTimestamp=@{}\nResult={result}\n",
        NOW - 7_500,
        NOW - 3_600
    ))
}

/// A host where everything is well.
fn healthy() -> Observations {
    let mut o = Observations::new();
    o.insert(
        "unit:bluesky-pds".into(),
        unit("active", "running", 0, "success"),
    );
    o.insert("health:bluesky-pds".into(), Observed::ok("HTTP/1.1 200 OK"));
    o.insert("journal:bluesky-pds".into(), Observed::ok(""));
    o.insert(
        "du:/var/lib/pds".into(),
        Observed::ok("2000000000\t/var/lib/pds\n"),
    );
    o.insert(
        "df:/var/lib/pds".into(),
        Observed::ok("       Avail    1B-blocks\n 50000000000 100000000000\n"),
    );
    o.insert(
        "unit:atproto-secrets-bluesky-pds".into(),
        unit("active", "exited", 0, "success"),
    );
    o.insert("stat:/s/jwt".into(), Observed::ok("root root 400\n"));
    o.insert(
        "tls:pds.example.com".into(),
        // 2027-03-01T12:00:00Z: 45 days and 4 hours after NOW (2027-01-15T08:00:00Z).
        Observed::ok("notAfter=Mar  1 12:00:00 2027 GMT\n"),
    );
    o.insert(
        "unit:restic-backups-atproto".into(),
        unit("inactive", "dead", 0, "success"),
    );
    o.insert(
        "generation:running".into(),
        Observed::ok("/nix/store/abc-nixos-system\n"),
    );
    o.insert(
        "generation:built".into(),
        Observed::ok("/nix/store/abc-nixos-system"),
    );
    o
}

fn find<'a>(r: &'a Report, check: &str) -> &'a Check {
    r.checks().find(|c| c.check == check).unwrap()
}

#[test]
fn a_healthy_host_is_all_ok() {
    let r = judge(&targets(), &healthy(), &cx(None));
    let bad: Vec<&Check> = r.checks().filter(|c| c.level != Level::Ok).collect();
    assert!(bad.is_empty(), "{bad:#?}");
    assert_eq!(r.exit_status(), crate::exit_status::ExitStatus::Success);
    assert_eq!(
        find(&r, "unit").summary,
        "active (running) for 2h 5m, 0 restarts"
    );
    assert_eq!(
        find(&r, "backup").summary,
        "last restic backup 1h 0m ago succeeded"
    );
    assert_eq!(
        find(&r, "tls").summary,
        "certificate valid for 45 more days"
    );
    assert_eq!(
        find(&r, "disk").summary,
        "uses 2.0 GB (estimate 20 GB); 50.0 GB free of 100.0 GB (50%)"
    );
}

#[test]
fn a_failed_unit_is_an_error_with_its_journal_and_a_restart() {
    let mut o = healthy();
    let failed = "LoadState=loaded\nActiveState=failed\nSubState=failed\nNRestarts=5\nExecMainStatus=1\nResult=exit-code\n";
    o.insert("unit:bluesky-pds".into(), Observed::ok(failed));
    let r = judge(&targets(), &o, &cx(None));
    let c = find(&r, "unit");
    assert_eq!(c.level, Level::Error);
    assert_eq!(c.summary, "failed (exit-code), last exit status 1");
    assert_eq!(
        c.next,
        [
            "journalctl -u bluesky-pds -e",
            "systemctl restart bluesky-pds"
        ]
    );
    assert_eq!(r.exit_status(), crate::exit_status::ExitStatus::Problems);
}

#[test]
fn through_ssh_the_next_steps_run_on_the_host() {
    let mut o = healthy();
    o.insert(
        "health:bluesky-pds".into(),
        Observed::ok("HTTP/1.1 500 Internal Server Error"),
    );
    let r = judge(&targets(), &o, &cx(Some("ops@pds1")));
    let c = find(&r, "health");
    assert_eq!(c.level, Level::Error);
    assert_eq!(c.subject, "http://127.0.0.1:3000/xrpc/_health");
    assert_eq!(c.summary, "answers HTTP/1.1 500 Internal Server Error");
    assert_eq!(
        c.next,
        [
            "ssh ops@pds1 -- systemctl status bluesky-pds",
            "ssh ops@pds1 -- journalctl -u bluesky-pds -e"
        ]
    );
    assert_eq!(r.via.as_deref(), Some("ops@pds1"));
}

#[test]
fn a_health_endpoint_that_does_not_answer_says_why() {
    let mut o = healthy();
    o.insert(
        "health:bluesky-pds".into(),
        Observed::CouldNotRun("127.0.0.1:3000: Connection refused (os error 111)".into()),
    );
    let r = judge(&targets(), &o, &cx(None));
    assert_eq!(
        find(&r, "health").summary,
        "does not answer: 127.0.0.1:3000: Connection refused (os error 111)"
    );
}

#[test]
fn a_service_without_a_health_endpoint_is_a_note_not_a_problem() {
    let mut t = targets();
    t.services[0].health = None;
    let r = judge(&t, &healthy(), &cx(None));
    let c = find(&r, "health");
    assert_eq!(
        (c.level, c.summary.as_str()),
        (Level::Info, "no health endpoint upstream")
    );
    assert_eq!(r.exit_status(), crate::exit_status::ExitStatus::Success);
}

#[test]
fn certificates_warn_under_14_days_and_fail_when_expired_or_unreachable() {
    let mut o = healthy();
    let soon = cx(None).now + 5 * 86_400;
    // NOW + 5 days is 2027-01-20T08:00:00Z.
    assert_eq!(
        crate::status::time::openssl_date("Jan 20 08:00:00 2027 GMT"),
        Some(soon)
    );
    o.insert(
        "tls:pds.example.com".into(),
        Observed::ok("notAfter=Jan 20 08:00:00 2027 GMT\n"),
    );
    let c = find(&judge(&targets(), &o, &cx(None)), "tls").clone();
    assert_eq!(c.level, Level::Warning);
    assert_eq!(
        c.summary,
        "the certificate expires in 5 days: renewal should have happened"
    );
    assert_eq!(c.next, ["journalctl -u caddy -e"]);

    o.insert(
        "tls:pds.example.com".into(),
        Observed::ok("notAfter=Jan  1 00:00:00 2020 GMT\n"),
    );
    let c = find(&judge(&targets(), &o, &cx(None)), "tls").clone();
    assert_eq!(
        (c.level, c.summary.as_str()),
        (Level::Error, "the certificate has expired")
    );

    o.insert(
        "tls:pds.example.com".into(),
        Observed::failed(1, "connect:errno=111\nCould not find certificate\n"),
    );
    let c = find(&judge(&targets(), &o, &cx(None)), "tls").clone();
    assert_eq!(c.level, Level::Error);
    assert_eq!(
        c.summary,
        "does not answer over TLS on port 443: connect:errno=111"
    );
    assert_eq!(
        c.next[0],
        "check DNS for pds.example.com: it must point at the host"
    );

    // OpenSSL's own error line is cut to its reason.
    o.insert(
        "tls:pds.example.com".into(),
        Observed::failed(1, "40970E0B817F0000:error:10080002:BIO routines:BIO_lookup_ex:system lib:../crypto/bio/bio_addr.c:746:Name or service not known\n"),
    );
    let c = find(&judge(&targets(), &o, &cx(None)), "tls").clone();
    assert_eq!(
        c.summary,
        "does not answer over TLS on port 443: Name or service not known"
    );
}

#[test]
fn a_secret_readable_by_others_is_an_error_and_a_missing_one_names_its_maker() {
    let mut o = healthy();
    o.insert("stat:/s/jwt".into(), Observed::ok("root root 644\n"));
    let c = find(&judge(&targets(), &o, &cx(None)), "secret-file").clone();
    assert_eq!(c.level, Level::Error);
    assert_eq!(
        c.summary,
        "owner root, group root, mode 644: must be root's alone (0400)"
    );
    assert_eq!(c.next, ["chown root:root /s/jwt && chmod 0400 /s/jwt"]);

    o.insert(
        "stat:/s/jwt".into(),
        Observed::failed(
            1,
            "stat: cannot statx '/s/jwt': No such file or directory\n",
        ),
    );
    let c = find(&judge(&targets(), &o, &cx(None)), "secret-file").clone();
    assert_eq!(c.summary, "missing (bluesky-pds's jwt_secret)");
    assert_eq!(c.next, ["systemctl restart atproto-secrets-bluesky-pds"]);
}

#[test]
fn a_failed_backup_and_one_never_run() {
    let mut o = healthy();
    o.insert(
        "unit:restic-backups-atproto".into(),
        Observed::ok(&format!(
            "LoadState=loaded\nActiveState=failed\nSubState=failed\nExecMainStatus=1\nExecMainStartTimestamp=@{}\nResult=exit-code\n",
            NOW - 30_000
        )),
    );
    let c = find(&judge(&targets(), &o, &cx(None)), "backup").clone();
    assert_eq!(c.level, Level::Error);
    assert_eq!(
        c.summary,
        "last restic backup 8h 20m ago failed (exit-code, exit status 1)"
    );
    assert_eq!(
        c.next,
        [
            "journalctl -u restic-backups-atproto -e",
            "systemctl start restic-backups-atproto"
        ]
    );
    o.insert(
        "unit:restic-backups-atproto".into(),
        Observed::ok(
            "LoadState=loaded\nActiveState=inactive\nExecMainStartTimestamp=\nResult=success\n",
        ),
    );
    let c = find(&judge(&targets(), &o, &cx(None)), "backup").clone();
    assert_eq!(
        (c.level, c.summary.as_str()),
        (Level::Warning, "no restic backup has run yet")
    );
}

/// A daily backup whose last run is more than two days old is stale, however it
/// ended: the timer is not firing. One within two periods is fine.
#[test]
fn a_backup_older_than_two_periods_is_stale() {
    let mut o = healthy();
    let ran = |ago: i64| {
        Observed::ok(&format!(
            "LoadState=loaded\nActiveState=inactive\nSubState=dead\nExecMainStatus=0\nExecMainStartTimestamp=@{}\nResult=success\n",
            NOW - ago
        ))
    };
    o.insert("unit:restic-backups-atproto".into(), ran(3 * 86_400));
    let c = find(&judge(&targets(), &o, &cx(None)), "backup").clone();
    assert_eq!(c.level, Level::Warning);
    assert!(c.summary.contains("should run every 1d"), "{}", c.summary);
    assert_eq!(
        c.next,
        [
            "systemctl list-timers restic-backups-atproto.timer",
            "systemctl start restic-backups-atproto"
        ]
    );
    o.insert("unit:restic-backups-atproto".into(), ran(47 * 3_600));
    let c = find(&judge(&targets(), &o, &cx(None)), "backup").clone();
    assert_eq!(c.level, Level::Ok, "{}", c.summary);
    // A calendar expression that is no shorthand has no period to judge by.
    assert_eq!(
        crate::status::targets::shorthand_period("*-*-* 03:00:00"),
        None
    );
    assert_eq!(
        crate::status::targets::shorthand_period("hourly"),
        Some(3_600)
    );
}

#[test]
fn journal_errors_are_kept_as_lines_and_shown_escaped() {
    let mut o = healthy();
    o.insert(
        "journal:bluesky-pds".into(),
        Observed::ok("boom\n\x1b[2Jcleared\n-- No entries --\n"),
    );
    let r = judge(&targets(), &o, &cx(None));
    let c = find(&r, "journal");
    assert_eq!(c.level, Level::Warning);
    assert_eq!(c.details, ["boom", "\x1b[2Jcleared"]);
    let text = r.text(crate::report::Style::plain());
    assert!(!text.contains('\x1b'), "{text}");
    assert!(text.contains("\\u{1b}[2Jcleared"), "{text}");
    assert!(!r.json().contains('\x1b'));
}

#[test]
fn low_free_space_warns_and_a_missing_unit_says_to_switch() {
    let mut o = healthy();
    o.insert(
        "df:/var/lib/pds".into(),
        Observed::ok("Avail 1B-blocks\n5000000000 100000000000\n"),
    );
    o.insert(
        "unit:bluesky-pds".into(),
        Observed::ok("LoadState=not-found\nActiveState=inactive\n"),
    );
    let r = judge(&targets(), &o, &cx(None));
    let disk = find(&r, "disk");
    assert_eq!(disk.level, Level::Warning);
    assert!(
        disk.summary.ends_with("(5%): less than 10% free"),
        "{}",
        disk.summary
    );
    let unit = find(&r, "unit");
    assert_eq!(unit.level, Level::Error);
    assert_eq!(
        unit.next,
        ["sudo nixos-rebuild switch --flake /srv/host#pds1"]
    );
}

#[test]
fn the_generation_is_compared_when_nix_can_say_and_unknown_otherwise() {
    let mut o = healthy();
    o.insert(
        "generation:built".into(),
        Observed::ok("/nix/store/def-nixos-system"),
    );
    let c = find(&judge(&targets(), &o, &cx(None)), "generation").clone();
    assert_eq!(c.level, Level::Warning);
    assert_eq!(c.next[0], "atproto-wizard preview /srv/host");
    o.insert(
        "generation:built".into(),
        Observed::NotInstalled("nix".into()),
    );
    let c = find(&judge(&targets(), &o, &cx(None)), "generation").clone();
    assert_eq!(c.level, Level::Info);
    assert_eq!(
        c.summary,
        "whether it is /srv/host's configuration is unknown: nix is not installed"
    );
}
