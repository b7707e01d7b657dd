//! The PDS's secrets on their way from `pds.env` to where the chosen backend reads them.
//! Pure: the values (never shown), their formats, and the files each backend wants
//! ([`layout`]); `secret_files` writes them.
//!
//! Where each backend reads a secret is nixlib/lib/secret-files.nix's to say, and the
//! names here follow it (a test compares them):
//! - generate: `<secrets_dir>/<id>/<name>` (`_plan.toml secrets_dir`), root, 0400 in a
//!   0700 directory, without a trailing newline, as the generator writes it;
//! - sops: the key `atproto/<id>/<name>` of the sops file, which sops-nix looks up in
//!   nested YAML maps, one per `/`-separated part;
//! - agenix: `<agenix_dir>/<id>-<name>.age`.
use std::path::{Path, PathBuf};

use crate::catalog::{Catalog, Generator, Secret};

/// A secret's value. Never printed: `Debug` shows its length only, and there is no
/// `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    pub fn new(value: String) -> SecretValue {
        SecretValue(value)
    }
    /// The bytes to write.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretValue(<{} bytes, not shown>)", self.0.len())
    }
}

/// The secrets backend (`integrations.secrets.backend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Generate,
    Sops,
    Agenix,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Generate => "generate",
            Backend::Sops => "sops",
            Backend::Agenix => "agenix",
        }
    }
    pub fn parse(s: &str) -> Option<Backend> {
        match s {
            "generate" => Some(Backend::Generate),
            "sops" => Some(Backend::Sops),
            "agenix" => Some(Backend::Agenix),
            _ => None,
        }
    }
}

/// One secret taken from `pds.env`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSecret {
    /// The catalog's name for it (`jwt_secret`).
    pub name: String,
    /// The variable it was read from, and its line.
    pub env: String,
    pub line: usize,
    pub value: SecretValue,
}

/// The order of the secp256k1 group: a private key is a number below it (and not 0).
const SECP256K1_N: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

/// Whether `value` can be the secret `secret` as the service reads it; the reason when
/// not. The reason never quotes the value.
pub fn check_format(secret: &Secret, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("is empty".into());
    }
    if value.chars().any(char::is_control) {
        return Err(
            "holds a control character (a line break, a tab): a one-line secret cannot".into(),
        );
    }
    if secret.generator == Generator::Secp256k1Hex {
        let n = value.chars().count();
        if n != 64 || !value.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "is not a secp256k1 private key in hex: that is 64 hex characters (32 bytes), \
                 as installer.sh writes it, and this value has {n} characters{}",
                if value.chars().all(|c| c.is_ascii_hexdigit()) {
                    ""
                } else {
                    ", not all of them hex digits"
                }
            ));
        }
        let lower = value.to_ascii_lowercase();
        if lower.bytes().all(|b| b == b'0') || lower.as_str() >= SECP256K1_N {
            return Err(
                "is not a valid secp256k1 private key: the number must be above 0 and below \
                 the curve's order"
                    .into(),
            );
        }
    }
    Ok(())
}

/// sops-nix's name for a service's secret (secret-files.nix `sopsName`).
pub fn sops_name(id: &str, name: &str) -> String {
    format!("atproto/{id}/{name}")
}

/// The `.age` file in `agenix_dir` for a service's secret (secret-files.nix `ageFile`
/// of `ageName`).
pub fn age_file_name(id: &str, name: &str) -> String {
    format!("{id}-{name}.age")
}

/// The plaintext YAML for sops: each secret under its sops-nix name split at `/` into
/// nested maps, values double-quoted (JSON string syntax, which YAML reads the same) so
/// that hex never turns into a number.
pub fn sops_yaml(id: &str, secrets: &[ImportedSecret], sops_file: &str) -> SecretValue {
    let mut out = format!(
        "# Plaintext secrets for sops, written by atproto-wizard import-pds. Encrypt them\n\
         # into {sops_file}, then delete this file.\n"
    );
    // All names share their leading parts (atproto/<id>/), so the maps nest once.
    let mut open: Vec<String> = Vec::new();
    for s in secrets {
        let path = sops_name(id, &s.name);
        let parts: Vec<&str> = path.split('/').collect();
        let (leaf, parents) = parts.split_last().expect("a name has parts");
        let common = open
            .iter()
            .zip(parents.iter())
            .take_while(|(a, b)| a == *b)
            .count();
        open.truncate(common);
        for (depth, part) in parents.iter().enumerate().skip(common) {
            out.push_str(&format!("{}{part}:\n", "  ".repeat(depth)));
            open.push(part.to_string());
        }
        let quoted = serde_json::to_string(s.value.expose()).expect("a string serialises");
        out.push_str(&format!("{}{leaf}: {quoted}\n", "  ".repeat(parents.len())));
    }
    SecretValue(out)
}

