//! `atproto-wizard import-pds` as an operator runs it, on a /pds tree laid out as
//! Bluesky's installer.sh lays it out (pds.env, the Caddyfile, the databases, actors/
//! and blocks/), built in a temporary directory with realistic fake secrets. Every path
//! written goes under `--root`, and the PDS's port is probed where the test says.
use crate::support;

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpListener};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::SystemTime;

use assert_cmd::Command;
use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::Answers;
use atproto_wizard::validate::validate;
use sha2::{Digest, Sha256};

const JWT: &str = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e";
const ADMIN: &str = "c41d9e7f2a6b8c0d3e5f7a9b1c2d4e6f";
const ROTATION: &str = "8e2f4a6c1b3d5e7f9a0b2c4d6e8f1a3b5c7d9e0f2a4b6c8d1e3f5a7b9c0d2e4f";
const SMTP: &str = "smtps://pds%40example.com:Wq8%23kLm2vXz@smtp.example.com:465/";

/// The pds.env installer.sh writes today (upload limit 52428800, no rate-limit or
/// invite lines), with `extra` lines after it.
fn installer_env(extra: &str) -> String {
    format!(
        "PDS_HOSTNAME=pds.example.com\n\
         PDS_JWT_SECRET={JWT}\n\
         PDS_ADMIN_PASSWORD={ADMIN}\n\
         PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX={ROTATION}\n\
         PDS_DATA_DIRECTORY=/pds\n\
         PDS_BLOBSTORE_DISK_LOCATION=/pds/blocks\n\
         PDS_BLOB_UPLOAD_LIMIT=52428800\n\
         PDS_DID_PLC_URL=https://plc.directory\n\
         PDS_BSKY_APP_VIEW_URL=https://api.bsky.app\n\
         PDS_BSKY_APP_VIEW_DID=did:web:api.bsky.app\n\
         PDS_REPORT_SERVICE_URL=https://mod.bsky.app\n\
         PDS_REPORT_SERVICE_DID=did:plc:ar7c4by46qjdydhdevvrndac\n\
         PDS_CRAWLERS=https://bsky.network\n\
         LOG_ENABLED=true\n\
         {extra}"
    )
}

/// The Caddyfile installer.sh writes for pds.example.com and admin@example.com.
const CADDYFILE: &str = "{\n\temail admin@example.com\n\ton_demand_tls {\n\t\task http://localhost:3000/tls-check\n\t}\n}\n\n*.pds.example.com, pds.example.com {\n\ttls {\n\t\ton_demand\n\t}\n\treverse_proxy http://localhost:3000\n}\n";

/// The PDS's data: a few KiB of bytes per file, different for each.
const DATA: [&str; 8] = [
    "account.sqlite",
    "account.sqlite-wal",
    "sequencer.sqlite",
    "did_cache.sqlite",
    "actors/3f/did:plc:ewvi7nxzyoun6zhxrhs64oiz/store.sqlite",
    "actors/3f/did:plc:ewvi7nxzyoun6zhxrhs64oiz/key",
    "blocks/did:plc:ewvi7nxzyoun6zhxrhs64oiz/bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy",
    "blocks/did:plc:ewvi7nxzyoun6zhxrhs64oiz/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
];

struct Fixture {
    _tmp: tempfile::TempDir,
    from: PathBuf,
    root: PathBuf,
    /// A port nothing listens on.
    probe: SocketAddr,
}

fn fixture(env: &str) -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let from = tmp.path().join("pds");
    std::fs::create_dir_all(from.join("caddy/etc/caddy")).unwrap();
    std::fs::create_dir_all(from.join("caddy/data")).unwrap();
    std::fs::write(from.join("pds.env"), env).unwrap();
    std::fs::write(from.join("caddy/etc/caddy/Caddyfile"), CADDYFILE).unwrap();
    std::fs::write(from.join("compose.yaml"), "version: '3.9'\n").unwrap();
    for (i, rel) in DATA.iter().enumerate() {
        let p = from.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let bytes: Vec<u8> = (0..4096 + i * 997)
            .map(|n| (n * 31 + i * 7) as u8)
            .collect();
        std::fs::write(&p, bytes).unwrap();
    }
    let root = tmp.path().join("root");
    let probe = free_address();
    Fixture {
        _tmp: tmp,
        from,
        root,
        probe,
    }
}

