//! Which host a preview or deep check is about: the host directory, the host's name
//! and whether it is a flake; worked out from what the directory holds (atproto.toml
//! first, else flake.nix or configuration.nix), pure over a [`DirState`].
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::apply::{
    ATPROTO_NIX, CONFIGURATION_NIX, DirState, FLAKE_NIX, HARDWARE_CONFIGURATION_NIX,
};
use crate::catalog::Catalog;
use crate::plan::{Answers, PlanView};
use crate::render::HostMode;

/// The host to preview or check.
#[derive(Debug, Clone)]
pub struct Target {
    /// The host's directory (absolute when it could be made so).
    pub dir: PathBuf,
    /// The host's name: `nixosConfigurations.<host>` in flake mode.
    pub host: String,
    pub mode: HostMode,
    /// The answers (atproto.toml) when the directory has them.
    pub answers: Option<Answers>,
    /// Flake mode in a git work tree: the host's files git does not track, which the
    /// flake cannot see.
    pub untracked: Vec<String>,
    /// atproto.nix was changed by hand since the wizard wrote it (its checksum line
    /// disagrees): what Nix evaluates may not be what atproto.toml says.
    pub hand_edited: bool,
}

/// Why a directory is not a host that can be previewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError(pub String);

impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

static CONFIGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"nixosConfigurations\s*\.\s*(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_'-]*))"#).unwrap()
});

impl Target {
    /// Reads `dir` (the edge) and works out the target.
    pub fn from_dir(
        dir: &Path,
        host: Option<&str>,
        catalog: &Catalog,
    ) -> Result<Target, TargetError> {
        if !dir.is_dir() {
            return Err(TargetError(format!(
                "{}: no such directory (give the host's directory, like /etc/nixos, where \
                 `atproto-wizard apply` wrote the host)",
                dir.display()
            )));
        }
        // Links among the host's files are followed, as nixos-rebuild follows them:
        // preview only reads them, and shows none of their text.
        let state = crate::disk::host::read_dir_state_with(dir, crate::disk::read::Links::Follow)
            .map_err(|e| TargetError(e.to_string()))?;
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        Target::from_state(&dir, &state, host, catalog)
    }

    /// The target for a directory holding `state` (pure).
    pub fn from_state(
        dir: &Path,
        state: &DirState,
        host: Option<&str>,
        catalog: &Catalog,
    ) -> Result<Target, TargetError> {
        let shown = dir.display();
        let answers = match &state.atproto_toml {
            Some(text) => Some(
                Answers::parse(&format!("{shown}/atproto.toml"), text)
                    .map_err(|e| TargetError(format!("{}: {}", e.file, e.message)))?,
            ),
            None => None,
        };
        let (mode, planned_host) = match &answers {
            Some(a) => {
                let view = PlanView::new(catalog, &a.tree);
                let name = Some(view.flake_name()).filter(|s| {
                    !s.is_empty()
                        && (view.raw("host.flake_name").is_some()
                            || view.raw("host.hostname").is_some())
                });
                (HostMode::of(&a.tree, catalog), name)
            }
            None if state.flake_nix.is_some() => (HostMode::Flake, None),
            None if state.configuration_nix.is_some() => (HostMode::Classic, None),
            None => {
                return Err(TargetError(format!(
                    "{shown} holds no host: no atproto.toml, flake.nix or configuration.nix. \
                     Write one first: atproto-wizard apply --answers FILE --dir {shown}"
                )));
            }
        };
        match mode {
            HostMode::Flake if state.flake_nix.is_none() => {
                return Err(TargetError(format!(
                    "{shown}/atproto.toml is a flake host (host.mode = \"flake\") but there is \
                     no flake.nix yet: run atproto-wizard apply --answers {shown}/atproto.toml \
                     --dir {shown}"
                )));
            }
            HostMode::Classic if state.configuration_nix.is_none() => {
                return Err(TargetError(format!(
                    "{shown} has no configuration.nix yet: run atproto-wizard apply --answers \
                     {shown}/atproto.toml --dir {shown}"
                )));
            }
            _ => {}
        }
        let host = match (host, planned_host) {
            (Some(h), _) => h.to_string(),
            (None, Some(h)) => h,
            (None, None) if mode == HostMode::Classic => String::new(),
            (None, None) => {
                let names = flake_hosts(state.flake_nix.as_deref().unwrap_or(""));
                match names.as_slice() {
                    [one] => one.clone(),
                    [] => {
                        return Err(TargetError(format!(
                            "{shown}/flake.nix names no nixosConfigurations: say which host \
                             with --host NAME"
                        )));
                    }
                    many => {
                        return Err(TargetError(format!(
                            "{shown}/flake.nix has several hosts ({}): say which with --host NAME",
                            many.join(", ")
                        )));
                    }
                }
            }
        };
        let untracked = match (&state.git, mode) {
            (Some(git), HostMode::Flake) => [
                FLAKE_NIX,
                CONFIGURATION_NIX,
                ATPROTO_NIX,
                HARDWARE_CONFIGURATION_NIX,
            ]
            .into_iter()
            .filter(|name| match *name {
                HARDWARE_CONFIGURATION_NIX => state.has_hardware_configuration,
                other => state.file(other).is_some(),
            })
            .filter(|name| !git.tracked.contains(*name))
            .map(str::to_string)
            .collect(),
            _ => Vec::new(),
        };
        let hand_edited = state.atproto_nix.as_deref().is_some_and(|text| {
            matches!(
                crate::apply::checksum::verify(text),
                crate::apply::checksum::Stamp::Edited { .. }
            )
        });
        Ok(Target {
            dir: dir.to_path_buf(),
            host,
            mode,
            answers,
            untracked,
            hand_edited,
        })
    }

