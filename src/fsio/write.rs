//! Writing planned changes into a host directory, as `apply` and the wizard (both
//! modes) do: [`write_changes`]. Every file is read again first (never through a link,
//! only a regular file) and compared with what the plan was made from.
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::read::{Links, ReadError, read_text};
use crate::apply::FileChange;

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
    /// A file could not be read again, or is now a link or not a regular file.
    Read(ReadError),
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
    /// Nothing is wrong on disk, the write was declined: a file changed since it was
    /// read, or is a link or not a regular file.
    pub fn is_refusal(&self) -> bool {
        match self {
            WriteFailure::Changed(_) => true,
            WriteFailure::Read(e) => e.is_refusal(),
            _ => false,
        }
    }

    /// What went wrong, in the words every front end prints. `changed` finishes the
    /// sentence for a file that changed since it was read, after its path, because each
    /// front end says differently how to try again.
    pub fn describe(&self, changed: &str) -> String {
        match self {
            WriteFailure::CreateDir(path, e) => {
                format!("{}: {e}\nNothing was written.", path.display())
            }
            WriteFailure::Read(e) => format!("{e}\nNothing was written."),
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
        let now = read_text(&path, Links::Refuse).map_err(WriteFailure::Read)?;
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
