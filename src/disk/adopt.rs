//! Reading a hand-written host for `adopt`: the host's files, then every local module
//! its configuration brings in, never outside the host directory and never through a
//! link (a module the wizard may edit must be one `write_changes` can replace safely).
use std::collections::VecDeque;
use std::path::Path;

use super::host::read_dir_state;
use super::read::{Links, ReadError, read_text};
use crate::adopt::HostSources;
use crate::apply::{CONFIGURATION_NIX, HARDWARE_CONFIGURATION_NIX};
use crate::hostedit;

/// The most module files one host is read from.
const MAX_MODULES: usize = 64;

/// Why a host could not be read for adoption.
#[derive(Debug)]
pub enum AdoptReadError {
    Read(ReadError),
    /// The flake has several hosts and none was named.
    WhichHost(Vec<String>),
    /// The named host is not in the flake.
    NoSuchHost {
        wanted: String,
        found: Vec<String>,
    },
    /// The flake's hosts cannot be read.
    FlakeUnreadable,
    /// Neither configuration.nix nor flake.nix.
    NoHost,
}

impl std::fmt::Display for AdoptReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AdoptReadError::Read(e) => write!(f, "{e}"),
            AdoptReadError::WhichHost(hosts) => write!(
                f,
                "flake.nix has several hosts ({}): say which one with --host NAME",
                hosts.join(", ")
            ),
            AdoptReadError::NoSuchHost { wanted, found } => write!(
                f,
                "flake.nix has no nixosConfigurations.{wanted} (hosts found: {})",
                if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                }
            ),
            AdoptReadError::FlakeUnreadable => write!(
                f,
                "flake.nix does not parse, or its outputs are not an attribute set the wizard can read (flake-parts, flake-utils without `//`): adopt the host from a flake whose nixosConfigurations are written out"
            ),
            AdoptReadError::NoHost => write!(
                f,
                "there is no configuration.nix or flake.nix here: adopt reads an existing NixOS host directory (like /etc/nixos)"
            ),
        }
    }
}

/// The host in `dir` and, for a flake, the `nixosConfigurations` entry adopted.
pub fn read_host(
    dir: &Path,
    host: Option<&str>,
) -> Result<(HostSources, Option<String>), AdoptReadError> {
    let dir_state = read_dir_state(dir).map_err(AdoptReadError::Read)?;
    let (starts, flake_host) = match dir_state.flake_nix.as_deref() {
        Some(flake) => {
            let hosts = hostedit::flake_hosts(flake).ok_or(AdoptReadError::FlakeUnreadable)?;
            let chosen = match host {
                Some(h) if hosts.iter().any(|x| x == h) => h.to_string(),
                Some(h) => {
                    return Err(AdoptReadError::NoSuchHost {
                        wanted: h.to_string(),
                        found: hosts,
                    });
                }
                None if hosts.len() == 1 => hosts[0].clone(),
                None => return Err(AdoptReadError::WhichHost(hosts)),
            };
            let paths = hostedit::host_module_paths(flake, &chosen)
                .ok_or(AdoptReadError::FlakeUnreadable)?;
            (paths, Some(chosen))
        }
        None if dir_state.configuration_nix.is_some() => {
            (vec![format!("./{CONFIGURATION_NIX}")], None)
        }
        None => return Err(AdoptReadError::NoHost),
    };
    let (modules, unread) = walk(dir, starts).map_err(AdoptReadError::Read)?;
    // The files another host of the same flake uses too: the wizard must not take
    // bindings out of them, or that host would change.
    let mut shared: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    if let (Some(flake), Some(chosen)) = (dir_state.flake_nix.as_deref(), &flake_host) {
        for other in hostedit::flake_hosts(flake).unwrap_or_default() {
            if &other == chosen {
                continue;
            }
            let paths = hostedit::host_module_paths(flake, &other).unwrap_or_default();
            let (theirs, _) = walk(dir, paths).map_err(AdoptReadError::Read)?;
            for (file, _) in theirs {
                if modules.iter().any(|(f, _)| *f == file) {
                    shared.entry(file).or_default().push(other.clone());
                }
            }
        }
    }
    Ok((
        HostSources {
            dir_state,
            modules,
            unread,
            shared,
        },
        flake_host,
    ))
}

