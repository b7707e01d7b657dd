//! The Rust validator and the pure-Nix one (nixlib/lib/validate.nix) must give the same
//! diagnostics, word for word, on the same plans. A few hundred plans are generated from
//! the profiles by random but seeded edits, valid and invalid, and evaluated with both.
use crate::support;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::{Answers, edit};
use atproto_wizard::validate::validate;
use atproto_wizard::value::Value;
use toml_edit::DocumentMut;

const PLANS: usize = 400;

/// A small deterministic generator (xorshift64*), so a failure reproduces exactly.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const STRINGS: &[&str] = &[
    "pds.example.com",
    "PDS.example.com",
    "",
    "x",
    "localhost",
    "a..b",
    "admin@example.com",
    "not an email",
    "https://bsky.network",
    "wss://jetstream.example.com/subscribe",
    "ftp://nope",
    "/var/lib/secrets/x",
    "relative/path",
    "./secrets/s.yaml",
    "did:plc:ewvi7nxzyoun6zhxrhs64oiz",
    "did:web:example.com",
    "did:foo",
    "36h",
    "1h30m",
    "soon",
    "nixos-25.11",
    "nixos-24.05x",
    "25.11",
    "path:/etc/nixos/atproto-nix",
    "quote\"and\\slash",
    "ünïcødé.example",
    "line\nbreak",
    "rocks",
    "memory",
    "us-east-1",
    "nginx",
    "caddy",
    "none",
    "local",
    "remote",
    "restic",
    "borg",
    "generate",
    "sops",
    "agenix",
    "on-demand",
    "dns-01-wildcard",
    "loki",
    "alloy",
    "cloudflare",
    "postgresql://atproto@db.example.com/atproto",
    // Control characters and separators, each refused by both (NUL is not here: Nix
    // cuts a string at NUL and never sees it).
    "https://x.example.com/\u{1b}]0;t\u{7}",
    "pds.example.com\u{7f}",
    "/var/lib/secrets/x\u{85}",
    "https://bsky.network\u{2028}",
    "¡é€‧\u{202f}",
    // Passwords in URLs, and what is not one.
    "postgresql://ozone:pw@db.example.com/ozone",
    "postgresql://db.example.com/ozone?password=pw",
    "https://relay:pw@relay.example.com",
    "rest:https://backup:pw@backup.example.com/x",
    "https://relay.example.com:8443/~ops@x",
    // Paths that cannot be passed on as written, or leave the host's directory.
    "/var/lib/secrets/%h",
    "/var/lib/my secrets/x",
    "/var/lib/secrets/../x",
    "./../../root/.ssh/id_ed25519",
    "./secrets/",
];
const INTS: &[i64] = &[
    0, 1, 3000, 3001, 8080, 8765, 9090, 9100, 2470, 6789, 65535, 70000, -5, 10, 100, 104857600,
    999999999,
];

fn random_value(rng: &mut Rng) -> Value {
    match rng.below(10) {
        0..=4 => Value::Str((*rng.pick(STRINGS)).to_string()),
        5..=6 => Value::Int(*rng.pick(INTS)),
        7..=8 => Value::Bool(rng.below(2) == 0),
        _ => Value::List(
            (0..rng.below(3))
                .map(|_| Value::Str((*rng.pick(STRINGS)).to_string()))
                .collect(),
        ),
    }
}

