//! Reading a host directory into [`DirState`]: its files' text, whether
//! `hardware-configuration.nix` is there, and what git tracks.
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::apply::{
    ATPROTO_NIX, ATPROTO_TOML, CONFIGURATION_NIX, DirState, FLAKE_NIX, FileChange, GitState,
    HARDWARE_CONFIGURATION_NIX,
};

/// What `dir` holds. A missing directory reads as empty (`apply` creates it). A file
/// that exists but cannot be read, or is not UTF-8, is an error naming it.
pub fn read_dir_state(dir: &Path) -> io::Result<DirState> {
    let read = |name: &str| -> io::Result<Option<String>> {
        let path = dir.join(name);
        match fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: not UTF-8 text", path.display()),
                )
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        }
    };
    if dir.exists() && !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a directory", dir.display()),
        ));
    }
    Ok(DirState {
        flake_nix: read(FLAKE_NIX)?,
        configuration_nix: read(CONFIGURATION_NIX)?,
        atproto_nix: read(ATPROTO_NIX)?,
        atproto_toml: read(ATPROTO_TOML)?,
        has_hardware_configuration: dir.join(HARDWARE_CONFIGURATION_NIX).exists(),
        git: git_state(dir),
    })
}

/// What git tracks of the host's files, when `dir` (or, when it does not exist yet,
/// its nearest existing parent) is inside a git work tree. `None` when it is not, or
/// when git is not installed.
pub fn git_state(dir: &Path) -> Option<GitState> {
    let (base, rel) = nearest_existing(dir);
    let inside = git(&base)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output()
        .ok()?;
    if !inside.status.success() || String::from_utf8_lossy(&inside.stdout).trim() != "true" {
        return None;
    }
    let names = [
        FLAKE_NIX,
        CONFIGURATION_NIX,
        HARDWARE_CONFIGURATION_NIX,
        ATPROTO_NIX,
        ATPROTO_TOML,
    ];
    let out = git(&base)
        .args(["ls-files", "-z", "--"])
        .args(names.iter().map(|n| rel.join(n)))
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let listed: BTreeSet<PathBuf> = out
        .stdout
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| PathBuf::from(String::from_utf8_lossy(s).into_owned()))
        .collect();
    let tracked = names
        .iter()
        .filter(|n| listed.contains(&rel.join(n)))
        .map(|n| n.to_string())
        .collect();
    Some(GitState { tracked })
}

/// `git -C base` that runs no program the repository's configuration names: the
/// repository may not be the operator's (a copied host directory), and asking what it
/// tracks must not run its code. Of what git can be configured to run, only the
/// fsmonitor hook runs for `rev-parse` and `ls-files` (they read no file contents, so
/// no diff, textconv or filter driver runs, and nothing reaches a remote); hooks are
/// pointed at nothing as well, and git asks nothing (no terminal, no pager).
fn git(base: &Path) -> Command {
    let mut c = Command::new("git");
    c.args([
        "--no-pager",
        "--no-optional-locks",
        "-c",
        "core.fsmonitor=false",
        "-c",
        "core.hooksPath=/dev/null",
    ])
    .arg("-C")
    .arg(base)
    .env("GIT_TERMINAL_PROMPT", "0")
    .stdin(Stdio::null())
    .stderr(Stdio::null());
    c
}

/// One file [`write_changes`] wrote, and where the old one went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// The file name of the backup of the replaced file, if it replaced one.
    pub backup: Option<String>,
}

/// Why [`write_changes`] stopped. Every variant but `Write` means nothing was written.
#[derive(Debug)]
pub enum WriteFailure {
    /// The directory could not be created.
    CreateDir(PathBuf, io::Error),
    /// A file could not be read to check it is still as planned.
    Read(PathBuf, io::Error),
    /// A file changed since the plan was made (edited while the operator was asked).
    Changed(PathBuf),
    /// A replaced file could not be backed up.
    Backup(PathBuf, io::Error),
    /// A file could not be written: the ones before it are written and complete, the
    /// ones from it on (`left`, names) are not; the backups are kept.
    Write {
        path: PathBuf,
        error: io::Error,
        written: Vec<Written>,
        left: Vec<String>,
    },
}

/// `wrote <path> (the old one is in <backup>)`, as apply and the line mode report it.
impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "wrote {}", self.path.display())?;
        if let Some(backup) = &self.backup {
            write!(f, " (the old one is in {backup})")?;
        }
        Ok(())
    }
}

