//! The reverse proxy in front of the PDS and its certificates.
use std::collections::BTreeMap;

use super::{Found, HostLeaf, Origin, Recognised, keep};
use crate::hostedit::Lit;
use crate::value::Value;

/// The reverse proxy in front of the PDS and its certificates. nginx is taken over when
/// its virtual host for the PDS is exactly the one the wizard writes for a PDS whose
/// handles get one wildcard certificate (DNS-01): the name and `*.<name>`, the PDS's
/// port on loopback with WebSockets, `useACMEHost` on the certificate, which names the
/// wildcard, a DNS provider and its credentials file and is readable by nginx. The
/// rest of nginx's configuration stays and merges with it. Anything else (Caddy, an
/// nginx that serves no handles, one set up differently) stays entirely as written,
/// with the proxy `none`: the wizard's checks require certificates for the handles of
/// a PDS behind its own proxy, which such a host does not have.
pub(super) fn proxy_and_tls(
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
