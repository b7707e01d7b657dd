//! The questionnaire: which steps the wizard walks through and which questions each
//! step asks, worked out from the catalog and the current plan. Pure (no terminal, no
//! I/O) and shared by both front ends: the full-screen wizard (`crate::tui`) and the
//! line mode (`crate::lineui`). Answers go into the plan through [`super::Draft`],
//! which validates with the same `crate::validate` as `check` and `apply`.
//!
//! Steps, in order: [`StepKind::Start`] (choose a profile, see [`super::profiles`]),
//! [`StepKind::Host`], [`StepKind::Services`], one [`StepKind::Settings`] per enabled
//! service (catalog id order), one [`StepKind::Integration`] per `_plan.toml`
//! integration section (in `_plan.toml`'s `integration_steps` order), [`StepKind::Review`],
//! [`StepKind::Write`] and [`StepKind::Done`].
//!
//! Relevance: a step shows only the questions that mean something for the plan as it
//! is now (see [`questions`]); a question whose path the answers file already writes is
//! always shown, so a value left over from an earlier choice can still be seen and
//! cleared.
use crate::catalog::{Catalog, Field, FieldType, Port, Service, Status};
use crate::plan::PlanView;
use crate::plan::public::{proxy_on, serves_publicly};
use crate::value::Value;

/// What a step is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// Choose what to run: a profile from `profiles/`, or custom (an empty plan).
    /// It has no questions of its own: see [`super::profiles::all`].
    Start,
    /// `host.*`: host name, domain, admin email, flake or classic, nixpkgs branch, …
    Host,
    /// Which services to run: one yes/no question per catalog service.
    Services,
    /// One enabled service's settings, domain and ports (the catalog id).
    Settings(String),
    /// One `integrations.<section>` (database, redis, proxy, tls, …).
    Integration(String),
    /// The summary, every diagnostic and the file diff. No questions.
    Review,
    /// Writing the files. No questions.
    Write,
    /// What to do next. No questions.
    Done,
}

/// One step of the wizard, with the title shown in the step list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    pub title: String,
}

/// The steps for the plan as it is: Settings only for enabled services (id order),
/// Integration for every `_plan.toml` section.
pub fn steps(catalog: &Catalog, view: &PlanView) -> Vec<Step> {
    let mut out = vec![
        Step {
            kind: StepKind::Start,
            title: "Start".into(),
        },
        Step {
            kind: StepKind::Host,
            title: "Host".into(),
        },
        Step {
            kind: StepKind::Services,
            title: "Services".into(),
        },
    ];
    for service in view.enabled_services() {
        out.push(Step {
            kind: StepKind::Settings(service.id.clone()),
            title: service.title.clone(),
        });
    }
    for section in integration_sections(catalog) {
        out.push(Step {
            title: integration_title(catalog, &section).into(),
            kind: StepKind::Integration(section),
        });
    }
    for (kind, title) in [
        (StepKind::Review, "Review"),
        (StepKind::Write, "Write"),
        (StepKind::Done, "Done"),
    ] {
        out.push(Step {
            kind,
            title: title.into(),
        });
    }
    out
}

/// `_plan.toml`'s integration sections, in its `integration_steps` order.
pub fn integration_sections(catalog: &Catalog) -> Vec<String> {
    catalog
        .plan
        .integration_steps
        .iter()
        .map(|step| step.id.clone())
        .collect()
}

/// The title of an integration step, as `_plan.toml` `integration_steps` gives it.
pub fn integration_title<'a>(catalog: &'a Catalog, section: &'a str) -> &'a str {
    catalog
        .plan
        .integration_steps
        .iter()
        .find(|step| step.id == section)
        .map_or(section, |step| step.title.as_str())
}

/// One question: a value at a path of the answers file.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// The answers path, like `host.domain`, `services.constellation.settings.backend`,
    /// `services.constellation.ports.http`, `services.constellation.domain`,
    /// `services.constellation.enable` or `integrations.tls.handles`.
    pub path: String,
    /// A short label, like "Domain" or "Bluesky PDS".
    pub label: String,
    /// What it is, a sensible value, what breaks if it is wrong (the catalog's help).
    pub help: String,
    pub kind: QuestionKind,
    /// Must be answered: the field is required and has no default (the plan is invalid
    /// while it has no set value).
    pub required: bool,
    /// An example value to show as a hint.
    pub example: Option<String>,
}

