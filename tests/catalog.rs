//! The embedded catalog loads, passes its self-check, and says what every service must
//! say about itself (source, status, ports, needs).
use atproto_wizard::catalog::{CATALOG_FILES, Catalog, Status, from_toml::checked, lint::lint};

#[test]
fn catalog_passes_its_self_check() {
    let problems = lint(Catalog::embedded());
    assert!(
        problems.is_empty(),
        "catalog problems:\n{}",
        problems.join("\n")
    );
}

/// The Rust build.rs wrote builds exactly what the TOML files say.
#[test]
fn the_compiled_catalog_is_the_toml_catalog() {
    let from_toml = Catalog::from_files(CATALOG_FILES).unwrap();
    let compiled = Catalog::embedded();
    assert_eq!(
        format!("{:#?}", compiled.plan),
        format!("{:#?}", from_toml.plan)
    );
    assert_eq!(
        format!("{:#?}", compiled.services),
        format!("{:#?}", from_toml.services)
    );
    assert_eq!(compiled.services.len(), CATALOG_FILES.len() - 1);
}

/// What build.rs runs: a catalog that does not parse, or fails its self-check, is
/// refused with the messages the self-check gives.
#[test]
fn the_build_refuses_a_broken_catalog() {
    assert!(checked(CATALOG_FILES).is_ok());
    let edit = |file: &str, from: &str, to: &str| {
        let files = edited(file, from, to);
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        checked(&borrowed).err().unwrap_or_default()
    };
    assert_eq!(
        edit(
            "jetstream.toml",
            "attr = \"vendorHash\"",
            "attr = \"vendor Hash\""
        ),
        "jetstream.toml: placeholder hash attr \"vendor Hash\" is not a dotted attribute name"
    );
    let unparsable = edit("jetstream.toml", "id = \"jetstream\"", "id = jetstream");
    assert!(
        unparsable.starts_with("nixlib/catalog/jetstream.toml: "),
        "{unparsable}"
    );
    assert_eq!(
        edit(
            "bluesky-pds.toml",
            "unset_means = false",
            "unset_means = \"no\""
        ),
        "bluesky-pds.toml: rate_limits_enabled has unset_means \"no\", which is not a bool value"
    );
    assert_eq!(
        edit(
            "jetstream.toml",
            "url = \"https://{domain}\"",
            "url = \"https://relay.example.com\""
        ),
        "jetstream.toml: relay_url has refers_to, but it needs a url (or string, or list of url) setting, at least one kind, and a url with a scheme and {domain} (got \"https://relay.example.com\")"
    );
    let bad_pattern = edit("_plan.toml", "[a-z0-9]([a-z0-9-]{0,61}", "[a-z0-9(");
    assert!(
        bad_pattern.starts_with("pattern of type hostname: "),
        "{bad_pattern}"
    );
}

#[test]
fn every_promised_service_is_described() {
    let catalog = Catalog::embedded();
    for id in [
        "constellation",
        "spacedust",
        "slingshot",
        "ufos",
        "pocket",
        "quasar",
        "who-am-i",
        "reflector",
        "rsky-pds",
        "rsky-relay",
        "rsky-feedgen",
        "rsky-firehose",
        "rsky-jetstream-subscriber",
        "rsky-labeler",
        "bluesky-pds",
        "indigo-relay",
        "feed-generator",
        "ozone",
        "jetstream",
        "bluesky-appview",
    ] {
        assert!(
            catalog.service(id).is_some(),
            "{id} is missing from nixlib/catalog"
        );
    }
}

#[test]
fn statuses_say_what_upstream_is() {
    let catalog = Catalog::embedded();
    assert_eq!(
        catalog.service("quasar").unwrap().status,
        Status::UpstreamStub
    );
    assert_eq!(catalog.service("who-am-i").unwrap().status, Status::Legacy);
    assert_eq!(catalog.service("reflector").unwrap().status, Status::Legacy);
    assert_eq!(
        catalog.service("bluesky-appview").unwrap().status,
        Status::Experimental
    );
}

