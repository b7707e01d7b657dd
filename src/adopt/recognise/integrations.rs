//! The integrations: a host's own `atproto.integration` choices, and the ones written
//! off so adoption adds nothing.
use std::collections::BTreeMap;

use super::services::answer_of;
use super::{Found, HostLeaf, Kept, Recognised, keep};
use crate::catalog::Catalog;
use crate::hostedit::Lit;
use crate::value::Value;

/// `atproto.integration.<section>.<key>` bindings, as a host written by hand against the
/// project's modules has them: the same answers, by the catalog's names.
pub(super) fn project_integrations(
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
pub(super) fn quiet_integrations(by_path: &BTreeMap<String, &HostLeaf>, r: &mut Recognised) {
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
pub(super) fn others_kept(leaves: &[HostLeaf], r: &mut Recognised) {
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
