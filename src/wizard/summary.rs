//! The plain summary the Review step shows before the file diff: the services, the
//! ports opened in the firewall, the DNS records to create (with the `*.<domain>`
//! wildcard PDS handles need), the secrets the host will generate and where (never
//! their values), the files the operator must provide, and the disk and memory the
//! chosen services need (from the catalog's `resources`). Pure: from the plan alone.
use crate::catalog::{Generator, Kind};
use crate::plan::PlanView;
use crate::plan::ports::active_ports;
use crate::plan::public::{proxy_on, serves_publicly};
use crate::validate::own_secrets::{owns_secrets, provided_by_host};
use crate::value::Value;

use super::first_switch::{Machine, first_switch};
use super::questions::status_word;
use crate::shell::shell_word;

/// One enabled service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLine {
    pub id: String,
    pub title: String,
    pub status: &'static str,
    /// The name the proxy serves it at, when it does.
    pub domain: Option<String>,
    /// `name number` of each port it listens on.
    pub ports: Vec<(String, i64)>,
}

/// A DNS name to point at the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsRecord {
    pub name: String,
    pub why: String,
}

/// A secret a service gets on the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretLine {
    pub owner: String,
    pub name: String,
    /// The file the service reads.
    pub location: String,
    /// Generated on the host (true), or provided by the operator.
    pub generated: bool,
    /// Where the operator puts it when not generated (sops key, .age file).
    pub source: Option<String>,
    pub required: bool,
}

/// Everything the Review summary says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub services: Vec<ServiceLine>,
    /// Ports opened in the firewall (80 and 443 for the proxy).
    pub firewall_open: Vec<u16>,
    /// Whether the firewall is on at all.
    pub firewall_on: bool,
    pub proxy: Option<String>,
    pub dns: Vec<DnsRecord>,
    pub backend: String,
    pub secrets: Vec<SecretLine>,
    /// Services whose secrets the host's own files provide (`own_secrets`): (title,
    /// what those files must hold). Their secrets are not in `secrets`.
    pub own_secrets: Vec<(String, Vec<String>)>,
    /// Root-only files the operator names in the answers (`*_file` fields): (what, path).
    pub operator_files: Vec<(String, String)>,
    pub disk_gb: u32,
    pub memory_mb: u32,
    /// Answers that still hold an example value (`example.com`, `example.org`).
    pub placeholders: Vec<String>,
}

/// The summary of a plan.
pub fn summarize(view: &PlanView) -> Summary {
    let catalog = view.catalog;
    let str_at = |path: &str| {
        view.get(path)
            .and_then(|v| v.as_str().map(String::from))
            .filter(|s| !s.is_empty())
    };
    let on = |path: &str| view.get(path) == Some(Value::Bool(true));
    let proxy = proxy_on(view);
    let ports = active_ports(view);
    let mut s = Summary {
        firewall_on: on("integrations.security.firewall"),
        proxy: proxy.then(|| str_at("integrations.proxy.kind").unwrap_or_default()),
        backend: str_at("integrations.secrets.backend").unwrap_or_else(|| "(not chosen)".into()),
        ..Summary::default()
    };
    if proxy && s.firewall_on && on("integrations.proxy.open_firewall") {
        s.firewall_open = vec![80, 443];
    }
    for service in view.enabled_services() {
        let served = proxy && serves_publicly(view, service);
        let domain = served
            .then(|| str_at(&format!("services.{}.domain", service.id)))
            .flatten();
        let prefix = format!("services.{}.ports.", service.id);
        s.services.push(ServiceLine {
            id: service.id.clone(),
            title: service.title.clone(),
            status: status_word(service.status),
            domain: domain.clone(),
            ports: ports
                .iter()
                .filter_map(|p| {
                    p.path
                        .strip_prefix(&prefix)
                        .map(|name| (name.to_string(), p.number))
                })
                .collect(),
        });
        if let Some(d) = domain {
            push_dns(&mut s.dns, &d, &service.title);
            if service.kind == Kind::Pds {
                push_dns(
                    &mut s.dns,
                    &format!("*.{d}"),
                    &format!("user handles on {}", service.title),
                );
            }
        }
        s.disk_gb += service.resources.disk_gb;
        s.memory_mb += service.resources.memory_mb;
        if owns_secrets(view, &service.id) {
            // Nothing generates or declares them: the host's own files hold them.
            s.own_secrets
                .push((service.title.clone(), provided_by_host(view, service)));
            continue;
        }
        for secret in &service.secrets {
            s.secrets
                .push(secret_line(&s.backend, view, &service.id, secret));
        }
    }
    if on("integrations.monitoring.grafana") {
        for name in ["admin_password", "secret_key"] {
            s.secrets.push(SecretLine {
                owner: "grafana".into(),
                name: name.into(),
                location: view.catalog.plan.generated_secret_file("grafana", name),
                generated: true,
                source: None,
                required: true,
            });
        }
    }
    for (section, fields) in &catalog.plan.integrations {
        for f in fields.iter().filter(|f| f.key.ends_with("_file")) {
            let path = format!("integrations.{section}.{}", f.key);
            if let Some(file) = view.raw(&path).and_then(Value::as_str)
                && !file.is_empty()
                && !file.starts_with("./")
            {
                s.operator_files.push((path, file.to_string()));
            }
        }
    }
    collect_placeholders(String::new(), &Value::Table(view.tree.clone()), &mut s);
    s
}