fn free_address() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

fn import(f: &Fixture, extra: &[&str]) -> Run {
    let out = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["import-pds", "--from"])
        .arg(&f.from)
        .args(["--dir", "/etc/nixos", "--root"])
        .arg(&f.root)
        .arg("--probe")
        .arg(f.probe.to_string())
        .args(extra)
        .output()
        .unwrap();
    Run {
        status: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn host(f: &Fixture) -> PathBuf {
    f.root.join("etc/nixos")
}

fn secrets_dir(f: &Fixture) -> PathBuf {
    f.root.join("var/lib/atproto-secrets/bluesky-pds")
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().mode() & 0o7777
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Every file under `dir`: its bytes, mode and modification time.
fn tree(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, u32, SystemTime)> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else {
                out.insert(
                    e.path().strip_prefix(dir).unwrap().to_path_buf(),
                    (
                        std::fs::read(e.path()).unwrap(),
                        m.mode() & 0o7777,
                        m.modified().unwrap(),
                    ),
                );
            }
        }
    }
    out
}

fn answers(f: &Fixture) -> Answers {
    let path = host(f).join("atproto.toml");
    Answers::read(&path).unwrap()
}

fn toml_at<'a>(v: &'a toml::Value, path: &str) -> &'a toml::Value {
    path.split('.')
        .fold(v, |v, k| v.get(k).unwrap_or_else(|| panic!("no {path}")))
}

#[test]
fn the_answers_validate_and_carry_the_docker_pds_settings() {
    let f = fixture(&installer_env(""));
    let run = import(&f, &["--yes"]);
    assert_eq!(run.status, 0, "{}", run.all());
    let a = answers(&f);
    let diagnostics = validate(Catalog::embedded(), &a.tree);
    assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
    // `check` says the same as an operator would run it.
    let check = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .args(["check", "--answers"])
        .arg(host(&f).join("atproto.toml"))
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    let t: toml::Value = toml::from_str(&a.text).unwrap();
    let s = |k: &str| toml_at(&t, &format!("services.bluesky-pds.settings.{k}")).clone();
    assert_eq!(s("hostname").as_str(), Some("pds.example.com"));
    assert_eq!(s("blob_upload_limit").as_integer(), Some(52428800));
    assert_eq!(
        s("crawlers"),
        toml::Value::Array(vec!["https://bsky.network".into()])
    );
    assert_eq!(s("plc_url").as_str(), Some("https://plc.directory"));
    assert_eq!(s("appview_did").as_str(), Some("did:web:api.bsky.app"));
    assert_eq!(
        s("report_service_did").as_str(),
        Some("did:plc:ar7c4by46qjdydhdevvrndac")
    );
    assert_eq!(
        toml_at(&t, "services.bluesky-pds.enable").as_bool(),
        Some(true)
    );
    assert_eq!(toml_at(&t, "host.domain").as_str(), Some("pds.example.com"));
    assert_eq!(
        toml_at(&t, "host.admin_email").as_str(),
        Some("admin@example.com")
    );
    assert_eq!(
        toml_at(&t, "integrations.tls.acme_email").as_str(),
        Some("admin@example.com")
    );
    assert_eq!(
        toml_at(&t, "integrations.tls.handles").as_str(),
        Some("on-demand")
    );
    assert_eq!(
        toml_at(&t, "integrations.proxy.kind").as_str(),
        Some("caddy")
    );
    assert_eq!(
        toml_at(&t, "integrations.secrets.backend").as_str(),
        Some("generate")
    );
    // The data directory and blob store are the module's, not carried.
    assert!(!a.text.contains("\"/pds"), "{}", a.text);
    assert!(
        run.stdout.contains("PDS_DATA_DIRECTORY (line 5)"),
        "{}",
        run.stdout
    );
    // What pds.env leaves out is written as the PDS then behaves (rate limits off, no
    // contact address), not as the wizard's defaults, and said so.
    assert!(
        run.stdout
            .contains("services.bluesky-pds.settings.rate_limits_enabled = false"),
        "{}",
        run.stdout
    );
    assert_eq!(
        toml_at(&t, "services.bluesky-pds.settings.contact_email").as_str(),
        Some("")
    );
    // The rendered module gives nixpkgs the upload limit pds.env had.
    let nix = std::fs::read_to_string(host(&f).join("atproto.nix")).unwrap();
    assert!(
        nix.contains("PDS_BLOB_UPLOAD_LIMIT = \"52428800\""),
        "{nix}"
    );
}

