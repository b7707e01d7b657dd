//! `atproto-wizard catalog`: what can run on a host.
use serde_json::json;

use crate::catalog::{Catalog, Need, Service};

pub fn run(catalog: &Catalog, as_json: bool) -> String {
    if as_json {
        let services: Vec<_> = catalog.services.values().map(service_json).collect();
        return serde_json::to_string_pretty(&services).expect("catalog serialises") + "\n";
    }
    let mut rows = vec![
        ["SERVICE", "KIND", "STATUS", "PORTS", "NEEDS"]
            .map(String::from)
            .to_vec(),
    ];
    for s in catalog.services.values() {
        rows.push(vec![s.id.clone(), kind(s), status(s), ports(s), needs(s)]);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str("\nPorts marked * are fixed upstream. `atproto-wizard catalog --json` gives every detail.\n");
    out
}

fn as_text<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn kind(s: &Service) -> String {
    as_text(s.kind)
}

fn status(s: &Service) -> String {
    as_text(s.status)
}

fn ports(s: &Service) -> String {
    let list: Vec<String> = s
        .ports
        .iter()
        .map(|p| format!("{}={}{}", p.name, p.default, if p.fixed { "*" } else { "" }))
        .collect();
    if list.is_empty() {
        "-".into()
    } else {
        list.join(" ")
    }
}

fn needs(s: &Service) -> String {
    let mut out = Vec::new();
    match s.needs.postgres {
        Need::Required => out.push("postgres".to_string()),
        Need::Recommended => out.push("postgres (recommended)".to_string()),
        _ => {}
    }
    if s.needs.upstream != "none" {
        out.push(s.needs.upstream.clone());
    }
    out.extend(s.needs.services.iter().cloned());
    if out.is_empty() {
        "-".into()
    } else {
        out.join(", ")
    }
}

fn service_json(s: &Service) -> serde_json::Value {
    json!({
        "id": s.id,
        "title": s.title,
        "summary": s.summary.trim(),
        "family": s.family,
        "kind": s.kind,
        "status": s.status,
        "status_note": s.status_note,
        "upstream": s.upstream,
        "nixos_option": s.nixos_option,
        "package": s.package,
        "ports": s.ports.iter().map(|p| json!({
            "name": p.name, "default": p.default, "public": p.public, "fixed": p.fixed, "purpose": p.purpose,
        })).collect::<Vec<_>>(),
        "needs": s.needs,
        "resources": s.resources,
        "secrets": s.secrets.iter().map(|x| json!({ "name": x.name, "generator": x.generator })).collect::<Vec<_>>(),
        "settings": s.settings.iter().map(|f| f.key.clone()).collect::<Vec<_>>(),
        "placeholder_hashes": s.placeholder_hashes,
        "health": s.health,
        "compat": s.compat,
    })
}
