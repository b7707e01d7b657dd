//! `flake.lock`, read: the root's inputs, each with the revision, date and hash it is
//! locked to, and what moved between two lock files. Pure (the text in).
use std::collections::BTreeMap;

use serde_json::Value as Json;

/// What one input of the flake is locked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    /// The git revision, when the input has one.
    pub rev: Option<String>,
    /// Unix seconds of that revision.
    pub last_modified: Option<i64>,
    pub nar_hash: Option<String>,
    /// Where it comes from, as the lock names it (`github:NixOS/nixpkgs`, a path).
    pub from: String,
}

/// An input whose lock changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub input: String,
    /// `None`: the input is new.
    pub old: Option<Locked>,
    /// `None`: the input is gone.
    pub new: Option<Locked>,
}

/// The root's direct inputs of a `flake.lock` (lock version 7, as Nix writes it).
pub fn root_inputs(text: &str) -> Result<BTreeMap<String, Locked>, String> {
    let doc: Json =
        serde_json::from_str(text).map_err(|e| format!("flake.lock is not JSON: {e}"))?;
    let nodes = doc
        .get("nodes")
        .and_then(Json::as_object)
        .ok_or("flake.lock has no nodes")?;
    let root_name = doc.get("root").and_then(Json::as_str).unwrap_or("root");
    let inputs = nodes
        .get(root_name)
        .and_then(|r| r.get("inputs"))
        .and_then(Json::as_object)
        .cloned()
        .unwrap_or_default();
    let mut out = BTreeMap::new();
    for (name, target) in inputs {
        // A plain name points at a node; a list is a `follows` path, locked elsewhere.
        let Some(node) = target.as_str().and_then(|n| nodes.get(n)) else {
            continue;
        };
        let locked = node.get("locked");
        let field = |k: &str| locked.and_then(|l| l.get(k));
        let text = |k: &str| field(k).and_then(Json::as_str).map(String::from);
        let from = match (text("type").as_deref(), text("owner"), text("repo")) {
            (Some(kind @ ("github" | "gitlab" | "sourcehut")), Some(o), Some(r)) => {
                format!("{kind}:{o}/{r}")
            }
            (Some(kind), _, _) => match text("url").or_else(|| text("path")) {
                Some(u) => format!("{kind}:{u}"),
                None => kind.to_string(),
            },
            (None, _, _) => String::new(),
        };
        out.insert(
            name,
            Locked {
                rev: text("rev"),
                last_modified: field("lastModified").and_then(Json::as_i64),
                nar_hash: text("narHash"),
                from,
            },
        );
    }
    Ok(out)
}

/// The inputs whose lock differs between `old` and `new`, by name.
pub fn moved(old: &BTreeMap<String, Locked>, new: &BTreeMap<String, Locked>) -> Vec<Moved> {
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let (a, b) = (old.get(name), new.get(name));
            (a != b).then(|| Moved {
                input: name.clone(),
                old: a.cloned(),
                new: b.cloned(),
            })
        })
        .collect()
}

/// The UTC date of unix seconds, `2026-12-04` (the proleptic Gregorian calendar).
pub fn date_of(seconds: i64) -> String {
    // Days since 1970-01-01 to a civil date (Howard Hinnant's days_from_civil, inverted).
    let z = seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lock(nixpkgs_rev: &str, modified: i64, with_colmena: bool) -> String {
        let colmena = if with_colmena {
            r#", "colmena": "colmena""#
        } else {
            ""
        };
        let colmena_node = if with_colmena {
            r#", "colmena": { "locked": { "type": "github", "owner": "zhaofengli", "repo": "colmena", "rev": "c0", "lastModified": 1, "narHash": "sha256-c" } }"#
        } else {
            ""
        };
        format!(
            r#"{{ "nodes": {{
                "nixpkgs": {{ "locked": {{ "type": "github", "owner": "NixOS", "repo": "nixpkgs", "rev": "{nixpkgs_rev}", "lastModified": {modified}, "narHash": "sha256-{nixpkgs_rev}" }}, "original": {{}} }},
                "atproto-nix": {{ "locked": {{ "type": "path", "path": "/etc/nixos/atproto-nix", "lastModified": 5, "narHash": "sha256-a" }} }},
                "root": {{ "inputs": {{ "nixpkgs": "nixpkgs", "atproto-nix": "atproto-nix", "followed": ["nixpkgs"]{colmena} }} }}
                {colmena_node}
              }}, "root": "root", "version": 7 }}"#
        )
    }

    #[test]
    fn the_roots_inputs_are_read_with_what_they_are_locked_to() {
        let inputs = root_inputs(&lock("aaa", 1_700_000_000, false)).unwrap();
        assert_eq!(
            inputs.keys().collect::<Vec<_>>(),
            ["atproto-nix", "nixpkgs"],
            "a follows path is not an input of its own"
        );
        let n = &inputs["nixpkgs"];
        assert_eq!(n.rev.as_deref(), Some("aaa"));
        assert_eq!(n.last_modified, Some(1_700_000_000));
        assert_eq!(n.from, "github:NixOS/nixpkgs");
        assert_eq!(inputs["atproto-nix"].from, "path:/etc/nixos/atproto-nix");
        assert!(root_inputs("{").unwrap_err().contains("not JSON"));
    }

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(1_700_000_000), "2023-11-14");
        assert_eq!(date_of(951_782_400), "2000-02-29");
        assert_eq!(date_of(1_798_761_599), "2026-12-31");
    }

    #[test]
    fn only_inputs_that_changed_have_moved() {
        let old = root_inputs(&lock("aaa", 1, false)).unwrap();
        let new = root_inputs(&lock("bbb", 2, true)).unwrap();
        let m = moved(&old, &new);
        let names: Vec<&str> = m.iter().map(|x| x.input.as_str()).collect();
        assert_eq!(names, ["colmena", "nixpkgs"]);
        assert!(m[0].old.is_none() && m[0].new.is_some(), "a new input");
        assert_eq!(m[1].old.as_ref().unwrap().rev.as_deref(), Some("aaa"));
        assert_eq!(m[1].new.as_ref().unwrap().rev.as_deref(), Some("bbb"));
        assert!(moved(&old, &old).is_empty());
    }
}
