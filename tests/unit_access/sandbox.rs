//! What a unit's settings mean for access: its mount namespace (ProtectSystem,
//! ProtectHome, PrivateTmp, ReadWritePaths, ReadOnlyPaths, its own directories) and the
//! identity it runs as (user, groups, and whether root keeps the capabilities that
//! bypass file modes).
use std::collections::BTreeSet;

use super::fsim::{Identity, normalize, under};
use super::model::Unit;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Access {
    Rw,
    Ro,
    Hidden,
}

/// What the unit's mount namespace makes of `path`.
pub fn sandbox(unit: &Unit, path: &str) -> Access {
    let mut rules: Vec<(String, Access)> = match unit.protect_system.as_str() {
        "strict" => vec![
            ("/".into(), Access::Ro),
            ("/dev".into(), Access::Rw),
            ("/proc".into(), Access::Rw),
            ("/sys".into(), Access::Rw),
        ],
        "full" => ["/usr", "/boot", "/efi", "/etc"]
            .iter()
            .map(|p| (p.to_string(), Access::Ro))
            .collect(),
        "yes" => ["/usr", "/boot", "/efi"]
            .iter()
            .map(|p| (p.to_string(), Access::Ro))
            .collect(),
        _ => vec![],
    };
    let home = match unit.protect_home.as_str() {
        "yes" | "tmpfs" => Some(Access::Hidden),
        "read-only" => Some(Access::Ro),
        _ => None,
    };
    if let Some(a) = home {
        rules.extend(
            ["/home", "/root", "/run/user"]
                .iter()
                .map(|p| (p.to_string(), a)),
        );
    }
    if unit.private_tmp {
        rules.extend(
            ["/tmp", "/var/tmp"]
                .iter()
                .map(|p| (p.to_string(), Access::Rw)),
        );
    }
    rules.extend(
        unit.read_only_paths
            .iter()
            .map(|p| (strip_optional(p).0, Access::Ro)),
    );
    rules.extend(
        unit.directories
            .iter()
            .map(|d| (d.path.clone(), Access::Rw)),
    );
    rules.extend(
        unit.read_write_paths
            .iter()
            .map(|p| (strip_optional(p).0, Access::Rw)),
    );
    let mut best: (usize, Access) = (0, Access::Rw);
    for (prefix, a) in &rules {
        let prefix = normalize(prefix);
        let len = if prefix == "/" { 1 } else { prefix.len() + 1 };
        if under(path, &prefix) && len >= best.0 {
            best = (len, *a);
        }
    }
    best.1
}

pub fn writable_list(unit: &Unit) -> String {
    let mut w: Vec<String> = unit.directories.iter().map(|d| d.path.clone()).collect();
    w.extend(unit.read_write_paths.iter().map(|p| strip_optional(p).0));
    if unit.private_tmp {
        w.push("/tmp".into());
    }
    if w.is_empty() {
        "nothing".into()
    } else {
        w.join(", ")
    }
}

/// `-path` (missing is fine) or `+path` → (path, optional).
pub fn strip_optional(p: &str) -> (String, bool) {
    let optional = p.starts_with('-');
    (normalize(p.trim_start_matches(['-', '+'])), optional)
}

/// `%S/x` and friends, for system units.
pub fn specifiers(p: &str) -> String {
    p.replace("%S", "/var/lib")
        .replace("%C", "/var/cache")
        .replace("%L", "/var/log")
        .replace("%t", "/run")
}

pub fn identity(unit: &Unit) -> Identity {
    let mut groups: BTreeSet<String> = unit.supplementary_groups.iter().cloned().collect();
    groups.insert(unit.group.clone());
    let caps = |name: &str| match &unit.capabilities {
        None => true,
        Some(list) => list.iter().any(|c| c.eq_ignore_ascii_case(name)),
    };
    let root = unit.user == "root" && !unit.dynamic_user;
    Identity {
        user: unit.user.clone(),
        group: unit.group.clone(),
        groups,
        bypass_read: root && (caps("CAP_DAC_OVERRIDE") || caps("CAP_DAC_READ_SEARCH")),
        bypass_write: root && caps("CAP_DAC_OVERRIDE"),
    }
}