#[test]
fn an_older_installers_pds_env_keeps_its_limits_and_invites() {
    let older = installer_env("PDS_RATE_LIMITS_ENABLED=true\nPDS_INVITE_REQUIRED=true\n").replace(
        "PDS_BLOB_UPLOAD_LIMIT=52428800",
        "PDS_BLOB_UPLOAD_LIMIT=104857600",
    );
    let f = fixture(&older);
    let run = import(&f, &["--yes"]);
    assert_eq!(run.status, 0, "{}", run.all());
    let t: toml::Value = toml::from_str(&answers(&f).text).unwrap();
    let s = |k: &str| toml_at(&t, &format!("services.bluesky-pds.settings.{k}")).clone();
    assert_eq!(s("blob_upload_limit").as_integer(), Some(104857600));
    assert_eq!(s("rate_limits_enabled").as_bool(), Some(true));
    assert_eq!(s("invite_required").as_bool(), Some(true));
    assert!(
        run.stdout.contains("PDS_RATE_LIMITS_ENABLED (line 15)"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_secrets_are_written_byte_for_byte_and_root_only() {
    let f = fixture(&installer_env(
        "PDS_EMAIL_SMTP_URL=smtps://pds%40example.com:Wq8%23kLm2vXz@smtp.example.com:465/\nPDS_EMAIL_FROM_ADDRESS=noreply@example.com\n",
    ));
    let run = import(&f, &["--yes"]);
    assert_eq!(run.status, 0, "{}", run.all());
    let dir = secrets_dir(&f);
    for (name, value) in [
        ("jwt_secret", JWT),
        ("admin_password", ADMIN),
        ("plc_rotation_key", ROTATION),
        ("smtp_url", SMTP),
    ] {
        let p = dir.join(name);
        assert_eq!(std::fs::read(&p).unwrap(), value.as_bytes(), "{name}");
        assert_eq!(mode(&p), 0o400, "{name}");
        if is_root() {
            let m = std::fs::metadata(&p).unwrap();
            assert_eq!((m.uid(), m.gid()), (0, 0), "{name}");
        }
    }
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(dir.parent().unwrap()), 0o700);
    if is_root() {
        assert_eq!(std::fs::metadata(&dir).unwrap().uid(), 0);
    }
    // Nothing else is in the directory: no temporary file left behind.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "admin_password",
            "jwt_secret",
            "plc_rotation_key",
            "smtp_url"
        ]
    );
    // The answers carry the sender address, so the PDS reads the SMTP URL with it.
    let t: toml::Value = toml::from_str(&answers(&f).text).unwrap();
    assert_eq!(
        toml_at(&t, "services.bluesky-pds.settings.email_from_address").as_str(),
        Some("noreply@example.com")
    );
}

