//! `[host]`: the machine's name, the public domain, the admin's address.
use std::collections::BTreeMap;

use super::{Context, Found, HostLeaf, Origin, Recognised, evaluated, found_by_evaluation};
use crate::value::Value;

/// `[host]`: the machine's name, the public domain, the admin's address.
pub(super) fn host_section(
    by_path: &BTreeMap<String, &HostLeaf>,
    ctx: &Context,
    domain: Option<&(String, Option<Origin>)>,
    r: &mut Recognised,
    taken: &mut impl FnMut(&mut Recognised, &HostLeaf),
) {
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
