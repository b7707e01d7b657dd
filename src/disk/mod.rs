//! The edge where `apply` touches the disk: atomic replacement, backups, and reading a
//! host directory into [`crate::apply::DirState`]; and where this wizard's own flake is
//! on this machine ([`own_flake`]). Small on purpose; everything that decides what to
//! write is in `crate::apply`, which does no I/O.
//!
//! Guarantees (tested by killing a writer at random moments, tests/disk_kill.rs):
//!
//! - [`write_atomic`] leaves the target either as it was or completely replaced, never
//!   torn: the bytes go to a temporary file in the same directory, which is flushed to
//!   disk (fsync) and then renamed over the target (rename is atomic within a file
//!   system); the directory is fsynced so the rename itself survives a power cut.
//! - Temporary files are named `.<name>.<pid>-<n>.atproto-wizard-tmp` beside the
//!   target. A writer killed before its rename leaves one behind; the next
//!   [`write_atomic`] or [`backup`] of the same file removes every such leftover
//!   before it starts. (So two processes must not write the same file at the same
//!   moment: `write::write_changes` locks the host directory for that, see `lock`.)
//! - [`stage`] and [`Staged::commit`] split a write in two, so that several files can
//!   be written completely (and flushed) before the first of them replaces anything;
//!   a staged file that is dropped without being committed is removed.
//! - A replaced file keeps its permission bits, and its owner where the process may
//!   set it; a new file is created 0644. `atproto.toml` is 0644 too: it holds no
//!   secrets (the wizard refuses inline secrets), only paths to them.
//! - A symbolic link, or anything but a regular file, at the target is refused, never
//!   written through: a host's files are never links (`read`). (The rename itself
//!   never writes through a link: at worst it replaces one that appeared meanwhile.)
//! - [`backup`] copies a file to `<name>.<UTC time YYYYmmddTHHMMSZ>.bak` beside it,
//!   itself written atomically and never over an existing backup (a counter is added:
//!   `<name>.<time>.1.bak`, …). It reads the file as `read` does: never through a link.
pub mod adopt;
pub mod host;
pub mod lock;
pub mod own_flake;
pub mod read;
pub mod write;

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The suffix of every temporary file the wizard makes.
pub const TEMP_SUFFIX: &str = ".atproto-wizard-tmp";

/// The mode of a file the wizard creates.
pub const NEW_FILE_MODE: u32 = 0o644;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces (or creates) `path` with `bytes` atomically; see the module docs.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let staged = stage(path, bytes)?;
    let dir = staged.dir.clone();
    staged.commit()?;
    sync_dir(&dir)
}

/// A file written in full beside its target, not yet in its place.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
}

/// Writes `bytes` for `path` into a temporary file beside it, flushed to disk, with the
/// mode (and owner) `path` has now; [`Staged::commit`] puts it in place.
pub fn stage(path: &Path, bytes: &[u8]) -> io::Result<Staged> {
    let (dir, name) = split(path)?;
    let existing = match fs::symlink_metadata(path) {
        Ok(m) => {
            read::check_type(path, &m).map_err(refused)?;
            Some(m)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(with_path(e, path)),
    };
    remove_leftovers(&dir, &name)?;
    let mode = existing
        .as_ref()
        .map_or(NEW_FILE_MODE, |m| m.permissions().mode() & 0o7777);
    let temp = write_temp(&dir, &name, bytes, mode, existing.as_ref())?;
    Ok(Staged {
        temp,
        target: path.to_path_buf(),
        dir,
        committed: false,
    })
}

impl Staged {
    /// Renames the staged file over its target. The directory still needs a
    /// [`sync_dir`] for the rename to survive a power cut.
    pub fn commit(mut self) -> io::Result<()> {
        fs::rename(&self.temp, &self.target).map_err(|e| with_path(e, &self.target))?;
        self.committed = true;
        Ok(())
    }

    /// The file it will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.temp);
        }
    }
}

/// Copies `path` to a new backup beside it, `<name>.<YYYYmmddTHHMMSSZ>.bak` (UTC), and
/// returns the backup's path. An existing backup is never overwritten.
pub fn backup(path: &Path) -> io::Result<PathBuf> {
    backup_at(path, SystemTime::now())
}

/// [`backup`] with the time given.
pub fn backup_at(path: &Path, now: SystemTime) -> io::Result<PathBuf> {
    let (dir, name) = split(path)?;
    let read::Contents { bytes, meta } = match read::read_bytes(path, read::Links::Refuse) {
        Ok(Some(c)) => c,
        Ok(None) => {
            return Err(with_path(io::ErrorKind::NotFound.into(), path));
        }
        Err(e) => return Err(refused(e)),
    };
    remove_leftovers(&dir, &name)?;
    let temp = write_temp(
        &dir,
        &name,
        &bytes,
        meta.permissions().mode() & 0o7777,
        Some(&meta),
    )?;
    let stamp = utc_stamp(now);
    let result = (|| {
        for n in 0u32.. {
            let candidate = if n == 0 {
                dir.join(format!("{name}.{stamp}.bak"))
            } else {
                dir.join(format!("{name}.{stamp}.{n}.bak"))
            };
            // A hard link never replaces an existing name: a safe "rename unless taken".
            match fs::hard_link(&temp, &candidate) {
                Ok(()) => return Ok(candidate),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(_) if fs::symlink_metadata(&candidate).is_err() => {
                    // No hard links on this file system: rename (nothing there to lose).
                    fs::rename(&temp, &candidate).map_err(|e| with_path(e, &candidate))?;
                    return Ok(candidate);
                }
                Err(e) => return Err(with_path(e, &candidate)),
            }
        }
        unreachable!("some counter is free")
    })();
    let _ = fs::remove_file(&temp);
    let backup = result?;
    sync_dir(&dir)?;
    Ok(backup)
}