#[test]
fn the_official_pds_drives_the_nixpkgs_module() {
    let pds = Catalog::embedded().service("bluesky-pds").unwrap();
    assert!(pds.nixpkgs_module);
    assert_eq!(pds.nixos_option, "services.bluesky-pds");
    assert_eq!(pds.package_from, "nixpkgs");
}

#[test]
fn constellation_metrics_port_needs_collect_metrics() {
    // Upstream refuses --bind-metrics without --collect-metrics.
    let c = Catalog::embedded().service("constellation").unwrap();
    let metrics = c.port("metrics").unwrap();
    assert_eq!(metrics.enabled_by, "collect_metrics");
    assert_eq!(
        c.setting("collect_metrics").unwrap().flag.as_deref(),
        Some("--collect-metrics")
    );
}

#[test]
fn upstream_default_ports_that_collide_are_kept_as_upstream_has_them() {
    // The clash check exists because these collide upstream; the catalog must not hide it.
    let catalog = Catalog::embedded();
    let default = |id: &str, port: &str| catalog.service(id).unwrap().port(port).unwrap().default;
    assert_eq!(default("spacedust", "http"), 8080);
    assert_eq!(default("slingshot", "http"), 8080);
    assert_eq!(default("constellation", "metrics"), 8765);
    assert_eq!(default("pocket", "http"), 3000);
    assert!(
        catalog
            .service("pocket")
            .unwrap()
            .port("http")
            .unwrap()
            .fixed
    );
}

