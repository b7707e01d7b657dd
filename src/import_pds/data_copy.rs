//! Copying the PDS's data for `--copy-data`: [`scan`] finds everything first (and
//! refuses what is in the way), [`copy`] does it.
//!
//! The copy never moves nor changes anything under the source: files are only read.
//! Each file is written to a temporary file beside its destination, flushed, read back
//! and compared (size and SHA-256) with what was read from the source, then linked into
//! place, which never replaces a file. A destination file that is already there is
//! left alone when it is the same (a second run copies nothing) and refused when it
//! differs (the NixOS PDS may have started on an empty directory: its files are not
//! overwritten). At the end every source file is read again and compared with its
//! copy, so a source that changed during the copy (a PDS still running) is caught.
//!
//! SQLite files are copied only while nothing answers on the PDS's port (the Docker
//! PDS or the NixOS one; the command probes with `data::answers` before asking and
//! again before copying): a database copied while it is written can be torn.
use std::fs::{self, DirBuilder, File, OpenOptions, Permissions};
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::data::{DATABASES, DataPlan};

/// One regular file to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Its path under the destination.
    pub rel: PathBuf,
    pub src: PathBuf,
    pub size: u64,
    /// Already at the destination with the same bytes.
    pub same: bool,
}

/// Everything the copy will do, found before doing any of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Directories to make, under the destination, parents first.
    pub dirs: Vec<PathBuf>,
    pub files: Vec<FileEntry>,
}

impl Scan {
    /// Files still to copy, and their bytes.
    pub fn to_copy(&self) -> (usize, u64) {
        self.files
            .iter()
            .filter(|f| !f.same)
            .fold((0, 0), |(n, b), f| (n + 1, b + f.size))
    }
    /// Files already copied.
    pub fn already(&self) -> usize {
        self.files.iter().filter(|f| f.same).count()
    }
}

/// Why the data is not (or not all) copied.
#[derive(Debug)]
pub enum DataError {
    /// A source is missing that the PDS cannot do without.
    Missing(PathBuf),
    /// A symbolic link, or something other than a file or directory, in the source.
    Unexpected(PathBuf, &'static str),
    /// Destination files that differ from the source (or are in the way).
    Conflict(Vec<PathBuf>),
    /// Something answers on the PDS's port.
    Running(SocketAddr),
    /// A copy does not match its source: the source changed while it was copied, or
    /// the disk did not keep what was written.
    Mismatch(PathBuf),
    Io(PathBuf, io::Error),
}

impl DataError {
    /// A refusal (to protect data), as opposed to input that cannot be used or a
    /// failure.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            DataError::Conflict(_) | DataError::Running(_) | DataError::Mismatch(_)
        )
    }
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let esc = |p: &Path| crate::safe_text::escape(&p.display().to_string()).into_owned();
        match self {
            DataError::Missing(p) => write!(
                f,
                "{} is missing: without it there are no accounts to move. Is --from the \
                 Docker PDS's data directory?",
                esc(p)
            ),
            DataError::Unexpected(p, what) => write!(
                f,
                "{} is {what}; the PDS's data holds only files and directories, and the copy \
                 follows nothing else: look at it, then copy by hand",
                esc(p)
            ),
            DataError::Conflict(paths) => {
                let shown: Vec<String> = paths.iter().take(5).map(|p| esc(p)).collect();
                write!(
                    f,
                    "{} file{} already in the NixOS PDS's data directory and different from the \
                     Docker PDS's ({}{}): they are not overwritten. If the NixOS PDS started on \
                     an empty directory, stop it (systemctl stop bluesky-pds) and move its \
                     files away, then run import-pds again",
                    paths.len(),
                    if paths.len() == 1 { " is" } else { "s are" },
                    shown.join(", "),
                    if paths.len() > 5 { ", …" } else { "" }
                )
            }
            DataError::Running(addr) => write!(
                f,
                "something answers on {addr}, the PDS's port: a PDS is still running, and a \
                 database copied while it writes can be torn. Stop it first (the Docker PDS: \
                 systemctl stop pds, or docker compose down; the NixOS one: systemctl stop \
                 bluesky-pds), then run import-pds again"
            ),
            DataError::Mismatch(p) => write!(
                f,
                "the copy of {} does not match it: the source changed while it was copied (is \
                 a PDS running?) or the disk did not keep what was written. The copies stay \
                 where they are; nothing under the source was changed",
                esc(p)
            ),
            DataError::Io(p, e) => write!(f, "{}: {e}", esc(p)),
        }
    }
}

