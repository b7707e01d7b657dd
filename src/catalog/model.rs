//! The catalog's data model: one `Service` per `nixlib/catalog/<id>.toml`, and the
//! `PlanSchema` of `_plan.toml`. Field meanings are documented in docs/CATALOG.md.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::condition::Condition;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Pds,
    Relay,
    Indexer,
    FeedGenerator,
    Labeler,
    Appview,
    Firehose,
    Tool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Stable,
    Experimental,
    Legacy,
    UpstreamStub,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Microcosm,
    Rsky,
    Bluesky,
    Grain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    Required,
    Recommended,
    Optional,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Error,
    Warning,
}

/// The value types of fields; patterns and messages live in `_plan.toml [types]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    String,
    MachineName,
    Hostname,
    Email,
    Url,
    PostgresUrl,
    Path,
    RepoPath,
    Repository,
    Did,
    Duration,
    Calendar,
    FlakeRef,
    NixpkgsBranch,
    StateVersion,
    Bool,
    Int,
    Port,
    Enum,
    List,
}

impl FieldType {
    /// The name used in `_plan.toml [types.<name>]`.
    pub fn name(self) -> &'static str {
        // Spelled as serde spells the variants (snake_case); looked up on every field
        // check, so no serialisation here.
        match self {
            FieldType::String => "string",
            FieldType::MachineName => "machine_name",
            FieldType::Hostname => "hostname",
            FieldType::Email => "email",
            FieldType::Url => "url",
            FieldType::PostgresUrl => "postgres_url",
            FieldType::Path => "path",
            FieldType::RepoPath => "repo_path",
            FieldType::Repository => "repository",
            FieldType::Did => "did",
            FieldType::Duration => "duration",
            FieldType::Calendar => "calendar",
            FieldType::FlakeRef => "flake_ref",
            FieldType::NixpkgsBranch => "nixpkgs_branch",
            FieldType::StateVersion => "state_version",
            FieldType::Bool => "bool",
            FieldType::Int => "int",
            FieldType::Port => "port",
            FieldType::Enum => "enum",
            FieldType::List => "list",
        }
    }
}

/// `_plan.toml [text]`: characters no string value may hold, whatever its type.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TextRule {
    /// Refused when it matches anywhere in the value (not anchored).
    pub forbidden: String,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    #[serde(default)]
    pub pattern: Option<String>,
    /// `[name, pattern]` pairs written into `pattern` in place of `<name>`, the last
    /// first, so that a part may use the parts before it (see [`TypeSpec::expanded`]).
    #[serde(default)]
    pub parts: Vec<(String, String)>,
    #[serde(default)]
    pub max_length: Option<usize>,
    pub message: String,
    /// A password where this type can carry one (a URL's `user:password@`): refused
    /// when it matches anywhere in the value.
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub password_message: Option<String>,
    /// Where the password goes instead, unless the field says (`Field::password_hint`).
    #[serde(default)]
    pub password_hint: Option<String>,
    /// For `list`: what the items are joined with on their way to the program, so no
    /// item may hold it.
    #[serde(default)]
    pub join: Option<String>,
    #[serde(default)]
    pub join_message: Option<String>,
}

impl TypeSpec {
    /// The pattern with its parts written in; nixlib/lib/fields.nix does the same.
    pub fn expanded(&self) -> Option<String> {
        let mut pattern = self.pattern.clone()?;
        for (name, part) in self.parts.iter().rev() {
            pattern = pattern.replace(&format!("<{name}>"), part);
        }
        Some(pattern)
    }
}