/// How a question is answered.
#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    /// A line of text; the type says what the validator expects (hostname, email, …).
    Text(FieldType),
    /// Yes or no.
    Bool,
    /// One of these values.
    Choice(Vec<String>),
    /// A whole number, within the bounds when given.
    Int { min: Option<i64>, max: Option<i64> },
    /// A port number, 1 to 65535.
    Port,
    /// A list of strings, typed comma-separated.
    List,
}

/// The questions of a step, in the order they are asked. Review, Write, Done and Start
/// have none.
///
/// Relevance, from the plan's effective values (a question whose path is written in the
/// file is shown regardless):
/// - Host: every `_plan.toml` host field.
/// - Services: one yes/no per catalog service (`services.<id>.enable`), Bluesky first,
///   then microcosm, rsky and others; stable before experimental, legacy and stubs last.
/// - Settings(id): `services.<id>.domain` when the reverse proxy is on and the service
///   has a public port (it follows the service's `hostname` setting when it has one);
///   each port that is not fixed upstream and whose `enabled_by`
///   setting (if any) is true; then every catalog setting; then each `_plan.toml`
///   service field (`own_secrets`) the file writes.
/// - Integration(section), field by field:
///   - database: `package` only when `kind = "local"`; `url`, `password_file` only when
///     `kind = "remote"`.
///   - redis: `password_file` only when `enable = true`.
///   - proxy: `max_body_size_mb`, `open_firewall` only when `kind != "none"`.
///   - tls: nothing but `handles` when the proxy is off; `acme_email`, `accept_terms`,
///     `staging` only when `acme = true`; `dns_provider`, `dns_credentials_file` only
///     when `handles = "dns-01-wildcard"`.
///   - monitoring: each `*_port` only when its switch is on.
///   - logging: `loki_port` only when `kind = "loki"`, `loki_url` only when `"alloy"`.
///   - backup: everything but `kind` only when `kind != "none"`.
///   - secrets: `sops_file`, `age_key_file` only for `sops`; `agenix_dir` for `agenix`.
pub fn questions(catalog: &Catalog, view: &PlanView, step: &StepKind) -> Vec<Question> {
    match step {
        StepKind::Host => catalog
            .plan
            .host
            .iter()
            .filter(|f| !f.asked_when_set || view.raw(&format!("host.{}", f.key)).is_some())
            .map(|f| field_question(&format!("host.{}", f.key), f))
            .collect(),
        StepKind::Services => services_in_order(catalog)
            .into_iter()
            .map(service_question)
            .collect(),
        StepKind::Settings(id) => match catalog.service(id) {
            Some(service) => settings_questions(view, service),
            None => vec![],
        },
        StepKind::Integration(section) => {
            let Some(fields) = catalog.plan.integrations.get(section) else {
                return vec![];
            };
            fields
                .iter()
                .filter_map(|f| {
                    let path = format!("integrations.{section}.{}", f.key);
                    (view.raw(&path).is_some() || integration_relevant(view, section, &f.key))
                        .then(|| field_question(&path, f))
                })
                .collect()
        }
        StepKind::Start | StepKind::Review | StepKind::Write | StepKind::Done => vec![],
    }
}

/// Every catalog service in the order the Services step lists them.
pub fn services_in_order(catalog: &Catalog) -> Vec<&Service> {
    use crate::catalog::Family;
    let mut all: Vec<&Service> = catalog.services.values().collect();
    let family = |f: Family| match f {
        Family::Bluesky => 0,
        Family::Microcosm => 1,
        Family::Rsky => 2,
        Family::Grain => 3,
    };
    let status = |s: Status| match s {
        Status::Stable => 0,
        Status::Experimental => 1,
        Status::Legacy => 2,
        Status::UpstreamStub => 3,
    };
    all.sort_by_key(|s| (family(s.family), status(s.status), s.id.clone()));
    all
}

/// The words for a service's status.
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Stable => "stable",
        Status::Experimental => "experimental",
        Status::Legacy => "legacy",
        Status::UpstreamStub => "upstream stub",
    }
}

