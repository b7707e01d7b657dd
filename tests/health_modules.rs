//! The modules' health wiring, evaluated with the module stub (nixlib/tests/eval/): a
//! unit whose service has a `[health]` endpoint gets a bounded start check in
//! ExecStartPost, at the port the host really uses; a service without one gets none;
//! the check can be turned off; and `atproto-diagnostics` is installed exactly when an
//! ATProto service is enabled.
use crate::support::{eval_json, nix_instantiate, nixpkgs_lib};
use serde_json::{Value, json};

const PDS_HOST: &str = r#"{
  networking.hostName = "pds1";
  atproto.host = { domain = "pds.example.com"; admin_email = "admin@example.com"; };
  atproto.integration.proxy.kind = "none";
  services.bluesky-pds.enable = true;
}"#;

/// Evaluates a host made of `modules` (Nix module expressions) and returns, for each
/// unit named, its ExecStartPost and TimeoutStartSec (null when unset), plus the names
/// of the system packages and the failed assertions.
fn evaluate(modules: &[&str], units: &[&str]) -> Option<Value> {
    let nix = nix_instantiate()?;
    let lib = nixpkgs_lib()?;
    let units = units
        .iter()
        .map(|u| format!("{u:?}"))
        .collect::<Vec<_>>()
        .join(" ");
    let expr = format!(
        r#"let
          r = import ./nixlib/tests/eval/eval.nix {{
            libPath = {lib:?};
            host.imports = [ {modules} ];
          }};
          unit = u: let c = r.config.systemd.services.${{u}}.serviceConfig or {{ }}; in {{
            post = c.ExecStartPost or null;
            timeout = c.TimeoutStartSec or null;
          }};
        in {{
          inherit (r) failed;
          units = builtins.listToAttrs (map (u: {{ name = u; value = unit u; }}) [ {units} ]);
          packages = map (p: p.name) r.config.environment.systemPackages;
          diagnostics = map (d: {{
            services = d.servicesFile.text;
            names = d.namesFile.text;
            config = builtins.fromJSON d.configFile.text;
          }}) (builtins.filter (p: p.name == "atproto-diagnostics") r.config.environment.systemPackages);
        }}"#,
        lib = lib.display().to_string(),
        modules = modules.join(" "),
    );
    Some(eval_json(&nix, &expr))
}

/// The one ExecStartPost line of `unit`, split at its quoted arguments:
/// [script, url, seconds, message].
fn check_line(out: &Value, unit: &str) -> Vec<String> {
    let post = out["units"][unit]["post"]
        .as_array()
        .unwrap_or_else(|| panic!("{unit} has no ExecStartPost: {out}"));
    assert_eq!(post.len(), 1, "{unit}: {post:?}");
    let line = post[0].as_str().unwrap();
    let (script, quoted) = line.split_once(' ').unwrap();
    let mut parts = vec![script.to_string()];
    parts.extend(
        quoted
            .split("\" \"")
            .map(|p| p.trim_matches('"').to_string()),
    );
    parts
}

#[test]
fn a_pds_unit_waits_for_its_health_endpoint() {
    let Some(out) = evaluate(&[PDS_HOST], &["bluesky-pds"]) else {
        return;
    };
    assert_eq!(out["failed"], json!([]));
    let line = check_line(&out, "bluesky-pds");
    assert!(
        line[0].starts_with("/nix/store/") && line[0].ends_with("-atproto-health-check"),
        "{line:?}"
    );
    assert_eq!(line[1], "http://127.0.0.1:3000/xrpc/_health");
    assert_eq!(line[2], "60");
    assert!(
        line[3]
            .contains("Bluesky PDS did not answer http://127.0.0.1:3000/xrpc/_health within 60 s")
            && line[3].contains("atproto.health.startCheck.bluesky-pds = false"),
        "{line:?}"
    );
    // systemd's default start timeout already covers 60 s and the tries around it.
    assert_eq!(out["units"]["bluesky-pds"]["timeout"], json!("90"));
}

#[test]
fn the_check_follows_a_non_default_port_and_timeout() {
    let Some(out) = evaluate(
        &[
            PDS_HOST,
            "{ services.bluesky-pds.settings.PDS_PORT = 3100; atproto.health.startTimeout = 200; }",
        ],
        &["bluesky-pds"],
    ) else {
        return;
    };
    let line = check_line(&out, "bluesky-pds");
    assert_eq!(line[1], "http://127.0.0.1:3100/xrpc/_health");
    assert_eq!(line[2], "200");
    // Raised so that systemd does not end the start before the check does.
    assert_eq!(out["units"]["bluesky-pds"]["timeout"], json!("230"));
}