/// A typed field: a service setting, or a host or integration field of the plan.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub key: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    #[serde(default)]
    pub default: Option<toml::Value>,
    #[serde(default)]
    pub required: bool,
    pub help: String,
    #[serde(default, deserialize_with = "empty_is_none")]
    pub flag: Option<String>,
    #[serde(default, deserialize_with = "empty_is_none")]
    pub env: Option<String>,
    #[serde(default)]
    pub choices: Vec<String>,
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    #[serde(default)]
    pub item: Option<FieldType>,
    #[serde(default)]
    pub example: Option<String>,
    #[serde(default)]
    pub proxy_body: bool,
    /// Where a password found in this field's value goes instead (its `*_file`).
    #[serde(default)]
    pub password_hint: Option<String>,
    /// What the program does when the setting is not given at all (from its source),
    /// for a setting whose variable the wizard's modules always pass: adopting a host
    /// that leaves it unset writes this value, so adoption changes nothing (when it
    /// differs from `default`), and a test can tell a variable the wizard adds from a
    /// change of behaviour.
    #[serde(default)]
    pub unset_means: Option<toml::Value>,
    /// Asked by the wizard only when the answers file already has it: a field most
    /// hosts never need, written by `adopt` where a host needs it.
    #[serde(default)]
    pub asked_when_set: bool,
    /// Another service this setting points at by its public URL (a PDS's crawlers, an
    /// indexer's jetstream): in a fleet the answer may name it `"@<host>/<service>"`.
    #[serde(default)]
    pub refers_to: Option<RefersTo>,
    /// Older keys of this setting (a service setting only): an answers file that still
    /// uses one is read as this key, with a warning, and `check --fix` renames it.
    #[serde(default)]
    pub renamed_from: Vec<String>,
}

/// What a setting that points at another service accepts, and how its URL is written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RefersTo {
    /// The kinds of service it can point at.
    pub kinds: Vec<Kind>,
    /// The URL the program is given, `{domain}` standing for the service's public name
    /// (`wss://{domain}/subscribe`).
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub level: Level,
    #[serde(default)]
    pub when: Option<Condition>,
    pub require: Condition,
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Port {
    pub name: String,
    pub default: u16,
    pub purpose: String,
    pub public: bool,
    pub fixed: bool,
    #[serde(default, deserialize_with = "empty_is_none")]
    pub flag: Option<String>,
    #[serde(default, deserialize_with = "empty_is_none")]
    pub env: Option<String>,
    pub format: PortFormat,
    #[serde(default)]
    pub websocket: bool,
    #[serde(default)]
    pub metrics: bool,
    #[serde(default)]
    pub enabled_by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PortFormat {
    Port,
    #[serde(rename = "address:port")]
    AddressPort,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateDir {
    pub name: String,
    pub purpose: String,
    #[serde(default)]
    pub backup: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Generator {
    Hex,
    #[serde(rename = "secp256k1-hex")]
    Secp256k1Hex,
    Password,
    Base64,
    #[serde(rename = "p256-pem")]
    P256Pem,
    External,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    pub name: String,
    #[serde(default, deserialize_with = "empty_is_none")]
    pub env: Option<String>,
    #[serde(default, deserialize_with = "empty_is_none")]
    pub flag: Option<String>,
    pub generator: Generator,
    #[serde(default)]
    pub bytes: Option<u32>,
    pub help: String,
    #[serde(default = "yes")]
    pub required: bool,
    /// For an optional secret: the setting it goes with. The secret is declared and
    /// passed to the program only when that setting has a value.
    #[serde(default, deserialize_with = "empty_is_none")]
    pub needed_with: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    pub disk_gb: u32,
    pub memory_mb: u32,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Needs {
    pub postgres: Need,
    pub redis: Need,
    pub upstream: String,
    #[serde(default)]
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub upstream: String,
    pub source: String,
    pub family: Family,
    pub kind: Kind,
    pub status: Status,
    #[serde(default)]
    pub status_note: String,
    pub nixos_option: String,
    pub nixpkgs_module: bool,
    pub package: String,
    pub package_from: String,
    pub binary: String,
    pub start: Vec<String>,
    pub configured_by: String,
    #[serde(default)]
    pub working_directory: bool,
    pub resources: Resources,
    pub needs: Needs,
    #[serde(default)]
    pub ports: Vec<Port>,
    #[serde(default)]
    pub state: Vec<StateDir>,
    #[serde(default)]
    pub secrets: Vec<Secret>,
    #[serde(default)]
    pub settings: Vec<Field>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Dependency hashes of the package that are still `lib.fakeHash`: it cannot build
    /// until the operator puts the real ones in (the validator warns; tests/package_hashes.rs
    /// keeps this list equal to the package files).
    #[serde(default)]
    pub placeholder_hashes: Vec<PlaceholderHash>,
    /// The program's own health endpoint, when upstream has one (`None`: upstream
    /// offers none, and nothing is invented for it).
    #[serde(default)]
    pub health: Option<Health>,
    /// Settings this service no longer has: an answers file that uses one is refused
    /// with the advice, and `check --fix` takes it out once confirmed.
    #[serde(default)]
    pub removed: Vec<Removed>,
    /// What upstream broke at a version, for `upgrade` to show when an update crosses
    /// it. The one place version knowledge lives for a package nixpkgs provides; this
    /// flake's own packages carry theirs in `passthru.atproto.breakingChanges` too.
    #[serde(default)]
    pub compat: Vec<Compat>,
}

/// A breaking change upstream made at a version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Compat {
    /// The version that made it (`0.5.0`, `v0.2.0`).
    pub version: String,
    /// What changed.
    pub note: String,
    /// What the operator must do.
    pub migration: String,
    /// Where upstream says so (a changelog entry, a release note).
    pub source: String,
}

/// A setting key dropped from the catalog, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Removed {
    /// The key as `services.<id>.settings.<key>` had it.
    pub key: String,
    /// What to do instead, in one sentence.
    pub advice: String,
    /// The version (of this project or upstream) that dropped it.
    pub since: String,
}

/// An HTTP endpoint the program answers 200 on while it is healthy: asked on
/// localhost by `status`, and by the unit's start check.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// The service's port (a `[[ports]]` name) that serves it.
    pub port: String,
    /// The path, from `/`.
    pub path: String,
    /// Where upstream serves it: the file (and commit) read.
    pub source: String,
}

/// A `lib.fakeHash` in a package file: where the real hash goes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceholderHash {
    /// The package file, relative to the flake's root: `nixlib/pkgs/<name>/default.nix`.
    pub file: String,
    /// The attribute holding it, dotted through the named bindings around it, like
    /// `vendorHash` or `uiDeps.hash`.
    pub attr: String,
}