/// Walks the sources and compares each file with what the destination holds. Reads
/// only. A destination that differs is a [`DataError::Conflict`].
pub fn scan(plan: &DataPlan) -> Result<Scan, DataError> {
    if let Some(db) = plan.missing.iter().find(|m| m.as_str() == DATABASES[0]) {
        return Err(DataError::Missing(plan.from.join(db)));
    }
    let mut scan = Scan::default();
    for item in &plan.items {
        walk(&item.from, Path::new(&item.to), &mut scan)?;
    }
    let mut conflicts = Vec::new();
    for dir in &scan.dirs {
        let d = plan.dest_here.join(dir);
        match fs::symlink_metadata(&d) {
            Ok(m) if !m.is_dir() || m.file_type().is_symlink() => conflicts.push(d),
            _ => {}
        }
    }
    for file in &mut scan.files {
        let d = plan.dest_here.join(&file.rel);
        match fs::symlink_metadata(&d) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(DataError::Io(d, e)),
            Ok(m) if !m.is_file() || m.len() != file.size => conflicts.push(d),
            Ok(_) => {
                if hash_file(&d)? == hash_file(&file.src)? {
                    file.same = true;
                } else {
                    conflicts.push(d);
                }
            }
        }
    }
    if conflicts.is_empty() {
        Ok(scan)
    } else {
        Err(DataError::Conflict(conflicts))
    }
}

fn walk(src: &Path, rel: &Path, scan: &mut Scan) -> Result<(), DataError> {
    let meta = fs::symlink_metadata(src).map_err(|e| DataError::Io(src.to_path_buf(), e))?;
    let t = meta.file_type();
    if t.is_symlink() {
        return Err(DataError::Unexpected(src.to_path_buf(), "a symbolic link"));
    }
    if t.is_file() {
        scan.files.push(FileEntry {
            rel: rel.to_path_buf(),
            src: src.to_path_buf(),
            size: meta.len(),
            same: false,
        });
        return Ok(());
    }
    if !t.is_dir() {
        return Err(DataError::Unexpected(
            src.to_path_buf(),
            "neither a file nor a directory",
        ));
    }
    scan.dirs.push(rel.to_path_buf());
    let mut entries: Vec<_> = fs::read_dir(src)
        .map_err(|e| DataError::Io(src.to_path_buf(), e))?
        .collect::<Result<_, _>>()
        .map_err(|e| DataError::Io(src.to_path_buf(), e))?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        walk(&e.path(), &rel.join(e.file_name()), scan)?;
    }
    Ok(())
}

/// What the copy did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copied {
    pub files: usize,
    pub bytes: u64,
    /// Files that were there already, the same.
    pub already: usize,
    /// Every file compared with its source afterwards.
    pub verified: usize,
    /// Whether the files were given to the pds user.
    pub chowned: bool,
}

/// Copies what [`scan`] found (see the module docs); `owner` is the pds user's uid and
/// gid when it exists.
pub fn copy(plan: &DataPlan, scan: &Scan, owner: Option<(u32, u32)>) -> Result<Copied, DataError> {
    let dest = &plan.dest_here;
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e: io::Error| DataError::Io(p.clone(), e)
    };
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).map_err(io(parent))?;
    }
    // The NixOS module's StateDirectoryMode.
    make_dir(dest, 0o755, owner)?;
    for dir in &scan.dirs {
        make_dir(&dest.join(dir), 0o700, owner)?;
    }
    let mut done = Copied {
        chowned: owner.is_some(),
        ..Copied::default()
    };
    let mut hashes = Vec::with_capacity(scan.files.len());
    for file in &scan.files {
        let target = dest.join(&file.rel);
        if file.same {
            hashes.push(hash_file(&target)?);
            done.already += 1;
            continue;
        }
        let hash = copy_file(&file.src, &target, owner)?;
        hashes.push(hash);
        done.files += 1;
        done.bytes += file.size;
    }
    for dir in std::iter::once(dest.clone()).chain(scan.dirs.iter().map(|d| dest.join(d))) {
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(io(&dir))?;
    }
    // Every copy against its source once more, now that all are written.
    for (file, copied) in scan.files.iter().zip(&hashes) {
        let meta = fs::metadata(&file.src).map_err(io(&file.src))?;
        if meta.len() != file.size || hash_file(&file.src)? != *copied {
            return Err(DataError::Mismatch(file.src.clone()));
        }
        done.verified += 1;
    }
    Ok(done)
}

