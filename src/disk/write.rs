//! Writing planned changes into a host directory, as `apply` and the wizard (both
//! modes) do: [`write_changes`]. Guarantees, each tested by attacking it
//! (tests/apply_kill.rs, tests/host_file_safety.rs):
//!
//! - One writer at a time: the directory is locked (`disk::lock`); a second writer is
//!   told another one is running, and writes nothing.
//! - Nothing changed since it was read: every host file, written or not, and every
//!   other file the plan changes (an operator's module `adopt` edits), is read again
//!   (never through a link, only a regular file) and compared with what the plan was
//!   made from. A plan made from a half-written directory (another writer was between
//!   two renames when it was read) is refused, not applied over the other's files.
//! - All or nothing as far as the disk allows: every replaced file is backed up, then
//!   every new file is written in full and flushed beside its target, and only then are
//!   they renamed into place one after the other. A failure before the renames (a full
//!   disk, say) leaves every file as it was and removes the backups made for this
//!   write.
//! - A consistent set even when killed: the renames follow the plan's order, where
//!   `atproto.toml` comes last (`apply::WRITE_ORDER`). atproto.toml records the
//!   answers the other files were generated from, so it never holds answers whose
//!   files are not all written; a kill between the renames leaves newer generated
//!   files under the previous answers, and the next apply with the same answers
//!   finishes the job (and says so).
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::lock::{DirLock, LockError};
use super::read::{Links, ReadError, read_text};
use crate::apply::{DirState, FileChange, WRITE_ORDER};

/// One file [`write_changes`] wrote, and where the old one went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// The file name of the backup of the replaced file, if it replaced one.
    pub backup: Option<String>,
}

/// Why [`write_changes`] stopped. Only `Write` with files in `written` means something
/// was written.
#[derive(Debug)]
pub enum WriteFailure {
    /// The directory could not be created.
    CreateDir(PathBuf, io::Error),
    /// Another writer holds the directory's lock.
    Busy { dir: PathBuf, lock: PathBuf },
    /// The lock file could not be made or locked.
    Lock(PathBuf, io::Error),
    /// A file could not be read again, or is now a link or not a regular file.
    Read(ReadError),
    /// A file changed since the plan was made (edited while the operator was asked).
    Changed(PathBuf),
    /// A replaced file could not be backed up.
    Backup(PathBuf, io::Error),
    /// A file could not be written. When `written` is empty, nothing was: every file
    /// is as it was and no backup is left. Otherwise the files in `written` are
    /// written and complete (their backups kept) and the ones in `left` (names) are
    /// not.
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
    /// Nothing is wrong on disk, the write was declined: a file changed since it was
    /// read, another writer is at work, or a file is a link or not a regular file.
    pub fn is_refusal(&self) -> bool {
        match self {
            WriteFailure::Changed(_) | WriteFailure::Busy { .. } => true,
            WriteFailure::Read(e) => e.is_refusal(),
            _ => false,
        }
    }

    /// What went wrong, in the words every front end prints. `changed` finishes the
    /// sentence for a file that changed since it was read, after its path, because each
    /// front end says differently how to try again.
    pub fn describe(&self, changed: &str) -> String {
        match self {
            WriteFailure::CreateDir(path, e) | WriteFailure::Lock(path, e) => {
                format!("{}: {e}\nNothing was written.", path.display())
            }
            WriteFailure::Busy { dir, lock } => format!(
                "another apply is running in {} (lock file {}): wait for it to finish, then \
                 try again (a lock file left by a process that is gone does not stop anyone).\n\
                 Nothing was written.",
                dir.display(),
                lock.display()
            ),
            WriteFailure::Read(e) => format!("{e}\nNothing was written."),
            WriteFailure::Changed(path) => format!("{} {changed}", path.display()),
            WriteFailure::Backup(path, e) => {
                format!(
                    "cannot back up {}: {e}\nNothing was written.",
                    path.display()
                )
            }
            WriteFailure::Write {
                path,
                error,
                written,
                left,
            } => {
                if left.is_empty() {
                    format!(
                        "cannot flush {} to disk: {error}\nEvery file is written, but a power \
                         cut now could undo some of it: run `sync`.",
                        path.display()
                    )
                } else if written.is_empty() {
                    format!(
                        "cannot write {}: {error}\nNothing was written: every file is as it \
                         was, and the backups made for this write are removed.",
                        path.display()
                    )
                } else {
                    format!(
                        "cannot write {}: {error}\nNot written: {}. The files written before \
                         are complete and their backups kept; run the same command again to \
                         finish.",
                        path.display(),
                        left.join(", ")
                    )
                }
            }
        }
    }
}

