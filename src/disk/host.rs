//! Reading a host directory into [`DirState`]: its files' text, whether
//! `hardware-configuration.nix` is there, and what git tracks. Writing it is
//! [`super::write`] (re-exported here, where the front ends look for it).
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::read::{Links, ReadError, read_text};
pub use super::write::{WriteFailure, Written, write_changes};
use crate::apply::{
    ATPROTO_NIX, ATPROTO_TOML, CONFIGURATION_NIX, DirState, FLAKE_NIX, GitState,
    HARDWARE_CONFIGURATION_NIX,
};

/// What `dir` holds, for `apply` and the wizard. A missing directory reads as empty
/// (`apply` creates it). A host file that is a symbolic link or not a regular file is
/// refused (never read: see `disk::read`); one that cannot be read, is too large or
/// is not UTF-8 is an error; both name the file. `dir` itself may be a link: it is the
/// path the operator gave.
pub fn read_dir_state(dir: &Path) -> Result<DirState, ReadError> {
    read_dir_state_with(dir, Links::Refuse)
}

/// [`read_dir_state`], following links among the host's files when `links` says so:
/// for `preview`, which only reads them, as `nixos-rebuild` does (a host whose
/// configuration.nix links into a dotfiles repository is common).
pub fn read_dir_state_with(dir: &Path, links: Links) -> Result<DirState, ReadError> {
    let files = read_host_files(dir, links)?;
    Ok(DirState {
        git: git_state(dir),
        ..files
    })
}

/// [`read_dir_state`] without asking git what it tracks (`git` is `None`): for the
/// wizard's first frame, which shows nothing of it; the wizard asks git right after
/// ([`git_state`]), before anything that uses it can be reached.
pub fn read_host_files(dir: &Path, links: Links) -> Result<DirState, ReadError> {
    if dir.exists() && !dir.is_dir() {
        return Err(ReadError::Io {
            path: dir.to_path_buf(),
            error: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a directory"),
        });
    }
    let read = |name: &str| read_text(&dir.join(name), links);
    Ok(DirState {
        flake_nix: read(FLAKE_NIX)?,
        configuration_nix: read(CONFIGURATION_NIX)?,
        atproto_nix: read(ATPROTO_NIX)?,
        atproto_toml: read(ATPROTO_TOML)?,
        // Only whether it is there: it is never read, written or shown.
        has_hardware_configuration: dir.join(HARDWARE_CONFIGURATION_NIX).exists(),
        git: None,
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
    use std::fs;

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
        assert!(!e.is_refusal());
    }

    #[test]
    fn the_nearest_existing_parent_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let (base, rel) = nearest_existing(&dir.path().join("a/b"));
        assert_eq!(base, dir.path());
        assert_eq!(rel, PathBuf::from("a/b"));
    }
}
