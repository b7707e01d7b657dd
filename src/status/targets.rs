//! What `status` looks at on a host, derived from its plan (pure): each enabled
//! service's systemd unit, health endpoint, public name and state directories, the
//! secrets the backend prepares, the backup job and the names whose certificates the
//! proxy serves. Every name here is the one the NixOS modules give the host.
use crate::catalog::{Kind, Service};
use crate::plan::PlanView;
use crate::plan::ports::active_ports;
use crate::plan::public::{proxy_on, serves_publicly};
use crate::validate::own_secrets::owns_secrets;
use crate::value::Value;
use crate::wizard::summary::summarize;

/// One enabled service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTarget {
    pub id: String,
    pub title: String,
    /// Its systemd unit, without `.service`.
    pub unit: String,
    /// More units of the same service, started after the main one.
    pub companions: Vec<String>,
    /// Where it answers while healthy, on the host's loopback.
    pub health: Option<HealthTarget>,
    /// The state directories systemd makes for it (`StateDirectory=`).
    pub state_dirs: Vec<String>,
    /// The catalog's disk estimate.
    pub disk_gb: u32,
    /// The unit that prepares its secrets, when the backend runs one.
    pub secrets_unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthTarget {
    pub port: u16,
    pub path: String,
}

/// A secret's file, as the service reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretFile {
    pub owner: String,
    pub name: String,
    pub file: String,
}

/// The backup job the backup integration declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupTarget {
    /// `restic` or `borg`.
    pub kind: String,
    pub unit: String,
    /// The schedule's period in seconds when it is one of systemd's shorthands
    /// (`daily`, `hourly`, …); `None` for any other calendar expression.
    pub period: Option<i64>,
}

/// The period of a systemd calendar shorthand (systemd.time(7), "Calendar Events"):
/// other expressions have none that is cheap to know, and are not judged for age.
pub fn shorthand_period(schedule: &str) -> Option<i64> {
    const DAY: i64 = 86_400;
    Some(match schedule.trim() {
        "minutely" => 60,
        "hourly" => 3_600,
        "daily" => DAY,
        "weekly" => 7 * DAY,
        "monthly" => 31 * DAY,
        "quarterly" => 92 * DAY,
        "semiannually" => 184 * DAY,
        "yearly" | "annually" => 366 * DAY,
        _ => return None,
    })
}

/// A name served over TLS by the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsTarget {
    /// The name as shown (`*.pds.example.com` for handles).
    pub label: String,
    /// The name asked for (SNI): for a wildcard, a name under it.
    pub server_name: String,
}

/// Everything `status` checks on one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusTargets {
    /// The host's `nixosConfigurations` entry.
    pub flake_name: String,
    /// A flake host (classic hosts have no cheap exact comparison).
    pub flake: bool,
    pub services: Vec<ServiceTarget>,
    pub secret_files: Vec<SecretFile>,
    pub backup: Option<BackupTarget>,
    pub tls: Vec<TlsTarget>,
}

/// The systemd unit of a catalog service: every module names it after the service's
/// id (nixlib/lib/service-module.nix's `systemd.services.${id}`, and nixpkgs'
/// bluesky-pds module's `systemd.services.bluesky-pds`). The one place this is said;
/// a test evaluates the modules to keep it true.
pub fn unit_of(service: &Service) -> String {
    service.id.clone()
}

/// Units a service's module runs beside its main one (its `companions`), which the
/// catalog does not describe: Ozone's daemon (nixlib/modules/services/ozone.nix).
const COMPANIONS: &[(&str, &str)] = &[("ozone", "ozone-daemon")];

pub fn companions_of(service: &Service) -> Vec<String> {
    COMPANIONS
        .iter()
        .filter(|(id, _)| *id == service.id)
        .map(|(_, unit)| unit.to_string())
        .collect()
}

/// The oneshot that prepares a service's secrets (nixlib/modules/integration/secrets.nix).
pub fn secrets_unit_of(unit: &str) -> String {
    format!("atproto-secrets-{unit}")
}

/// The backup job's unit: nixpkgs names restic's `restic-backups-<name>` and borg's
/// `borgbackup-job-<name>`; the backup integration names its job `atproto`.
pub fn backup_unit_of(kind: &str) -> Option<String> {
    match kind {
        "restic" => Some("restic-backups-atproto".into()),
        "borg" => Some("borgbackup-job-atproto".into()),
        _ => None,
    }
}