/// `YYYYmmddTHHMMSSZ` for a time (UTC).
pub fn utc_stamp(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Whether `file_name` is one of our temporary files for the file `name`.
pub fn is_temp_for(file_name: &str, name: &str) -> bool {
    file_name.starts_with(&format!(".{name}.")) && file_name.ends_with(TEMP_SUFFIX)
}

/// Removes the temporary files a killed writer left for `name` in `dir`.
fn remove_leftovers(dir: &Path, name: &str) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(with_path(e, dir)),
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        if let Some(file_name) = file_name.to_str()
            && is_temp_for(file_name, name)
        {
            match fs::remove_file(entry.path()) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(with_path(e, &entry.path()));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Writes `bytes` to a new temporary file for `name` in `dir`, with `mode` (and the
/// owner of `like`, where allowed), flushed to disk. Returns its path.
fn write_temp(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    mode: u32,
    like: Option<&fs::Metadata>,
) -> io::Result<PathBuf> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!(".{name}.{}-{n}{TEMP_SUFFIX}", std::process::id()));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .map_err(|e| with_path(e, &temp))?;
    let result = (|| {
        file.write_all(bytes)?;
        if let Some(meta) = like {
            use std::os::unix::fs::MetadataExt;
            // Only root may give a file away; anyone else keeps their own files.
            let _ = std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid()));
        }
        file.set_permissions(Permissions::from_mode(mode))?;
        file.sync_all()
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(with_path(e, &temp));
    }
    Ok(temp)
}

/// Flushes a directory's entries (renames, new and removed files) to disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| with_path(e, dir))
}

/// A file `read` refuses (or cannot read), as an I/O error that carries it: its message
/// names the file and says what to do.
fn refused(e: read::ReadError) -> io::Error {
    let kind = match &e {
        read::ReadError::Io { error, .. } => error.kind(),
        _ => io::ErrorKind::InvalidInput,
    };
    io::Error::new(kind, e)
}

fn split(path: &Path) -> io::Result<(PathBuf, String)> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: not a file name", path.display()),
            )
        })?
        .to_string();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name))
}

/// The error with the path it concerns in its message.
fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn temps(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(TEMP_SUFFIX))
            .collect()
    }

    #[test]
    fn timestamps_are_utc_and_sortable() {
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101T000000Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_709_210_096); // 2024-02-29 12:34:56
        assert_eq!(utc_stamp(t), "20240229T123456Z");
        let t = UNIX_EPOCH + Duration::from_secs(4_102_444_799); // 2099-12-31 23:59:59
        assert_eq!(utc_stamp(t), "20991231T235959Z");
    }

    #[test]
    fn a_new_file_is_0644_and_a_replaced_one_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("atproto.nix");
        write_atomic(&p, b"one\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"one\n");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o644
        );
        fs::set_permissions(&p, Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"two\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two\n");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert!(temps(dir.path()).is_empty());
    }

    #[test]
    fn leftovers_of_a_killed_writer_are_removed_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("flake.nix");
        let stale = dir.path().join(format!(".flake.nix.1-0{TEMP_SUFFIX}"));
        let other = dir.path().join(format!(".atproto.nix.1-0{TEMP_SUFFIX}"));
        fs::write(&stale, "half").unwrap();
        fs::write(&other, "half").unwrap();
        write_atomic(&p, b"x").unwrap();
        assert!(!stale.exists());
        // Another file's leftovers wait for that file's next write.
        assert!(other.exists());
    }

    #[test]
    fn a_symlink_is_never_written_through_nor_backed_up() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.nix");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("configuration.nix");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let e = write_atomic(&link, b"new").unwrap_err();
        assert!(e.to_string().contains("a symbolic link to"), "{e}");
        let e = backup(&link).unwrap_err();
        assert!(e.to_string().contains("a symbolic link to"), "{e}");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_staged_file_replaces_nothing_until_committed_and_vanishes_if_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("atproto.nix");
        fs::write(&p, "old").unwrap();
        let staged = stage(&p, b"new").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(temps(dir.path()).len(), 1);
        drop(staged);
        assert!(temps(dir.path()).is_empty());
        assert_eq!(fs::read(&p).unwrap(), b"old");
        stage(&p, b"new").unwrap().commit().unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert!(temps(dir.path()).is_empty());
    }

    #[test]
    fn backups_never_overwrite_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("configuration.nix");
        fs::write(&p, "v1").unwrap();
        fs::set_permissions(&p, Permissions::from_mode(0o600)).unwrap();
        let t = UNIX_EPOCH + Duration::from_secs(1_709_210_096);
        let b1 = backup_at(&p, t).unwrap();
        assert_eq!(
            b1.file_name().unwrap(),
            "configuration.nix.20240229T123456Z.bak"
        );
        fs::write(&p, "v2").unwrap();
        let b2 = backup_at(&p, t).unwrap();
        assert_eq!(
            b2.file_name().unwrap(),
            "configuration.nix.20240229T123456Z.1.bak"
        );
        assert_eq!(fs::read(&b1).unwrap(), b"v1");
        assert_eq!(fs::read(&b2).unwrap(), b"v2");
        assert_eq!(
            fs::metadata(&b2).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(temps(dir.path()).is_empty());
    }

    #[test]
    fn a_relative_path_in_the_current_directory_works() {
        assert_eq!(
            split(Path::new("atproto.nix")).unwrap(),
            (PathBuf::from("."), "atproto.nix".to_string())
        );
    }
}