/// Every local module reachable from `starts` through `imports`: (file, text) in the
/// order found, and the files not read with why.
#[allow(clippy::type_complexity)]
fn walk(
    dir: &Path,
    starts: Vec<String>,
) -> Result<(Vec<(String, String)>, Vec<(String, String)>), ReadError> {
    let mut modules: Vec<(String, String)> = Vec::new();
    let mut unread: Vec<(String, String)> = Vec::new();
    let mut queue: VecDeque<(String, String)> =
        starts.into_iter().map(|p| (String::new(), p)).collect();
    while let Some((from_dir, written)) = queue.pop_front() {
        let Some(rel) = inside(&from_dir, &written) else {
            unread.push((written.clone(), "outside the host directory".into()));
            continue;
        };
        let mut rel = rel;
        if dir.join(&rel).is_dir() {
            rel = format!("{rel}/default.nix");
        }
        if rel == HARDWARE_CONFIGURATION_NIX
            || modules.iter().any(|(f, _)| *f == rel)
            || unread.iter().any(|(f, _)| *f == rel)
        {
            continue;
        }
        if modules.len() >= MAX_MODULES {
            unread.push((rel, format!("more than {MAX_MODULES} modules")));
            continue;
        }
        match read_text(&dir.join(&rel), Links::Refuse) {
            Ok(Some(text)) => {
                let here = Path::new(&rel)
                    .parent()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                for import in hostedit::import_paths(&text) {
                    queue.push_back((here.clone(), import));
                }
                modules.push((rel, text));
            }
            Ok(None) => unread.push((rel, "not found".into())),
            Err(e) if e.is_refusal() => unread.push((rel, e.to_string())),
            Err(e) => return Err(e),
        }
    }
    Ok((modules, unread))
}

/// `written` (a relative path literal like `./pds.nix` or `../x.nix`) relative to the
/// host directory, from a module in `from_dir`; `None` when it leaves the directory.
fn inside(from_dir: &str, written: &str) -> Option<String> {
    let mut parts: Vec<&str> = from_dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in written.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn paths_stay_inside_the_host_directory() {
        assert_eq!(inside("", "./pds.nix").as_deref(), Some("pds.nix"));
        assert_eq!(
            inside("hosts/pds1", "../common.nix").as_deref(),
            Some("hosts/common.nix")
        );
        assert_eq!(inside("", "../secrets.nix"), None);
        assert_eq!(inside("a", "../../x.nix"), None);
    }

    #[test]
    fn imported_modules_are_read_and_links_are_not() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(
            dir.join("configuration.nix"),
            "{ ... }: { imports = [ ./hardware-configuration.nix ./services ../outside.nix ./link.nix ]; }\n",
        )
        .unwrap();
        fs::write(dir.join("hardware-configuration.nix"), "{ }\n").unwrap();
        fs::create_dir(dir.join("services")).unwrap();
        fs::write(
            dir.join("services/default.nix"),
            "{ imports = [ ./pds.nix ]; }\n",
        )
        .unwrap();
        fs::write(
            dir.join("services/pds.nix"),
            "{ services.bluesky-pds.enable = true; }\n",
        )
        .unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.join("link.nix")).unwrap();
        let (sources, host) = read_host(dir, None).unwrap();
        assert_eq!(host, None);
        let read: Vec<&str> = sources.modules.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            read,
            [
                "configuration.nix",
                "services/default.nix",
                "services/pds.nix"
            ]
        );
        let unread: Vec<&str> = sources.unread.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(unread, ["../outside.nix", "link.nix"]);
    }
}