/// Writes planned changes into `dir` (see the module docs): creates the directory, takes
/// its lock, checks no host file changed since it was read as `read` (what the plan was
/// made from), backs up every file it replaces (`<name>.<UTC time>.bak`), writes every
/// new file beside its target, then puts them in place in the plan's order. Returns what
/// was written, in that order.
pub fn write_changes(
    dir: &Path,
    read: &DirState,
    changes: &[FileChange],
) -> Result<Vec<Written>, WriteFailure> {
    fs::create_dir_all(dir).map_err(|e| WriteFailure::CreateDir(dir.to_path_buf(), e))?;
    let _lock = DirLock::acquire(dir).map_err(|e| match e {
        LockError::Busy(lock) => WriteFailure::Busy {
            dir: dir.to_path_buf(),
            lock,
        },
        LockError::Io(lock, e) => WriteFailure::Lock(lock, e),
    })?;
    for name in WRITE_ORDER {
        let path = dir.join(name);
        let now = read_text(&path, Links::Refuse).map_err(WriteFailure::Read)?;
        let planned = changes.iter().find(|c| c.path == name);
        let was = planned.map_or(read.file(name), |c| c.old.as_deref());
        if now.as_deref() != was {
            return Err(WriteFailure::Changed(path));
        }
    }
    // Other files of the operator's (modules `adopt` takes bindings out of): each as
    // the plan read it.
    for change in changes
        .iter()
        .filter(|c| !WRITE_ORDER.contains(&c.path.as_str()))
    {
        let path = dir.join(&change.path);
        let now = read_text(&path, Links::Refuse).map_err(WriteFailure::Read)?;
        if now.as_deref() != change.old.as_deref() {
            return Err(WriteFailure::Changed(path));
        }
    }
    // The directories of files below the host directory (a fleet's hosts/<host>/),
    // made when missing, never followed through a link.
    for change in changes {
        if let Some(parent) = Path::new(&change.path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            make_dirs_inside(dir, parent)?;
        }
    }
    let mut backups = Backups::default();
    for change in changes.iter().filter(|c| c.old.is_some()) {
        let path = dir.join(&change.path);
        match super::backup(&path) {
            Ok(b) => backups.made.push((change.path.clone(), b)),
            Err(e) => return Err(WriteFailure::Backup(path, e)),
        }
    }
    let mut staged = Vec::new();
    for change in changes {
        let path = dir.join(&change.path);
        match super::stage(&path, change.new.as_bytes()) {
            Ok(s) => staged.push((change, s)),
            // Dropping `staged` removes the files staged so far; `backups` goes too.
            Err(error) => {
                return Err(WriteFailure::Write {
                    path,
                    error,
                    written: Vec::new(),
                    left: changes.iter().map(|c| c.path.clone()).collect(),
                });
            }
        }
    }
    let mut written = Vec::new();
    let mut staged = staged.into_iter();
    while let Some((change, file)) = staged.next() {
        let path = file.target().to_path_buf();
        if let Err(error) = file.commit() {
            let left: Vec<String> = std::iter::once(change.path.clone())
                .chain(staged.map(|(c, _)| c.path.clone()))
                .collect();
            // Keep the backups of the files that were replaced.
            backups.keep(&written_names(&written));
            return Err(WriteFailure::Write {
                path,
                error,
                written,
                left,
            });
        }
        written.push(Written {
            path,
            backup: backups.name_of(&change.path),
        });
    }
    backups.keep_all();
    // Every directory a file was renamed in (the host directory, and a module's own).
    let mut dirs: Vec<PathBuf> = vec![dir.to_path_buf()];
    for w in &written {
        if let Some(parent) = w.path.parent()
            && !dirs.iter().any(|d| d == parent)
        {
            dirs.push(parent.to_path_buf());
        }
    }
    for d in dirs {
        super::sync_dir(&d).map_err(|error| WriteFailure::Write {
            path: d.clone(),
            error,
            written: written.clone(),
            left: Vec::new(),
        })?;
    }
    Ok(written)
}