/// The host's own generator, run as its unit runs it over the imported directory,
/// keeps every imported secret and hands the PDS exactly these values.
#[test]
fn the_hosts_generator_keeps_the_imported_secrets() {
    if Process::new("openssl").arg("version").output().is_err() {
        eprintln!("SKIPPED: openssl not found");
        return;
    }
    let f = fixture(&installer_env(""));
    assert_eq!(import(&f, &["--yes"]).status, 0);
    let dir = secrets_dir(&f);
    let before = tree(&dir);
    let service = Catalog::embedded().service("bluesky-pds").unwrap();
    // As nixlib/lib/secret-spec.nix writes each argument.
    let specs: Vec<String> = service
        .secrets
        .iter()
        .map(|s| {
            let generator = serde_json::to_value(s.generator).unwrap();
            let generator = generator.as_str().unwrap();
            let bytes = match s.bytes {
                Some(b) if b > 0 && generator != "external" => format!(":{b}"),
                _ => String::new(),
            };
            let optional = if s.required { "" } else { ":optional" };
            format!(
                "{}:{generator}{bytes}{optional}={}",
                s.name,
                s.env.as_ref().unwrap()
            )
        })
        .collect();
    let env_file = f.root.join("run/atproto-secrets/bluesky-pds.env");
    std::fs::create_dir_all(env_file.parent().unwrap()).unwrap();
    let out = Process::new("bash")
        .arg(support::repo().join("nixlib/secrets/atproto-secrets.sh"))
        .arg("--dir")
        .arg(&dir)
        .arg("--env-file")
        .arg(&env_file)
        .args(&specs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        tree(&dir),
        before,
        "the generator changed an imported secret"
    );
    let env = std::fs::read_to_string(&env_file).unwrap();
    assert_eq!(
        env,
        format!(
            "PDS_JWT_SECRET={JWT}\nPDS_ADMIN_PASSWORD={ADMIN}\nPDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX={ROTATION}\n"
        )
    );
}

/// Every file the import writes (secrets aside, which are the only place for them) and
/// everything it prints is searched for each secret's value, with every backend.
#[test]
fn no_secret_value_appears_anywhere_but_its_own_file() {
    let env = installer_env(&format!(
        "PDS_EMAIL_SMTP_URL={SMTP}\nPDS_EMAIL_FROM_ADDRESS=noreply@example.com\nPDS_DPOP_SECRET=0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a\n"
    ));
    let values = [
        JWT,
        ADMIN,
        ROTATION,
        SMTP,
        "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a",
    ];
    for backend in ["generate", "sops", "agenix"] {
        let f = fixture(&env);
        let dry = import(&f, &["--secrets", backend, "--copy-data", "--dry-run"]);
        let run = import(&f, &["--secrets", backend, "--copy-data", "--yes"]);
        assert_eq!(run.status, 0, "{backend}: {}", run.all());
        let again = import(&f, &["--secrets", backend, "--copy-data"]);
        for r in [&dry, &run, &again] {
            for v in values {
                assert!(!r.all().contains(v), "{backend}: the output shows a secret");
            }
        }
        // Where the backend reads them, and only there.
        let allowed: Vec<PathBuf> = match backend {
            "generate" => [
                "jwt_secret",
                "admin_password",
                "plc_rotation_key",
                "smtp_url",
            ]
            .iter()
            .map(|n| Path::new("var/lib/atproto-secrets/bluesky-pds").join(n))
            .collect(),
            "sops" => vec![PathBuf::from("run/atproto-wizard-import/secrets.yaml")],
            _ => [
                "jwt_secret",
                "admin_password",
                "plc_rotation_key",
                "smtp_url",
            ]
            .iter()
            .map(|n| Path::new("run/atproto-wizard-import/agenix").join(format!("bluesky-pds-{n}")))
            .collect(),
        };
        let files = tree(&f.root);
        assert!(files.keys().any(|p| p.ends_with("atproto.nix")));
        for (path, (bytes, _, _)) in &files {
            let text = String::from_utf8_lossy(bytes);
            for v in values {
                if text.contains(v) {
                    assert!(
                        allowed.contains(path) && v != values[4],
                        "{backend}: {} holds a secret",
                        path.display()
                    );
                }
            }
        }
        for path in &allowed {
            assert!(
                files.contains_key(path),
                "{backend}: {} missing",
                path.display()
            );
        }
    }
}

