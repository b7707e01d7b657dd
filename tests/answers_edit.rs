//! Editing an answers file keeps what the operator wrote: comments, order, formatting.
use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::{Answers, edit};
use atproto_wizard::validate::validate;
use atproto_wizard::value::Value;
use toml_edit::DocumentMut;

const ORIGINAL: &str = r#"# My PDS. Do not touch the backups without asking Sam.
schema = 1

[host]
hostname = "pds1"          # the box in rack 3
domain = "pds.example.com"
admin_email = "admin@example.com"

[services.bluesky-pds]
ports = { http = 3000 }  # kept at upstream's port

[integrations.tls]
accept_terms = true
handles = "on-demand"

[integrations.proxy]
kind = "caddy"

[integrations.secrets]
# generated on the host
backend = "generate"
"#;

#[test]
fn setting_a_value_keeps_every_comment_and_the_order() {
    let mut doc: DocumentMut = ORIGINAL.parse().unwrap();
    edit::set(
        &mut doc,
        "host.domain",
        &Value::Str("social.example.org".into()),
    );
    edit::set(
        &mut doc,
        "services.constellation.settings.jetstream",
        &Value::Str("us-west-1".into()),
    );
    edit::set(
        &mut doc,
        "services.bluesky-pds.ports.http",
        &Value::Int(3100),
    );
    let out = doc.to_string();
    for comment in [
        "# My PDS. Do not touch",
        "# the box in rack 3",
        "# kept at upstream's port",
        "# generated on the host",
    ] {
        assert!(out.contains(comment), "lost {comment:?} in:\n{out}");
    }
    assert!(out.contains("domain = \"social.example.org\""));
    assert!(out.contains("ports = { http = 3100 }"), "{out}");
    // The existing order is unchanged; a new service table joins the other services.
    let order: Vec<usize> = [
        "[host]",
        "[services.bluesky-pds]",
        "[services.constellation.settings]",
        "[integrations.tls]",
    ]
    .iter()
    .map(|h| {
        out.find(h)
            .unwrap_or_else(|| panic!("{h} missing in:\n{out}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{out}");
}

#[test]
fn only_the_edited_line_changes() {
    let mut doc: DocumentMut = ORIGINAL.parse().unwrap();
    edit::set(&mut doc, "host.hostname", &Value::Str("pds2".into()));
    let out = doc.to_string();
    let changed: Vec<(&str, &str)> = ORIGINAL
        .lines()
        .zip(out.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        vec![(
            "hostname = \"pds1\"          # the box in rack 3",
            "hostname = \"pds2\"          # the box in rack 3"
        )]
    );
    assert_eq!(ORIGINAL.lines().count(), out.lines().count());
}

#[test]
fn removing_a_key_leaves_the_rest() {
    let mut doc: DocumentMut = ORIGINAL.parse().unwrap();
    edit::remove(&mut doc, "integrations.tls.handles");
    let out = doc.to_string();
    assert!(!out.contains("handles"));
    assert!(out.contains("accept_terms = true"));
    assert!(out.contains("# generated on the host"));
}

fn resolve(text: &str) -> String {
    let answers = Answers::parse("t.toml", text).unwrap();
    let mut doc: DocumentMut = text.parse().unwrap();
    edit::resolve(Catalog::embedded(), &mut doc, &answers.tree);
    doc.to_string()
}

#[test]
fn resolving_writes_complete_values_keeps_comments_and_is_stable() {
    let once = resolve(ORIGINAL);
    assert!(once.contains("# My PDS. Do not touch the backups"));
    assert!(
        once.contains("nixpkgs = \"nixos-25.11\""),
        "host defaults written:\n{once}"
    );
    assert!(
        once.contains("hostname = \"pds.example.com\""),
        "PDS hostname from host.domain:\n{once}"
    );
    assert!(once.contains("blob_upload_limit = 104857600"));
    assert!(
        once.contains("[services.bluesky-pds]\nports = { http = 3000 }  # kept at upstream's port\nenable = true\ndomain = \"pds.example.com\"\n"),
        "the PDS's domain (its hostname) written beside enable:\n{once}"
    );
    assert_eq!(resolve(&once), once, "a second resolve changes nothing");
    // The resolved file means the same plan: same verdict.
    let before = validate(
        Catalog::embedded(),
        &Answers::parse("a", ORIGINAL).unwrap().tree,
    );
    let after = validate(
        Catalog::embedded(),
        &Answers::parse("b", &once).unwrap().tree,
    );
    assert_eq!(before, after);
}

#[test]
fn resolving_allocates_free_ports_deterministically() {
    // spacedust and slingshot both default to 8080 and 8765 upstream.
    let text = "schema = 1\n[host]\nhostname = \"m\"\ndomain = \"m.example.com\"\nadmin_email = \"a@example.com\"\n\
                [integrations.secrets]\nbackend = \"generate\"\n[integrations.tls]\naccept_terms = true\n\
                [services.spacedust.settings]\ncollect_metrics = true\n[services.slingshot.settings]\ncollect_metrics = true\n";
    let before = validate(
        Catalog::embedded(),
        &Answers::parse("a", text).unwrap().tree,
    );
    assert_eq!(
        before.iter().filter(|d| d.code == "port-clash").count(),
        2,
        "{before:#?}"
    );
    let resolved = resolve(text);
    assert!(
        resolved.contains("ports = { http = 8080, metrics = 8765 }"),
        "{resolved}"
    ); // slingshot, first by id
    assert!(
        resolved.contains("ports = { http = 8081, metrics = 8766 }"),
        "{resolved}"
    ); // spacedust moves
    let after = validate(
        Catalog::embedded(),
        &Answers::parse("b", &resolved).unwrap().tree,
    );
    assert!(after.iter().all(|d| d.code != "port-clash"), "{after:#?}");
    assert_eq!(resolve(text), resolved, "same answers, same ports");
}

#[test]
fn resolving_writes_the_domain_of_services_with_a_public_port() {
    let text = "schema = 1\n[host]\nhostname = \"m\"\ndomain = \"m.example.com\"\nadmin_email = \"a@example.com\"\n\
                [integrations.secrets]\nbackend = \"generate\"\n[integrations.tls]\naccept_terms = true\n\
                [services.constellation]\n\
                [services.spacedust]\ndomain = \"spacedust.m.example.com\"\n\
                [services.rsky-firehose.settings]\nqueue_endpoint = \"http://127.0.0.1:8000\"\n\
                [services.ufos]\nenable = false\n";
    let resolved = resolve(text);
    let tree = Answers::parse("r", &resolved).unwrap().tree;
    let domain = |id: &str| {
        tree["services"].as_table().unwrap()[id]
            .as_table()
            .unwrap()
            .get("domain")
            .cloned()
    };
    // The default (host.domain) is written; a written one stays; a service without a
    // public port (rsky-firehose) or disabled (ufos) gets none.
    assert_eq!(
        domain("constellation"),
        Some(Value::Str("m.example.com".into()))
    );
    assert_eq!(
        domain("spacedust"),
        Some(Value::Str("spacedust.m.example.com".into()))
    );
    assert_eq!(domain("rsky-firehose"), None, "{resolved}");
    assert_eq!(domain("ufos"), None, "{resolved}");
    assert_eq!(
        resolve(&resolved),
        resolved,
        "a second resolve changes nothing"
    );
    let before = validate(
        Catalog::embedded(),
        &Answers::parse("a", text).unwrap().tree,
    );
    let after = validate(Catalog::embedded(), &tree);
    assert_eq!(before, after);
    assert!(after.is_empty(), "{after:#?}");
}

#[test]
fn resolving_leaves_a_domain_clash_for_the_operator() {
    // Ports are moved to free ones; a domain is a DNS name, so it is written as it is.
    let text = "schema = 1\n[host]\nhostname = \"m\"\ndomain = \"m.example.com\"\nadmin_email = \"a@example.com\"\n\
                [integrations.secrets]\nbackend = \"generate\"\n[integrations.tls]\naccept_terms = true\n\
                [services.constellation]\n[services.spacedust]\n";
    let resolved = resolve(text);
    let after = validate(
        Catalog::embedded(),
        &Answers::parse("r", &resolved).unwrap().tree,
    );
    let clash: Vec<_> = after.iter().filter(|d| d.code == "domain-clash").collect();
    assert_eq!(clash.len(), 1, "{after:#?}");
    assert_eq!(clash[0].path, "services.spacedust.domain");
}
