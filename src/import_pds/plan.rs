//! From `pds.env` and the Caddyfile to the host's answers (pure: no I/O, no terminal).
//! `carry` matches every variable against the catalog (nixlib/catalog/bluesky-pds.toml)
//! and nothing else; here the answers are made of it: the host's own `atproto.toml`
//! when it has one (comments kept, the PDS added), else a new one; the host, the proxy,
//! the certificates and the secrets backend chosen, each with why; the settings
//! pds.env leaves out at the catalog's default, and said to be.

use toml_edit::DocumentMut;

use super::caddyfile::Caddy;
use super::carry::{Carrying, carry};
use super::env_file::EnvFile;
use super::secrets::{Backend, ImportedSecret};
use crate::catalog::{Catalog, Field, Service};
use crate::exit_status::ExitStatus;
use crate::plan::{Answers, LoadError, PlanView, edit};
use crate::value::Value;

/// The catalog id of the official PDS, the service installer.sh installs.
pub const SERVICE: &str = "bluesky-pds";

/// The data directory the PDS has in the container (installer.sh allows only /pds, and
/// compose.yaml mounts it at the same path).
pub const DOCKER_DATA_DIR: &str = "/pds";

/// What goes into the answers, as the import reads it.
pub struct Inputs<'a> {
    pub catalog: &'a Catalog,
    pub env: &'a EnvFile,
    /// The Caddyfile's findings; `None` when there is none.
    pub caddy: Option<&'a Caddy>,
    /// The host's atproto.toml when it has one: it is kept, and the PDS added to it.
    pub existing: Option<&'a Answers>,
    /// `--secrets`, when given.
    pub backend: Option<Backend>,
    /// How the answers are named in diagnostics (the atproto.toml to be written).
    pub answers_name: &'a str,
}

/// A value taken from pds.env into the answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Carried {
    pub env: String,
    pub line: usize,
    /// Its path in the answers.
    pub path: String,
    pub value: Value,
}

/// A variable of pds.env that is not in the answers, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotCarried {
    pub env: String,
    pub line: usize,
    pub why: String,
    /// The NixOS module sets it itself (as opposed to: left out).
    pub by_module: bool,
}

/// A value of the answers the import chose (the host, the proxy, the certificates, the
/// secrets backend), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    pub path: String,
    pub value: Value,
    pub why: String,
}

/// A PDS setting pds.env does not set, which takes the catalog's default.
#[derive(Debug, Clone, PartialEq)]
pub struct Defaulted {
    pub path: String,
    pub env: String,
    pub value: Value,
}

/// The import, worked out.
#[derive(Debug)]
pub struct ImportPlan {
    pub answers: Answers,
    pub backend: Backend,
    pub carried: Vec<Carried>,
    pub secrets: Vec<ImportedSecret>,
    pub not_carried: Vec<NotCarried>,
    pub chosen: Vec<Chosen>,
    pub defaults: Vec<Defaulted>,
    /// Keys pds.env gives more than once (the last counts), with their lines.
    pub duplicates: Vec<(String, Vec<usize>)>,
    /// The port the Docker PDS listens on (PDS_PORT, else the catalog's default).
    pub port: u16,
    /// Where the blobs are, relative to the data directory (`blocks`).
    pub blobs: String,
    /// `integrations.secrets.sops_file` or `agenix_dir`, for those backends.
    pub repo_file: Option<String>,
}

/// Why there is no plan. None of these quote a secret.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    /// A secret the PDS needs is not in pds.env.
    MissingSecret { env: String, name: String },
    /// A secret is there but cannot be one.
    BadSecret {
        env: String,
        line: usize,
        why: String,
    },
    /// The blobs are kept in S3, which the catalog cannot configure.
    S3Blobs { line: usize },
    /// The blobs are on disk outside the data directory.
    BlobsElsewhere { line: usize, location: String },
    /// `--secrets` differs from the backend the host already uses.
    BackendMismatch { host: String, asked: Backend },
    /// The answers made could not be read back (a bug).
    Unreadable(LoadError),
}