#[test]
fn a_different_secret_already_in_place_is_refused_and_nothing_is_written() {
    let f = fixture(&installer_env(""));
    let dir = secrets_dir(&f);
    std::fs::create_dir_all(&dir).unwrap();
    let theirs = "0f9e8d7c6b5a49382716f5e4d3c2b1a00f9e8d7c6b5a49382716f5e4d3c2b1a0";
    std::fs::write(dir.join("plc_rotation_key"), theirs).unwrap();
    let before = tree(&f.root);
    let run = import(&f, &["--yes", "--copy-data"]);
    assert_eq!(run.status, 5, "{}", run.all());
    assert!(
        run.stdout.contains("holds a different secret"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("nothing was written"), "{}", run.stdout);
    assert!(!run.all().contains(theirs) && !run.all().contains(ROTATION));
    assert_eq!(tree(&f.root), before, "something was written");
    assert!(!host(&f).exists());
    // The same key is no conflict at all.
    std::fs::write(dir.join("plc_rotation_key"), ROTATION).unwrap();
    let run = import(&f, &["--yes"]);
    assert_eq!(run.status, 0, "{}", run.all());
    assert_eq!(
        std::fs::read(dir.join("jwt_secret")).unwrap(),
        JWT.as_bytes()
    );
}

fn sha256(p: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(p).unwrap()).to_vec()
}

#[test]
fn copy_data_copies_and_verifies_and_leaves_the_source_untouched() {
    let f = fixture(&installer_env(""));
    let source = tree(&f.from);
    let run = import(&f, &["--yes", "--copy-data"]);
    assert_eq!(run.status, 0, "{}", run.all());
    assert!(
        run.stdout
            .contains("all 8 compared with their source: the same"),
        "{}",
        run.stdout
    );
    let dest = f.root.join("var/lib/pds");
    for rel in DATA {
        assert_eq!(sha256(&dest.join(rel)), sha256(&f.from.join(rel)), "{rel}");
        assert_eq!(mode(&dest.join(rel)), 0o600, "{rel}");
    }
    assert_eq!(mode(&dest), 0o755);
    assert_eq!(mode(&dest.join("actors")), 0o700);
    // Only the PDS's data: Docker's and Caddy's files stay behind.
    assert!(!dest.join("pds.env").exists() && !dest.join("caddy").exists());
    assert_eq!(tree(&f.from), source, "the source changed");
}

#[test]
fn the_copy_is_refused_while_the_pds_port_answers() {
    let mut f = fixture(&installer_env(""));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    f.probe = listener.local_addr().unwrap();
    let run = import(&f, &["--yes", "--copy-data"]);
    assert_eq!(run.status, 5, "{}", run.all());
    assert!(
        run.stdout
            .contains(&format!("something answers on {}", f.probe)),
        "{}",
        run.stdout
    );
    assert!(tree(&f.root).is_empty(), "something was written");
    // Without --copy-data nothing is copied, so nothing is refused: the commands are
    // printed instead, stopping the Docker PDS first.
    let run = import(&f, &["--yes"]);
    assert_eq!(run.status, 0, "{}", run.all());
    assert!(run.stdout.contains("systemctl stop pds"), "{}", run.stdout);
    assert!(run.stdout.contains("compose.yaml down"), "{}", run.stdout);
    assert!(!f.root.join("var/lib/pds").exists());
    drop(listener);
}

#[test]
fn a_dry_run_writes_nothing() {
    let f = fixture(&installer_env(""));
    let source = tree(&f.from);
    let run = import(&f, &["--dry-run", "--copy-data", "--secrets", "sops"]);
    assert_eq!(run.status, 0, "{}", run.all());
    assert!(
        run.stdout.contains(
            "Dry run: it would write 4 files and 1 secret file, and copy 8 files of data"
        ),
        "{}",
        run.stdout
    );
    assert!(!f.root.exists(), "the dry run wrote under --root");
    assert_eq!(tree(&f.from), source);
}

#[test]
fn a_second_run_changes_nothing() {
    let f = fixture(&installer_env(""));
    let first = import(&f, &["--yes", "--copy-data"]);
    assert_eq!(first.status, 0, "{}", first.all());
    let before = tree(&f.root);
    // No --yes and no terminal: had it anything to write, it would stop with 4.
    let second = import(&f, &["--copy-data"]);
    assert_eq!(second.status, 0, "{}", second.all());
    assert!(second.stdout.contains("No changes:"), "{}", second.stdout);
    assert_eq!(tree(&f.root), before);
}

