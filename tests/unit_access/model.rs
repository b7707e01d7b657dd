//! The JSON nixlib/tests/eval/unit-access.nix writes for one host (see that file for
//! what each field means), deserialized; `Default` lets tests build hosts by hand.
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Host {
    #[serde(default)]
    pub failed: Vec<String>,
    pub units: BTreeMap<String, Unit>,
    #[serde(default)]
    pub tmpfiles: Vec<String>,
    #[serde(default)]
    pub files: Vec<FileEntry>,
    #[serde(default)]
    pub operator_files: Vec<Operator>,
    #[serde(default)]
    pub secret_paths: Vec<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Unit {
    pub user: String,
    pub group: String,
    #[serde(default)]
    pub dynamic_user: bool,
    #[serde(default)]
    pub supplementary_groups: Vec<String>,
    /// "no", "yes", "full" or "strict".
    pub protect_system: String,
    /// "no", "yes", "read-only" or "tmpfs".
    pub protect_home: String,
    #[serde(default)]
    pub private_tmp: bool,
    /// CapabilityBoundingSet, when the unit sets one.
    #[serde(default)]
    pub capabilities: Option<Vec<String>>,
    #[serde(default = "default_umask")]
    pub umask: String,
    #[serde(default)]
    pub directories: Vec<Directory>,
    #[serde(default)]
    pub read_write_paths: Vec<String>,
    #[serde(default)]
    pub read_only_paths: Vec<String>,
    #[serde(default)]
    pub working_directory: Option<String>,
    #[serde(default)]
    pub after: Vec<String>,
    #[serde(default)]
    pub before: Vec<String>,
    #[serde(default)]
    pub credentials: Vec<String>,
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    #[serde(default)]
    pub commands: Vec<Command>,
    #[serde(default)]
    pub reads: Vec<Read>,
    #[serde(default)]
    pub writes: Vec<Write>,
    #[serde(default)]
    pub creates: Vec<Create>,
}

fn default_umask() -> String {
    "0022".into()
}

/// A StateDirectory, RuntimeDirectory, LogsDirectory or CacheDirectory: systemd makes it,
/// owned by the unit's user and group, before the unit's first command runs.
#[derive(Debug, Deserialize, Clone)]
pub struct Directory {
    pub kind: String,
    pub path: String,
    pub mode: String,
}

#[derive(Debug, Deserialize, Clone)]
pub struct Command {
    pub text: String,
    /// The command runs with full privileges ("+" in front of an Exec line, or the
    /// Nix side said so).
    #[serde(default)]
    pub privileged: bool,
    pub why: String,
}

#[derive(Debug, Deserialize, Clone, PartialEq)]
pub struct Read {
    pub path: String,
    /// "pid1": read by systemd with full privileges (only has to exist when the unit
    /// starts); "user": read by the unit's own user and groups.
    #[serde(rename = "as")]
    pub as_: String,
    pub why: String,
}

#[derive(Debug, Deserialize, Clone, PartialEq)]
pub struct Write {
    pub path: String,
    pub why: String,
}

#[derive(Debug, Deserialize, Clone)]
pub struct Create {
    pub path: String,
    pub kind: String,
    pub mode: String,
    pub owner: String,
    pub group: String,
    pub why: String,
}

#[derive(Debug, Deserialize, Clone)]
pub struct FileEntry {
    pub path: String,
    pub kind: String,
    pub mode: String,
    pub owner: String,
    pub group: String,
    #[serde(default)]
    pub target: Option<String>,
    pub why: String,
}

#[derive(Debug, Deserialize, Clone)]
pub struct Operator {
    pub path: String,
    pub why: String,
}

/// An octal mode string ("0700", "750") as a number.
pub fn mode(s: &str) -> u32 {
    u32::from_str_radix(s.trim(), 8).unwrap_or_else(|_| panic!("not an octal mode: {s:?}"))
}