/// The name asked for when checking a handles wildcard certificate: any name under
/// the wildcard is answered with it.
pub const WILDCARD_PROBE_LABEL: &str = "status-check";

pub fn targets(view: &PlanView) -> StatusTargets {
    let text = |path: &str| match view.get(path) {
        Some(Value::Str(s)) if !s.is_empty() => Some(s),
        _ => None,
    };
    let backend = text("integrations.secrets.backend").unwrap_or_else(|| "generate".into());
    let ports = active_ports(view);
    let proxy = proxy_on(view);
    let handles = text("integrations.tls.handles").unwrap_or_default();
    let mut tls = Vec::new();
    let mut services = Vec::new();
    for service in view.enabled_services() {
        let unit = unit_of(service);
        let health = service.health.as_ref().and_then(|h| {
            let path = format!("services.{}.ports.{}", service.id, h.port);
            let number = ports.iter().find(|p| p.path == path)?.number;
            Some(HealthTarget {
                port: u16::try_from(number).ok()?,
                path: h.path.clone(),
            })
        });
        let secrets_unit =
            has_secrets_unit(view, service, &backend).then(|| secrets_unit_of(&unit));
        services.push(ServiceTarget {
            id: service.id.clone(),
            title: service.title.clone(),
            health,
            state_dirs: service
                .state
                .iter()
                .map(|s| format!("/var/lib/{}", s.name))
                .collect(),
            disk_gb: service.resources.disk_gb,
            secrets_unit,
            companions: companions_of(service),
            unit,
        });
        if proxy
            && serves_publicly(view, service)
            && let Some(domain) = text(&format!("services.{}.domain", service.id))
            && !tls.iter().any(|t: &TlsTarget| t.label == domain)
        {
            tls.push(TlsTarget {
                label: domain.clone(),
                server_name: domain.clone(),
            });
            // Only a wildcard certificate can be asked for by any name; on-demand
            // certificates exist for the handles in use, and asking for another
            // would only make the proxy try to issue one.
            if service.kind == Kind::Pds && handles == "dns-01-wildcard" {
                tls.push(TlsTarget {
                    label: format!("*.{domain}"),
                    server_name: format!("{WILDCARD_PROBE_LABEL}.{domain}"),
                });
            }
        }
    }
    StatusTargets {
        flake_name: view.flake_name(),
        flake: text("host.mode").is_none_or(|m| m != "classic"),
        secret_files: secret_files(view),
        backup: text("integrations.backup.kind").and_then(|kind| {
            let unit = backup_unit_of(&kind)?;
            let period = text("integrations.backup.schedule")
                .as_deref()
                .and_then(shorthand_period);
            Some(BackupTarget { kind, unit, period })
        }),
        services,
        tls,
    }
}

/// The secret files the services read, as the Review summary lists them, keeping only
/// those the modules declare: required ones, and optional ones whose setting is set.
fn secret_files(view: &PlanView) -> Vec<SecretFile> {
    summarize(view)
        .secrets
        .into_iter()
        .filter(|line| {
            let Some(service) = view.catalog.service(&line.owner) else {
                // Grafana's, which the monitoring integration always makes.
                return true;
            };
            service
                .secrets
                .iter()
                .find(|s| s.name == line.name)
                .is_some_and(|s| needed(view, service, s))
        })
        .map(|line| SecretFile {
            owner: line.owner,
            name: line.name,
            file: line.location,
        })
        .collect()
}

/// nixlib/lib/secret-files.nix's `needed`.
fn needed(view: &PlanView, service: &Service, secret: &crate::catalog::Secret) -> bool {
    secret.required
        || secret.needed_with.as_ref().is_some_and(|key| {
            view.get(&format!("services.{}.settings.{key}", service.id))
                .is_some_and(|v| v != Value::Str(String::new()))
        })
}