/// One random edit of the plan, drawn from what operators really get wrong.
fn mutate(catalog: &Catalog, doc: &mut DocumentMut, rng: &mut Rng) {
    let ids: Vec<&String> = catalog.services.keys().collect();
    let id = (*rng.pick(&ids)).clone();
    let service = catalog.service(&id).unwrap();
    match rng.below(10) {
        0 | 1 => edit::set(
            doc,
            &format!("services.{id}.enable"),
            &Value::Bool(rng.below(4) != 0),
        ),
        2 => {
            if let Some(port) = service.ports.get(rng.below(service.ports.len().max(1))) {
                edit::set(
                    doc,
                    &format!("services.{id}.ports.{}", port.name),
                    &Value::Int(*rng.pick(INTS)),
                );
            }
        }
        3 | 4 => {
            if !service.settings.is_empty() {
                let f = &service.settings[rng.below(service.settings.len())];
                let v = match (rng.below(3), f.default.as_ref()) {
                    (0, Some(d)) => Value::from_toml(d),
                    (1, _) if !f.choices.is_empty() => Value::Str(rng.pick(&f.choices).clone()),
                    _ => random_value(rng),
                };
                edit::set(doc, &format!("services.{id}.settings.{}", f.key), &v);
            }
        }
        5 | 6 => {
            let sections: Vec<&String> = catalog.plan.integrations.keys().collect();
            let section = *rng.pick(&sections);
            let fields = &catalog.plan.integrations[section];
            let f = &fields[rng.below(fields.len())];
            let v = if !f.choices.is_empty() && rng.below(3) != 0 {
                Value::Str(rng.pick(&f.choices).clone())
            } else {
                random_value(rng)
            };
            edit::set(doc, &format!("integrations.{section}.{}", f.key), &v);
        }
        7 => {
            let f = rng.pick(&catalog.plan.host);
            if rng.below(3) == 0 {
                edit::remove(doc, &format!("host.{}", f.key));
            } else {
                edit::set(doc, &format!("host.{}", f.key), &random_value(rng));
            }
        }
        9 => {
            // A proxy name: the host's own domain (a clash with whatever is served there),
            // one of its own, none (back to the default), or anything at all.
            let path = format!("services.{id}.domain");
            let host_domain = doc
                .get("host")
                .and_then(|h| h.get("domain"))
                .and_then(|d| d.as_str())
                .map(str::to_string);
            match (rng.below(4), host_domain) {
                (0, _) => edit::remove(doc, &path),
                (1, Some(domain)) => edit::set(doc, &path, &Value::Str(domain)),
                (2, Some(domain)) => edit::set(doc, &path, &Value::Str(format!("{id}.{domain}"))),
                _ => edit::set(doc, &path, &random_value(rng)),
            }
        }
        _ if rng.below(3) == 0 => {
            // Secrets from the host's own files: mostly true (a warning naming them when
            // the service has any), sometimes false, sometimes not a bool.
            let path = format!("services.{id}.own_secrets");
            let v = match rng.below(4) {
                0 => random_value(rng),
                1 => Value::Bool(false),
                _ => Value::Bool(true),
            };
            edit::set(doc, &path, &v);
        }
        _ => {
            // A secret written inline, by its catalog name, its variable, or a tell-tale word.
            let key = match service.secrets.first() {
                Some(s) if rng.below(2) == 0 => s.name.clone(),
                Some(s) if s.env.is_some() && rng.below(2) == 0 => s.env.clone().unwrap(),
                _ => "api_token".to_string(),
            };
            let path = if rng.below(2) == 0 {
                format!("services.{id}.settings.{key}")
            } else {
                "integrations.backup.password".into()
            };
            edit::set(doc, &path, &Value::Str("hunter2".into()));
        }
    }
}