impl PlanError {
    pub fn status(&self) -> ExitStatus {
        match self {
            PlanError::BackendMismatch { .. } => ExitStatus::Refused,
            _ => ExitStatus::Unusable,
        }
    }
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::MissingSecret { env, name } => write!(
                f,
                "pds.env has no {env} (the secret {name}): the PDS cannot run without it, and a \
                 new one would not be the one the accounts and clients know. Is this the \
                 pds.env installer.sh wrote?"
            ),
            PlanError::BadSecret { env, line, why } => write!(
                f,
                "{env} (line {line}) {why}. Its value is not shown. Nothing is imported with it: \
                 fix pds.env (the Docker PDS reads the same file) and run import-pds again."
            ),
            PlanError::S3Blobs { line } => write!(
                f,
                "pds.env keeps the blobs in S3 (PDS_BLOBSTORE_S3_BUCKET, line {line}), which the \
                 catalog's bluesky-pds cannot configure yet: the NixOS PDS would look for them \
                 on disk and every image and video would be missing."
            ),
            PlanError::BlobsElsewhere { line, location } => write!(
                f,
                "PDS_BLOBSTORE_DISK_LOCATION (line {line}) is {}, outside the data directory \
                 {DOCKER_DATA_DIR}: copy the blobs to the NixOS PDS's blocks directory yourself, \
                 or move them under {DOCKER_DATA_DIR} and set it there, then run import-pds again.",
                crate::safe_text::escape(location)
            ),
            PlanError::BackendMismatch { host, asked } => write!(
                f,
                "the host's services get their secrets from {host} \
                 (integrations.secrets.backend), and --secrets {} would change that for all of \
                 them: run import-pds with --secrets {host}, or change the backend with \
                 atproto-wizard edit first.",
                asked.as_str()
            ),
            PlanError::Unreadable(e) => write!(f, "{e}"),
        }
    }
}

/// The data directory of a service on NixOS: `/var/lib/<state name>` (the catalog's
/// `[[state]]` is the systemd StateDirectory).
pub fn data_dir(service: &Service) -> Option<String> {
    service
        .state
        .first()
        .map(|s| format!("/var/lib/{}", s.name))
}