fn service_question(service: &Service) -> Question {
    let mut help = service.summary.clone();
    help.push_str(&format!(
        "\n\nStatus: {}.{}",
        status_word(service.status),
        if service.status_note.is_empty() {
            String::new()
        } else {
            format!(" {}", service.status_note)
        }
    ));
    if !service.placeholder_hashes.is_empty() {
        // Said before it is turned on, too: the warning only appears once it is.
        help.push_str(
            "\nIts package cannot be built yet: a dependency hash in it is a placeholder \
             (lib.fakeHash). The first build prints the real hash; turned on, the warning \
             under it says where that hash goes.",
        );
    }
    help.push_str(&format!(
        "\nNeeds about {} GB of disk and {} MB of memory.",
        service.resources.disk_gb, service.resources.memory_mb
    ));
    if let Some(note) = &service.resources.note {
        help.push(' ');
        help.push_str(note);
    }
    if !service.ports.is_empty() {
        let ports: Vec<String> = service
            .ports
            .iter()
            .map(|p| {
                let what = match (p.public, p.fixed) {
                    (true, true) => "public, fixed upstream",
                    (true, false) => "public, through the proxy",
                    (false, true) => "local, fixed upstream",
                    (false, false) => "local",
                };
                format!("{} {} ({what})", p.name, p.default)
            })
            .collect();
        help.push_str(&format!("\nPorts: {}.", ports.join(", ")));
    }
    Question {
        path: format!("services.{}.enable", service.id),
        label: service.title.clone(),
        help,
        kind: QuestionKind::Bool,
        required: false,
        example: None,
    }
}

fn settings_questions(view: &PlanView, service: &Service) -> Vec<Question> {
    let id = &service.id;
    let mut out = Vec::new();
    let domain = format!("services.{id}.domain");
    // A service with a `hostname` setting is served at it unless a domain is written.
    let own_name = service.setting("hostname").is_some();
    if view.raw(&domain).is_some() || (proxy_on(view) && serves_publicly(view, service)) {
        out.push(Question {
            path: domain,
            label: "Domain".into(),
            help: if own_name {
                format!(
                    "The name the reverse proxy serves {} at. It follows the hostname \
                     setting below: change that one, and leave this at its default (d puts \
                     it back) unless the proxy must use another name. Two services cannot \
                     share a name.",
                    service.title
                )
            } else {
                format!(
                    "The name the reverse proxy serves {} at: host.domain unless you set \
                     one, like {}.{}. Its DNS A/AAAA records must point at this host. Two \
                     services cannot share a name.",
                    service.title,
                    id,
                    view.get("host.domain")
                        .filter(|v| Value::is_set(Some(v)))
                        .map_or_else(|| "example.com".into(), |v| v.to_string())
                )
            },
            kind: QuestionKind::Text(FieldType::Hostname),
            required: false,
            example: None,
        });
    }
    for port in &service.ports {
        let path = format!("services.{id}.ports.{}", port.name);
        if view.raw(&path).is_some() || (!port.fixed && port_active(view, service, port)) {
            out.push(Question {
                label: format!("Port: {}", port.name),
                help: format!(
                    "{} Default {}. The service listens on it locally{}; move it when \
                     another service uses the same number.",
                    port.purpose,
                    port.default,
                    if port.public {
                        " and the reverse proxy forwards to it"
                    } else {
                        ""
                    }
                ),
                path,
                kind: QuestionKind::Port,
                required: false,
                example: None,
            });
        }
    }
    for field in &service.settings {
        out.push(field_question(
            &format!("services.{id}.settings.{}", field.key),
            field,
        ));
    }
    // `own_secrets` and the like: shown once the answers file writes them (a host the
    // wizard adopted); a new host gets its secrets from the backend.
    for field in &view.catalog.plan.service_fields {
        let path = format!("services.{id}.{}", field.key);
        if view.raw(&path).is_some() {
            out.push(field_question(&path, field));
        }
    }
    out
}

fn port_active(view: &PlanView, service: &Service, port: &Port) -> bool {
    port.enabled_by.is_empty()
        || view.get(&format!(
            "services.{}.settings.{}",
            service.id, port.enabled_by
        )) == Some(Value::Bool(true))
}

