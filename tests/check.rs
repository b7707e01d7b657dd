//! `check` on good and broken answers files: the verdict, the words, and the place.
use std::path::Path;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::{Answers, Location};
use atproto_wizard::validate::{Diagnostic, validate};

const BASE: &str = r#"schema = 1

[host]
hostname = "pds1"
domain = "pds.example.com"
admin_email = "admin@example.com"

[integrations.tls]
accept_terms = true

[integrations.secrets]
backend = "generate"
"#;

fn diagnostics(text: &str) -> (Answers, Vec<Diagnostic>) {
    let answers = Answers::parse("test.toml", text).expect("readable");
    let d = validate(Catalog::embedded(), &answers.tree);
    (answers, d)
}

fn only(text: &str, code: &str) -> (Answers, Diagnostic) {
    let (answers, all) = diagnostics(text);
    let matching: Vec<_> = all.iter().filter(|d| d.code == code).cloned().collect();
    assert_eq!(matching.len(), 1, "expected one {code}, got {all:#?}");
    (answers, matching[0].clone())
}

#[test]
fn the_base_plan_is_valid() {
    let (_, d) = diagnostics(BASE);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn every_profile_is_valid() {
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles")).unwrap()
    {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let answers = Answers::read(&path).unwrap();
            let errors: Vec<_> = validate(Catalog::embedded(), &answers.tree)
                .into_iter()
                .filter(|d| d.is_error())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        }
    }
}

#[test]
fn a_typo_in_a_setting_names_line_column_and_the_right_key() {
    let text = format!("{BASE}\n[services.constellation.settings]\njetstrem = \"us-east-1\"\n");
    let (answers, d) = only(&text, "unknown-key");
    assert_eq!(d.path, "services.constellation.settings.jetstrem");
    assert_eq!(
        d.message,
        "Unknown key services.constellation.settings.jetstrem: did you mean jetstream?"
    );
    assert_eq!(
        answers.locate(&d.path),
        Location {
            line: 15,
            column: 1
        }
    );
}

#[test]
fn a_typo_in_a_service_name_suggests_the_service() {
    let text = format!("{BASE}\n[services.constelation]\nenable = true\n");
    let (_, d) = only(&text, "unknown-key");
    assert_eq!(
        d.message,
        "Unknown key services.constelation: did you mean constellation?"
    );
}

#[test]
fn unrelated_unknown_keys_list_what_is_expected() {
    let text = format!("{BASE}\n[integrations.proxy]\nzzzzzz = 1\n");
    let (_, d) = only(&text, "unknown-key");
    assert_eq!(
        d.message,
        "Unknown key integrations.proxy.zzzzzz: expected one of kind, max_body_size_mb, open_firewall."
    );
}

#[test]
fn upstream_default_ports_clash_and_a_free_port_is_suggested() {
    // spacedust and slingshot both listen on 8080 upstream.
    let text = format!("{BASE}\n[services.spacedust]\n[services.slingshot]\n");
    let (_, d) = only(&text, "port-clash");
    assert_eq!(d.path, "services.spacedust.ports.http");
    assert_eq!(
        d.message,
        "Port 8080 is used by both slingshot (http) and spacedust (http): set services.spacedust.ports.http to a free port, like 8081."
    );
}

#[test]
fn grafana_and_the_pds_both_want_3000() {
    let text = format!(
        "{BASE}\n[integrations.monitoring]\ngrafana = true\nprometheus = true\n\n[services.bluesky-pds]\n"
    );
    let (_, d) = only(&text, "port-clash");
    assert_eq!(d.path, "integrations.monitoring.grafana_port");
    assert!(
        d.message
            .starts_with("Port 3000 is used by both bluesky-pds (http) and grafana:"),
        "{}",
        d.message
    );
}

#[test]
fn a_fixed_port_keeps_its_number_and_the_movable_one_is_asked_to_move() {
    // pocket's 3000 is hard-coded upstream; the PDS must move.
    let text = format!("{BASE}\n[services.pocket]\n[services.bluesky-pds]\n");
    let (_, d) = only(&text, "port-clash");
    assert_eq!(d.path, "services.bluesky-pds.ports.http");
    assert!(
        d.message.contains("pocket (http) and bluesky-pds (http)"),
        "{}",
        d.message
    );
}

#[test]
fn a_missing_secrets_backend_is_required() {
    let text = BASE.replace("[integrations.secrets]\nbackend = \"generate\"\n", "");
    let (answers, d) = only(&text, "required");
    assert_eq!(d.path, "integrations.secrets.backend");
    assert_eq!(
        d.message,
        "Set integrations.secrets.backend; it has no default."
    );
    // Nothing is written under integrations.secrets: the first integrations table is named.
    assert_eq!(answers.locate(&d.path).line, 8);
}