/// Works out the import.
pub fn build(inputs: &Inputs) -> Result<ImportPlan, PlanError> {
    let catalog = inputs.catalog;
    let service = catalog
        .service(SERVICE)
        .expect("the catalog has the official PDS");
    let env = inputs.env;
    let host_backend = inputs
        .existing
        .and_then(|a| PlanView::new(catalog, &a.tree).raw("integrations.secrets.backend"))
        .and_then(|v| v.as_str().map(String::from));
    let backend = match (inputs.backend, &host_backend) {
        (Some(asked), Some(host)) if asked.as_str() != host => {
            return Err(PlanError::BackendMismatch {
                host: host.clone(),
                asked,
            });
        }
        (Some(asked), _) => asked,
        (None, Some(host)) => Backend::parse(host).unwrap_or(Backend::Generate),
        (None, None) => Backend::Generate,
    };

    let Carrying {
        carried,
        secrets,
        not_carried,
        port,
        blobs,
    } = carry(service, env)?;

    let caddy = inputs.caddy.cloned().unwrap_or_default();
    let hostname = carried
        .iter()
        .find(|c| c.path == format!("services.{SERVICE}.settings.hostname"))
        .and_then(|c| c.value.as_str().map(String::from));
    let existing = inputs.existing.map(|a| PlanView::new(catalog, &a.tree));
    let has = |path: &str| existing.as_ref().is_some_and(|v| v.raw(path).is_some());

    let mut chosen: Vec<Chosen> = Vec::new();
    let mut choose = |path: &str, value: Value, why: &str| {
        chosen.push(Chosen {
            path: path.into(),
            value,
            why: why.into(),
        })
    };
    if !has("host.hostname")
        && let Some(h) = &hostname
    {
        let first = h.split('.').next().unwrap_or_default();
        let label = if is_label(first) { first } else { "pds" };
        choose(
            "host.hostname",
            Value::Str(label.into()),
            "the machine's name, from the PDS's hostname (change it in atproto.toml if the machine is called otherwise)",
        );
    }
    if !has("host.domain")
        && let Some(h) = &hostname
    {
        choose("host.domain", Value::Str(h.clone()), "PDS_HOSTNAME");
    }
    if !has("host.admin_email") {
        if let Some(email) = &caddy.email {
            choose(
                "host.admin_email",
                Value::Str(email.clone()),
                "the Caddyfile's email, which installer.sh asked for as the admin email",
            );
        } else if let Some(c) = env.get("PDS_CONTACT_EMAIL_ADDRESS") {
            choose(
                "host.admin_email",
                Value::Str(c.value.clone()),
                "PDS_CONTACT_EMAIL_ADDRESS (the Caddyfile names no email)",
            );
        }
    }
    choose(
        "integrations.proxy.kind",
        Value::Str("caddy".into()),
        "Caddy, as in the Docker setup: it gets each handle's certificate on demand",
    );
    // The proxy must let the largest upload through (the catalog's proxy_body settings).
    let needed_mb = service
        .settings
        .iter()
        .filter(|f| f.proxy_body)
        .filter_map(|f| {
            carried
                .iter()
                .find(|c| c.path == format!("services.{SERVICE}.settings.{}", f.key))
                .and_then(|c| c.value.as_int())
                .or_else(|| f.default.as_ref().and_then(|d| d.as_integer()))
        })
        .map(|bytes| (bytes + (1 << 20) - 1) >> 20)
        .max();
    let current_mb = existing
        .as_ref()
        .and_then(|v| v.get("integrations.proxy.max_body_size_mb"))
        .and_then(|v| v.as_int())
        .or_else(|| {
            catalog
                .plan
                .integration_field("proxy", "max_body_size_mb")
                .and_then(|f| f.default.as_ref())
                .and_then(|d| d.as_integer())
        });
    if let (Some(needed), Some(current)) = (needed_mb, current_mb)
        && needed > current
    {
        choose(
            "integrations.proxy.max_body_size_mb",
            Value::Int(needed),
            "large enough for PDS_BLOB_UPLOAD_LIMIT (Caddy had no limit)",
        );
    }
    choose(
        "integrations.tls.acme",
        Value::Bool(true),
        "certificates from Let's Encrypt, as Caddy got them",
    );
    choose(
        "integrations.tls.accept_terms",
        Value::Bool(true),
        "the Docker Caddy already used Let's Encrypt under these terms",
    );
    if let Some(email) = &caddy.email {
        choose(
            "integrations.tls.acme_email",
            Value::Str(email.clone()),
            "the Caddyfile's email",
        );
    }
    choose(
        "integrations.tls.handles",
        Value::Str("on-demand".into()),
        if caddy.on_demand {
            "the Caddyfile's on-demand TLS: Caddy asks the PDS's /tls-check for each handle"
        } else {
            "handles under the PDS's name need a certificate each; the Caddyfile did not ask for them on demand, this host will"
        },
    );
    choose(
        "integrations.secrets.backend",
        Value::Str(backend.as_str().into()),
        match (inputs.backend, &host_backend) {
            (Some(_), _) => "--secrets",
            (None, Some(_)) => "the backend the host already uses",
            (None, None) => {
                "the default: the secrets go where the host's generator keeps them, which never replaces them"
            }
        },
    );
    let repo_key = match backend {
        Backend::Sops => Some(("integrations.secrets.sops_file", "./secrets/secrets.yaml")),
        Backend::Agenix => Some(("integrations.secrets.agenix_dir", "./secrets")),
        Backend::Generate => None,
    };
    let mut repo_file = None;
    if let Some((path, default)) = repo_key {
        match existing
            .as_ref()
            .and_then(|v| v.raw(path))
            .and_then(|v| v.as_str())
        {
            Some(p) => repo_file = Some(p.to_string()),
            None => {
                repo_file = Some(default.to_string());
                choose(
                    path,
                    Value::Str(default.into()),
                    "where the encrypted secrets go in the host's directory",
                );
            }
        }
    }

    // The answers: the host's own, or a new file, with the PDS and these choices set.
    let text = match inputs.existing {
        Some(a) => a.text.clone(),
        None => format!(
            "# A Bluesky PDS moved from Docker ({DOCKER_DATA_DIR}, installer.sh) by atproto-wizard import-pds.\n\
             # Its secrets are not here: the secrets backend (integrations.secrets) provides them.\n\
             # Check it after a change:\n\
             #   atproto-wizard check --answers atproto.toml\n\
             schema = {}\n",
            crate::plan::schema::CURRENT
        ),
    };
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|_| PlanError::Unreadable(unreadable(inputs.answers_name)))?;
    for c in &chosen {
        if c.path.starts_with("host.") {
            edit::set(&mut doc, &c.path, &c.value);
        }
    }
    edit::set(
        &mut doc,
        &format!("services.{SERVICE}.enable"),
        &Value::Bool(true),
    );
    // pds.env says everything about the PDS: a setting it leaves out takes the
    // catalog's default, and the proxy serves the PDS at its hostname. A value already
    // as it should be stays where it is written, so a second import changes nothing.
    if let Some(view) = &existing {
        let domain = format!("services.{SERVICE}.domain");
        if view.raw(&domain).and_then(|v| v.as_str()) != hostname.as_deref() {
            edit::remove(&mut doc, &domain);
        }
        for f in &service.settings {
            let path = format!("services.{SERVICE}.settings.{}", f.key);
            let carried_here = carried.iter().any(|c| c.path == path);
            // Set below from what the PDS does without it: left in its place.
            let unset_here = f.unset_means.is_some() && f.env.is_some();
            if !carried_here
                && !unset_here
                && view.raw(&path).is_some()
                && view.raw(&path) != view.default_of(f).as_ref()
            {
                edit::remove(&mut doc, &path);
            }
        }
    }
    for c in &carried {
        edit::set(&mut doc, &c.path, &c.value);
    }
    // A setting pds.env leaves out where the PDS without the variable does other than
    // the wizard's default (rate limits off, no contact address): written as the Docker
    // PDS had it, so moving changes nothing.
    for f in &service.settings {
        let path = format!("services.{SERVICE}.settings.{}", f.key);
        let (Some(unset), Some(env)) = (&f.unset_means, &f.env) else {
            continue;
        };
        if carried.iter().any(|c| c.path == path) {
            continue;
        }
        chosen.push(Chosen {
            path,
            value: Value::from_toml(unset),
            why: format!("pds.env does not set {env}, and this is what the PDS then does"),
        });
    }
    for c in chosen.iter().filter(|c| !c.path.starts_with("host.")) {
        edit::set(&mut doc, &c.path, &c.value);
    }
    let mut answers =
        Answers::parse(inputs.answers_name, &doc.to_string()).map_err(PlanError::Unreadable)?;
    // A port pds.env does not give is the PDS's default unless the host uses it for
    // something else (Grafana's default is 3000 too): then the next free one, as the
    // allocator gives every unwritten port. Caddy proxies to whichever it is.
    let prefix = format!("services.{SERVICE}.ports.");
    let moved: Vec<(String, i64)> =
        crate::plan::ports::allocate(&PlanView::new(catalog, &answers.tree))
            .into_iter()
            .filter(|(path, n)| {
                path.starts_with(&prefix)
                    && service
                        .ports
                        .iter()
                        .any(|p| path.ends_with(&p.name) && i64::from(p.default) != *n)
            })
            .collect();
    if !moved.is_empty() {
        for (path, n) in &moved {
            edit::set(&mut doc, path, &Value::Int(*n));
            chosen.push(Chosen {
                path: path.clone(),
                value: Value::Int(*n),
                why: "the PDS's default port is taken on this host; Caddy proxies to this one"
                    .into(),
            });
        }
        answers =
            Answers::parse(inputs.answers_name, &doc.to_string()).map_err(PlanError::Unreadable)?;
    }

    let mut defaults = defaults_of(catalog, service, &answers, &carried);
    defaults.retain(|d| !chosen.iter().any(|c| c.path == d.path));
    let port = port.unwrap_or_else(|| {
        service
            .ports
            .iter()
            .find(|p| p.env.as_deref() == Some("PDS_PORT"))
            .map_or(3000, |p| p.default)
    });
    Ok(ImportPlan {
        answers,
        backend,
        carried,
        secrets,
        not_carried,
        chosen,
        defaults,
        duplicates: env.duplicates(),
        port,
        blobs,
        repo_file,
    })
}