#[test]
fn rules_can_read_a_services_domain_by_its_relative_path() {
    // constellation with one extra rule on `domain`: the self-check accepts the path,
    // and the rule sees the effective value (host.domain here).
    let rule = "\n[[rules]]\nid = \"own-name\"\nlevel = \"warning\"\n\
                require = { path = \"domain\", ne = \"pds.example.com\" }\n\
                path = \"domain\"\nmessage = \"{title} is served at the PDS's name.\"\n";
    let files: Vec<(&str, String)> = atproto_wizard::catalog::CATALOG_FILES
        .iter()
        .map(|(name, text)| {
            let extra = if *name == "constellation.toml" {
                rule
            } else {
                ""
            };
            (*name, format!("{text}{extra}"))
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let catalog = Catalog::from_files(&borrowed).unwrap();
    assert!(lint(&catalog).is_empty(), "{:#?}", lint(&catalog));
    let text = "schema = 1\n[host]\ndomain = \"pds.example.com\"\n[services.constellation]\n";
    let tree = atproto_wizard::plan::Answers::parse("t", text)
        .unwrap()
        .tree;
    let warnings: Vec<_> = atproto_wizard::validate::validate(&catalog, &tree)
        .into_iter()
        .filter(|d| d.code == "rule:constellation/own-name")
        .map(|d| (d.path, d.message))
        .collect();
    assert_eq!(
        warnings,
        vec![(
            "services.constellation.domain".to_string(),
            "Constellation is served at the PDS's name.".to_string()
        )]
    );
}

/// An optional secret names the setting that turns it on, and that setting exists:
/// the modules declare the secret (sops, agenix) only when the setting has a value.
#[test]
fn optional_secrets_name_the_setting_that_needs_them() {
    let with = |from: &str, to: &str| lint_with_edit("bluesky-pds.toml", from, to);
    assert!(with("", "").is_empty());
    let missing = with("needed_with = \"email_from_address\"\n", "");
    assert!(
        missing
            .iter()
            .any(|p| p.contains("optional secret smtp_url needs `needed_with`")),
        "{missing:#?}"
    );
    let wrong = with(
        "needed_with = \"email_from_address\"",
        "needed_with = \"email_from\"",
    );
    assert!(
        wrong
            .iter()
            .any(|p| p.contains("\"email_from\", which is not one of its settings")),
        "{wrong:#?}"
    );
}

/// A placeholder hash names a package file of this flake and an attribute in it; the
/// self-check refuses anything else before the validator would print it to operators.
#[test]
fn placeholder_hashes_name_a_package_file_and_an_attribute() {
    let with = |from: &str, to: &str| lint_with_edit("jetstream.toml", from, to);
    assert!(with("", "").is_empty());
    let outside = with(
        "file = \"nixlib/pkgs/jetstream/default.nix\"",
        "file = \"/etc/nixos/x.nix\"",
    );
    assert_eq!(
        outside,
        [
            "jetstream.toml: placeholder hash file \"/etc/nixos/x.nix\" is not a nixlib/pkgs/…/*.nix path"
        ]
    );
    let attr = with("attr = \"vendorHash\"", "attr = \"vendor Hash\"");
    assert_eq!(
        attr,
        ["jetstream.toml: placeholder hash attr \"vendor Hash\" is not a dotted attribute name"]
    );
    let twice = with(
        "[[placeholder_hashes]]\nfile = \"nixlib/pkgs/jetstream/default.nix\"\nattr = \"vendorHash\"\n",
        "[[placeholder_hashes]]\nfile = \"nixlib/pkgs/jetstream/default.nix\"\nattr = \"vendorHash\"\n\
         [[placeholder_hashes]]\nfile = \"nixlib/pkgs/jetstream/default.nix\"\nattr = \"vendorHash\"\n",
    );
    assert_eq!(
        twice,
        [
            "jetstream.toml: placeholder hash vendorHash in nixlib/pkgs/jetstream/default.nix is listed twice"
        ]
    );
}

/// A service field (`_plan.toml [[service_fields]]`) is a key of every service table:
/// the self-check refuses one that takes a name those tables already use, or that is
/// required (every service would be invalid without it).
#[test]
fn service_fields_take_no_name_of_their_own_and_are_never_required() {
    let with = |from: &str, to: &str| lint_with_edit("_plan.toml", from, to);
    assert!(with("", "").is_empty());
    assert_eq!(
        with("key = \"own_secrets\"", "key = \"domain\""),
        ["_plan.toml: service_fields domain is already a key of every service table"]
    );
    assert_eq!(
        with(
            "key = \"own_secrets\"\ntype = \"bool\"\ndefault = false\nrequired = false",
            "key = \"own_secrets\"\ntype = \"bool\"\ndefault = false\nrequired = true"
        ),
        ["_plan.toml: service_fields own_secrets is required; a service field never is"]
    );
}

/// The catalog's files with the first `from` in `file` replaced by `to` (which must be
/// there, so that an edit cannot silently miss).
fn edited(file: &str, from: &str, to: &str) -> Vec<(&'static str, String)> {
    CATALOG_FILES
        .iter()
        .map(|(name, text)| {
            let text = if *name == file {
                assert!(text.contains(from), "{file} has no {from:?}");
                text.replacen(from, to, 1)
            } else {
                text.to_string()
            };
            (*name, text)
        })
        .collect()
}

/// The catalog's self-check over the embedded catalog with the first `from` in `file`
/// replaced by `to`.
fn lint_with_edit(file: &str, from: &str, to: &str) -> Vec<String> {
    let files = edited(file, from, to);
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    lint(&Catalog::from_files(&borrowed).unwrap())
}

/// A health endpoint is served on one of the service's own ports, at a plain path, and
/// says where upstream serves it.
#[test]
fn a_health_endpoint_names_a_port_a_path_and_its_source() {
    let with = |from: &str, to: &str| lint_with_edit("bluesky-pds.toml", from, to);
    let port = with("[health]\nport = \"http\"", "[health]\nport = \"metrics\"");
    assert_eq!(
        port,
        ["bluesky-pds.toml: health port \"metrics\" is not one of the service's ports"]
    );
    let path = with("path = \"/xrpc/_health\"", "path = \"xrpc/_health now\"");
    assert_eq!(
        path,
        ["bluesky-pds.toml: health path \"xrpc/_health now\" must start with / and hold no space"]
    );
    let source = with(
        "source = \"atproto: packages/pds/src/basic-routes.ts @ 27cdeb4 (@atproto/pds@0.4.208, the nixpkgs version) and d6296a1: GET /xrpc/_health runs a database query and answers {version}, 503 when it fails\"",
        "source = \" \"",
    );
    assert_eq!(
        source,
        ["bluesky-pds.toml: health needs the upstream source it was read in"]
    );
}

/// An old key (`renamed_from`, `[[removed]]`) is one answers files no longer use: the
/// self-check refuses one that is still a setting, one claimed twice, a removal without
/// advice, and `renamed_from` outside a service's settings.
#[test]
fn old_setting_keys_are_never_live_nor_claimed_twice() {
    let with = |from: &str, to: &str| lint_with_edit("jetstream.toml", from, to);
    let renamed = |old: &str| format!("key = \"cursor_lookback\"\nrenamed_from = [{old}]");
    assert!(with("key = \"cursor_lookback\"", &renamed("\"lookback\"")).is_empty());
    assert_eq!(
        with("key = \"cursor_lookback\"", &renamed("\"relay_url\"")),
        [
            "jetstream.toml: setting cursor_lookback is renamed_from relay_url, which is still a setting"
        ]
    );
    assert_eq!(
        with("key = \"cursor_lookback\"", &renamed("\"old\", \"old\"")),
        ["jetstream.toml: old key old is declared twice"]
    );
    let removed = |key: &str, advice: &str| {
        format!(
            "[[removed]]\nkey = \"{key}\"\nadvice = \"{advice}\"\nsince = \"v0.2.0\"\n\n[[settings]]"
        )
    };
    assert!(with("[[settings]]", &removed("ws_url", "Use relay_url.")).is_empty());
    assert_eq!(
        with("[[settings]]", &removed("plc_url", "Use relay_url.")),
        ["jetstream.toml: removed key plc_url is still a setting"]
    );
    assert_eq!(
        with("[[settings]]", &removed("ws_url", " ")),
        [
            "jetstream.toml: removed key ws_url needs advice (what to do instead) and since (the version that dropped it)"
        ]
    );
    let plan = lint_with_edit(
        "_plan.toml",
        "key = \"hostname\"",
        "key = \"hostname\"\nrenamed_from = [\"host_name\"]",
    );
    assert_eq!(
        plan,
        ["_plan.toml host: hostname has renamed_from, which only a service's settings may have"]
    );
}

/// The services whose upstream serves a health endpoint, each read in its source:
/// every other catalog service has none (microcosm's indexers, rsky-feedgen, the
/// feed generator template, the rsky workers without a listener), so none is invented.
#[test]
fn health_endpoints_are_those_read_upstream() {
    let catalog = Catalog::embedded();
    let mut found: Vec<(String, String, String)> = catalog
        .services
        .iter()
        .filter_map(|(id, s)| {
            s.health
                .as_ref()
                .map(|h| (id.clone(), h.port.clone(), h.path.clone()))
        })
        .collect();
    found.sort();
    let expected = [
        ("bluesky-appview", "http", "/xrpc/_health"),
        ("bluesky-pds", "http", "/xrpc/_health"),
        ("indigo-relay", "http", "/xrpc/_health"),
        ("jetstream", "debug", "/readyz"),
        ("ozone", "http", "/xrpc/_health"),
        ("rsky-pds", "http", "/xrpc/_health"),
        ("rsky-relay", "http", "/_health"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(found, expected);
}

/// A compatibility note names a version `upgrade` can compare, what changed, what to
/// do, and where upstream says so.
#[test]
fn a_compat_note_has_a_version_a_migration_and_its_source() {
    let note = |version: &str, migration: &str| {
        format!(
            "[[compat]]\nversion = \"{version}\"\nnote = \"n\"\nmigration = \"{migration}\"\nsource = \"s\"\n\n[[settings]]"
        )
    };
    let with = |to: &str| lint_with_edit("jetstream.toml", "[[settings]]", to);
    assert!(with(&note("v0.2.0", "m")).is_empty());
    assert!(with(&note("0.3.0-rc.1", "m")).is_empty());
    assert_eq!(
        with(&note("latest", "m")),
        ["jetstream.toml: compat version \"latest\" is not a version (like 0.5.0 or v0.2.0)"]
    );
    assert_eq!(
        with(&note("0.3.0", " ")),
        ["jetstream.toml: compat 0.3.0 needs a note, a migration and the upstream source"]
    );
}