/// Whether the secrets integration runs a oneshot for the service: it prepares every
/// secret not kept by sops-nix (all of them with generate or agenix), and a remote
/// database's password file.
fn has_secrets_unit(view: &PlanView, service: &Service, backend: &str) -> bool {
    if owns_secrets(view, &service.id) {
        return false;
    }
    let prepared = backend != "sops" && service.secrets.iter().any(|s| needed(view, service, s));
    let remote_password = service.needs.postgres != crate::catalog::Need::None
        && view.get("integrations.database.kind") == Some(Value::Str("remote".into()))
        && matches!(view.get("integrations.database.password_file"), Some(Value::Str(s)) if !s.is_empty());
    prepared || remote_password
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::plan::Answers;

    fn of(text: &str) -> StatusTargets {
        let answers = Answers::parse("t.toml", text).unwrap();
        targets(&PlanView::new(Catalog::embedded(), &answers.tree))
    }

    const PDS: &str = r#"schema = 1
[host]
hostname = "pds1"
domain = "pds.example.com"
[services.bluesky-pds]
ports.http = 3100
[services.bluesky-pds.settings]
hostname = "pds.example.com"
admin_email = "admin@example.com"
[integrations.proxy]
kind = "nginx"
[integrations.tls]
acme = true
handles = "dns-01-wildcard"
[integrations.backup]
kind = "borg"
repository = "ssh://backup@example.net/./pds"
password_file = "/root/borg-pass"
[integrations.secrets]
backend = "generate"
"#;

    #[test]
    fn a_pds_is_checked_at_its_unit_port_state_and_secrets() {
        let t = of(PDS);
        assert_eq!(t.flake_name, "pds1");
        assert!(t.flake);
        let pds = &t.services[0];
        assert_eq!(pds.unit, "bluesky-pds");
        // The plan's port, not the catalog's default.
        assert_eq!(
            pds.health,
            Some(HealthTarget {
                port: 3100,
                path: "/xrpc/_health".into()
            })
        );
        assert_eq!(pds.state_dirs, ["/var/lib/pds"]);
        assert_eq!(
            pds.secrets_unit.as_deref(),
            Some("atproto-secrets-bluesky-pds")
        );
        let files: Vec<&str> = t.secret_files.iter().map(|f| f.file.as_str()).collect();
        assert!(
            files.contains(&"/var/lib/atproto-secrets/bluesky-pds/jwt_secret"),
            "{files:?}"
        );
        assert_eq!(
            t.backup,
            Some(BackupTarget {
                kind: "borg".into(),
                unit: "borgbackup-job-atproto".into(),
                period: Some(86_400),
            })
        );
    }

    #[test]
    fn a_wildcard_certificate_is_asked_for_by_a_name_under_it() {
        let t = of(PDS);
        let labels: Vec<(&str, &str)> = t
            .tls
            .iter()
            .map(|n| (n.label.as_str(), n.server_name.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                ("pds.example.com", "pds.example.com"),
                ("*.pds.example.com", "status-check.pds.example.com")
            ]
        );
        // On-demand certificates exist only for handles in use: none is asked for.
        let t = of(&PDS
            .replace("dns-01-wildcard", "on-demand")
            .replace("nginx", "caddy"));
        assert_eq!(t.tls.len(), 1);
        // Without a proxy nothing is served over TLS by the host.
        let t = of(&PDS.replace("kind = \"nginx\"", "kind = \"none\""));
        assert!(t.tls.is_empty());
    }

    #[test]
    fn sops_keeps_the_secrets_so_no_oneshot_prepares_them() {
        let t = of(&PDS.replace(
            "backend = \"generate\"",
            "backend = \"sops\"\nsops_file = \"./secrets.yaml\"",
        ));
        assert_eq!(t.services[0].secrets_unit, None);
        assert!(
            t.secret_files
                .iter()
                .all(|f| f.file.starts_with("/run/secrets/atproto/bluesky-pds/"))
        );
    }

    #[test]
    fn ozone_is_checked_at_its_daemon_too() {
        let t = of("schema = 1\n[host]\nhostname = \"h\"\n[services.ozone]\n");
        assert_eq!(t.services[0].unit, "ozone");
        assert_eq!(t.services[0].companions, ["ozone-daemon"]);
        let keys: Vec<String> = crate::status::probes::probes(&t, "/d")
            .into_iter()
            .map(|p| p.key)
            .filter(|k| k.contains("ozone-daemon"))
            .collect();
        assert_eq!(keys, ["unit:ozone-daemon", "journal:ozone-daemon"]);
    }

    #[test]
    fn a_service_without_health_upstream_has_none_and_no_backup_means_none() {
        let t = of("schema = 1\n[host]\nhostname = \"h\"\n[services.jetstream]\n");
        assert_eq!(t.services[0].unit, "jetstream");
        assert_eq!(t.services[0].health, None);
        assert_eq!(t.backup, None);
    }
}
