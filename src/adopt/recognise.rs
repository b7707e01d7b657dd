//! What the catalog knows in a hand-written host: its bindings (read by
//! `hostedit::module_leaves`) turned into answers, each with the file and line it came
//! from, and the bindings the wizard takes over (they leave the operator's files).
//! Everything else stays where it is; the ones worth knowing about are listed with why.
//!
//! The rule throughout: the host must run the same after adoption. A binding is taken
//! over only when the wizard's modules then produce the same value for it; a value the
//! wizard would give differently when left unset is written into the answers as the
//! host has it.
use std::collections::BTreeMap;

use crate::catalog::Catalog;
use crate::catalog::model::{Field, FieldType, Service};
use crate::hostedit::{Leaf, Lit};
use crate::value::Value;

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file, relative to the host directory.
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A leaf binding of one of the host's files.
#[derive(Debug, Clone)]
pub struct HostLeaf {
    pub file: String,
    pub leaf: Leaf,
}

impl HostLeaf {
    fn origin(&self) -> Origin {
        Origin {
            file: self.file.clone(),
            line: self.leaf.line,
        }
    }
    fn path(&self) -> String {
        self.leaf.path.join(".")
    }
}

/// One answer found, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The dotted answers path, e.g. `services.bluesky-pds.settings.hostname`.
    pub key: String,
    pub value: Value,
    /// `None` for a value the host has by leaving it unset (written so the wizard's
    /// default does not change it).
    pub from: Option<Origin>,
    /// Why, for a value the host has by leaving it unset.
    pub note: Option<String>,
}

/// A binding left where it is, worth telling the operator about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// The NixOS option path, e.g. `services.bluesky-pds.environmentFiles`.
    pub path: String,
    pub from: Origin,
    pub why: String,
}

/// What adoption found in the host.
#[derive(Debug, Clone, Default)]
pub struct Recognised {
    pub found: Vec<Found>,
    /// The bindings taken over: (file, byte range of the entry).
    pub adopted: Vec<(String, (usize, usize))>,
    pub kept: Vec<Kept>,
    /// Problems that stop adoption (one sentence each, with what to do).
    pub problems: Vec<String>,
    /// Things the operator should know.
    pub notes: Vec<String>,
    /// Options whose text is not a literal but whose value the answers need: what an
    /// evaluation of the host would give (option paths).
    pub to_evaluate: Vec<String>,
}

/// What the caller knows beyond the files.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The flake's `nixosConfigurations` entry being adopted, when the host is a flake.
    pub flake_host: Option<String>,
    /// `--admin-email`, when given.
    pub admin_email: Option<String>,
    /// Whether the host directory has a flake.nix.
    pub flake: bool,
    /// Values Nix gave for options whose text is not a literal, by option path
    /// (`evaluate`); `None` when the host was not evaluated.
    pub evaluated: Option<BTreeMap<String, Lit>>,
}

