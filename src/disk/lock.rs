//! One writer per host directory: a lock file, `DIR/.atproto-wizard.lock`, held with
//! `flock` while `apply` (or the wizard) writes there. A second writer is told another
//! one is running instead of tripping over its temporary files. The kernel releases
//! the lock when the holder exits, however it exits; the file itself is removed when
//! the lock is released, and a file left by a killed writer is simply locked again.
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The lock file's name in the host directory.
pub const LOCK_FILE: &str = ".atproto-wizard.lock";

/// The lock on a host directory; released (and its file removed) when dropped.
#[derive(Debug)]
pub struct DirLock {
    path: PathBuf,
    _file: File,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another writer holds it: the lock file's path.
    Busy(PathBuf),
    /// The lock file could not be made or locked.
    Io(PathBuf, io::Error),
}

impl DirLock {
    /// Takes the lock on `dir` without waiting.
    pub fn acquire(dir: &Path) -> Result<DirLock, LockError> {
        let path = dir.join(LOCK_FILE);
        let io_error = |e| LockError::Io(path.clone(), e);
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(&path)
                .map_err(io_error)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Err(LockError::Busy(path)),
                Err(TryLockError::Error(e)) => return Err(io_error(e)),
            }
            // The holder before us removes the file as it lets go: if it did so between
            // our open and our lock, we hold a lock on a file no one else will open.
            // Only a lock on the file that is at the path now counts.
            let ours = file.metadata().map_err(io_error)?;
            match fs::symlink_metadata(&path) {
                Ok(now) if now.dev() == ours.dev() && now.ino() == ours.ino() => {
                    return Ok(DirLock { path, _file: file });
                }
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_error(e)),
            }
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Removed while still locked (the file closes after this), so no one can be
        // holding a lock on the file we remove.
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = DirLock::acquire(dir.path()).unwrap();
        match DirLock::acquire(dir.path()) {
            Err(LockError::Busy(p)) => assert_eq!(p, dir.path().join(LOCK_FILE)),
            other => panic!("{other:?}"),
        }
        drop(first);
        assert!(!dir.path().join(LOCK_FILE).exists(), "removed on release");
        let again = DirLock::acquire(dir.path()).unwrap();
        drop(again);
    }

    #[test]
    fn a_lock_file_left_by_a_killed_writer_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(LOCK_FILE), "").unwrap();
        let lock = DirLock::acquire(dir.path()).unwrap();
        drop(lock);
        assert!(!dir.path().join(LOCK_FILE).exists());
    }
}