impl WriteFailure {
    /// A file changed since it was read: a refusal, not an error (nothing is wrong on disk).
    pub fn is_refusal(&self) -> bool {
        matches!(self, WriteFailure::Changed(_))
    }

    /// What went wrong, in the words every front end prints. `changed` finishes the
    /// sentence for a file that changed since it was read, after its path, because each
    /// front end says differently how to try again.
    pub fn describe(&self, changed: &str) -> String {
        match self {
            WriteFailure::CreateDir(path, e) | WriteFailure::Read(path, e) => {
                format!("{}: {e}\nNothing was written.", path.display())
            }
            WriteFailure::Changed(path) => format!("{} {changed}", path.display()),
            WriteFailure::Backup(path, e) => {
                format!(
                    "cannot back up {}: {e}\nNothing was written.",
                    path.display()
                )
            }
            WriteFailure::Write {
                path, error, left, ..
            } => format!(
                "cannot write {}: {error}\nNot written: {}. The files written before are complete; \
                 the backups are kept.",
                path.display(),
                left.join(", ")
            ),
        }
    }
}

/// Writes planned changes into `dir`, as `apply` and the wizard both do: creates the
/// directory, checks no file changed since it was read, backs up every file it
/// replaces (`<name>.<UTC time>.bak`), then writes each file atomically in the plan's
/// order. Returns what was written.
pub fn write_changes(dir: &Path, changes: &[FileChange]) -> Result<Vec<Written>, WriteFailure> {
    fs::create_dir_all(dir).map_err(|e| WriteFailure::CreateDir(dir.to_path_buf(), e))?;
    for change in changes {
        let path = dir.join(&change.path);
        let now = match fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(WriteFailure::Read(path, e)),
        };
        if now != change.old {
            return Err(WriteFailure::Changed(path));
        }
    }
    let mut backups = Vec::new();
    for change in changes.iter().filter(|c| c.old.is_some()) {
        let path = dir.join(&change.path);
        match super::backup(&path) {
            Ok(b) => backups.push((change.path.clone(), b)),
            Err(e) => return Err(WriteFailure::Backup(path, e)),
        }
    }
    let mut written = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let path = dir.join(&change.path);
        if let Err(error) = super::write_atomic(&path, change.new.as_bytes()) {
            return Err(WriteFailure::Write {
                path,
                error,
                written,
                left: changes[i..].iter().map(|c| c.path.clone()).collect(),
            });
        }
        let backup = backups
            .iter()
            .find(|(name, _)| *name == change.path)
            .map(|(_, b)| {
                b.file_name().map_or(b.display().to_string(), |n| {
                    n.to_string_lossy().into_owned()
                })
            });
        written.push(Written { path, backup });
    }
    Ok(written)
}

/// The nearest existing directory at or above `dir`, and `dir` relative to it.
fn nearest_existing(dir: &Path) -> (PathBuf, PathBuf) {
    let mut base = dir.to_path_buf();
    let mut rel = PathBuf::new();
    while !base.is_dir() {
        match (base.parent(), base.file_name()) {
            (Some(parent), Some(name)) => {
                rel = Path::new(name).join(&rel);
                base = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            _ => break,
        }
    }
    (base, rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_directory_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let state = read_dir_state(&dir.path().join("not/yet")).unwrap();
        assert_eq!(state.flake_nix, None);
        assert!(!state.has_hardware_configuration);
    }

    #[test]
    fn files_are_read_and_non_utf8_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("configuration.nix"), "{ }\n").unwrap();
        fs::write(dir.path().join("hardware-configuration.nix"), "{ }\n").unwrap();
        let state = read_dir_state(dir.path()).unwrap();
        assert_eq!(state.configuration_nix.as_deref(), Some("{ }\n"));
        assert!(state.has_hardware_configuration);
        fs::write(dir.path().join("atproto.nix"), [0xff, 0xfe]).unwrap();
        let e = read_dir_state(dir.path()).unwrap_err();
        assert!(e.to_string().contains("atproto.nix: not UTF-8"), "{e}");
    }

    #[test]
    fn the_nearest_existing_parent_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let (base, rel) = nearest_existing(&dir.path().join("a/b"));
        assert_eq!(base, dir.path());
        assert_eq!(rel, PathBuf::from("a/b"));
    }
}