/// Reads what the catalog knows from the host's leaves.
pub fn recognise(catalog: &Catalog, leaves: &[HostLeaf], ctx: &Context) -> Recognised {
    let mut r = Recognised::default();
    let by_path: BTreeMap<String, &HostLeaf> = leaves.iter().map(|l| (l.path(), l)).collect();
    let mut taken = |r: &mut Recognised, l: &HostLeaf| {
        r.adopted.push((l.file.clone(), l.leaf.entry));
    };

    // ------------------------------------------------------------ services
    let mut domain: Option<(String, Option<Origin>)> = None;
    let mut pds_port: Option<i64> = None;
    for service in catalog.services.values() {
        let prefix = format!("services.{}.", service.id);
        let Some(enable) = by_path.get(&format!("{prefix}enable")) else {
            continue;
        };
        if enable.leaf.value != Some(Lit::Bool(true)) {
            r.kept.push(Kept {
                path: enable.path(),
                from: enable.origin(),
                why: "not a plain `true`, so the service is left as it is".into(),
            });
            continue;
        }
        r.found.push(Found {
            key: format!("services.{}.enable", service.id),
            value: Value::Bool(true),
            from: Some(enable.origin()),
            note: None,
        });
        taken(&mut r, enable);
        let mine: Vec<&HostLeaf> = leaves
            .iter()
            .filter(|l| l.path().starts_with(&prefix) && l.path() != format!("{prefix}enable"))
            .collect();
        if service.nixpkgs_module {
            let port = nixpkgs_service(service, &mine, ctx, &mut r, &mut taken);
            if service.id == "bluesky-pds" {
                pds_port = Some(port);
                let hostname = format!("services.{}.settings.hostname", service.id);
                if let Some(f) = r.found.iter().find(|f| f.key == hostname)
                    && let Value::Str(d) = &f.value
                {
                    domain = Some((d.clone(), f.from.clone()));
                }
            }
        } else {
            own_service(service, &mine, &mut r, &mut taken);
        }
    }
    if !r.found.iter().any(|f| f.key.ends_with(".enable")) {
        r.problems.push(
            "No service the wizard knows is enabled here (for example `services.bluesky-pds.enable = true;`): there is nothing to adopt. Start a new host with `atproto-wizard new` instead."
                .into(),
        );
        return r;
    }

    // ------------------------------------------------------------ host
    host_section(catalog, &by_path, ctx, domain.as_ref(), &mut r, &mut taken);

    // ------------------------------------------------------------ integrations
    // A host that already uses the project's modules by hand: its own choices first.
    project_integrations(catalog, leaves, &mut r, &mut taken);
    if !r.found.iter().any(|f| f.key == "integrations.proxy.kind") {
        let proxied = domain
            .as_ref()
            .zip(pds_port)
            .map(|((d, _), p)| (d.clone(), p));
        proxy_and_tls(&by_path, leaves, proxied, &mut r, &mut taken);
    }
    quiet_integrations(catalog, &by_path, &mut r, &mut taken);
    others_kept(leaves, &mut r);
    r
}