#[test]
fn the_hosts_own_exec_start_post_runs_beside_the_check() {
    let Some(out) = evaluate(
        &[
            PDS_HOST,
            r#"{ systemd.services.bluesky-pds.serviceConfig.ExecStartPost = "/run/current-system/sw/bin/true"; }"#,
        ],
        &["bluesky-pds"],
    ) else {
        return;
    };
    let post = out["units"]["bluesky-pds"]["post"].as_array().unwrap();
    assert_eq!(post.len(), 2, "{post:?}");
    assert!(post.contains(&json!("/run/current-system/sw/bin/true")));
    assert!(
        post.iter()
            .any(|p| p.as_str().unwrap().contains("atproto-health-check")),
        "{post:?}"
    );
}

#[test]
fn the_check_can_be_turned_off_per_service() {
    let Some(out) = evaluate(
        &[
            PDS_HOST,
            "{ atproto.health.startCheck.bluesky-pds = false; }",
        ],
        &["bluesky-pds"],
    ) else {
        return;
    };
    assert_eq!(out["failed"], json!([]));
    assert_eq!(
        out["units"]["bluesky-pds"],
        json!({"post": null, "timeout": null})
    );
}

/// Only services whose upstream serves a health endpoint have the option: a typo or a
/// service without one is an evaluation error, as a misspelt NixOS option is.
#[test]
fn a_service_without_health_has_no_switch() {
    let Some(nix) = nix_instantiate() else {
        return;
    };
    let Some(lib) = nixpkgs_lib() else {
        return;
    };
    let expr = format!(
        r#"let r = import ./nixlib/tests/eval/eval.nix {{
            libPath = {:?};
            host.imports = [ {PDS_HOST} {{ atproto.health.startCheck.constellation = false; }} ];
          }}; in r.config.systemd.services.bluesky-pds.serviceConfig.ExecStartPost"#,
        lib.display().to_string()
    );
    let out = std::process::Command::new(nix)
        .args(["--eval", "--strict", "--json", "-E", &expr])
        .current_dir(crate::support::repo())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("atproto.health.startCheck.constellation")
            && stderr.contains("does not exist"),
        "{stderr}"
    );
}

#[test]
fn services_without_a_health_endpoint_get_no_check() {
    let Some(out) = evaluate(
        &[r#"{
          networking.hostName = "idx";
          atproto.host = { domain = "idx.example.com"; admin_email = "admin@example.com"; };
          atproto.integration.tls.accept_terms = true;
          services.constellation = { enable = true; settings.jetstream = "us-east-1"; };
          services.rsky-feedgen.enable = true;
        }"#],
        &["constellation", "rsky-feedgen"],
    ) else {
        return;
    };
    assert_eq!(
        out["units"]["constellation"],
        json!({"post": null, "timeout": null})
    );
    assert_eq!(
        out["units"]["rsky-feedgen"],
        json!({"post": null, "timeout": null})
    );
}

/// Jetstream's health is on its debug listener, which exists only with
/// collect_metrics: no check without it, the loopback debug port with it.
#[test]
fn jetstreams_check_needs_its_debug_listener() {
    let host = |metrics: bool| {
        format!(
            r#"{{
              networking.hostName = "js";
              atproto.host = {{ domain = "js.example.com"; admin_email = "admin@example.com"; }};
              atproto.integration.tls.accept_terms = true;
              services.jetstream = {{ enable = true; settings.collect_metrics = {metrics}; ports.debug = 6161; listenAddress = "0.0.0.0"; }};
            }}"#
        )
    };
    let Some(off) = evaluate(&[&host(false)], &["jetstream"]) else {
        return;
    };
    assert_eq!(off["units"]["jetstream"]["post"], Value::Null);
    let on = evaluate(&[&host(true)], &["jetstream"]).unwrap();
    assert_eq!(
        check_line(&on, "jetstream")[1],
        "http://127.0.0.1:6161/readyz"
    );
}