#[test]
fn a_wrong_type_quotes_the_value_and_says_what_is_expected() {
    let text = format!("{BASE}\n[integrations.proxy]\nmax_body_size_mb = \"100\"\n");
    let (answers, d) = only(&text, "field");
    assert_eq!(d.message, "\"100\" must be a whole number.");
    assert_eq!(
        answers.locate(&d.path),
        Location {
            line: 15,
            column: 1
        }
    );
}

#[test]
fn values_out_of_range_and_outside_choices_say_the_bound() {
    let text = format!("{BASE}\n[integrations.proxy]\nmax_body_size_mb = 0\nkind = \"apache\"\n");
    let (_, all) = diagnostics(&text);
    let messages: Vec<&str> = all.iter().map(|d| d.message.as_str()).collect();
    assert!(messages.contains(&"0 must be at least 1."), "{messages:?}");
    assert!(
        messages.contains(&"\"apache\" must be one of: nginx, caddy, none."),
        "{messages:?}"
    );
}

#[test]
fn a_bad_hostname_says_what_a_hostname_looks_like() {
    let text = BASE.replace("domain = \"pds.example.com\"", "domain = \"PDS_example\"");
    let (_, d) = only(&text, "field");
    assert_eq!(d.path, "host.domain");
    assert_eq!(
        d.message,
        "\"PDS_example\" must be a fully qualified domain name in lower case, like pds.example.com."
    );
}

#[test]
fn a_secret_written_inline_is_refused_with_the_reason() {
    let text = format!("{BASE}\n[services.bluesky-pds.settings]\nadmin_password = \"hunter2\"\n");
    let (_, d) = only(&text, "inline-secret");
    assert_eq!(d.path, "services.bluesky-pds.settings.admin_password");
    assert!(
        d.message.contains("Secrets never go in the answers file"),
        "{}",
        d.message
    );
    // The message never repeats the secret.
    assert!(!d.message.contains("hunter2"));
}

#[test]
fn a_password_given_instead_of_a_password_file_is_refused() {
    let text = format!(
        "{BASE}\n[integrations.backup]\nkind = \"restic\"\nrepository = \"/srv/backup\"\npassword = \"x\"\n"
    );
    let (_, all) = diagnostics(&text);
    let secret = all
        .iter()
        .find(|d| d.code == "inline-secret")
        .expect("inline secret found");
    assert_eq!(secret.path, "integrations.backup.password");
    assert!(secret.message.contains("*_file field"));
    assert!(all.iter().any(|d| d.code == "rule:plan/backup-password"));
}

#[test]
fn the_pds_upload_limit_must_fit_through_the_proxy() {
    let text =
        format!("{BASE}\n[integrations.proxy]\nmax_body_size_mb = 10\n\n[services.bluesky-pds]\n");
    let (_, d) = only(&text, "body-size");
    assert_eq!(
        d.message,
        "The proxy accepts request bodies up to 10 MiB but Bluesky PDS accepts uploads up to 104857600 bytes: set integrations.proxy.max_body_size_mb to at least 100."
    );
}

#[test]
fn wildcard_handles_need_dns_01_or_on_demand_tls() {
    let text = format!("{BASE}\n[services.bluesky-pds]\n");
    let (_, all) = diagnostics(&text);
    let d = all
        .iter()
        .find(|d| d.code == "rule:bluesky-pds/handles-need-wildcard-tls")
        .expect("rule fires");
    assert_eq!(d.path, "integrations.tls.handles");
    let fixed = format!("{BASE}\n[services.bluesky-pds]\n").replace(
        "accept_terms = true\n",
        "accept_terms = true\nhandles = \"dns-01-wildcard\"\ndns_provider = \"cloudflare\"\ndns_credentials_file = \"/var/lib/secrets/cf\"\n",
    );
    let (_, all) = diagnostics(&fixed);
    assert!(
        !all.iter()
            .any(|d| d.code.starts_with("rule:bluesky-pds/handles")),
        "{all:#?}"
    );
}

#[test]
fn acme_needs_accepted_terms() {
    let text = BASE.replace("accept_terms = true", "accept_terms = false");
    let (_, d) = only(&text, "rule:plan/acme-terms");
    assert_eq!(d.path, "integrations.tls.accept_terms");
}

#[test]
fn ozone_needs_postgresql() {
    let text = format!("{BASE}\n[services.ozone]\n");
    let (_, d) = only(&text, "needs-postgres");
    assert_eq!(
        d.message,
        "Ozone needs PostgreSQL: set integrations.database.kind = \"local\" (or \"remote\" with a url)."
    );
}