/// nixpkgs' own module (the PDS): settings are its environment variables. Returns the
/// port it listens on.
fn nixpkgs_service(
    service: &Service,
    mine: &[&HostLeaf],
    ctx: &Context,
    r: &mut Recognised,
    taken: &mut impl FnMut(&mut Recognised, &HostLeaf),
) -> i64 {
    let id = &service.id;
    let settings_prefix = format!("services.{id}.settings.");
    let mut port = service.ports.first().map_or(0, |p| i64::from(p.default));
    let mut seen_env: Vec<String> = Vec::new();
    let mut own_secrets = false;
    for l in mine {
        let path = l.path();
        if let Some(env) = path.strip_prefix(&settings_prefix) {
            seen_env.push(env.to_string());
            if let Some(p) = service.ports.iter().find(|p| p.env.as_deref() == Some(env)) {
                match l.leaf.value.as_ref().and_then(int_of) {
                    Some(n) => {
                        port = n;
                        r.found.push(Found {
                            key: format!("services.{id}.ports.{}", p.name),
                            value: Value::Int(n),
                            from: Some(l.origin()),
                            note: None,
                        });
                        taken(r, l);
                    }
                    None => match evaluated(ctx, r, l).as_ref().and_then(int_of) {
                        Some(n) => {
                            port = n;
                            found_by_evaluation(
                                r,
                                l,
                                format!("services.{id}.ports.{}", p.name),
                                Value::Int(n),
                            );
                        }
                        None => keep(r, l, "not a literal port number"),
                    },
                }
                continue;
            }
            if service
                .secrets
                .iter()
                .any(|s| s.env.as_deref() == Some(env))
            {
                own_secrets = true;
                r.kept.push(Kept {
                    path,
                    from: l.origin(),
                    why: "a secret written into the Nix configuration (it is in the world-readable Nix store): move it into an environment file, then remove it here; the wizard never copies a secret into atproto.toml".into(),
                });
                continue;
            }
            let Some(field) = service
                .settings
                .iter()
                .find(|f| f.env.as_deref() == Some(env))
            else {
                keep(
                    r,
                    l,
                    "a setting the catalog does not model; it keeps working as written",
                );
                continue;
            };
            let key = format!("services.{id}.settings.{}", field.key);
            match l.leaf.value.as_ref().and_then(|v| answer_of(field, v)) {
                Some(value) => {
                    r.found.push(Found {
                        key,
                        value,
                        from: Some(l.origin()),
                        note: None,
                    });
                    taken(r, l);
                }
                None => match evaluated(ctx, r, l).and_then(|v| answer_of(field, &v)) {
                    Some(value) => found_by_evaluation(r, l, key, value),
                    None => keep(r, l, "its value is not a literal the wizard can read"),
                },
            }
            continue;
        }
        if path == format!("services.{id}.environmentFiles") {
            own_secrets = true;
            r.kept.push(Kept {
                path,
                from: l.origin(),
                why: "it feeds the service's secrets; it stays, and the secrets backend makes none for this service".into(),
            });
            continue;
        }
        let why = if path == format!("services.{id}.settings") {
            "the settings are built by an expression the wizard cannot read; they keep working as written"
        } else {
            "an option the wizard does not manage; it keeps working as written"
        };
        keep(r, l, why);
    }
    if own_secrets {
        r.found.push(Found {
            key: format!("services.{id}.own_secrets"),
            value: Value::Bool(true),
            from: None,
            note: Some("the host provides this service's secrets itself".into()),
        });
    }
    // Settings left unset where the wizard's default differs from what the program
    // does without the variable: written as the host has them.
    for field in &service.settings {
        let Some(env) = &field.env else { continue };
        if seen_env.contains(env) {
            continue;
        }
        if let Some(unset) = &field.unset_means {
            let value = Value::from_toml(unset);
            r.found.push(Found {
                key: format!("services.{id}.settings.{}", field.key),
                value,
                from: None,
                note: Some(format!(
                    "{env} is not set on this host, and this is what the program then does"
                )),
            });
        }
    }
    port
}

/// One of the project's own services: `services.<id>.{domain,ports.*,settings.*}` by the
/// catalog's names.
fn own_service(
    service: &Service,
    mine: &[&HostLeaf],
    r: &mut Recognised,
    taken: &mut impl FnMut(&mut Recognised, &HostLeaf),
) {
    let id = &service.id;
    for l in mine {
        let path = l.path();
        let rest = &path[format!("services.{id}.").len()..];
        let answer = if rest == "domain" {
            l.leaf
                .value
                .as_ref()
                .and_then(|v| v.as_text())
                .map(|d| ("domain".to_string(), Value::Str(d)))
        } else if let Some(name) = rest.strip_prefix("ports.") {
            service
                .ports
                .iter()
                .find(|p| p.name == name)
                .and_then(|_| l.leaf.value.as_ref().and_then(int_of))
                .map(|n| (rest.to_string(), Value::Int(n)))
        } else if let Some(key) = rest.strip_prefix("settings.") {
            service
                .settings
                .iter()
                .find(|f| f.key == key)
                .and_then(|f| l.leaf.value.as_ref().and_then(|v| answer_of(f, v)))
                .map(|v| (rest.to_string(), v))
        } else {
            None
        };
        match answer {
            Some((key, value)) => {
                r.found.push(Found {
                    key: format!("services.{id}.{key}"),
                    value,
                    from: Some(l.origin()),
                    note: None,
                });
                taken(r, l);
            }
            None => keep(r, l, "not something the catalog models as a literal"),
        }
    }
}

