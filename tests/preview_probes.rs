//! Preflight probes against this machine: a listener on loopback is named with this
//! test's own process, `localhost` resolves and a `.invalid` name does not, and a
//! probe that cannot know says so instead of failing.
use std::collections::BTreeMap;
use std::net::TcpListener;
use std::time::Duration;

use atproto_wizard::preview::probes::{
    self, ProbeInputs, ProbeStatus, disk_probe, dns_probe, local_addresses, nixos_probe,
    port_holders, port_probe, wildcard_probe,
};
use atproto_wizard::preview::{Event, Job};

fn my_name() -> String {
    std::fs::read_to_string("/proc/self/comm")
        .unwrap()
        .trim()
        .to_string()
}

fn dns_inputs(control: &str) -> ProbeInputs {
    ProbeInputs {
        timeout: Duration::from_secs(5),
        control_name: Some(control.to_string()),
        ..ProbeInputs::default()
    }
}

#[test]
fn a_listener_is_named_with_its_process() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let holders = port_holders(port).unwrap();
    let me = holders
        .iter()
        .find(|h| h.pid == Some(std::process::id()))
        .unwrap_or_else(|| panic!("this process is not among {holders:?}"));
    assert_eq!(me.name.as_deref(), Some(my_name().as_str()));
    assert_eq!(me.address, format!("127.0.0.1:{port}"));

    // Held by something other than the proxy: a problem, naming the process.
    let result = port_probe(port, Some("nginx"));
    assert_eq!(result.status, ProbeStatus::Failed, "{result:?}");
    assert!(
        result
            .detail
            .contains(&format!("{} (pid {})", my_name(), std::process::id())),
        "{result:?}"
    );
    assert!(result.fix.unwrap().contains("nginx cannot start while"));

    // Held by the proxy the host configures: fine.
    let ours = port_probe(port, Some(&my_name()));
    assert_eq!(ours.status, ProbeStatus::Ok, "{ours:?}");
    assert!(ours.detail.contains("the proxy this host uses"));

    drop(listener);
    // Another test's child forked just now may hold a copy of the socket until it
    // execs: give it a moment.
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    let mut free = port_probe(port, Some("nginx"));
    while free.status != ProbeStatus::Ok && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        free = port_probe(port, Some("nginx"));
    }
    assert_eq!(free.status, ProbeStatus::Ok, "{free:?}");
}

#[test]
fn an_ipv6_listener_is_found_too() {
    let Ok(listener) = TcpListener::bind("[::1]:0") else {
        eprintln!("SKIPPED: no IPv6 loopback here");
        return;
    };
    let port = listener.local_addr().unwrap().port();
    let holders = port_holders(port).unwrap();
    assert!(
        holders
            .iter()
            .any(|h| h.pid == Some(std::process::id()) && h.address == format!("[::1]:{port}")),
        "{holders:?}"
    );
}

#[test]
fn localhost_resolves_to_this_machine() {
    let local = local_addresses();
    assert!(local.iter().any(|a| a.is_loopback()), "{local:?}");
    let result = dns_probe("localhost", &dns_inputs("localhost"), &local);
    assert_eq!(result.status, ProbeStatus::Ok, "{result:?}");
    assert!(
        result.detail.contains("an address of this machine"),
        "{result:?}"
    );
}

#[test]
fn an_invalid_name_does_not_resolve() {
    let local = local_addresses();
    // DNS works (the control name resolves): the name is missing.
    let result = dns_probe(
        "atproto-wizard-test.invalid",
        &dns_inputs("localhost"),
        &local,
    );
    assert_eq!(result.status, ProbeStatus::Failed, "{result:?}");
    assert!(result.detail.contains("does not resolve"), "{result:?}");
    assert!(result.fix.unwrap().contains("Create an A record"));
    let wildcard = wildcard_probe("invalid", &dns_inputs("localhost"), &local);
    assert_eq!(wildcard.status, ProbeStatus::Failed, "{wildcard:?}");
    assert!(wildcard.fix.unwrap().contains("wildcard record *.invalid"));
}

#[test]
fn offline_is_could_not_check() {
    let local = local_addresses();
    // The control name does not resolve either: no DNS here, so no verdict.
    let result = dns_probe(
        "pds.example.invalid",
        &dns_inputs("control.invalid"),
        &local,
    );
    assert_eq!(result.status, ProbeStatus::Unknown, "{result:?}");
    assert!(result.detail.starts_with("could not check"), "{result:?}");
}

#[test]
fn disk_against_the_catalog_needs() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("var/lib");
    let small = BTreeMap::from([("bluesky-pds".to_string(), 0u32)]);
    assert_eq!(disk_probe(&missing, &small).status, ProbeStatus::Ok);
    let huge = BTreeMap::from([("constellation".to_string(), u32::MAX)]);
    let result = disk_probe(&missing, &huge);
    assert_eq!(result.status, ProbeStatus::Warning, "{result:?}");
    assert!(
        result.detail.contains("constellation 4294967295 GB"),
        "{result:?}"
    );
    assert!(result.fix.is_some());
}

#[test]
fn nixos_marker() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("NIXOS");
    let no = nixos_probe(&marker);
    assert_eq!(no.status, ProbeStatus::Warning);
    assert!(no.fix.unwrap().contains("NixOS machine"));
    std::fs::write(&marker, "").unwrap();
    assert_eq!(nixos_probe(&marker).status, ProbeStatus::Ok);
}

#[test]
fn all_probes_run_as_a_job() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inputs = ProbeInputs {
        names: vec!["localhost".to_string()],
        ports: vec![port],
        proxy: Some("caddy".to_string()),
        flake: true,
        control_name: Some("localhost".to_string()),
        ..ProbeInputs::default()
    };
    let job: Job<probes::ProbeReport> = probes::spawn(inputs);
    let mut started = 0;
    let report = job
        .wait(&mut |e| {
            if matches!(e, Event::Started { .. }) {
                started += 1;
            }
        })
        .unwrap();
    let ids: Vec<&str> = report.results.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "dns:localhost",
            &format!("port:{port}"),
            "disk",
            "memory",
            "nixos",
            "root",
            "flakes"
        ]
    );
    assert_eq!(started, ids.len());
    let port_result = &report.results[1];
    assert_eq!(port_result.status, ProbeStatus::Failed, "{port_result:?}");
    // Every result that is not fine says what to do, except "could not check".
    for r in &report.results {
        if matches!(r.status, ProbeStatus::Warning | ProbeStatus::Failed) {
            assert!(r.fix.is_some(), "{r:?}");
        }
    }
}