fn integration_relevant(view: &PlanView, section: &str, key: &str) -> bool {
    let is = |path: &str, v: &str| view.get(path) == Some(Value::Str(v.into()));
    let on = |path: &str| view.get(path) == Some(Value::Bool(true));
    match (section, key) {
        ("database", "package") => is("integrations.database.kind", "local"),
        ("database", "url" | "password_file") => is("integrations.database.kind", "remote"),
        ("redis", "password_file") => on("integrations.redis.enable"),
        ("proxy", "max_body_size_mb" | "open_firewall") => !is("integrations.proxy.kind", "none"),
        ("tls", "handles") => true,
        ("tls", _) if !proxy_on(view) => false,
        ("tls", "acme_email" | "accept_terms" | "staging") => on("integrations.tls.acme"),
        ("tls", "dns_provider" | "dns_credentials_file") => {
            is("integrations.tls.handles", "dns-01-wildcard")
        }
        ("monitoring", "prometheus_port") => on("integrations.monitoring.prometheus"),
        ("monitoring", "node_exporter_port") => on("integrations.monitoring.node_exporter"),
        ("monitoring", "grafana_port") => on("integrations.monitoring.grafana"),
        ("logging", "loki_port") => is("integrations.logging.kind", "loki"),
        ("logging", "loki_url") => is("integrations.logging.kind", "alloy"),
        ("backup", "kind") => true,
        ("backup", _) => !is("integrations.backup.kind", "none"),
        ("secrets", "sops_file" | "age_key_file") => is("integrations.secrets.backend", "sops"),
        ("secrets", "agenix_dir") => is("integrations.secrets.backend", "agenix"),
        _ => true,
    }
}

fn field_question(path: &str, field: &Field) -> Question {
    let kind = match field.ty {
        FieldType::Bool => QuestionKind::Bool,
        FieldType::Enum => QuestionKind::Choice(field.choices.clone()),
        FieldType::Int => QuestionKind::Int {
            min: field.min,
            max: field.max,
        },
        FieldType::Port => QuestionKind::Port,
        FieldType::List => QuestionKind::List,
        other => QuestionKind::Text(other),
    };
    Question {
        path: path.to_string(),
        label: label_of(&field.key),
        help: field.help.clone(),
        kind,
        // A field with a default always has a value: only one without can be missing.
        required: field.required && field.default.is_none(),
        example: field.example.clone(),
    }
}