    /// `DIR#host`, the flake reference `nixos-rebuild --flake` takes.
    pub fn flake_ref(&self) -> String {
        format!("{}#{}", self.dir.display(), attr_name(&self.host))
    }

    /// `DIR#nixosConfigurations.<host>`, the installable `nix eval` takes.
    pub fn flake_attr(&self, rest: &str) -> String {
        let mut attr = format!(
            "{}#nixosConfigurations.{}",
            self.dir.display(),
            attr_name(&self.host)
        );
        if !rest.is_empty() {
            attr.push('.');
            attr.push_str(rest);
        }
        attr
    }

    /// `DIR/configuration.nix`, the classic host's entry point.
    pub fn configuration_nix(&self) -> PathBuf {
        self.dir.join("configuration.nix")
    }

    /// Things to know before trusting a result: files a flake cannot see, a managed
    /// file edited by hand.
    pub fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = self.untracked_note().into_iter().collect();
        if self.hand_edited {
            notes.push(
                "atproto.nix was edited by hand since atproto-wizard wrote it, so Nix evaluates \
                 what it says now, which may differ from atproto.toml; places named in \
                 atproto.toml are where the answers file has that setting."
                    .to_string(),
            );
        }
        notes
    }

    /// A note when the flake cannot see some of the host's files (git), else `None`.
    pub fn untracked_note(&self) -> Option<String> {
        if self.untracked.is_empty() {
            return None;
        }
        Some(format!(
            "git does not track {}: a flake in a git repository only sees tracked files, so \
             Nix will not find them. Run: git -C {} add {} (no commit needed)",
            self.untracked.join(", "),
            self.dir.display(),
            self.untracked.join(" ")
        ))
    }

    /// A few words: `pds1 (flake /etc/nixos)`.
    pub fn describe(&self) -> String {
        match self.mode {
            HostMode::Flake => format!("{} (flake {})", self.host, self.dir.display()),
            HostMode::Classic if self.host.is_empty() => {
                format!("classic host {}", self.dir.display())
            }
            HostMode::Classic => format!("{} (classic {})", self.host, self.dir.display()),
        }
    }
}

