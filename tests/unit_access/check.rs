//! The verdict: for every unit of a simulated host (simulate.rs), each read (by systemd
//! as root: it must exist when the unit starts; by the unit's user: the modes of the
//! file and of every directory above it) and each write (inside its sandbox, with the
//! permission to make or change it), every ReadWritePaths entry existing when it
//! starts, and its WorkingDirectory. Pure but for the secrets generator it is given.
use std::collections::{BTreeMap, BTreeSet};

use super::fsim::{Fs, Kind, Node, Origin, R, Resolved, W, X, normalize, parent};
use super::model::Host;
use super::sandbox::{Access, sandbox, writable_list};
use super::simulate::{Generator, Need, Pending, simulate};

/// Every access problem of `host`, one line each, "<unit>: …".
pub fn check_host(host: &Host, generator: &mut dyn Generator) -> Vec<String> {
    let sim = simulate(host, generator);
    let mut failures = sim.failures;
    for p in &sim.pending {
        if let Some(f) = verdict(host, &sim.fs, &sim.preds, p).filter(|f| !failures.contains(f)) {
            failures.push(f);
        }
    }
    failures
}

fn first_unit(n: &Node) -> Option<&String> {
    n.origins.iter().find_map(|o| match o {
        Origin::Unit { name, .. } => Some(name),
        _ => None,
    })
}

/// Why `path` is not there for `unit`.
fn missing(unit: &str, path: &str, hidden: Option<&Node>) -> String {
    match hidden.and_then(|n| first_unit(n).map(|x| (x, &n.why))) {
        Some((x, _)) if x == unit => {
            format!("{path} is made only by {unit} itself, after systemd set the unit up")
        }
        Some((x, why)) => {
            format!("{path} is made by {x} ({why}), which is not ordered before {unit}")
        }
        None => format!("nothing on the host makes {path}"),
    }
}

fn verdict(
    host: &Host,
    fs: &Fs,
    preds: &BTreeMap<String, BTreeSet<String>>,
    p: &Pending,
) -> Option<String> {
    let u = p.unit.as_str();
    let unit = &host.units[u];
    let before = &preds[u];
    let at_start = |n: &Node| {
        n.origins.iter().any(|o| match o {
            Origin::Unit { name, at_start } => before.contains(name) || (name == u && *at_start),
            _ => true,
        })
    };
    let running = |n: &Node| {
        n.origins.iter().any(|o| match o {
            Origin::Unit { name, .. } => before.contains(name) || name == u,
            _ => true,
        })
    };
    let path = normalize(&p.path);
    match &p.need {
        Need::Pid1 => match fs.resolve(&path, &at_start) {
            Resolved::Found { .. } => None,
            Resolved::Missing { path: gone, hidden } => Some(format!(
                "{u}: {} {path} is not there when the unit starts: {}",
                p.why,
                missing(u, &gone, hidden.as_ref())
            )),
        },
        Need::RwPath => match fs.resolve(&path, &at_start) {
            Resolved::Found { .. } => None,
            Resolved::Missing { path: gone, hidden } => Some(format!(
                "{u}: ReadWritePaths={path} is not there when the unit starts, so systemd fails it (226/NAMESPACE): {}",
                missing(u, &gone, hidden.as_ref())
            )),
        },
        Need::WorkingDirectory(id) => match fs.resolve(&path, &at_start) {
            Resolved::Missing { path: gone, hidden } => Some(format!(
                "{u}: WorkingDirectory={path} is not there when the unit starts: {}",
                missing(u, &gone, hidden.as_ref())
            )),
            Resolved::Found { dirs, last } => {
                if id.bypass_read {
                    return None;
                }
                dirs.iter()
                    .chain(std::iter::once(&last))
                    .find(|(_, n)| !id.allows(n, X))
                    .map(|(d, n)| {
                        format!(
                            "{u}: WorkingDirectory={path} as {}, but {d} is {}",
                            id.name(),
                            n.describe()
                        )
                    })
            }
        },
        Need::User(id) => {
            if let Some(rest) = path.strip_prefix("/run/credentials/") {
                let (owner, cred) = rest.split_once('/').unwrap_or((rest, ""));
                let owner = owner.strip_suffix(".service").unwrap_or(owner);
                if owner != u {
                    return Some(format!(
                        "{u}: reads {path} ({}), but that is {owner}'s credential",
                        p.why
                    ));
                }
                if !unit.credentials.iter().any(|c| c == cred) {
                    let list = if unit.credentials.is_empty() {
                        "none".to_string()
                    } else {
                        unit.credentials.join(", ")
                    };
                    return Some(format!(
                        "{u}: reads {path} ({}), but the unit has no credential {cred} (LoadCredential=: {list})",
                        p.why
                    ));
                }
                return None;
            }
            if sandbox(unit, &path) == Access::Hidden {
                return Some(format!(
                    "{u}: reads {path} ({}), but ProtectHome={} hides it",
                    p.why, unit.protect_home
                ));
            }
            match fs.resolve(&path, &running) {
                Resolved::Missing { path: gone, hidden } => Some(format!(
                    "{u}: reads {path} ({}), but {}",
                    p.why,
                    missing(u, &gone, hidden.as_ref())
                )),
                Resolved::Found { dirs, last } => {
                    if id.bypass_read {
                        return None;
                    }
                    if let Some((d, n)) = dirs.iter().find(|(_, n)| !id.allows(n, X)) {
                        return Some(format!(
                            "{u}: reads {path} as {} ({}), but {d} is {}",
                            id.name(),
                            p.why,
                            n.describe()
                        ));
                    }
                    let want = if last.1.kind == Kind::Dir { R | X } else { R };
                    (!id.allows(&last.1, want)).then(|| {
                        let shown = if last.0 == path {
                            path.clone()
                        } else {
                            format!("{} (where {path} leads)", last.0)
                        };
                        format!(
                            "{u}: reads {path} as {} ({}), but {shown} is {}",
                            id.name(),
                            p.why,
                            last.1.describe()
                        )
                    })
                }
            }
        }
        Need::Write(id) => {
            match sandbox(unit, &path) {
                Access::Rw => {}
                Access::Hidden => {
                    return Some(format!(
                        "{u}: writes {path} ({}), but ProtectHome={} hides it",
                        p.why, unit.protect_home
                    ));
                }
                Access::Ro => {
                    return Some(format!(
                        "{u}: writes {path} ({}), but ProtectSystem={} leaves it read-only (writable: {})",
                        p.why,
                        unit.protect_system,
                        writable_list(unit)
                    ));
                }
            }
            if id.bypass_write {
                return None;
            }
            // The path itself when it is there, else the nearest directory above it,
            // where it would be made.
            let mut at = path.clone();
            loop {
                if let Resolved::Found { dirs, last } = fs.resolve(&at, &running) {
                    if let Some((d, n)) = dirs.iter().find(|(_, n)| !id.allows(n, X)) {
                        return Some(format!(
                            "{u}: writes {path} as {} ({}), but {d} is {}",
                            id.name(),
                            p.why,
                            n.describe()
                        ));
                    }
                    let want = if at != path || last.1.kind == Kind::Dir {
                        W | X
                    } else {
                        W
                    };
                    return (!id.allows(&last.1, want)).then(|| {
                        format!(
                            "{u}: writes {path} as {} ({}), but {} is {}",
                            id.name(),
                            p.why,
                            last.0,
                            last.1.describe()
                        )
                    });
                }
                at = parent(&at)?;
            }
        }
    }
}