fn unreadable(name: &str) -> LoadError {
    LoadError {
        file: name.to_string(),
        location: None,
        message: "not valid TOML".into(),
    }
}

/// The PDS settings pds.env leaves out, with the value the host will have.
fn defaults_of(
    catalog: &Catalog,
    service: &Service,
    answers: &Answers,
    carried: &[Carried],
) -> Vec<Defaulted> {
    let resolved = crate::apply::resolve_answers(answers, catalog);
    let view = PlanView::new(catalog, &resolved.tree);
    let mut out = Vec::new();
    let settings = service.settings.iter().map(|f: &Field| {
        (
            format!("services.{SERVICE}.settings.{}", f.key),
            f.env.clone(),
        )
    });
    let ports = service.ports.iter().map(|p| {
        (
            format!("services.{SERVICE}.ports.{}", p.name),
            p.env.clone(),
        )
    });
    for (path, env) in settings.chain(ports) {
        if carried.iter().any(|c| c.path == path) {
            continue;
        }
        let Some(env) = env else { continue };
        if let Some(value) = view.get(&path).filter(|v| Value::is_set(Some(v))) {
            out.push(Defaulted { path, env, value });
        }
    }
    out
}

fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_pds::{caddyfile, env_file};

    pub const JWT: &str = "5c4b6a1f0e9d8c7b6a5f4e3d2c1b0a99";
    pub const ADMIN: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    pub const KEY: &str = "3d1f1c4a6b5e8f7a9c0b2d4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a";

    fn installer_env(extra: &str) -> EnvFile {
        let text = format!(
            "PDS_HOSTNAME=pds.example.com\nPDS_JWT_SECRET={JWT}\nPDS_ADMIN_PASSWORD={ADMIN}\n\
             PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX={KEY}\nPDS_DATA_DIRECTORY=/pds\n\
             PDS_BLOBSTORE_DISK_LOCATION=/pds/blocks\nPDS_BLOB_UPLOAD_LIMIT=52428800\n\
             PDS_DID_PLC_URL=https://plc.directory\nPDS_BSKY_APP_VIEW_URL=https://api.bsky.app\n\
             PDS_BSKY_APP_VIEW_DID=did:web:api.bsky.app\nPDS_REPORT_SERVICE_URL=https://mod.bsky.app\n\
             PDS_REPORT_SERVICE_DID=did:plc:ar7c4by46qjdydhdevvrndac\nPDS_CRAWLERS=https://bsky.network\n\
             LOG_ENABLED=true\n{extra}"
        );
        env_file::parse("/pds/pds.env", &text).unwrap()
    }

    fn caddy() -> Caddy {
        caddyfile::parse(
            "{\n\temail admin@example.com\n}\n*.pds.example.com, pds.example.com {\n\ttls {\n\t\ton_demand\n\t}\n}\n",
        )
    }

    fn build_with(
        env: &EnvFile,
        existing: Option<&Answers>,
        backend: Option<Backend>,
    ) -> Result<ImportPlan, PlanError> {
        let caddy = caddy();
        build(&Inputs {
            catalog: Catalog::embedded(),
            env,
            caddy: Some(&caddy),
            existing,
            backend,
            answers_name: "atproto.toml",
        })
    }

    fn get(plan: &ImportPlan, path: &str) -> Option<Value> {
        PlanView::new(Catalog::embedded(), &plan.answers.tree).get(path)
    }

    #[test]
    fn settings_follow_the_catalogs_env_names_and_types() {
        let plan = build_with(
            &installer_env("PDS_INVITE_REQUIRED=false\nPDS_PORT=3100\n"),
            None,
            None,
        )
        .unwrap();
        let s = |k: &str| get(&plan, &format!("services.bluesky-pds.settings.{k}"));
        assert_eq!(s("hostname"), Some(Value::Str("pds.example.com".into())));
        assert_eq!(s("blob_upload_limit"), Some(Value::Int(52428800)));
        assert_eq!(s("invite_required"), Some(Value::Bool(false)));
        assert_eq!(
            s("crawlers"),
            Some(Value::List(vec![Value::Str("https://bsky.network".into())]))
        );
        assert_eq!(
            get(&plan, "services.bluesky-pds.ports.http"),
            Some(Value::Int(3100))
        );
        assert_eq!(plan.port, 3100);
        assert_eq!(get(&plan, "host.hostname"), Some(Value::Str("pds".into())));
        assert_eq!(
            get(&plan, "host.admin_email"),
            Some(Value::Str("admin@example.com".into()))
        );
        assert_eq!(
            get(&plan, "integrations.tls.handles"),
            Some(Value::Str("on-demand".into()))
        );
        assert_eq!(
            get(&plan, "integrations.proxy.kind"),
            Some(Value::Str("caddy".into()))
        );
        // No secret reaches the answers.
        for v in [JWT, ADMIN, KEY] {
            assert!(!plan.answers.text.contains(v));
        }
        let names: Vec<&str> = plan.secrets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["jwt_secret", "admin_password", "plc_rotation_key"]);
        let by_module: Vec<&str> = plan
            .not_carried
            .iter()
            .filter(|n| n.by_module)
            .map(|n| n.env.as_str())
            .collect();
        assert_eq!(
            by_module,
            [
                "PDS_DATA_DIRECTORY",
                "PDS_BLOBSTORE_DISK_LOCATION",
                "LOG_ENABLED"
            ]
        );
        // Rate limits: not in the current installer's pds.env, so off, as the PDS has
        // them without the variable (not the wizard's default), said so.
        assert!(plan.chosen.iter().any(|c| c.path
            == "services.bluesky-pds.settings.rate_limits_enabled"
            && c.value == Value::Bool(false)));
        assert!(
            !plan
                .defaults
                .iter()
                .any(|d| d.env == "PDS_RATE_LIMITS_ENABLED")
        );
        assert!(
            crate::validate::validate(Catalog::embedded(), &plan.answers.tree)
                .iter()
                .all(|d| !d.is_error())
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_are_not_carried_and_never_shown() {
        let plan = build_with(
            &installer_env("PDS_DPOP_SECRET=verysecretvalue\nPDS_RATE_LIMITS_ENABLED=yes\nPDS_SERVICE_HANDLE_DOMAINS=.example.org\n"),
            None,
            None,
        )
        .unwrap();
        let left: Vec<(&str, bool)> = plan
            .not_carried
            .iter()
            .filter(|n| !n.by_module)
            .map(|n| (n.env.as_str(), n.why.contains("looks like a secret")))
            .collect();
        assert_eq!(
            left,
            [
                ("PDS_DPOP_SECRET", true),
                ("PDS_RATE_LIMITS_ENABLED", false),
                ("PDS_SERVICE_HANDLE_DOMAINS", false)
            ]
        );
        assert!(!format!("{:?}", plan.not_carried).contains("verysecretvalue"));
        assert!(!plan.answers.text.contains("verysecretvalue"));
    }

    #[test]
    fn a_missing_or_malformed_secret_stops_the_import() {
        let env = env_file::parse("pds.env", "PDS_HOSTNAME=pds.example.com\n").unwrap();
        assert!(matches!(
            build_with(&env, None, None),
            Err(PlanError::MissingSecret { .. })
        ));
        let bad = installer_env("").entries.into_iter().map(|mut e| {
            if e.key == "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX" {
                e.value.pop();
            }
            e
        });
        let env = EnvFile {
            name: "pds.env".into(),
            entries: bad.collect(),
        };
        let e = build_with(&env, None, None).unwrap_err();
        assert!(matches!(e, PlanError::BadSecret { line: 4, .. }), "{e}");
        assert!(!e.to_string().contains(&KEY[..63]));
        // Email needs both: a from address without the SMTP URL is not a working PDS.
        let e = build_with(
            &installer_env("PDS_EMAIL_FROM_ADDRESS=noreply@example.com\n"),
            None,
            None,
        )
        .unwrap_err();
        assert!(
            matches!(&e, PlanError::MissingSecret { name, .. } if name == "smtp_url"),
            "{e}"
        );
        let plan = build_with(
            &installer_env("PDS_EMAIL_FROM_ADDRESS=noreply@example.com\nPDS_EMAIL_SMTP_URL=smtps://u:p@mail.example.com:465/\n"),
            None,
            None,
        )
        .unwrap();
        assert!(plan.secrets.iter().any(|s| s.name == "smtp_url"));
        assert!(!plan.answers.text.contains("smtps://"));
    }

    #[test]
    fn an_existing_host_keeps_its_own_answers_and_backend() {
        let existing = Answers::parse(
            "atproto.toml",
            "schema = 1\n# mine\n[host]\nhostname = \"box\"\ndomain = \"example.org\"\nadmin_email = \"me@example.org\"\n\n[services.constellation]\nenable = true\n\n[integrations.secrets]\nbackend = \"sops\"\nsops_file = \"./keys/s.yaml\"\n",
        )
        .unwrap();
        let plan = build_with(&installer_env(""), Some(&existing), None).unwrap();
        assert_eq!(plan.backend, Backend::Sops);
        assert_eq!(plan.repo_file.as_deref(), Some("./keys/s.yaml"));
        assert!(plan.answers.text.contains("# mine"));
        assert_eq!(get(&plan, "host.hostname"), Some(Value::Str("box".into())));
        assert_eq!(
            get(&plan, "services.constellation.enable"),
            Some(Value::Bool(true))
        );
        let e =
            build_with(&installer_env(""), Some(&existing), Some(Backend::Generate)).unwrap_err();
        assert_eq!(e.status(), ExitStatus::Refused);
    }

    #[test]
    fn blobs_outside_the_data_directory_or_in_s3_are_refused() {
        let moved = installer_env("PDS_BLOBSTORE_DISK_LOCATION=/srv/blobs\n");
        assert!(matches!(
            build_with(&moved, None, None),
            Err(PlanError::BlobsElsewhere { .. })
        ));
        let s3 = installer_env("PDS_BLOBSTORE_S3_BUCKET=bucket\n");
        assert!(matches!(
            build_with(&s3, None, None),
            Err(PlanError::S3Blobs { .. })
        ));
        let renamed = installer_env("PDS_BLOBSTORE_DISK_LOCATION=/pds/blobs/\n");
        assert_eq!(build_with(&renamed, None, None).unwrap().blobs, "blobs");
    }

    #[test]
    fn a_large_upload_limit_raises_the_proxys_body_size() {
        let plan = build_with(
            &installer_env("PDS_BLOB_UPLOAD_LIMIT=209715201\n"),
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            get(&plan, "integrations.proxy.max_body_size_mb"),
            Some(Value::Int(201))
        );
    }
}
