//! Each variable of `pds.env` matched against the catalog's `env` names (pure): a
//! setting's value converted to its type as the PDS converts it, the port, the secrets
//! set apart and checked, the variables the NixOS module sets itself, and the rest
//! named as not carried (never with its value, which could be a secret).
use std::collections::BTreeMap;

use super::env_file::EnvFile;
use super::plan::{Carried, DOCKER_DATA_DIR, NotCarried, PlanError, SERVICE, data_dir};
use super::secrets::{ImportedSecret, SecretValue, check_format};
use crate::catalog::{FieldType, Service};
use crate::value::Value;

/// The variables the NixOS module sets itself, and why each is not carried (nixpkgs'
/// nixos/modules/services/web-apps/bluesky-pds.nix: PDS_DATA_DIRECTORY /var/lib/pds,
/// PDS_BLOBSTORE_DISK_LOCATION /var/lib/pds/blocks, LOG_ENABLED "true").
const MODULE_SETS: [&str; 3] = [
    "PDS_DATA_DIRECTORY",
    "PDS_BLOBSTORE_DISK_LOCATION",
    "LOG_ENABLED",
];

/// Where each variable of pds.env went.
#[derive(Debug)]
pub struct Carrying {
    pub carried: Vec<Carried>,
    /// In catalog order.
    pub secrets: Vec<ImportedSecret>,
    /// In file order.
    pub not_carried: Vec<NotCarried>,
    /// PDS_PORT when pds.env gives a valid one.
    pub port: Option<u16>,
    /// Where the blobs are, relative to the data directory (`blocks`).
    pub blobs: String,
}