#[test]
fn without_a_terminal_or_yes_nothing_is_written() {
    let f = fixture(&installer_env(""));
    let run = import(&f, &[]);
    assert_eq!(run.status, 4, "{}", run.all());
    assert!(!f.root.exists());
}

#[test]
fn unusable_input_is_named_by_file_and_line_without_its_value() {
    let f = fixture(&installer_env("").replace(
        &format!("PDS_ADMIN_PASSWORD={ADMIN}"),
        &format!("PDS_ADMIN_PASSWORD {ADMIN}"),
    ));
    let run = import(&f, &["--yes"]);
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(
        run.stdout.contains(&format!(
            "{}:3: not a KEY=value line",
            f.from.join("pds.env").display()
        )),
        "{}",
        run.stdout
    );
    assert!(!run.all().contains(ADMIN));
    assert!(!f.root.exists());

    let f = fixture(&installer_env("").replace(ROTATION, &ROTATION[..62]));
    let run = import(&f, &["--yes"]);
    assert_eq!(run.status, 2, "{}", run.all());
    assert!(
        run.stdout.contains(
            "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX (line 4) is not a secp256k1 private key in hex"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.all().contains(&ROTATION[..62]));
    assert!(!f.root.exists());

    let f = fixture(&installer_env(""));
    std::fs::remove_file(f.from.join("pds.env")).unwrap();
    assert_eq!(import(&f, &["--yes"]).status, 2);
}

#[test]
fn sops_gets_nested_keys_and_agenix_one_file_per_secret() {
    let f = fixture(&installer_env(""));
    let run = import(&f, &["--yes", "--secrets", "sops"]);
    assert_eq!(run.status, 0, "{}", run.all());
    let staging = f.root.join("run/atproto-wizard-import");
    let plain = staging.join("secrets.yaml");
    assert_eq!(mode(&staging), 0o700);
    assert_eq!(mode(&plain), 0o600);
    let yaml = std::fs::read_to_string(&plain).unwrap();
    let body: Vec<&str> = yaml.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        body,
        [
            "atproto:".to_string(),
            "  bluesky-pds:".to_string(),
            format!("    jwt_secret: \"{JWT}\""),
            format!("    admin_password: \"{ADMIN}\""),
            format!("    plc_rotation_key: \"{ROTATION}\""),
        ]
    );
    let t: toml::Value = toml::from_str(&answers(&f).text).unwrap();
    assert_eq!(
        toml_at(&t, "integrations.secrets.sops_file").as_str(),
        Some("./secrets/secrets.yaml")
    );
    assert!(
        run.stdout.contains(&format!(
            "sops --encrypt --age AGE_PUBLIC_KEY {} > {}",
            plain.display(),
            host(&f).join("secrets/secrets.yaml").display()
        )),
        "{}",
        run.stdout
    );
    assert!(
        std::fs::read_to_string(host(&f).join("flake.nix"))
            .unwrap()
            .contains("sops-nix")
    );

    let f = fixture(&installer_env(""));
    let run = import(&f, &["--yes", "--secrets", "agenix"]);
    assert_eq!(run.status, 0, "{}", run.all());
    let staging = f.root.join("run/atproto-wizard-import/agenix");
    for (name, value) in [
        ("jwt_secret", JWT),
        ("admin_password", ADMIN),
        ("plc_rotation_key", ROTATION),
    ] {
        let p = staging.join(format!("bluesky-pds-{name}"));
        assert_eq!(std::fs::read(&p).unwrap(), value.as_bytes());
        assert_eq!(mode(&p), 0o600);
        assert!(
            run.stdout.contains(&format!(
                "-o {} {}",
                host(&f)
                    .join(format!("secrets/bluesky-pds-{name}.age"))
                    .display(),
                p.display()
            )),
            "{}",
            run.stdout
        );
    }
    assert_eq!(mode(&staging), 0o700);
}