#[test]
fn a_disabled_service_is_not_required_to_be_complete() {
    let text = format!("{BASE}\n[services.ozone]\nenable = false\n");
    let (_, d) = diagnostics(&text);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn unreadable_files_say_where_and_why() {
    let syntax = Answers::parse("bad.toml", "schema = 1\n[host\n").unwrap_err();
    assert_eq!(syntax.location.map(|l| l.line), Some(2));
    assert!(syntax.message.starts_with("not valid TOML"));

    let newer = Answers::parse("new.toml", "schema = 7\n").unwrap_err();
    assert!(
        newer.message.contains("newer atproto-wizard"),
        "{}",
        newer.message
    );

    let missing = Answers::parse("old.toml", "[host]\nhostname = \"x\"\n").unwrap_err();
    assert!(
        missing.message.starts_with("no schema version"),
        "{}",
        missing.message
    );
}

#[test]
fn two_public_services_on_one_domain_clash_and_the_later_one_is_asked_to_move() {
    // Neither has a hostname setting, so both are served at host.domain.
    let text = format!("{BASE}\n[services.spacedust]\n\n[services.constellation]\n");
    let (answers, d) = only(&text, "domain-clash");
    assert_eq!(d.path, "services.spacedust.domain");
    assert!(d.is_error());
    assert_eq!(
        d.message,
        "Spacedust and Constellation are both served at pds.example.com: set services.spacedust.domain to a name of its own, like spacedust.pds.example.com."
    );
    // Not in the file: reported at the service's table.
    assert_eq!(answers.locate(&d.path).line, 14);

    let fixed = text.replace(
        "[services.spacedust]\n",
        "[services.spacedust]\ndomain = \"spacedust.pds.example.com\"\n",
    );
    let (_, all) = diagnostics(&fixed);
    assert!(all.is_empty(), "{all:#?}");
}

#[test]
fn the_pds_is_served_at_its_hostname_setting() {
    // Both services with a hostname setting are served at it, not at host.domain, so
    // they clash with each other and constellation (at host.domain) with neither.
    let text = format!(
        "{BASE}\n[services.bluesky-pds.settings]\nhostname = \"social.example.com\"\n\n\
         [services.constellation]\n\n\
         [services.feed-generator]\nports = {{ http = 3100 }}\n\
         [services.feed-generator.settings]\nhostname = \"social.example.com\"\npublisher_did = \"did:web:example.com\"\n"
    );
    let (_, all) = diagnostics(&text);
    let clashes: Vec<(&str, &str)> = all
        .iter()
        .filter(|d| d.code == "domain-clash")
        .map(|d| (d.path.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        clashes,
        vec![(
            "services.feed-generator.domain",
            "Feed generator (starter kit) and Bluesky PDS are both served at social.example.com: set services.feed-generator.domain to a name of its own, like feed-generator.pds.example.com."
        )],
        "{all:#?}"
    );
}

#[test]
fn without_host_domain_the_suggestion_is_under_example_com() {
    let text = format!("{BASE}\n[services.spacedust]\ndomain = \"links.example.org\"\n[services.constellation]\ndomain = \"links.example.org\"\n")
        .replace("domain = \"pds.example.com\"\n", "");
    let (_, d) = only(&text, "domain-clash");
    assert_eq!(
        d.message,
        "Spacedust and Constellation are both served at links.example.org: set services.spacedust.domain to a name of its own, like spacedust.example.com."
    );
}

#[test]
fn equal_domains_are_no_clash_without_a_proxy_or_a_public_port() {
    let both = format!("{BASE}\n[services.spacedust]\n[services.constellation]\n");
    let no_proxy = format!("{both}\n[integrations.proxy]\nkind = \"none\"\n");
    let (_, all) = diagnostics(&no_proxy);
    assert!(all.is_empty(), "{all:#?}");
    // rsky-firehose has no public port; ufos is off.
    let quiet = format!(
        "{BASE}\n[services.constellation]\n\
         [services.rsky-firehose]\ndomain = \"pds.example.com\"\n\
         [services.rsky-firehose.settings]\nqueue_endpoint = \"http://127.0.0.1:8000\"\n\
         [services.ufos]\nenable = false\n"
    );
    let (_, all) = diagnostics(&quiet);
    assert!(all.is_empty(), "{all:#?}");
}

#[test]
fn a_domain_is_a_lower_case_hostname() {
    let text = format!("{BASE}\n[services.spacedust]\nenable = false\ndomain = \"Links\"\n");
    let (_, d) = only(&text, "field");
    assert_eq!(d.path, "services.spacedust.domain");
    assert_eq!(
        d.message,
        "\"Links\" must be a fully qualified domain name in lower case, like pds.example.com."
    );
    let (_, all) = diagnostics(&text);
    assert_eq!(all.len(), 1, "domain is a known key: {all:#?}");
}

#[test]
fn a_wrong_proxy_kind_still_counts_as_a_proxy() {
    // Like `ne = "none"` in rules (and the Nix validator): only "none" turns it off.
    let text = format!(
        "{BASE}\n[integrations.proxy]\nkind = 5\nmax_body_size_mb = 10\n\n\
         [services.bluesky-pds]\n[services.constellation]\n"
    );
    let (_, all) = diagnostics(&text);
    let codes: Vec<&str> = all.iter().map(|d| d.code.as_str()).collect();
    for code in ["field", "body-size", "domain-clash"] {
        assert!(codes.contains(&code), "no {code}: {all:#?}");
    }
}