/// `admin_email` → "Admin email", `plc_url` → "PLC URL".
fn label_of(key: &str) -> String {
    let words: Vec<String> = key
        .split('_')
        .map(|w| match w {
            "url" | "dns" | "did" | "acme" | "smtp" | "plc" | "api" | "id" | "http" | "tls"
            | "jwt" => w.to_ascii_uppercase(),
            "mb" => "(MiB)".into(),
            "appview" => "AppView".into(),
            "nixpkgs" => "Nixpkgs branch".into(),
            other => other.to_string(),
        })
        .collect();
    let words = words.join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Turns what the operator typed into a value for the question, or says plainly what
/// is wrong. Surrounding spaces are ignored. An empty answer to a text or list question
/// is `""` or `[]` (to clear a value and fall back to its default, use
/// [`super::Draft::clear`]); for the other kinds it is an error.
///
/// - Bool: yes/no, y/n, true/false, on/off (any case).
/// - Choice: one of the choices (any case), or its number from 1.
/// - Int, Port: a whole number (`_` allowed as a separator), within the bounds.
/// - List: items separated by commas or new lines; empty items are dropped.
///
/// Type patterns (hostname, email, …) are not checked here: the validator checks them
/// once the value is in the plan, with the same words as `check`.
pub fn parse_answer(kind: &QuestionKind, text: &str) -> Result<Value, String> {
    let t = text.trim();
    match kind {
        QuestionKind::Text(_) => {
            if t.contains(['\n', '\r']) {
                return Err("must be a single line of text".into());
            }
            Ok(Value::Str(t.to_string()))
        }
        QuestionKind::Bool => match t.to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "on" => Ok(Value::Bool(true)),
            "n" | "no" | "false" | "off" => Ok(Value::Bool(false)),
            _ => Err("answer yes or no".into()),
        },
        QuestionKind::Choice(choices) => {
            if let Some(c) = choices.iter().find(|c| c.eq_ignore_ascii_case(t)) {
                return Ok(Value::Str(c.clone()));
            }
            if let Ok(n) = t.parse::<usize>()
                && (1..=choices.len()).contains(&n)
            {
                return Ok(Value::Str(choices[n - 1].clone()));
            }
            Err(format!("choose one of: {}", choices.join(", ")))
        }
        QuestionKind::Int { min, max } => {
            let n = parse_int(t)?;
            if let Some(min) = min
                && n < *min
            {
                return Err(format!("must be at least {min}"));
            }
            if let Some(max) = max
                && n > *max
            {
                return Err(format!("must be at most {max}"));
            }
            Ok(Value::Int(n))
        }
        QuestionKind::Port => {
            let n = parse_int(t).map_err(|_| "type a port number between 1 and 65535")?;
            if !(1..=65535).contains(&n) {
                return Err("a port is a number between 1 and 65535".into());
            }
            Ok(Value::Int(n))
        }
        QuestionKind::List => Ok(Value::List(
            t.split([',', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::Str(s.to_string()))
                .collect(),
        )),
    }
}

fn parse_int(t: &str) -> Result<i64, String> {
    if t.is_empty() {
        return Err("type a whole number".into());
    }
    t.replace('_', "")
        .parse::<i64>()
        .map_err(|_| format!("{t:?} is not a whole number"))
}

/// A value as the operator would type it back: text as is, yes/no, numbers, lists
/// joined with ", ". [`parse_answer`] reads it back to the same value.
pub fn display_value(v: &Value) -> String {
    match v {
        Value::Str(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Int(i) => i.to_string(),
        Value::List(items) => items
            .iter()
            .map(display_value)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_json(),
    }
}

/// The value a question's path has when the file does not write it (its default,
/// `{host.<key>}` filled in; a service's domain follows its `hostname` setting or
/// `host.domain`), or `None` when it has none.
pub fn default_value(view: &PlanView, path: &str) -> Option<Value> {
    let c = view.catalog;
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["host", k] => view.default_of(c.plan.host_field(k)?),
        ["integrations", s, k] => view.default_of(c.plan.integration_field(s, k)?),
        ["services", id, "settings", k] => view.default_of(c.service(id)?.setting(k)?),
        ["services", id, "ports", n] => {
            Some(Value::Int(i64::from(c.service(id)?.port(n)?.default)))
        }
        ["services", id, "domain"] => {
            if c.service(id)?.setting("hostname").is_some() {
                view.get(&format!("services.{id}.settings.hostname"))
            } else {
                view.get("host.domain")
            }
        }
        ["services", id, k] => {
            c.service(id)?;
            view.default_of(c.plan.service_field(k)?)
        }
        _ => None,
    }
}

/// The text to start editing a question from: the effective value as typed, or empty.
pub fn edit_text(view: &PlanView, q: &Question) -> String {
    view.get(&q.path)
        .map(|v| display_value(&v))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Answers;

    fn view_of(text: &str) -> (Answers, &'static Catalog) {
        (Answers::parse("t.toml", text).unwrap(), Catalog::embedded())
    }

    #[test]
    fn settings_steps_follow_enabled_services() {
        let (a, c) =
            view_of("schema = 1\n[services.constellation]\n[services.ozone]\nenable = false\n");
        let titles: Vec<StepKind> = steps(c, &PlanView::new(c, &a.tree))
            .into_iter()
            .map(|s| s.kind)
            .collect();
        assert!(titles.contains(&StepKind::Settings("constellation".into())));
        assert!(!titles.contains(&StepKind::Settings("ozone".into())));
        assert_eq!(titles[0], StepKind::Start);
        assert_eq!(titles.last(), Some(&StepKind::Done));
        let integrations: Vec<_> = titles
            .iter()
            .filter_map(|k| match k {
                StepKind::Integration(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        // The order an operator thinks of them in, as _plan.toml lists them.
        assert_eq!(
            integrations,
            [
                "database",
                "redis",
                "proxy",
                "tls",
                "monitoring",
                "logging",
                "security",
                "backup",
                "secrets"
            ]
        );
    }

    #[test]
    fn own_secrets_is_asked_once_the_file_writes_it() {
        let paths = |text: &str| -> Vec<Question> {
            let (a, c) = view_of(text);
            questions(
                c,
                &PlanView::new(c, &a.tree),
                &StepKind::Settings("bluesky-pds".into()),
            )
        };
        let path = "services.bluesky-pds.own_secrets";
        assert!(
            !paths("schema = 1\n[services.bluesky-pds]\n")
                .iter()
                .any(|q| q.path == path)
        );
        let asked = paths("schema = 1\n[services.bluesky-pds]\nown_secrets = true\n");
        let q = asked.iter().find(|q| q.path == path).expect("asked");
        assert_eq!(q.kind, QuestionKind::Bool);
        assert!(
            q.help.starts_with("The host's own NixOS files provide"),
            "{}",
            q.help
        );
        let (a, c) = view_of("schema = 1\n[services.bluesky-pds]\n");
        assert_eq!(
            default_value(&PlanView::new(c, &a.tree), path),
            Some(Value::Bool(false))
        );
    }

    #[test]
    fn questions_follow_the_plan() {
        let paths = |text: &str, step: StepKind| -> Vec<String> {
            let (a, c) = view_of(text);
            questions(c, &PlanView::new(c, &a.tree), &step)
                .into_iter()
                .map(|q| q.path)
                .collect()
        };
        let tls = StepKind::Integration("tls".into());
        let base = paths("schema = 1\n", tls.clone());
        assert!(!base.contains(&"integrations.tls.dns_provider".to_string()));
        let wild = paths(
            "schema = 1\n[integrations.tls]\nhandles = \"dns-01-wildcard\"\n",
            tls.clone(),
        );
        assert!(wild.contains(&"integrations.tls.dns_provider".to_string()));
        let db = StepKind::Integration("database".into());
        assert_eq!(
            paths("schema = 1\n", db.clone()),
            ["integrations.database.kind"]
        );
        let remote = paths(
            "schema = 1\n[integrations.database]\nkind = \"remote\"\n",
            db.clone(),
        );
        assert!(remote.contains(&"integrations.database.url".to_string()));
        // A leftover value stays visible so it can be cleared.
        let left = paths(
            "schema = 1\n[integrations.database]\nkind = \"none\"\nurl = \"postgres://x\"\n",
            db,
        );
        assert!(left.contains(&"integrations.database.url".to_string()));
        let pds = paths(
            "schema = 1\n[services.bluesky-pds]\n",
            StepKind::Settings("bluesky-pds".into()),
        );
        assert_eq!(pds[0], "services.bluesky-pds.domain");
        assert_eq!(pds[1], "services.bluesky-pds.ports.http");
        let links = paths(
            "schema = 1\n[services.constellation]\n",
            StepKind::Settings("constellation".into()),
        );
        assert_eq!(links[0], "services.constellation.domain");
        assert!(pds.contains(&"services.bluesky-pds.settings.hostname".to_string()));
    }

    #[test]
    fn answers_parse_with_clear_messages() {
        assert_eq!(
            parse_answer(&QuestionKind::Bool, " Yes "),
            Ok(Value::Bool(true))
        );
        assert!(parse_answer(&QuestionKind::Bool, "maybe").is_err());
        let choice = QuestionKind::Choice(vec!["nginx".into(), "caddy".into()]);
        assert_eq!(parse_answer(&choice, "2"), Ok(Value::Str("caddy".into())));
        assert_eq!(
            parse_answer(&choice, "NGINX"),
            Ok(Value::Str("nginx".into()))
        );
        assert_eq!(
            parse_answer(&choice, "apache"),
            Err("choose one of: nginx, caddy".into())
        );
        assert_eq!(
            parse_answer(&QuestionKind::Port, "8080"),
            Ok(Value::Int(8080))
        );
        assert!(parse_answer(&QuestionKind::Port, "70000").is_err());
        assert!(parse_answer(&QuestionKind::Port, "80a").is_err());
        let int = QuestionKind::Int {
            min: Some(1),
            max: Some(10),
        };
        assert_eq!(parse_answer(&int, "0"), Err("must be at least 1".into()));
        assert_eq!(
            parse_answer(&QuestionKind::List, "a, b,,c"),
            Ok(Value::List(vec![
                Value::Str("a".into()),
                Value::Str("b".into()),
                Value::Str("c".into())
            ]))
        );
        let list = Value::List(vec![Value::Str("x".into()), Value::Str("y".into())]);
        assert_eq!(
            parse_answer(&QuestionKind::List, &display_value(&list)),
            Ok(list)
        );
        assert_eq!(display_value(&Value::Bool(false)), "no");
    }
}