fn make_dir(dir: &Path, mode: u32, owner: Option<(u32, u32)>) -> Result<(), DataError> {
    let io = |e: io::Error| DataError::Io(dir.to_path_buf(), e);
    match DirBuilder::new().mode(mode).create(dir) {
        Ok(()) => {
            fs::set_permissions(dir, Permissions::from_mode(mode)).map_err(io)?;
            if let Some((uid, gid)) = owner {
                std::os::unix::fs::lchown(dir, Some(uid), Some(gid)).map_err(io)?;
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let m = fs::symlink_metadata(dir).map_err(io)?;
            if m.is_dir() && !m.file_type().is_symlink() {
                if let Some((uid, gid)) = owner
                    && (m.uid() != uid || m.gid() != gid)
                {
                    std::os::unix::fs::lchown(dir, Some(uid), Some(gid)).map_err(io)?;
                }
                Ok(())
            } else {
                Err(DataError::Conflict(vec![dir.to_path_buf()]))
            }
        }
        Err(e) => Err(io(e)),
    }
}

/// Copies one file through a temporary file beside `target`, checks the copy read back
/// against what was read from `src`, and links it into place. Returns its SHA-256.
fn copy_file(src: &Path, target: &Path, owner: Option<(u32, u32)>) -> Result<[u8; 32], DataError> {
    let dir = target.parent().unwrap_or(Path::new("/"));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(
        ".{name}.{}{}",
        std::process::id(),
        crate::disk::TEMP_SUFFIX
    ));
    let result = (|| {
        let mut input = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(src)
            .map_err(|e| DataError::Io(src.to_path_buf(), e))?;
        let _ = fs::remove_file(&temp);
        let mut output = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&temp)
            .map_err(|e| DataError::Io(temp.clone(), e))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = input
                .read(&mut buf)
                .map_err(|e| DataError::Io(src.to_path_buf(), e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            output
                .write_all(&buf[..n])
                .map_err(|e| DataError::Io(temp.clone(), e))?;
        }
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::fchown(&output, Some(uid), Some(gid))
                .map_err(|e| DataError::Io(temp.clone(), e))?;
        }
        output
            .sync_all()
            .map_err(|e| DataError::Io(temp.clone(), e))?;
        drop(output);
        let read: [u8; 32] = hasher.finalize().into();
        if hash_file(&temp)? != read {
            return Err(DataError::Mismatch(src.to_path_buf()));
        }
        // A link never replaces a file that appeared meanwhile.
        fs::hard_link(&temp, target).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                DataError::Conflict(vec![target.to_path_buf()])
            } else {
                DataError::Io(target.to_path_buf(), e)
            }
        })?;
        Ok(read)
    })();
    let _ = fs::remove_file(&temp);
    result
}

/// A file's SHA-256, read without following a link.
pub fn hash_file(path: &Path) -> Result<[u8; 32], DataError> {
    let io = |e: io::Error| DataError::Io(path.to_path_buf(), e);
    let mut f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_pds::data::plan;
    use crate::import_pds::data::tests::source;

    #[test]
    fn a_copy_is_verified_leaves_the_source_and_is_not_repeated() {
        let tmp = tempfile::tempdir().unwrap();
        let from = tmp.path().join("pds");
        source(&from);
        let dest = tmp.path().join("var/lib/pds");
        let p = plan(&from, "blocks", "/var/lib/pds", &dest);
        let s = scan(&p).unwrap();
        assert_eq!(s.to_copy().0, 7);
        let done = copy(&p, &s, None).unwrap();
        assert_eq!((done.files, done.verified), (7, 7));
        assert_eq!(
            fs::read(dest.join("actors/ab/did:plc:abc/key")).unwrap(),
            b"signing key"
        );
        assert_eq!(fs::read(from.join("account.sqlite")).unwrap(), b"accounts");
        let again = scan(&p).unwrap();
        assert_eq!((again.to_copy().0, again.already()), (0, 7));
        // A destination file that differs is refused, and nothing is replaced.
        fs::write(dest.join("sequencer.sqlite"), b"new!").unwrap();
        match scan(&p) {
            Err(DataError::Conflict(paths)) => {
                assert_eq!(paths, [dest.join("sequencer.sqlite")])
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_link_in_the_source_is_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let from = tmp.path().join("pds");
        source(&from);
        std::os::unix::fs::symlink("/etc/shadow", from.join("actors/ab/x")).unwrap();
        let p = plan(&from, "blocks", "/var/lib/pds", &tmp.path().join("d"));
        assert!(matches!(scan(&p), Err(DataError::Unexpected(..))));
    }
}