/// Matches every variable of `env` against `service`'s catalog entry.
pub fn carry(service: &Service, env: &EnvFile) -> Result<Carrying, PlanError> {
    let mut carried = Vec::new();
    let mut not_carried = Vec::new();
    let mut found_secrets: BTreeMap<String, (String, usize, String)> = BTreeMap::new();
    let mut port = None;
    let data_dir_in_docker = env
        .get("PDS_DATA_DIRECTORY")
        .map_or(DOCKER_DATA_DIR.to_string(), |e| e.value.clone());
    let nixos_data = data_dir(service).unwrap_or_default();
    let mut blobs = "blocks".to_string();
    if let Some(e) = env
        .get("PDS_BLOBSTORE_S3_BUCKET")
        .filter(|e| !e.value.is_empty())
    {
        return Err(PlanError::S3Blobs { line: e.line });
    }
    if let Some(e) = env.get("PDS_BLOBSTORE_DISK_LOCATION") {
        let prefix = format!("{}/", data_dir_in_docker.trim_end_matches('/'));
        match e.value.strip_prefix(&prefix) {
            Some(rel) if !rel.is_empty() && !rel.split('/').any(|p| p == ".." || p == ".") => {
                blobs = rel.trim_end_matches('/').to_string();
            }
            _ => {
                return Err(PlanError::BlobsElsewhere {
                    line: e.line,
                    location: e.value.clone(),
                });
            }
        }
    }

    for entry in env.effective() {
        let key = entry.key.as_str();
        let skip = |why: String, by_module: bool| NotCarried {
            env: key.to_string(),
            line: entry.line,
            why,
            by_module,
        };
        if let Some(secret) = service
            .secrets
            .iter()
            .find(|s| s.env.as_deref() == Some(key))
        {
            if entry.value.is_empty() {
                not_carried.push(skip(
                    "empty: the PDS reads an empty value as unset".into(),
                    false,
                ));
            } else {
                check_format(secret, &entry.value).map_err(|why| PlanError::BadSecret {
                    env: key.to_string(),
                    line: entry.line,
                    why,
                })?;
                found_secrets.insert(
                    secret.name.clone(),
                    (key.to_string(), entry.line, entry.value.clone()),
                );
            }
        } else if let Some(field) = service
            .settings
            .iter()
            .find(|f| f.env.as_deref() == Some(key))
        {
            match convert(field.ty, &entry.value) {
                Ok(value) => carried.push(Carried {
                    env: key.to_string(),
                    line: entry.line,
                    path: format!("services.{SERVICE}.settings.{}", field.key),
                    value,
                }),
                Err(why) => not_carried.push(skip(why, false)),
            }
        } else if let Some(p) = service.ports.iter().find(|p| p.env.as_deref() == Some(key)) {
            match convert(FieldType::Port, &entry.value) {
                Ok(Value::Int(n)) if (1..=65535).contains(&n) => {
                    port = Some(n as u16);
                    carried.push(Carried {
                        env: key.to_string(),
                        line: entry.line,
                        path: format!("services.{SERVICE}.ports.{}", p.name),
                        value: Value::Int(n),
                    });
                }
                Ok(_) => not_carried.push(skip("not a port number (1 to 65535)".into(), false)),
                Err(why) => not_carried.push(skip(why, false)),
            }
        } else if MODULE_SETS.contains(&key) {
            let why = match key {
                "PDS_DATA_DIRECTORY" => format!(
                    "the NixOS module keeps the PDS's data in {nixos_data}; the data is copied there"
                ),
                "PDS_BLOBSTORE_DISK_LOCATION" => format!(
                    "the NixOS module keeps the blobs in {nixos_data}/blocks; they are copied there"
                ),
                _ if entry.value == "true" => "nixpkgs' module sets LOG_ENABLED=true itself".into(),
                _ => "nixpkgs' module sets LOG_ENABLED=true, and the answers file has no setting \
                      for it: set services.bluesky-pds.settings.LOG_ENABLED in configuration.nix \
                      to keep it otherwise"
                    .into(),
            };
            not_carried.push(skip(why, true));
        } else {
            let why = if crate::validate::looks_like_secret(key) {
                "the catalog has no setting for it, and it looks like a secret: put it in a \
                 root-only file given to services.bluesky-pds.environmentFiles if the PDS \
                 needs it (its value is not shown)"
            } else {
                "the catalog has no setting for it (the answers file takes only catalog \
                 settings): set services.bluesky-pds.settings in configuration.nix if the PDS \
                 needs it (its value is not shown, as it could be a secret)"
            };
            not_carried.push(skip(why.into(), false));
        }
    }

    // Secrets: in catalog order; each one the PDS needs must be there.
    let is_carried = |key: &str| {
        carried
            .iter()
            .any(|c| c.path == format!("services.{SERVICE}.settings.{key}"))
    };
    let mut secrets = Vec::new();
    for secret in &service.secrets {
        let Some(env_name) = secret.env.clone() else {
            continue;
        };
        let needed = secret.required || secret.needed_with.as_deref().is_some_and(is_carried);
        match (found_secrets.remove(&secret.name), needed) {
            (Some((env, line, value)), true) => secrets.push(ImportedSecret {
                name: secret.name.clone(),
                env,
                line,
                value: SecretValue::new(value),
            }),
            (Some((env, line, _)), false) => not_carried.push(NotCarried {
                why: format!(
                    "the PDS reads it only with {}, which pds.env does not set; it is not written",
                    secret
                        .needed_with
                        .as_deref()
                        .and_then(|k| service.settings.iter().find(|f| f.key == k))
                        .and_then(|f| f.env.clone())
                        .unwrap_or_default()
                ),
                env,
                line,
                by_module: false,
            }),
            (None, true) => {
                return Err(PlanError::MissingSecret {
                    env: env_name,
                    name: secret.name.clone(),
                });
            }
            (None, false) => {}
        }
    }
    not_carried.sort_by_key(|n| n.line);
    Ok(Carrying {
        carried,
        secrets,
        not_carried,
        port,
        blobs,
    })
}

/// A value from pds.env as the PDS reads it (@atproto/common's envBool, envInt,
/// envList, envStr), in the setting's type; why not, when the PDS would not take it.
fn convert(ty: FieldType, raw: &str) -> Result<Value, String> {
    if raw.is_empty() {
        return Err("empty: the PDS reads an empty value as unset".into());
    }
    match ty {
        FieldType::Bool => match raw {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            _ => Err(
                "neither true/1 nor false/0, so the PDS read it as unset; the catalog's default is used"
                    .into(),
            ),
        },
        FieldType::Int | FieldType::Port => raw
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|_| "not a whole number; the catalog's default is used".into()),
        FieldType::List => Ok(Value::List(
            raw.split(',').map(|s| Value::Str(s.to_string())).collect(),
        )),
        _ => Ok(Value::Str(raw.to_string())),
    }
}