fn push_dns(dns: &mut Vec<DnsRecord>, name: &str, why: &str) {
    if let Some(r) = dns.iter_mut().find(|r| r.name == name) {
        r.why.push_str(", ");
        r.why.push_str(why);
    } else {
        dns.push(DnsRecord {
            name: name.into(),
            why: why.into(),
        });
    }
}

fn secret_line(
    backend: &str,
    view: &PlanView,
    id: &str,
    secret: &crate::catalog::Secret,
) -> SecretLine {
    let name = &secret.name;
    let external = secret.generator == Generator::External;
    let (location, generated, source) = match backend {
        "sops" => (
            format!("/run/secrets/atproto/{id}/{name}"),
            false,
            Some(format!(
                "key atproto/{id}/{name} in {}",
                view.get("integrations.secrets.sops_file")
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "the sops file".into())
            )),
        ),
        "agenix" => (
            format!("/run/agenix/atproto-{id}-{name}"),
            false,
            Some(format!(
                "{}/{id}-{name}.age",
                view.get("integrations.secrets.agenix_dir")
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| ".".into())
                    .trim_end_matches('/')
            )),
        ),
        _ => (
            view.catalog.plan.generated_secret_file(id, name),
            !external,
            None,
        ),
    };
    SecretLine {
        owner: id.into(),
        name: name.clone(),
        location,
        generated,
        source,
        required: secret.required,
    }
}

fn collect_placeholders(path: String, v: &Value, s: &mut Summary) {
    match v {
        Value::Table(t) => {
            for (k, child) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                collect_placeholders(p, child, s);
            }
        }
        Value::Str(text) if text.contains("example.com") || text.contains("example.org") => {
            s.placeholders.push(path)
        }
        Value::List(items)
            if items
                .iter()
                .any(|i| i.as_str().is_some_and(|t| t.contains("example.com"))) =>
        {
            s.placeholders.push(path)
        }
        _ => {}
    }
}