/// A relay bound to one address is asked there; its fixed-port cousin rsky-relay is
/// asked on loopback, where the program binds whatever listenAddress says.
#[test]
fn the_check_asks_where_the_service_listens() {
    let Some(out) = evaluate(
        &[r#"{
          networking.hostName = "relay";
          atproto.host = { domain = "relay.example.com"; admin_email = "admin@example.com"; };
          atproto.integration.tls.accept_terms = true;
          services.indigo-relay = { enable = true; listenAddress = "10.0.0.5"; ports.http = 2480; };
          services.rsky-relay = { enable = true; listenAddress = "10.0.0.5"; domain = "rsky.example.com"; };
        }"#],
        &["indigo-relay", "rsky-relay"],
    ) else {
        return;
    };
    assert_eq!(
        check_line(&out, "indigo-relay")[1],
        "http://10.0.0.5:2480/xrpc/_health"
    );
    assert_eq!(
        check_line(&out, "rsky-relay")[1],
        "http://127.0.0.1:9000/_health"
    );
}

#[test]
fn diagnostics_are_installed_only_with_a_service() {
    let Some(with) = evaluate(&[PDS_HOST], &[]) else {
        return;
    };
    assert!(
        with["packages"]
            .as_array()
            .unwrap()
            .contains(&json!("atproto-diagnostics")),
        "{with}"
    );
    let without = evaluate(&[r#"{ networking.hostName = "plain"; }"#], &[]).unwrap();
    assert!(
        !without["packages"]
            .as_array()
            .unwrap()
            .contains(&json!("atproto-diagnostics")),
        "{without}"
    );
}

/// What the module writes for the report: one line per enabled service (unit, package,
/// health URL, state directory, environment file, other units; "-" for none), the
/// secret variables to redact, and the non-secret settings.
#[test]
fn diagnostics_know_the_enabled_services() {
    let Some(out) = evaluate(
        &[
            PDS_HOST,
            r#"{ services.constellation = { enable = true; domain = "links.example.com"; settings.jetstream = "us-east-1"; }; }"#,
        ],
        &[],
    ) else {
        return;
    };
    let d = &out["diagnostics"][0];
    let mut lines: Vec<&str> = d["services"].as_str().unwrap().lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "bluesky-pds\tbluesky-pds\tbluesky-pds\thttp://127.0.0.1:3000/xrpc/_health\t/var/lib/pds\t/run/atproto-secrets/bluesky-pds.env\tatproto-secrets-bluesky-pds",
            "constellation\tconstellation\tconstellation\t-\t/var/lib/constellation\t-\t-",
        ]
    );
    let names: Vec<&str> = d["names"].as_str().unwrap().lines().collect();
    for secret in [
        "PDS_JWT_SECRET",
        "PDS_ADMIN_PASSWORD",
        "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX",
        "OZONE_SIGNING_KEY_HEX",
        "RSKY_API_KEY",
        "PGPASSWORD",
    ] {
        assert!(names.contains(&secret), "{secret} missing from {names:?}");
    }
    assert_eq!(
        d["config"]["bluesky-pds"]["settings"]["PDS_HOSTNAME"],
        json!("pds.example.com")
    );
    assert_eq!(
        d["config"]["bluesky-pds"]["settings"]["PDS_PORT"],
        json!(3000)
    );
    assert_eq!(
        d["config"]["constellation"]["settings"]["jetstream"],
        json!("us-east-1")
    );
    assert_eq!(d["config"]["constellation"]["ports"]["http"], json!(6789));
}

/// The address a check asks (nixlib/lib/health.nix): listenAddress, bracketed when
/// IPv6; loopback for a wildcard; none without a health endpoint.
#[test]
fn health_urls_follow_the_listen_address() {
    let Some(nix) = nix_instantiate() else {
        return;
    };
    let out = eval_json(
        &nix,
        r#"let
          catalog = import ./nixlib/lib/catalog.nix { };
          url = id: listenAddress: import ./nixlib/lib/health.nix {
            entry = catalog.services.${id};
            ports.http = 2470;
            inherit listenAddress;
          };
        in [
          (url "indigo-relay" "::1")
          (url "indigo-relay" "0.0.0.0")
          (url "indigo-relay" "::")
          (url "indigo-relay" "192.0.2.7")
          (url "constellation" "127.0.0.1")
        ]"#,
    );
    assert_eq!(
        out,
        json!([
            "http://[::1]:2470/xrpc/_health",
            "http://127.0.0.1:2470/xrpc/_health",
            "http://127.0.0.1:2470/xrpc/_health",
            "http://192.0.2.7:2470/xrpc/_health",
            null
        ])
    );
}
