//! The Start step's choices: the presets in `profiles/` (embedded, so the binary needs
//! no data files) and "custom", an empty plan.
use super::draft::Draft;
use crate::catalog::Catalog;
use crate::value::Value;

/// One choice of the Start step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// The file name without `.toml` (`--profile NAME`); `custom` for the empty plan.
    pub name: &'static str,
    /// What it runs, in a few words.
    pub title: &'static str,
    /// The answers text (`profiles/<name>.toml`, or `schema = 1` for custom).
    pub text: &'static str,
}

/// The profiles in the order the Start step offers them; `custom` last.
pub const ALL: [Profile; 7] = [
    Profile {
        name: "community-pds",
        title: "A community PDS (Bluesky's Personal Data Server)",
        text: include_str!("../../profiles/community-pds.toml"),
    },
    Profile {
        name: "relay-node",
        title: "A relay node (indigo relay and jetstream)",
        text: include_str!("../../profiles/relay-node.toml"),
    },
    Profile {
        name: "feed-generator",
        title: "A feed generator",
        text: include_str!("../../profiles/feed-generator.toml"),
    },
    Profile {
        name: "labeler",
        title: "A labeler (Ozone)",
        text: include_str!("../../profiles/labeler.toml"),
    },
    Profile {
        name: "microcosm-indexers",
        title: "The microcosm indexers (constellation, spacedust, ...)",
        text: include_str!("../../profiles/microcosm-indexers.toml"),
    },
    Profile {
        name: "dev-host",
        title: "A development host (localhost, no TLS)",
        text: include_str!("../../profiles/dev-host.toml"),
    },
    Profile {
        name: "custom",
        title: "Custom: start from nothing and pick every service",
        text: "schema = 1\n",
    },
];

/// Every profile, `custom` last.
pub fn all() -> &'static [Profile] {
    &ALL
}

/// The profile called `name`.
pub fn find(name: &str) -> Option<&'static Profile> {
    ALL.iter().find(|p| p.name == name)
}

impl Profile {
    /// The profile's leading comment, as plain text (what it is, what to change).
    pub fn description(&self) -> String {
        if self.name == "custom" {
            return "An empty plan: choose the host, every service and every integration \
                    yourself."
                .into();
        }
        self.text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| l.trim_start_matches('#').trim())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The profile as a new plan. Values the profile writes that equal what a
    /// `{host.<key>}` default would give (the PDS hostname = host.domain, the ACME email
    /// = host.admin_email, …) are removed, so they follow the host's answers when the
    /// operator changes them; `apply` writes them out again (resolved) at the end.
    pub fn draft(&self, catalog: &'static Catalog) -> Draft {
        let mut draft = Draft::parse(catalog, self.text).expect("embedded profiles parse");
        for path in linked_paths(&draft) {
            draft.clear(&path);
        }
        draft
    }
}

/// Written paths whose field default is a `{host.<key>}` template giving the same value.
fn linked_paths(draft: &Draft) -> Vec<String> {
    let catalog = draft.catalog();
    let view = draft.view();
    let mut candidates: Vec<(String, &crate::catalog::Field)> = Vec::new();
    for (section, fields) in &catalog.plan.integrations {
        for f in fields {
            candidates.push((format!("integrations.{section}.{}", f.key), f));
        }
    }
    for service in catalog.services.values() {
        for f in &service.settings {
            candidates.push((format!("services.{}.settings.{}", service.id, f.key), f));
        }
    }
    candidates
        .into_iter()
        .filter(|(path, field)| {
            let templated = match &field.default {
                Some(toml::Value::String(s)) => s.contains("{host."),
                _ => false,
            };
            templated
                && view.raw(path).is_some()
                && view.raw(path).cloned() == view.default_of(field)
                && matches!(view.raw(path), Some(Value::Str(_)))
        })
        .map(|(p, _)| p)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_loads_and_follows_the_host() {
        let c = Catalog::embedded();
        for p in all() {
            let d = p.draft(c);
            assert!(!p.description().is_empty(), "{}", p.name);
            if p.name != "custom" {
                assert!(!d.has_errors(), "{}: {:?}", p.name, d.diagnostics());
            }
        }
        let mut d = find("community-pds").unwrap().draft(c);
        assert!(!d.is_written("services.bluesky-pds.settings.hostname"));
        d.set("host.domain", &Value::Str("pds.mine.org".into()));
        assert_eq!(
            d.get("services.bluesky-pds.settings.hostname"),
            Some(Value::Str("pds.mine.org".into()))
        );
    }
}