/// Makes `rel` (relative) inside `dir`, one directory at a time; an existing part must
/// be a real directory, not a link (which could lead the write out of `dir`).
fn make_dirs_inside(dir: &Path, rel: &Path) -> Result<(), WriteFailure> {
    let mut at = dir.to_path_buf();
    for part in rel.components() {
        at.push(part);
        match fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(WriteFailure::CreateDir(
                    at.clone(),
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "not a directory (a link or a file): the files that go in it are not written through it",
                    ),
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir(&at).map_err(|e| WriteFailure::CreateDir(at.clone(), e))?;
            }
            Err(e) => return Err(WriteFailure::CreateDir(at.clone(), e)),
        }
    }
    Ok(())
}

fn written_names(written: &[Written]) -> Vec<String> {
    written
        .iter()
        .filter_map(|w| w.path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect()
}

/// The backups made for one write: removed when the write fails before the file they
/// back up was replaced (they would only be clutter: the file is still there), kept
/// for the files that were.
#[derive(Default)]
struct Backups {
    /// (file name, backup path); the ones still here when this is dropped are removed.
    made: Vec<(String, PathBuf)>,
}

impl Backups {
    fn name_of(&self, file: &str) -> Option<String> {
        self.made
            .iter()
            .find(|(name, _)| name == file)
            .map(|(_, b)| {
                b.file_name().map_or(b.display().to_string(), |n| {
                    n.to_string_lossy().into_owned()
                })
            })
    }

    /// Keeps the backups of `files`; the others are removed when this is dropped.
    fn keep(&mut self, files: &[String]) {
        self.made.retain(|(name, _)| !files.contains(name));
    }

    fn keep_all(&mut self) {
        self.made.clear();
    }
}

impl Drop for Backups {
    fn drop(&mut self) {
        for (_, backup) in &self.made {
            let _ = fs::remove_file(backup);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, old: Option<&str>, new: &str) -> FileChange {
        FileChange {
            path: path.into(),
            old: old.map(String::from),
            new: new.into(),
            why: String::new(),
        }
    }

    #[test]
    fn a_file_the_plan_keeps_but_that_changed_since_stops_the_write() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join("atproto.nix"), "old nix").unwrap();
        fs::write(dir.join("flake.nix"), "old flake").unwrap();
        let read = DirState {
            atproto_nix: Some("old nix".into()),
            flake_nix: Some("old flake".into()),
            ..DirState::default()
        };
        let changes = [change("atproto.nix", Some("old nix"), "new nix")];
        // Another writer replaced flake.nix after the plan was made.
        fs::write(dir.join("flake.nix"), "their flake").unwrap();
        match write_changes(dir, &read, &changes) {
            Err(WriteFailure::Changed(p)) => assert_eq!(p, dir.join("flake.nix")),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            fs::read_to_string(dir.join("atproto.nix")).unwrap(),
            "old nix"
        );
        // As read, it is written.
        fs::write(dir.join("flake.nix"), "old flake").unwrap();
        let written = write_changes(dir, &read, &changes).unwrap();
        assert_eq!(written.len(), 1);
        assert_eq!(
            fs::read_to_string(dir.join("atproto.nix")).unwrap(),
            "new nix"
        );
    }
}