/// A host name as a Nix attribute: quoted when it is not a plain identifier.
fn attr_name(host: &str) -> String {
    let plain = host
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '\''));
    if plain {
        host.to_string()
    } else {
        format!("\"{host}\"")
    }
}

/// The host names a flake.nix defines, by a simple look at its text.
pub fn flake_hosts(flake_nix: &str) -> Vec<String> {
    let mut names: Vec<String> = CONFIGS
        .captures_iter(flake_nix)
        .filter_map(|c| c.get(1).or(c.get(2)).map(|m| m.as_str().to_string()))
        .collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(toml: Option<&str>, flake: Option<&str>, config: Option<&str>) -> DirState {
        DirState {
            atproto_toml: toml.map(str::to_string),
            flake_nix: flake.map(str::to_string),
            configuration_nix: config.map(str::to_string),
            ..DirState::default()
        }
    }

    #[test]
    fn the_answers_name_the_host() {
        let toml = "schema = 1\n[host]\nhostname = \"pds1\"\n";
        let t = Target::from_state(
            Path::new("/etc/nixos"),
            &state(Some(toml), Some("{}"), Some("{}")),
            None,
            Catalog::embedded(),
        )
        .unwrap();
        assert_eq!((t.host.as_str(), t.mode), ("pds1", HostMode::Flake));
        assert_eq!(t.flake_ref(), "/etc/nixos#pds1");
        assert_eq!(
            t.flake_attr("config.warnings"),
            "/etc/nixos#nixosConfigurations.pds1.config.warnings"
        );
    }

    #[test]
    fn a_flake_of_ones_own_names_its_single_host() {
        let flake = "{ outputs = { nixpkgs, ... }: { nixosConfigurations.\"web.1\" = x; }; }";
        let t = Target::from_state(
            Path::new("/h"),
            &state(None, Some(flake), None),
            None,
            Catalog::embedded(),
        )
        .unwrap();
        assert_eq!(t.flake_ref(), "/h#\"web.1\"");
        let two = "nixosConfigurations.a = x; nixosConfigurations.b = y;";
        let e = Target::from_state(
            Path::new("/h"),
            &state(None, Some(two), None),
            None,
            Catalog::embedded(),
        )
        .unwrap_err();
        assert!(e.0.contains("several hosts (a, b)"), "{e}");
    }

    #[test]
    fn classic_and_missing_files() {
        let toml = "schema = 1\n[host]\nhostname = \"c\"\nmode = \"classic\"\n";
        let t = Target::from_state(
            Path::new("/h"),
            &state(Some(toml), None, Some("{}")),
            None,
            Catalog::embedded(),
        )
        .unwrap();
        assert_eq!(t.mode, HostMode::Classic);
        let flake_toml = "schema = 1\n[host]\nhostname = \"c\"\n";
        let e = Target::from_state(
            Path::new("/h"),
            &state(Some(flake_toml), None, Some("{}")),
            None,
            Catalog::embedded(),
        )
        .unwrap_err();
        assert!(e.0.contains("no flake.nix yet"), "{e}");
        let e = Target::from_state(
            Path::new("/h"),
            &DirState::default(),
            None,
            Catalog::embedded(),
        )
        .unwrap_err();
        assert!(e.0.contains("holds no host"), "{e}");
    }

    #[test]
    fn untracked_files_of_a_flake_in_git() {
        let toml = "schema = 1\n[host]\nhostname = \"h\"\n";
        let mut s = state(Some(toml), Some("{}"), Some("{}"));
        s.atproto_nix = Some("{}".to_string());
        s.git = Some(crate::apply::GitState {
            tracked: ["flake.nix".to_string()].into(),
        });
        let t = Target::from_state(Path::new("/h"), &s, None, Catalog::embedded()).unwrap();
        assert_eq!(t.untracked, ["configuration.nix", "atproto.nix"]);
        assert!(
            t.untracked_note()
                .unwrap()
                .ends_with("Run: git -C /h add configuration.nix atproto.nix (no commit needed)")
        );
    }
}