/// `[host]`: the machine's name, the public domain, the admin's address.
fn host_section(
    catalog: &Catalog,
    by_path: &BTreeMap<String, &HostLeaf>,
    ctx: &Context,
    domain: Option<&(String, Option<Origin>)>,
    r: &mut Recognised,
    taken: &mut impl FnMut(&mut Recognised, &HostLeaf),
) {
    let _ = catalog;
    match by_path.get("networking.hostName") {
        Some(l) => match l.leaf.value.as_ref().and_then(|v| v.as_text()) {
            Some(name) => {
                r.found.push(Found {
                    key: "host.hostname".into(),
                    value: Value::Str(name),
                    from: Some(l.origin()),
                    note: None,
                });
                taken(r, l);
            }
            None => match evaluated(ctx, r, l).and_then(|v| v.as_text()) {
                Some(name) => {
                    found_by_evaluation(r, l, "host.hostname".into(), Value::Str(name))
                }
                None if ctx.evaluated.is_none() => {}
                None => r.problems.push(format!(
                    "networking.hostName at {} is not a literal name and Nix could not give its value: write it as a string, then adopt again.",
                    l.origin()
                )),
            },
        },
        None => {
            // The flake's entry name, or NixOS's default.
            let name = ctx.flake_host.clone().unwrap_or_else(|| "nixos".into());
            r.found.push(Found {
                key: "host.hostname".into(),
                value: Value::Str(name),
                from: None,
                note: Some("networking.hostName is not set in the host's files".into()),
            });
        }
    }
    // The flake's entry, when it is not the machine's name.
    let hostname = r
        .found
        .iter()
        .find(|f| f.key == "host.hostname")
        .and_then(|f| f.value.as_str().map(String::from));
    if let Some(entry) = &ctx.flake_host
        && hostname.as_deref() != Some(entry.as_str())
    {
        r.found.push(Found {
            key: "host.flake_name".into(),
            value: Value::Str(entry.clone()),
            from: None,
            note: Some(format!(
                "the flake's nixosConfigurations.{entry}, whose machine name differs"
            )),
        });
    }
    if let Some((d, origin)) = domain {
        r.found.push(Found {
            key: "host.domain".into(),
            value: Value::Str(d.clone()),
            from: origin.clone(),
            note: origin
                .is_none()
                .then(|| "the PDS's hostname, evaluated with Nix".into()),
        });
    } else if let Some(d) = by_path
        .get("atproto.host.domain")
        .and_then(|l| l.leaf.value.as_ref()?.as_text())
    {
        r.found.push(Found {
            key: "host.domain".into(),
            value: Value::Str(d),
            from: by_path.get("atproto.host.domain").map(|l| l.origin()),
            note: None,
        });
        taken(r, by_path["atproto.host.domain"]);
    }
    let email_sources = [
        "atproto.host.admin_email",
        "security.acme.defaults.email",
        "security.acme.email",
        "services.bluesky-pds.settings.PDS_CONTACT_EMAIL_ADDRESS",
    ];
    let from_files = email_sources.iter().find_map(|p| {
        let l = by_path.get(*p)?;
        Some((l.leaf.value.as_ref()?.as_text()?, l.origin()))
    });
    match (&ctx.admin_email, from_files) {
        (Some(e), _) => r.found.push(Found {
            key: "host.admin_email".into(),
            value: Value::Str(e.clone()),
            from: None,
            note: Some("given with --admin-email".into()),
        }),
        (None, Some((e, origin))) => {
            r.found.push(Found {
                key: "host.admin_email".into(),
                value: Value::Str(e),
                from: Some(origin),
                note: None,
            });
            // The project's own option is taken over; the others are read, not taken.
            if let Some(l) = by_path.get("atproto.host.admin_email") {
                taken(r, l);
            }
        }
        (None, None) => r.problems.push(
            "The host names no administrator's email address (security.acme.defaults.email or the PDS's PDS_CONTACT_EMAIL_ADDRESS): give one with --admin-email ADDRESS."
                .into(),
        ),
    }
    if let Some(l) = by_path.get("system.stateVersion")
        && let Some(v) = l.leaf.value.as_ref().and_then(|v| v.as_text())
    {
        // Read, not taken: configuration.nix keeps it (atproto.nix never sets it).
        r.found.push(Found {
            key: "host.state_version".into(),
            value: Value::Str(v),
            from: Some(l.origin()),
            note: None,
        });
    }
    r.found.push(Found {
        key: "host.mode".into(),
        value: Value::Str(if ctx.flake { "flake" } else { "classic" }.into()),
        from: None,
        note: Some(if ctx.flake {
            "the host directory has a flake.nix".into()
        } else {
            "the host directory has no flake.nix".into()
        }),
    });
}