/// A secret file to write on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretFile {
    pub path: PathBuf,
    pub contents: SecretValue,
    /// What it holds, for the report (`jwt_secret`, `the sops plaintext`).
    pub what: String,
    /// Whether a different file there may be replaced: only a staging copy for sops or
    /// agenix (its source is still in pds.env); a secret the host reads never.
    pub replaceable: bool,
}

/// Everything the backend needs written: root-only directories (0700, made in order),
/// then the files (`mode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub dirs: Vec<PathBuf>,
    pub files: Vec<SecretFile>,
    pub mode: u32,
    /// For sops and agenix, what to run to encrypt the plaintext (paths only).
    pub encrypt: Vec<String>,
    /// For sops and agenix, the plaintext directory to delete once encrypted.
    pub staging: Option<PathBuf>,
    /// For sops the encrypted file, for agenix the directory of `.age` files, in the
    /// host's directory on this machine.
    pub encrypted: Option<PathBuf>,
}

/// Where the plaintext for sops or agenix waits to be encrypted, under `--root`: in
/// /run, which is kept in memory, so the plaintext never reaches a disk.
pub const STAGING_DIR: &str = "/run/atproto-wizard-import";

/// `path` (absolute, as on the host) under `root`.
pub fn under(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

/// The files `backend` needs for `secrets` of service `id`. `root` prefixes every path
/// written here; `host_dir` is the host directory on this machine (for the sops file
/// or agenix directory the answers name, `repo_file`).
pub fn layout(
    catalog: &Catalog,
    backend: Backend,
    id: &str,
    secrets: &[ImportedSecret],
    root: &Path,
    host_dir: &Path,
    repo_file: Option<&str>,
) -> Layout {
    let in_host = |p: &str| host_dir.join(p.trim_start_matches("./"));
    let shell = |p: &Path| crate::shell::shell_word(&p.display().to_string());
    match backend {
        Backend::Generate => {
            let parent = under(root, &catalog.plan.secrets_dir);
            let dir = parent.join(id);
            let files = secrets
                .iter()
                .map(|s| SecretFile {
                    path: under(root, &catalog.plan.generated_secret_file(id, &s.name)),
                    contents: s.value.clone(),
                    what: s.name.clone(),
                    replaceable: false,
                })
                .collect();
            Layout {
                dirs: vec![parent, dir],
                files,
                mode: 0o400,
                encrypt: Vec::new(),
                staging: None,
                encrypted: None,
            }
        }
        Backend::Sops => {
            let staging = under(root, STAGING_DIR);
            let plain = staging.join("secrets.yaml");
            let sops_file = repo_file.unwrap_or("./secrets/secrets.yaml");
            let target = in_host(sops_file);
            let mut encrypt = Vec::new();
            if let Some(parent) = target.parent() {
                encrypt.push(format!("mkdir -p {}", shell(parent)));
            }
            encrypt.push(format!(
                "sops --encrypt --age AGE_PUBLIC_KEY {} > {}",
                shell(&plain),
                shell(&target)
            ));
            Layout {
                dirs: vec![staging.clone()],
                files: vec![SecretFile {
                    path: plain,
                    contents: sops_yaml(id, secrets, sops_file),
                    what: "the plaintext for sops".into(),
                    replaceable: true,
                }],
                mode: 0o600,
                encrypt,
                staging: Some(staging),
                encrypted: Some(target),
            }
        }
        Backend::Agenix => {
            let staging = under(root, STAGING_DIR).join("agenix");
            let age_dir = in_host(repo_file.unwrap_or("./secrets"));
            let mut files = Vec::new();
            let mut encrypt = vec![format!("mkdir -p {}", shell(&age_dir))];
            for s in secrets {
                let age = age_file_name(id, &s.name);
                let plain = staging.join(age.trim_end_matches(".age"));
                encrypt.push(format!(
                    "age --encrypt -r AGE_PUBLIC_KEY -o {} {}",
                    shell(&age_dir.join(&age)),
                    shell(&plain)
                ));
                files.push(SecretFile {
                    path: plain,
                    contents: s.value.clone(),
                    what: format!("the plaintext of {}", s.name),
                    replaceable: true,
                });
            }
            Layout {
                dirs: vec![under(root, STAGING_DIR), staging.clone()],
                files,
                mode: 0o600,
                encrypt,
                staging: Some(under(root, STAGING_DIR)),
                encrypted: Some(age_dir),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pds() -> &'static crate::catalog::Service {
        Catalog::embedded().service("bluesky-pds").unwrap()
    }

    fn secret(name: &str) -> &'static Secret {
        pds().secrets.iter().find(|s| s.name == name).unwrap()
    }

    fn imported(name: &str, value: &str) -> ImportedSecret {
        ImportedSecret {
            name: name.into(),
            env: secret(name).env.clone().unwrap(),
            line: 1,
            value: SecretValue::new(value.into()),
        }
    }

    #[test]
    fn a_rotation_key_must_be_64_hex_characters_in_range() {
        let key = secret("plc_rotation_key");
        let good = "3d1f1c4a6b5e8f7a9c0b2d4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a";
        assert_eq!(check_format(key, good), Ok(()));
        assert_eq!(check_format(key, &good.to_uppercase()), Ok(()));
        let short = check_format(key, &good[..63]).unwrap_err();
        assert!(short.contains("63 characters"), "{short}");
        assert!(!short.contains(&good[..63]), "{short}");
        let not_hex = check_format(key, &format!("{}g", &good[..63])).unwrap_err();
        assert!(not_hex.contains("not all of them hex"), "{not_hex}");
        assert!(check_format(key, &"0".repeat(64)).is_err());
        assert!(check_format(key, SECP256K1_N).is_err());
        assert!(check_format(key, &"f".repeat(64)).is_err());
        // Any one-line value does for the JWT secret; an empty or two-line one does not.
        let jwt = secret("jwt_secret");
        assert_eq!(check_format(jwt, "anything at all"), Ok(()));
        assert!(check_format(jwt, "").is_err());
        assert!(check_format(jwt, "a\nb").is_err());
    }

    #[test]
    fn the_sops_plaintext_nests_each_name_at_its_slashes_and_quotes_every_value() {
        let yaml = sops_yaml(
            "bluesky-pds",
            &[
                imported("jwt_secret", "1234e5"),
                imported("admin_password", "say \"hi\"\\"),
            ],
            "./secrets/secrets.yaml",
        );
        let body: Vec<&str> = yaml
            .expose()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect();
        assert_eq!(
            body,
            [
                "atproto:",
                "  bluesky-pds:",
                "    jwt_secret: \"1234e5\"",
                "    admin_password: \"say \\\"hi\\\"\\\\\"",
            ]
        );
        assert!(!format!("{yaml:?}").contains("1234e5"));
    }

    #[test]
    fn each_backend_puts_the_files_where_it_reads_them() {
        let c = Catalog::embedded();
        let root = Path::new("/mnt");
        let host = Path::new("/mnt/etc/nixos");
        let s = [imported("jwt_secret", "x")];
        let g = layout(c, Backend::Generate, "bluesky-pds", &s, root, host, None);
        assert_eq!(
            g.files[0].path,
            Path::new("/mnt/var/lib/atproto-secrets/bluesky-pds/jwt_secret")
        );
        assert_eq!(g.mode, 0o400);
        assert!(!g.files[0].replaceable);
        let a = layout(
            c,
            Backend::Agenix,
            "bluesky-pds",
            &s,
            root,
            host,
            Some("./keys"),
        );
        assert_eq!(
            a.encrypt,
            [
                "mkdir -p /mnt/etc/nixos/keys",
                "age --encrypt -r AGE_PUBLIC_KEY -o /mnt/etc/nixos/keys/bluesky-pds-jwt_secret.age /mnt/run/atproto-wizard-import/agenix/bluesky-pds-jwt_secret"
            ]
        );
        let y = layout(c, Backend::Sops, "bluesky-pds", &s, root, host, None);
        assert_eq!(
            y.encrypt,
            [
                "mkdir -p /mnt/etc/nixos/secrets",
                "sops --encrypt --age AGE_PUBLIC_KEY /mnt/run/atproto-wizard-import/secrets.yaml > /mnt/etc/nixos/secrets/secrets.yaml"
            ]
        );
        assert_eq!(y.mode, 0o600);
    }
}