/// Importing onto a host the wizard made: its other services and choices stay, the
/// PDS is added, and a different secrets backend than the host's is refused.
#[test]
fn an_existing_host_keeps_what_it_has() {
    let f = fixture(&installer_env(""));
    let dir = host(&f);
    let apply = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .args(["apply", "--yes", "--answers"])
        .arg(support::repo().join("profiles/microcosm-indexers.toml"))
        .arg("--dir")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(apply.status.success(), "{apply:?}");
    let before: toml::Value =
        toml::from_str(&std::fs::read_to_string(dir.join("atproto.toml")).unwrap()).unwrap();
    let refused = import(&f, &["--yes", "--secrets", "sops"]);
    if toml_at(&before, "integrations.secrets.backend").as_str() != Some("sops") {
        assert_eq!(refused.status, 5, "{}", refused.all());
    }
    let run = import(&f, &["--yes"]);
    assert_eq!(run.status, 0, "{}", run.all());
    let a = answers(&f);
    assert!(
        validate(Catalog::embedded(), &a.tree)
            .iter()
            .all(|d| !d.is_error())
    );
    let after: toml::Value = toml::from_str(&a.text).unwrap();
    assert_eq!(toml_at(&after, "host"), toml_at(&before, "host"));
    for (id, service) in toml_at(&before, "services").as_table().unwrap() {
        assert_eq!(toml_at(&after, &format!("services.{id}")), service, "{id}");
    }
    assert_eq!(
        toml_at(&after, "services.bluesky-pds.settings.hostname").as_str(),
        Some("pds.example.com")
    );
    // The replaced files were backed up, as apply does.
    let backups = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".bak")
        })
        .count();
    assert!(backups >= 2, "{backups}");
}

/// The file names the import writes are the ones the Nix side reads
/// (nixlib/lib/secret-files.nix).
#[test]
fn the_secret_names_agree_with_the_nix_side() {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    use atproto_wizard::import_pds::secrets::{age_file_name, sops_name};
    let catalog = Catalog::embedded();
    let names: Vec<&str> = catalog
        .service("bluesky-pds")
        .unwrap()
        .secrets
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let list: String = names.iter().map(|n| format!("\"{n}\" ")).collect();
    let expr = format!(
        "let f = import ./nixlib/lib/secret-files.nix {{ lib = {{ removePrefix = p: s: \
         let n = builtins.stringLength p; in if builtins.substring 0 n s == p then \
         builtins.substring n (-1) s else s; }}; }}; in \
         map (n: [ (f.defaultFile \"generate\" \"bluesky-pds\" n) (f.sopsName \"bluesky-pds\" n) \
         (f.ageFile (f.ageName \"bluesky-pds\" n)) ]) [ {list}]"
    );
    let from_nix = support::eval_json(&nix, &expr);
    let from_rust: Vec<[String; 3]> = names
        .iter()
        .map(|n| {
            [
                catalog.plan.generated_secret_file("bluesky-pds", n),
                sops_name("bluesky-pds", n),
                age_file_name("bluesky-pds", n),
            ]
        })
        .collect();
    assert_eq!(from_nix, serde_json::json!(from_rust));
}

/// The imported host, evaluated through its flake.nix with nixpkgs' lib (tier 3): no
/// failed assertion, the PDS and its secrets unit are there.
#[test]
fn the_imported_host_evaluates() {
    let (Some(nix), Some(lib)) = (support::nix_instantiate(), support::nixpkgs_lib()) else {
        return;
    };
    let f = fixture(&installer_env(""));
    assert_eq!(import(&f, &["--yes"]).status, 0);
    let expr = format!(
        "import ./nixlib/tests/eval/host-flake.nix {{ libPath = {:?}; dir = {}; }}",
        lib.display().to_string(),
        host(&f).display()
    );
    let hosts = support::eval_json(&nix, &expr);
    let host = &hosts["pds"];
    assert_eq!(host["failed"], serde_json::json!([]), "{hosts}");
    let units: Vec<&str> = host["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert!(units.contains(&"bluesky-pds"), "{units:?}");
    assert!(units.contains(&"atproto-secrets-bluesky-pds"), "{units:?}");
}