impl Summary {
    /// The summary as plain lines (no styling, control characters escaped), for the
    /// Review step and the line mode.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.services.is_empty() {
            out.push("Services: none chosen yet (step Services).".to_string());
        } else {
            out.push("Services:".into());
            for sv in &self.services {
                let ports: Vec<String> = sv.ports.iter().map(|(n, p)| format!("{n} {p}")).collect();
                let mut line = format!("  {} ({})", sv.title, sv.status);
                if let Some(d) = &sv.domain {
                    line.push_str(&format!(" at https://{d}"));
                }
                if !ports.is_empty() {
                    line.push_str(&format!("; listens on {}", ports.join(", ")));
                }
                out.push(line);
            }
        }
        out.push(
            match (&self.proxy, self.firewall_on, self.firewall_open.is_empty()) {
                (_, false, _) => {
                    "Firewall: off. Every port a service listens on is reachable from outside."
                        .into()
                }
                (Some(p), true, false) => format!(
                    "Firewall: opens 80 and 443 for {p}; the services' own ports stay closed."
                ),
                (Some(_), true, true) => {
                    "Firewall: on, and opens nothing (proxy.open_firewall is off).".into()
                }
                (None, true, _) => {
                    "Firewall: on, and opens nothing: there is no reverse proxy.".into()
                }
            },
        );
        if self.proxy.is_none() {
            out.push(
                "DNS: no reverse proxy here; point DNS at whatever serves these services.".into(),
            );
        } else if self.dns.is_empty() {
            out.push("DNS: no public names.".into());
        } else {
            out.push("DNS records to create (A and AAAA to this machine's addresses):".into());
            for r in &self.dns {
                out.push(format!("  {}  ({})", r.name, r.why));
            }
        }
        let generated: Vec<&SecretLine> = self.secrets.iter().filter(|x| x.generated).collect();
        let provided: Vec<&SecretLine> = self.secrets.iter().filter(|x| !x.generated).collect();
        if !generated.is_empty() {
            out.push(
                "Secrets generated on the host at first start (root-only; never shown, never in these files):"
                    .into(),
            );
            // One line per directory: the directory, then the file names in it.
            let mut dirs: Vec<(String, Vec<String>)> = Vec::new();
            for x in generated {
                let (dir, name) = x
                    .location
                    .rsplit_once('/')
                    .map_or((String::new(), x.location.clone()), |(d, n)| {
                        (format!("{d}/"), n.to_string())
                    });
                match dirs.iter_mut().find(|(d, _)| *d == dir) {
                    Some((_, names)) => names.push(name),
                    None => dirs.push((dir, vec![name])),
                }
            }
            for (dir, names) in dirs {
                out.push(format!("  {dir}: {}", names.join(", ")));
            }
        }
        if !provided.is_empty() {
            out.push(format!(
                "Secrets you provide (backend {}):",
                if self.backend.is_empty() {
                    "?"
                } else {
                    &self.backend
                }
            ));
            for x in provided {
                let opt = if x.required { "" } else { " (optional)" };
                match &x.source {
                    Some(src) => out.push(format!("  {}{opt}: {src}", x.location)),
                    None => out.push(format!("  {}{opt}", x.location)),
                }
            }
        }
        let own: Vec<&(String, Vec<String>)> = self
            .own_secrets
            .iter()
            .filter(|(_, names)| !names.is_empty())
            .collect();
        if !own.is_empty() {
            out.push(
                "Secrets your host's own NixOS files provide (own_secrets; nothing generates them):"
                    .into(),
            );
            for (title, names) in own {
                out.push(format!("  {title}: {}", names.join(", ")));
            }
        }
        if !self.operator_files.is_empty() {
            out.push("Root-only files you create on the host:".into());
            for (path, file) in &self.operator_files {
                out.push(format!("  {file}  ({path})"));
            }
        }
        let memory = if self.memory_mb >= 1024 {
            format!("{:.1} GB", f64::from(self.memory_mb) / 1024.0).replace(".0 GB", " GB")
        } else {
            format!("{} MB", self.memory_mb)
        };
        out.push(format!(
            "Needs at least {} GB of disk and {memory} of memory for the services.",
            self.disk_gb
        ));
        if !self.placeholders.is_empty() {
            out.push(format!(
                "Still example values: {} (change them before going live).",
                self.placeholders.join(", ")
            ));
        }
        // Domains and names come from the answers file: shown escaped (`safe_text`).
        out.into_iter()
            .map(|l| crate::safe_text::escape(&l).into_owned())
            .collect()
    }
}

/// What to run after writing the host into `dir`, one instruction per entry (each may
/// hold a command on a line of its own after a newline): the one list the wizard's Done
/// step, the line mode and `apply` print. Never a secret value: the PDS admin password
/// is read on the host, once, by the operator. `machine`, when the caller looked, adds
/// what to copy before the first switch ([`first_switch`]).
pub fn next_steps(
    view: &PlanView,
    dir: &std::path::Path,
    git_add: &[String],
    machine: Option<&Machine>,
) -> Vec<String> {
    let shown = dir.display().to_string();
    let d = shell_word(&shown);
    let mut out = Vec::new();
    if !git_add.is_empty() {
        out.push(format!(
            "A flake only sees the files git tracks: add the new ones.\n  git -C {d} add {}",
            git_add.join(" ")
        ));
    }
    out.push(format!(
        "Preview what would be built and which services would start (changes nothing):\n  atproto-wizard preview {d}"
    ));
    if let Some(step) = machine.and_then(|m| first_switch_step(view, dir, m)) {
        out.push(step);
    }
    out.push(switch_step(view, dir));
    let s = summarize(view);
    if !s.dns.is_empty() {
        let names: Vec<&str> = s.dns.iter().map(|r| r.name.as_str()).collect();
        out.push(format!(
            "Point DNS (A and AAAA records) at the machine for: {}.",
            names.join(", ")
        ));
    }
    for sv in s.services.iter().filter(|sv| {
        view.catalog.service(&sv.id).is_some_and(|c| {
            c.kind == Kind::Pds && c.secrets.iter().any(|x| x.name == "admin_password")
        })
    }) {
        match s
            .secrets
            .iter()
            .find(|x| x.owner == sv.id && x.name == "admin_password")
        {
            Some(x) if x.generated => out.push(format!(
                "{}'s admin password is generated on the machine when it first starts; the wizard never sees it. After the first switch, read it once (for goat pds admin or pdsadmin):\n  sudo cat {}",
                sv.title, x.location
            )),
            Some(x) => out.push(format!(
                "{}'s admin password comes from {} (read by the service at {}).",
                sv.title,
                x.source.clone().unwrap_or_default(),
                x.location
            )),
            None if owns_secrets(view, &sv.id) => {
                let env = view
                    .catalog
                    .service(&sv.id)
                    .and_then(|c| c.secrets.iter().find(|x| x.name == "admin_password"))
                    .and_then(|x| x.env.clone())
                    .unwrap_or_else(|| "admin password".into());
                out.push(format!(
                    "{}'s admin password is the {env} your host's own NixOS files give it (own_secrets); the wizard never sees it.",
                    sv.title
                ));
            }
            None => {}
        }
    }
    out.push(format!(
        "To change this host later:\n  atproto-wizard edit {d}"
    ));
    out
}