fn profiles() -> Vec<String> {
    let mut texts: Vec<String> = std::fs::read_dir(support::repo().join("profiles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    texts.sort();
    texts
}

type Verdict = Vec<(String, String, String, String)>;

fn comparable(items: impl Iterator<Item = (String, String, String, String)>) -> Verdict {
    // Unknown keys carry a spelling suggestion only the wizard computes (docs/VALIDATION.md).
    items
        .filter(|(_, code, _, _)| code != "unknown-key")
        .collect()
}

#[test]
fn rust_and_nix_validators_agree_on_generated_plans() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let catalog = Catalog::embedded();
    let dir = tempfile::tempdir().unwrap();
    let bases = profiles();
    let mut rng = Rng(0x5eed_2026_1121);
    let mut rust: BTreeMap<String, Verdict> = BTreeMap::new();
    for i in 0..PLANS {
        let base = &bases[i % bases.len()];
        let mut doc: DocumentMut = base.parse().unwrap();
        // Every fifth plan is left valid-ish (few edits); the rest get several.
        let edits = if i % 5 == 0 {
            rng.below(2)
        } else {
            1 + rng.below(4)
        };
        for _ in 0..edits {
            mutate(catalog, &mut doc, &mut rng);
        }
        let text = doc.to_string();
        let name = format!("plan-{i:03}.toml");
        std::fs::write(dir.path().join(&name), &text).unwrap();
        let answers = Answers::parse(&name, &text).expect("generated plans are readable");
        let verdict = validate(catalog, &answers.tree).into_iter().map(|d| {
            (
                serde_json::to_value(d.level)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string(),
                d.code,
                d.path,
                d.message,
            )
        });
        rust.insert(name, comparable(verdict));
    }

    let output = Command::new(nix)
        .args(["--eval", "--strict", "--json"])
        .arg(support::repo().join("nixlib/lib/check-dir.nix"))
        .args(["--argstr", "dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "nix-instantiate failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let nix_all: BTreeMap<String, Vec<BTreeMap<String, String>>> =
        serde_json::from_slice(&output.stdout).unwrap();

    let mut mismatches = Vec::new();
    let mut codes = BTreeSet::new();
    let (mut valid, mut invalid, mut domain_clashes) = (0, 0, 0);
    for (name, ours) in &rust {
        let theirs = comparable(nix_all[name].iter().map(|d| {
            (
                d["level"].clone(),
                d["code"].clone(),
                d["path"].clone(),
                d["message"].clone(),
            )
        }));
        if &theirs != ours {
            let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
            mismatches.push(format!(
                "{name}\n--- plan\n{text}\n--- rust\n{ours:#?}\n--- nix\n{theirs:#?}"
            ));
        }
        codes.extend(
            ours.iter()
                .map(|d| d.1.split('/').next().unwrap().to_string()),
        );
        if ours.iter().any(|d| d.1 == "domain-clash") {
            domain_clashes += 1;
        }
        if ours.iter().any(|d| d.0 == "error") {
            invalid += 1
        } else {
            valid += 1
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {PLANS} plans differ; first:\n{}",
        mismatches.len(),
        mismatches[0]
    );
    // The generator must exercise both verdicts and every kind of check.
    assert!(
        valid >= PLANS / 10 && invalid >= PLANS / 3,
        "valid {valid}, invalid {invalid}"
    );
    for code in [
        "field",
        "required",
        "port-clash",
        "inline-secret",
        "needs-postgres",
        "body-size",
        "fixed-port",
        "domain-clash",
        "placeholder-hash",
        "own-secrets",
    ] {
        assert!(
            codes.contains(code),
            "no generated plan triggered {code}: {codes:?}"
        );
    }
    assert!(codes.iter().any(|c| c.starts_with("rule:")), "{codes:?}");
    assert!(
        domain_clashes >= PLANS / 20,
        "only {domain_clashes} plans with a domain clash"
    );
    eprintln!(
        "parity: {PLANS} plans, {valid} valid, {invalid} invalid, {domain_clashes} with a domain clash, codes {codes:?}"
    );
}

/// The hand-written corpus (nixlib/tests/plans, against the real catalog) through the
/// Rust validator: the same `<name>.expected.json` that nixlib/tests/validate.sh holds
/// the Nix validator to, so both give each of these plans one verdict. Unknown keys are
/// compared by place only (the wizard adds a suggestion). The fixture plans use fixture
/// services only the Nix side reads.
#[test]
fn the_rust_validator_gives_the_hand_written_corpus_its_expected_verdicts() {
    let dir = support::repo().join("nixlib/tests/plans");
    let mut plans: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    plans.sort();
    let mut mismatches = Vec::new();
    for plan in &plans {
        let answers = Answers::read(plan).unwrap();
        let ours: Vec<serde_json::Value> = validate(Catalog::embedded(), &answers.tree)
            .into_iter()
            .map(|d| {
                let message = if d.code == "unknown-key" {
                    format!("Unknown key {}.", d.path)
                } else {
                    d.message
                };
                serde_json::json!({
                    "level": d.level, "code": d.code, "path": d.path, "message": message,
                })
            })
            .collect();
        let expected_file = plan.with_extension("expected.json");
        let expected: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(&expected_file).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", expected_file.display()));
        if ours != expected {
            mismatches.push(format!(
                "{}\n--- expected\n{expected:#?}\n--- rust\n{ours:#?}",
                plan.display()
            ));
        }
    }
    assert!(
        plans.len() >= 15,
        "only {} plans in the corpus",
        plans.len()
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

/// One field of each string type (and lists of them, and a service's domain).
const TYPED_PATHS: &[&str] = &[
    "host.hostname",
    "host.domain",
    "host.admin_email",
    "host.flake_url",
    "host.nixpkgs",
    "host.state_version",
    "integrations.tls.dns_provider",
    "integrations.database.url",
    "integrations.database.password_file",
    "integrations.logging.loki_url",
    "integrations.backup.repository",
    "integrations.backup.schedule",
    "integrations.secrets.sops_file",
    "services.ozone.settings.server_did",
    "services.jetstream.settings.cursor_lookback",
    "services.bluesky-pds.domain",
];

/// Values for every string type: hostile ones (control characters, quotes, Nix and
/// shell syntax, passwords, paths that leave, the list separator) and good ones.
fn typed_values() -> Vec<String> {
    let mut values: Vec<String> = STRINGS
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.to_string())
        .collect();
    values.extend(
        [
            "\"quoted\"",
            "${builtins.currentTime}",
            "''${x}''",
            "a,b",
            "https://a.example.com,https://b.example.com",
            "50%",
            "/var/lib/secrets/a\u{9}b",
            "/run/secrets/restic@pds1+v2.key",
            "git+https://deploy:ghp_x@github.com/o/r",
            "git+ssh://git@github.com/o/r",
            "did:web:example.com%3A8080",
            "pds1-a",
            "nixos-unstable",
            "1h30m",
            "\u{85}",
            "x\u{2029}",
        ]
        .map(String::from),
    );
    values.extend(support::calendar::candidates(0x5eed_ca1e, 120));
    values
}

/// Every value written at every one of those fields, one plan per value, through both
/// validators: the patterns (written once, read by two regex engines that differ: Nix
/// matches bytes, the wizard characters) must give the same verdicts.
#[test]
fn string_types_give_the_same_verdicts_in_both_validators() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let catalog = Catalog::embedded();
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(support::repo().join("profiles/labeler.toml")).unwrap();
    let mut rust: BTreeMap<String, Verdict> = BTreeMap::new();
    let values = typed_values();
    for (i, value) in values.iter().enumerate() {
        let mut doc: DocumentMut = base.parse().unwrap();
        for path in TYPED_PATHS {
            edit::set(&mut doc, path, &Value::Str(value.clone()));
        }
        edit::set(
            &mut doc,
            "services.ozone.settings.admin_dids",
            &Value::List(vec![Value::Str(value.clone())]),
        );
        edit::set(
            &mut doc,
            "services.bluesky-pds.settings.crawlers",
            &Value::List(vec![Value::Str(value.clone())]),
        );
        let text = doc.to_string();
        let name = format!("value-{i:03}.toml");
        std::fs::write(dir.path().join(&name), &text).unwrap();
        let answers = Answers::parse(&name, &text).expect("readable");
        let verdict = validate(catalog, &answers.tree).into_iter().map(|d| {
            let level = serde_json::to_value(d.level).unwrap();
            (
                level.as_str().unwrap().to_string(),
                d.code,
                d.path,
                d.message,
            )
        });
        rust.insert(name, comparable(verdict));
    }
    let output = Command::new(nix)
        .args(["--eval", "--strict", "--json"])
        .arg(support::repo().join("nixlib/lib/check-dir.nix"))
        .args(["--argstr", "dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "nix-instantiate failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let nix_all: BTreeMap<String, Vec<BTreeMap<String, String>>> =
        serde_json::from_slice(&output.stdout).unwrap();
    let mut mismatches = Vec::new();
    let mut accepted_somewhere = 0;
    for (i, value) in values.iter().enumerate() {
        let name = format!("value-{i:03}.toml");
        let ours = &rust[&name];
        let theirs = comparable(nix_all[&name].iter().map(|d| {
            (
                d["level"].clone(),
                d["code"].clone(),
                d["path"].clone(),
                d["message"].clone(),
            )
        }));
        if &theirs != ours {
            mismatches.push(format!(
                "{value:?}\n--- rust\n{ours:#?}\n--- nix\n{theirs:#?}"
            ));
        }
        let refused: BTreeSet<&str> = ours
            .iter()
            .filter(|d| d.1 == "field")
            .map(|d| d.2.as_str())
            .collect();
        if refused.len() < TYPED_PATHS.len() + 2 {
            accepted_somewhere += 1;
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} values differ; first:\n{}",
        mismatches.len(),
        values.len(),
        mismatches[0]
    );
    assert!(
        accepted_somewhere >= values.len() / 2,
        "only {accepted_somewhere} values are valid anywhere"
    );
}

/// The files Nix cannot read at all (nixlib/tests/unreadable-plans: TOML dates and
/// times, refused by builtins.fromTOML, which nixlib/tests/validate.sh checks) are
/// unreadable for the wizard too, at the value.
#[test]
fn what_nix_cannot_read_the_wizard_does_not_read_either() {
    let dir = support::repo().join("nixlib/tests/unreadable-plans");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let e = Answers::read(&path).expect_err("unreadable");
        assert!(
            e.message.contains("date or time") && e.location.is_some(),
            "{}: {e}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} unreadable plans");
}

/// A setting's value reaches a program's environment with the same text from the
/// wizard's rendering and from the modules (nixlib/lib/env-value.nix), for every kind
/// of value a catalog setting can hold (the catalog has no floats).
#[test]
fn environment_values_are_encoded_alike() {
    use atproto_wizard::render::atproto_nix::env_text;
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let values = [
        Value::Bool(true),
        Value::Bool(false),
        Value::Int(104857600),
        Value::Int(-1),
        Value::Str("https://bsky.network".into()),
        Value::Str("a b,c".into()),
        Value::Str(String::new()),
        Value::List(vec![
            Value::Str("https://bsky.network".into()),
            Value::Str("https://relay.example.com".into()),
        ]),
        Value::List(vec![Value::Int(1), Value::Int(2)]),
        Value::List(vec![]),
    ];
    // The values reach Nix as JSON, which it reads into the same bools, ints, strings
    // and lists.
    let json: Vec<String> = values.iter().map(Value::to_json).collect();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), format!("[{}]", json.join(","))).unwrap();
    let got = support::eval_json(
        &nix,
        &format!(
            "map (import ./nixlib/lib/env-value.nix) (builtins.fromJSON (builtins.readFile {}))",
            file.path().display()
        ),
    );
    let wizard: Vec<serde_json::Value> = values
        .iter()
        .map(|v| serde_json::Value::String(env_text(v)))
        .collect();
    assert_eq!(got, serde_json::Value::Array(wizard));
}

/// The wizard's summary names the file each generated secret is kept in; the modules
/// create it there. Both build it from `_plan.toml`'s `secrets_dir`, for every secret of
/// every service and for Grafana's.
#[test]
fn rust_and_nix_name_the_same_generated_secret_files() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let catalog = Catalog::embedded();
    let mut owners: Vec<(String, Vec<String>)> = catalog
        .services
        .values()
        .map(|s| {
            (
                s.id.clone(),
                s.secrets.iter().map(|x| x.name.clone()).collect(),
            )
        })
        .collect();
    owners.push((
        "grafana".into(),
        vec!["admin_password".into(), "secret_key".into()],
    ));
    let pairs: Vec<(String, String)> = owners
        .iter()
        .flat_map(|(id, names)| names.iter().map(move |n| (id.clone(), n.clone())))
        .collect();
    assert!(pairs.len() > 10, "the catalog's services have secrets");
    let list: String = pairs
        .iter()
        .map(|(id, name)| format!("{{ id = \"{id}\"; name = \"{name}\"; }} "))
        .collect();
    let expr = format!(
        "let files = import ./nixlib/lib/secret-files.nix {{ lib = {{ }}; }}; in \
         map (p: files.defaultFile \"generate\" p.id p.name) [ {list}]"
    );
    let from_nix = support::eval_json(&nix, &expr);
    let from_rust: Vec<String> = pairs
        .iter()
        .map(|(id, name)| catalog.plan.generated_secret_file(id, name))
        .collect();
    assert_eq!(from_nix, serde_json::json!(from_rust));
}

/// The fleet's checks (references between hosts, names, public domains, one flake's
/// inputs, single points) give the same diagnostics from the wizard (src/fleet) and
/// from nixlib/lib/validate-fleet.nix, word for word, on the example fleet and on
/// variants that break each rule.
#[test]
fn rust_and_nix_check_fleets_alike() {
    use atproto_wizard::fleet::{self, FleetFile};
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let root = support::repo().join("profiles/fleet");
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    type Edit = fn(&str, String) -> String;
    let variants: Vec<(&str, Edit)> = vec![
        ("as it is", |_, t| t),
        ("one relay only", |h, t| {
            if h == "pds1" {
                t.replace(
                    "\"@relay1/indigo-relay\", \"https://bsky.network\"",
                    "\"@relay1/indigo-relay\"",
                )
            } else {
                t
            }
        }),
        ("dangling, wrong kind, unreadable", |h, t| match h {
            "pds1" => t.replace(
                "\"@relay1/indigo-relay\", \"https://bsky.network\"",
                "\"@relay9/indigo-relay\", \"@relay1\", \"@relay1/jetstream\"",
            ),
            "microcosm1" => t.replacen(
                "jetstream = \"@relay1/jetstream\"",
                "jetstream = \"@relay1/indigo-relay\"",
                1,
            ),
            _ => t,
        }),
        ("not public", |h, t| {
            if h == "relay1" {
                t.replace("kind = \"nginx\"", "kind = \"none\"")
            } else {
                t
            }
        }),
        (
            "a domain twice, a name apart, another nixpkgs",
            |h, t| match h {
                "pds1" => t.replace("pds.example.com", "relay.example.com"),
                "microcosm1" => t
                    .replace("hostname = \"microcosm1\"", "hostname = \"indexers\"")
                    .replace("nixpkgs = \"nixos-25.11\"", "nixpkgs = \"nixos-unstable\""),
                _ => t,
            },
        ),
    ];
    let fleet_text = read("fleet.toml");
    let fleet = FleetFile::parse("fleet.toml", &fleet_text).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut seen_codes = BTreeSet::new();
    for (what, edit) in variants {
        let mut trees = Vec::new();
        let mut nix_hosts = String::new();
        for host in &fleet.hosts {
            let text = edit(&host.name, read(&host.answers));
            let file = tmp.path().join(format!("{}.toml", host.name));
            std::fs::write(&file, &text).unwrap();
            trees.push((
                host.name.clone(),
                Answers::parse(&host.name, &text).unwrap().tree,
            ));
            nix_hosts.push_str(&format!(
                "{{ name = \"{}\"; answers = builtins.fromTOML (builtins.readFile {}); }} ",
                host.name,
                file.display()
            ));
        }
        let report = fleet::check(Catalog::embedded(), &fleet, &trees);
        let from_rust: BTreeSet<(String, String, String, String, String)> = report
            .hosts
            .iter()
            .filter(|h| h.diagnostic.code.starts_with("fleet-"))
            .map(|h| {
                let d = &h.diagnostic;
                let level = serde_json::to_value(d.level)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string();
                (
                    h.host.clone(),
                    level,
                    d.code.clone(),
                    d.path.clone(),
                    d.message.clone(),
                )
            })
            .collect();
        let expr = format!(
            "import ./nixlib/lib/validate-fleet.nix {{ }} (builtins.fromTOML (builtins.readFile {})) [ {nix_hosts}]",
            root.join("fleet.toml").display()
        );
        let from_nix: BTreeSet<(String, String, String, String, String)> =
            support::eval_json(&nix, &expr)
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    let s = |k: &str| d[k].as_str().unwrap().to_string();
                    (s("host"), s("level"), s("code"), s("path"), s("message"))
                })
                .collect();
        assert_eq!(from_rust, from_nix, "{what}");
        seen_codes.extend(from_rust.iter().map(|d| d.2.clone()));
    }
    assert_eq!(
        seen_codes,
        BTreeSet::from(
            [
                "fleet-reference",
                "fleet-single-point",
                "fleet-domain-clash",
                "fleet-host-name",
                "fleet-inputs"
            ]
            .map(String::from)
        ),
        "every rule is exercised"
    );
}