/// The reverse proxy in front of the PDS and its certificates. nginx is taken over when
/// its virtual host for the PDS is exactly the one the wizard writes for a PDS whose
/// handles get one wildcard certificate (DNS-01): the name and `*.<name>`, the PDS's
/// port on loopback with WebSockets, `useACMEHost` on the certificate, which names the
/// wildcard, a DNS provider and its credentials file and is readable by nginx. The
/// rest of nginx's configuration stays and merges with it. Anything else (Caddy, an
/// nginx that serves no handles, one set up differently) stays entirely as written,
/// with the proxy `none`: the wizard's checks require certificates for the handles of
/// a PDS behind its own proxy, which such a host does not have.
fn proxy_and_tls(
    by_path: &BTreeMap<String, &HostLeaf>,
    leaves: &[HostLeaf],
    pds: Option<(String, i64)>,
    r: &mut Recognised,
    taken: &mut impl FnMut(&mut Recognised, &HostLeaf),
) {
    let set = |r: &mut Recognised, key: &str, value: Value, from: Option<Origin>| {
        if !r.found.iter().any(|f| f.key == key) {
            r.found.push(Found {
                key: key.into(),
                value,
                from,
                note: None,
            });
        }
    };
    // The wizard's nginx turns nginx's recommended settings on unless the host says
    // otherwise: a host that leaves one unset would get it turned on.
    let recommended = [
        "recommendedProxySettings",
        "recommendedTlsSettings",
        "recommendedOptimisation",
        "recommendedGzipSettings",
    ];
    let unset: Vec<&str> = recommended
        .iter()
        .filter(|k| {
            by_path
                .get(&format!("services.nginx.{k}"))
                .and_then(|l| l.leaf.value.as_ref())
                .is_none_or(|v| !matches!(v, Lit::Bool(_)))
        })
        .copied()
        .collect();
    let shaped = pds.and_then(|(domain, port)| wildcard_nginx(by_path, &domain, port));
    let shaped_but_unset = shaped.is_some() && !unset.is_empty();
    let adopted = shaped.filter(|_| unset.is_empty());
    match adopted {
        Some(w) => {
            for l in &w.leaves {
                taken(r, l);
            }
            set(
                r,
                "integrations.proxy.kind",
                Value::Str("nginx".into()),
                None,
            );
            set(
                r,
                "integrations.tls.acme",
                Value::Bool(true),
                Some(w.cert_origin.clone()),
            );
            set(
                r,
                "integrations.tls.handles",
                Value::Str("dns-01-wildcard".into()),
                Some(w.cert_origin.clone()),
            );
            set(
                r,
                "integrations.tls.dns_provider",
                Value::Str(w.provider.0),
                Some(w.provider.1),
            );
            set(
                r,
                "integrations.tls.dns_credentials_file",
                Value::Str(w.credentials.0),
                Some(w.credentials.1),
            );
            for k in recommended {
                // The wizard sets them on by default; a host's own `true` means the same,
                // its own `false` stays and wins.
                if let Some(l) = by_path.get(&format!("services.nginx.{k}"))
                    && l.leaf.value == Some(Lit::Bool(true))
                {
                    taken(r, l);
                }
            }
            // The body size: the wizard's default is not nginx's, so it is always
            // written, as the host has it (nixpkgs' default when unset).
            let body = by_path.get("services.nginx.clientMaxBodySize");
            let mb = match body.and_then(|l| l.leaf.value.as_ref()?.as_text()) {
                Some(text) => text
                    .strip_suffix(['m', 'M'])
                    .and_then(|n| n.parse::<i64>().ok()),
                None => Some(10),
            };
            match (mb, body) {
                (Some(n), Some(l)) => {
                    set(
                        r,
                        "integrations.proxy.max_body_size_mb",
                        Value::Int(n),
                        Some(l.origin()),
                    );
                    taken(r, l);
                }
                (Some(n), None) => r.found.push(Found {
                    key: "integrations.proxy.max_body_size_mb".into(),
                    value: Value::Int(n),
                    from: None,
                    note: Some(
                        "nginx's own limit (services.nginx.clientMaxBodySize is not set)".into(),
                    ),
                }),
                (None, Some(l)) => keep(
                    r,
                    l,
                    "not written in megabytes (like \"100m\"), so it stays",
                ),
                (None, None) => {}
            }
            if let Some(l) = by_path.get("security.acme.acceptTerms")
                && l.leaf.value == Some(Lit::Bool(true))
            {
                set(
                    r,
                    "integrations.tls.accept_terms",
                    Value::Bool(true),
                    Some(l.origin()),
                );
                taken(r, l);
            }
            if let Some(l) = by_path.get("security.acme.defaults.email")
                && let Some(e) = l.leaf.value.as_ref().and_then(|v| v.as_text())
            {
                set(
                    r,
                    "integrations.tls.acme_email",
                    Value::Str(e),
                    Some(l.origin()),
                );
                taken(r, l);
            }
        }
        None => {
            let caddy = leaves
                .iter()
                .any(|l| l.path().starts_with("services.caddy."));
            let nginx = leaves
                .iter()
                .any(|l| l.path().starts_with("services.nginx."));
            if nginx && shaped_but_unset {
                r.notes.push(format!(
                    "nginx stays yours: the wizard's nginx turns on {} unless the host sets them, and this host leaves them unset. Set each to true or false in your files, then adopt again to let the wizard manage nginx.",
                    unset
                        .iter()
                        .map(|k| format!("services.nginx.{k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            } else if caddy || nginx {
                r.notes.push(format!(
                    "The {} configuration stays as you wrote it, and integrations.proxy.kind is \"none\": the wizard adds no proxy of its own. It takes over an nginx only when it serves the PDS's domain and its handles (*.<domain>) with one DNS-01 wildcard certificate, as the wizard would write it; a PDS behind the wizard's proxy must have certificates for its handles.",
                    if caddy { "Caddy" } else { "nginx" }
                ));
            }
            set(
                r,
                "integrations.proxy.kind",
                Value::Str("none".into()),
                None,
            );
            // Without a proxy of the wizard's, no certificate of the wizard's either.
            set(r, "integrations.tls.acme", Value::Bool(false), None);
        }
    }
    // The host's own firewall rules stay; the wizard opens nothing more.
    set(
        r,
        "integrations.proxy.open_firewall",
        Value::Bool(false),
        None,
    );
}

/// An nginx front for the PDS exactly as the wizard writes one with a wildcard
/// certificate: the bindings to take over, and the certificate's provider and
/// credentials.
struct WildcardNginx<'a> {
    leaves: Vec<&'a HostLeaf>,
    cert_origin: Origin,
    provider: (String, Origin),
    credentials: (String, Origin),
}

fn wildcard_nginx<'a>(
    by_path: &BTreeMap<String, &'a HostLeaf>,
    domain: &str,
    port: i64,
) -> Option<WildcardNginx<'a>> {
    let vhost = |k: &str| {
        by_path
            .get(&format!("services.nginx.virtualHosts.{domain}.{k}"))
            .copied()
    };
    let cert = |k: &str| {
        by_path
            .get(&format!("security.acme.certs.{domain}.{k}"))
            .copied()
    };
    let is = |l: Option<&HostLeaf>, v: Lit| l.is_some_and(|l| l.leaf.value.as_ref() == Some(&v));
    let wildcard = Lit::List(vec![Lit::Str(format!("*.{domain}"))]);
    let ok = is(
        by_path.get("services.nginx.enable").copied(),
        Lit::Bool(true),
    ) && is(
        vhost("locations./.proxyPass"),
        Lit::Str(format!("http://127.0.0.1:{port}")),
    ) && is(vhost("locations./.proxyWebsockets"), Lit::Bool(true))
        && is(vhost("forceSSL"), Lit::Bool(true))
        && is(vhost("serverAliases"), wildcard.clone())
        && is(vhost("useACMEHost"), Lit::Str(domain.to_string()))
        && vhost("enableACME").is_none_or(|l| l.leaf.value == Some(Lit::Bool(false)))
        && is(cert("extraDomainNames"), wildcard)
        && is(cert("group"), Lit::Str("nginx".into()));
    if !ok {
        return None;
    }
    let text = |l: &HostLeaf| Some((l.leaf.value.as_ref()?.as_text()?, l.origin()));
    let provider = text(cert("dnsProvider")?)?;
    let credentials = text(cert("environmentFile")?)?;
    let mut leaves: Vec<&HostLeaf> = [
        "locations./.proxyPass",
        "locations./.proxyWebsockets",
        "forceSSL",
        "serverAliases",
        "useACMEHost",
        "enableACME",
    ]
    .iter()
    .filter_map(|k| vhost(k))
    .collect();
    leaves.extend(
        [
            "extraDomainNames",
            "group",
            "dnsProvider",
            "environmentFile",
        ]
        .iter()
        .filter_map(|k| cert(k)),
    );
    leaves.push(by_path["services.nginx.enable"]);
    Some(WildcardNginx {
        cert_origin: cert("extraDomainNames")?.origin(),
        leaves,
        provider,
        credentials,
    })
}

/// `atproto.integration.<section>.<key>` bindings, as a host written by hand against the
/// project's modules has them: the same answers, by the catalog's names.
fn project_integrations(
    catalog: &Catalog,
    leaves: &[HostLeaf],
    r: &mut Recognised,
    taken: &mut impl FnMut(&mut Recognised, &HostLeaf),
) {
    for l in leaves {
        let [a, b, section, key] = l.leaf.path.as_slice() else {
            continue;
        };
        if a != "atproto" || b != "integration" {
            continue;
        }
        let Some(field) = catalog
            .plan
            .integrations
            .get(section)
            .and_then(|fields| fields.iter().find(|f| &f.key == key))
        else {
            continue;
        };
        match l.leaf.value.as_ref().and_then(|v| answer_of(field, v)) {
            Some(value) => {
                r.found.push(Found {
                    key: format!("integrations.{section}.{key}"),
                    value,
                    from: Some(l.origin()),
                    note: None,
                });
                taken(r, l);
            }
            None => keep(
                r,
                l,
                "not a literal the wizard can read; it keeps working as written",
            ),
        }
    }
}

/// The integrations the wizard would otherwise switch on: written off (or as the host
/// has them), so adoption adds nothing the host did not run. A host's own database,
/// backup jobs and secrets tools stay as written.
fn quiet_integrations(
    catalog: &Catalog,
    by_path: &BTreeMap<String, &HostLeaf>,
    r: &mut Recognised,
    _taken: &mut impl FnMut(&mut Recognised, &HostLeaf),
) {
    let _ = catalog;
    let off = |r: &mut Recognised, key: &str, value: Value| {
        if !r.found.iter().any(|f| f.key == key) {
            r.found.push(Found {
                key: key.into(),
                value,
                from: None,
                note: None,
            });
        }
    };
    off(r, "integrations.database.kind", Value::Str("none".into()));
    off(r, "integrations.redis.enable", Value::Bool(false));
    off(r, "integrations.monitoring.prometheus", Value::Bool(false));
    off(
        r,
        "integrations.monitoring.node_exporter",
        Value::Bool(false),
    );
    off(r, "integrations.monitoring.grafana", Value::Bool(false));
    off(
        r,
        "integrations.logging.kind",
        Value::Str("journald".into()),
    );
    // The wizard's firewall switch is a default NixOS shares; a host's own `false` wins.
    let firewall = by_path
        .get("networking.firewall.enable")
        .and_then(|l| l.leaf.value.clone())
        != Some(Lit::Bool(false));
    off(r, "integrations.security.firewall", Value::Bool(firewall));
    off(r, "integrations.security.fail2ban", Value::Bool(false));
    off(r, "integrations.security.apparmor", Value::Bool(false));
    off(r, "integrations.backup.kind", Value::Str("none".into()));
    off(
        r,
        "integrations.secrets.backend",
        Value::Str("generate".into()),
    );
}

/// Bindings outside any service that the operator should know stay theirs.
fn others_kept(leaves: &[HostLeaf], r: &mut Recognised) {
    const WORTH_NAMING: [(&str, &str); 5] = [
        (
            "services.postgresql.",
            "the host's own PostgreSQL stays as written",
        ),
        (
            "services.restic.backups.",
            "the host's own restic backups stay as written",
        ),
        (
            "services.borgbackup.jobs.",
            "the host's own borg backups stay as written",
        ),
        ("sops.", "sops-nix secrets stay as written"),
        ("age.", "agenix secrets stay as written"),
    ];
    for (prefix, why) in WORTH_NAMING {
        if let Some(l) = leaves.iter().find(|l| l.path().starts_with(prefix)) {
            r.kept.push(Kept {
                path: prefix.trim_end_matches('.').into(),
                from: l.origin(),
                why: why.into(),
            });
        }
    }
}

/// The value Nix gave for `l`'s option; without an evaluation yet, the option is
/// noted as one to evaluate.
fn evaluated(ctx: &Context, r: &mut Recognised, l: &HostLeaf) -> Option<Lit> {
    match &ctx.evaluated {
        Some(values) => values.get(&l.path()).cloned(),
        None => {
            r.to_evaluate.push(l.path());
            None
        }
    }
}

/// An answer read by evaluating the host: recorded, and its binding kept (an expression
/// the wizard cannot write back; both give the same value).
fn found_by_evaluation(r: &mut Recognised, l: &HostLeaf, key: String, value: Value) {
    r.found.push(Found {
        key,
        value,
        from: None,
        note: Some(format!(
            "evaluated with Nix; {} keeps its expression",
            l.origin()
        )),
    });
    r.kept.push(Kept {
        path: l.path(),
        from: l.origin(),
        why: "an expression: its value, evaluated with Nix, is recorded in atproto.toml, and the binding stays".into(),
    });
}

fn keep(r: &mut Recognised, l: &HostLeaf, why: &str) {
    r.kept.push(Kept {
        path: l.path(),
        from: l.origin(),
        why: why.into(),
    });
}

/// An integer from a literal or a string of digits (nixpkgs' settings are strings).
fn int_of(v: &Lit) -> Option<i64> {
    match v {
        Lit::Int(i) => Some(*i),
        Lit::Str(s) => s.parse().ok(),
        _ => None,
    }
}

/// The answers value for a setting, from the literal written for it (an environment
/// variable's text for nixpkgs' settings, a typed value for the project's own).
fn answer_of(field: &Field, v: &Lit) -> Option<Value> {
    match field.ty {
        FieldType::Bool => match v {
            Lit::Bool(b) => Some(Value::Bool(*b)),
            Lit::Str(s) if s == "true" => Some(Value::Bool(true)),
            Lit::Str(s) if s == "false" => Some(Value::Bool(false)),
            _ => None,
        },
        FieldType::Int | FieldType::Port => int_of(v).map(Value::Int),
        FieldType::List => match v {
            Lit::List(items) => items
                .iter()
                .map(|i| i.as_text().map(Value::Str))
                .collect::<Option<Vec<_>>>()
                .map(Value::List),
            Lit::Str(s) => Some(Value::List(
                s.split(',')
                    .filter(|p| !p.is_empty())
                    .map(|p| Value::Str(p.to_string()))
                    .collect(),
            )),
            _ => None,
        },
        _ => v.as_text().map(Value::Str),
    }
}