/// Building the host in `dir` and switching to it: `nixos-rebuild switch` with the
/// flake's configuration (or, for a classic host, its configuration.nix).
pub fn switch_step(view: &PlanView, dir: &std::path::Path) -> String {
    let shown = dir.display().to_string();
    let host = view.flake_name();
    let classic = view.get("host.mode") == Some(Value::Str("classic".into()));
    if classic {
        let cmd = if dir == std::path::Path::new("/etc/nixos") {
            "sudo nixos-rebuild switch".to_string()
        } else {
            format!(
                "sudo nixos-rebuild switch -I nixos-config={}",
                shell_word(&format!("{shown}/configuration.nix"))
            )
        };
        format!("On the machine, build and switch to it:\n  {cmd}")
    } else {
        let flake_dir = if dir.is_absolute() || shown.starts_with("./") || shown.starts_with("../")
        {
            shown.clone()
        } else {
            format!("./{shown}")
        };
        format!(
            "On the machine, build and switch to it:\n  sudo nixos-rebuild switch --flake {}",
            shell_word(&format!("{flake_dir}#{host}"))
        )
    }
}

/// The step before the first switch for this plan's `host.flake_url`, if one is needed.
pub fn first_switch_step(
    view: &PlanView,
    dir: &std::path::Path,
    machine: &Machine,
) -> Option<String> {
    let url = view.get("host.flake_url")?;
    first_switch(url.as_str()?, dir, machine)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::wizard::profiles;

    #[test]
    fn a_community_pds_needs_the_wildcard_and_generates_its_secrets() {
        let c = Catalog::embedded();
        let d = profiles::find("community-pds").unwrap().draft(c);
        let s = summarize(&d.view());
        assert_eq!(s.firewall_open, [80, 443]);
        let names: Vec<&str> = s.dns.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["pds.example.com", "*.pds.example.com"]);
        assert!(
            s.secrets.iter().any(|x| x.generated
                && x.location == "/var/lib/atproto-secrets/bluesky-pds/admin_password")
        );
        assert!(
            s.secrets
                .iter()
                .any(|x| x.name == "smtp_url" && !x.generated && !x.required)
        );
        assert_eq!((s.disk_gb, s.memory_mb), (20, 1024));
        assert!(
            s.operator_files
                .iter()
                .any(|(_, f)| f == "/var/lib/secrets/restic-password")
        );
        let text = s.lines().join("\n");
        assert!(!text.contains("PDS_JWT"), "{text}");
    }

    #[test]
    fn secrets_the_hosts_own_files_provide_are_neither_generated_nor_the_backends() {
        let c = Catalog::embedded();
        let mut d = profiles::find("community-pds").unwrap().draft(c);
        d.set("services.bluesky-pds.own_secrets", &Value::Bool(true));
        let s = summarize(&d.view());
        assert!(
            !s.secrets.iter().any(|x| x.owner == "bluesky-pds"),
            "{:?}",
            s.secrets
        );
        assert_eq!(
            s.own_secrets,
            [(
                "Bluesky PDS".to_string(),
                vec![
                    "PDS_JWT_SECRET".to_string(),
                    "PDS_ADMIN_PASSWORD".to_string(),
                    "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX".to_string()
                ]
            )]
        );
        let text = s.lines().join("\n");
        assert!(
            !text.contains("/var/lib/atproto-secrets/bluesky-pds"),
            "{text}"
        );
        assert!(
            text.contains(
                "Secrets your host's own NixOS files provide (own_secrets; nothing generates them):\n  Bluesky PDS: PDS_JWT_SECRET, PDS_ADMIN_PASSWORD, PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX"
            ),
            "{text}"
        );
        // No `sudo cat` of a generated password that never exists.
        let steps = next_steps(&d.view(), std::path::Path::new("/etc/nixos"), &[], None).join("\n");
        assert!(!steps.contains("sudo cat"), "{steps}");
        assert!(
            steps.contains("Bluesky PDS's admin password is the PDS_ADMIN_PASSWORD your host's own NixOS files give it"),
            "{steps}"
        );
    }
}