impl Service {
    pub fn setting(&self, key: &str) -> Option<&Field> {
        self.settings.iter().find(|f| f.key == key)
    }
    pub fn port(&self, name: &str) -> Option<&Port> {
        self.ports.iter().find(|p| p.name == name)
    }
}

/// A port an integration listens on (Grafana, Prometheus, …), for the clash check.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanPort {
    pub owner: String,
    pub path: String,
    pub when: Condition,
}

/// An integration as the wizard's steps and atproto.nix's comments name it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrationStep {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSchema {
    pub schema: u32,
    /// The directory generated secrets are kept in, one folder per owner.
    pub secrets_dir: String,
    pub text: TextRule,
    pub types: BTreeMap<String, TypeSpec>,
    pub host: Vec<Field>,
    /// Keys every `[services.<id>]` table may hold beside `enable`, `domain`, `ports`
    /// and `settings`, the same for every service (`own_secrets`).
    #[serde(default)]
    pub service_fields: Vec<Field>,
    pub integrations: BTreeMap<String, Vec<Field>>,
    /// The integrations in order, with their titles; one per key of `integrations`.
    pub integration_steps: Vec<IntegrationStep>,
    #[serde(default)]
    pub ports: Vec<PlanPort>,
    #[serde(default)]
    pub rules: Vec<Rule>,
}

impl PlanSchema {
    pub fn host_field(&self, key: &str) -> Option<&Field> {
        self.host.iter().find(|f| f.key == key)
    }
    /// The file a generated secret is kept in: `<secrets_dir>/<owner>/<name>`, as
    /// nixlib/lib/secret-files.nix builds it.
    pub fn generated_secret_file(&self, owner: &str, name: &str) -> String {
        format!("{}/{owner}/{name}", self.secrets_dir)
    }
    pub fn service_field(&self, key: &str) -> Option<&Field> {
        self.service_fields.iter().find(|f| f.key == key)
    }
    pub fn integration_field(&self, section: &str, key: &str) -> Option<&Field> {
        self.integrations
            .get(section)?
            .iter()
            .find(|f| f.key == key)
    }
}

/// `flag = ""` in a catalog file means "no flag".
fn empty_is_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<String>::deserialize(d)?;
    Ok(value.filter(|s| !s.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::FieldType;

    #[test]
    fn type_names_match_their_serde_spelling() {
        for ty in [
            FieldType::PostgresUrl,
            FieldType::RepoPath,
            FieldType::FlakeRef,
            FieldType::NixpkgsBranch,
            FieldType::Port,
        ] {
            assert_eq!(serde_json::to_value(ty).unwrap(), ty.name());
        }
    }
}
