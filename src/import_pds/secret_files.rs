//! Writing the imported secrets: the edge under `secrets::layout`. The files are made
//! the way nixlib/secrets/atproto-secrets.sh makes a generated one, so the host's
//! generator finds them in place and keeps them:
//!
//! - directories 0700 (an existing one is made 0700 too, as the generator does), and
//!   never a symbolic link: the secrets would land wherever it points;
//! - each file written in full into a temporary file beside it (`.<name>.tmp.<pid>.<n>`,
//!   the generator's own pattern, so it clears one a killed run left), flushed, given
//!   its mode and, when running as root, to root, then linked into place: `link(2)`
//!   never replaces a file that appeared meanwhile;
//! - the bytes exactly as read from pds.env, without a trailing newline;
//! - never over a different secret: a non-empty file that differs is refused before
//!   anything is written (the host may already use it: replacing a PLC rotation key
//!   loses control of every account's identity). The same bytes are left as they are
//!   (a second import changes nothing); an empty file is replaced, as the generator
//!   would replace it. Only a staging copy for sops or agenix, whose source is still in
//!   pds.env, may be replaced when it differs.
use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::secrets::{Layout, SecretFile};
use crate::disk::read::{Links, read_bytes};

/// What writing a file will do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Nothing there yet.
    New,
    /// Already holds exactly these bytes: left alone.
    Same,
    /// Empty, or a staging copy that differs: replaced.
    Replace,
    /// A different secret: refused.
    Conflict,
}

/// Why the secrets cannot be (or were not) written. Never holds a value.
#[derive(Debug)]
pub enum SecretFileError {
    /// A directory or file on the way is a symbolic link.
    Link(PathBuf),
    /// Something that should be a directory (or a regular file) is not.
    NotExpected(PathBuf, &'static str),
    /// A different secret appeared while asking.
    Appeared(PathBuf),
    Io(PathBuf, io::Error),
}

impl SecretFileError {
    /// A refusal (nothing is wrong with the disk), not a failure.
    pub fn is_refusal(&self) -> bool {
        !matches!(self, SecretFileError::Io(..))
    }
}

impl std::fmt::Display for SecretFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretFileError::Link(p) => write!(
                f,
                "{} is a symbolic link; secrets are written only into real directories and \
                 files (through a link they would land wherever it points): remove the link",
                p.display()
            ),
            SecretFileError::NotExpected(p, what) => {
                write!(f, "{} is not {what}: move it out of the way", p.display())
            }
            SecretFileError::Appeared(p) => write!(
                f,
                "{} appeared with a different secret while atproto-wizard was asking; it was \
                 left as it is",
                p.display()
            ),
            SecretFileError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

/// What is there now for each of the layout's files, in order. Reads only.
pub fn inspect(layout: &Layout) -> Result<Vec<FileState>, SecretFileError> {
    for dir in &layout.dirs {
        match fs::symlink_metadata(dir) {
            Ok(m) if m.file_type().is_symlink() => return Err(SecretFileError::Link(dir.clone())),
            Ok(m) if !m.is_dir() => {
                return Err(SecretFileError::NotExpected(dir.clone(), "a directory"));
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(SecretFileError::Io(dir.clone(), e)),
        }
    }
    layout.files.iter().map(state_of).collect()
}

fn state_of(file: &SecretFile) -> Result<FileState, SecretFileError> {
    let now = read_bytes(&file.path, Links::Refuse).map_err(|e| match e {
        crate::disk::read::ReadError::Link { path, .. } => SecretFileError::Link(path),
        crate::disk::read::ReadError::NotRegular { path, .. } => {
            SecretFileError::NotExpected(path, "a regular file")
        }
        crate::disk::read::ReadError::Io { path, error } => SecretFileError::Io(path, error),
        other => SecretFileError::Io(other.path().to_path_buf(), io::Error::other(other.reason())),
    })?;
    Ok(match now {
        None => FileState::New,
        Some(c) if c.bytes == file.contents.expose().as_bytes() => FileState::Same,
        Some(c) if c.bytes.is_empty() || file.replaceable => FileState::Replace,
        Some(_) => FileState::Conflict,
    })
}

/// Writes the layout's files that `states` (from [`inspect`]) says need it; none may be
/// a conflict. Returns each file's state as it was.
pub fn write(layout: &Layout, states: &[FileState]) -> Result<(), SecretFileError> {
    debug_assert!(!states.contains(&FileState::Conflict));
    let root = is_root();
    for dir in &layout.dirs {
        make_dir(dir, root)?;
    }
    let mut dirs_touched: Vec<PathBuf> = Vec::new();
    for (file, state) in layout.files.iter().zip(states) {
        let dir = file.path.parent().unwrap_or(Path::new("/")).to_path_buf();
        match state {
            FileState::Conflict => unreachable!("refused before writing"),
            FileState::Same => {
                // Keep the bytes; make sure only root can read them, as the generator does.
                let meta = fs::symlink_metadata(&file.path)
                    .map_err(|e| SecretFileError::Io(file.path.clone(), e))?;
                if meta.mode() & 0o777 != layout.mode {
                    fs::set_permissions(&file.path, Permissions::from_mode(layout.mode))
                        .map_err(|e| SecretFileError::Io(file.path.clone(), e))?;
                }
            }
            FileState::New | FileState::Replace => {
                let temp = write_temp(&dir, file, layout.mode, root)?;
                let placed = if *state == FileState::New {
                    // link(2) refuses to replace a file that appeared meanwhile.
                    match fs::hard_link(&temp, &file.path) {
                        Ok(()) => Ok(()),
                        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                            match state_of(file) {
                                Ok(FileState::Same) => Ok(()),
                                _ => Err(SecretFileError::Appeared(file.path.clone())),
                            }
                        }
                        Err(e) => Err(SecretFileError::Io(file.path.clone(), e)),
                    }
                } else {
                    // Still empty (or a staging copy)? Then nothing is lost by replacing it.
                    match state_of(file) {
                        Ok(FileState::Conflict) => {
                            Err(SecretFileError::Appeared(file.path.clone()))
                        }
                        _ => fs::rename(&temp, &file.path)
                            .map_err(|e| SecretFileError::Io(file.path.clone(), e)),
                    }
                };
                let _ = fs::remove_file(&temp);
                placed?;
                if !dirs_touched.contains(&dir) {
                    dirs_touched.push(dir);
                }
            }
        }
    }
    for dir in dirs_touched {
        fs::File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| SecretFileError::Io(dir.clone(), e))?;
    }
    Ok(())
}

/// Makes `dir` (its parents as usual) a real 0700 directory, root's when running as
/// root.
fn make_dir(dir: &Path, root: bool) -> Result<(), SecretFileError> {
    let io = |e: io::Error| SecretFileError::Io(dir.to_path_buf(), e);
    if let Some(parent) = dir.parent() {
        fs::create_dir_all(parent).map_err(|e| SecretFileError::Io(parent.to_path_buf(), e))?;
    }
    match DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io(e)),
    }
    let meta = fs::symlink_metadata(dir).map_err(io)?;
    if meta.file_type().is_symlink() {
        return Err(SecretFileError::Link(dir.to_path_buf()));
    }
    if !meta.is_dir() {
        return Err(SecretFileError::NotExpected(
            dir.to_path_buf(),
            "a directory",
        ));
    }
    if root && (meta.uid() != 0 || meta.gid() != 0) {
        std::os::unix::fs::lchown(dir, Some(0), Some(0)).map_err(io)?;
    }
    if meta.mode() & 0o7777 != 0o700 {
        fs::set_permissions(dir, Permissions::from_mode(0o700)).map_err(io)?;
    }
    Ok(())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The file's bytes in a new temporary file beside it, with `mode`, root's when running
/// as root, flushed to disk.
fn write_temp(
    dir: &Path,
    file: &SecretFile,
    mode: u32,
    root: bool,
) -> Result<PathBuf, SecretFileError> {
    let name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!(".{name}.tmp.{}.{n}", std::process::id()));
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&temp)?;
        f.write_all(file.contents.expose().as_bytes())?;
        if root {
            std::os::unix::fs::fchown(&f, Some(0), Some(0))?;
        }
        f.set_permissions(Permissions::from_mode(mode))?;
        f.sync_all()
    })();
    match result {
        Ok(()) => Ok(temp),
        Err(e) => {
            let _ = fs::remove_file(&temp);
            Err(SecretFileError::Io(file.path.clone(), e))
        }
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_pds::secrets::SecretValue;

    fn layout(dir: &Path, value: &str, replaceable: bool) -> Layout {
        Layout {
            dirs: vec![dir.to_path_buf(), dir.join("svc")],
            files: vec![SecretFile {
                path: dir.join("svc/key"),
                contents: SecretValue::new(value.into()),
                what: "key".into(),
                replaceable,
            }],
            mode: 0o400,
            encrypt: Vec::new(),
            staging: None,
            encrypted: None,
        }
    }

    fn mode(p: &Path) -> u32 {
        fs::symlink_metadata(p).unwrap().mode() & 0o7777
    }

    #[test]
    fn a_new_secret_is_exact_root_only_and_a_second_write_leaves_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("secrets");
        let l = layout(&dir, "abc", false);
        let states = inspect(&l).unwrap();
        assert_eq!(states, [FileState::New]);
        write(&l, &states).unwrap();
        assert_eq!(fs::read(dir.join("svc/key")).unwrap(), b"abc");
        assert_eq!(mode(&dir.join("svc/key")), 0o400);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("svc")), 0o700);
        assert_eq!(inspect(&l).unwrap(), [FileState::Same]);
        // No temporary file is left.
        assert_eq!(fs::read_dir(dir.join("svc")).unwrap().count(), 1);
    }

    #[test]
    fn a_different_secret_is_a_conflict_unless_it_is_empty_or_a_staging_copy() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("secrets");
        fs::create_dir_all(dir.join("svc")).unwrap();
        fs::write(dir.join("svc/key"), "other").unwrap();
        assert_eq!(
            inspect(&layout(&dir, "abc", false)).unwrap(),
            [FileState::Conflict]
        );
        let staging = layout(&dir, "abc", true);
        assert_eq!(inspect(&staging).unwrap(), [FileState::Replace]);
        write(&staging, &[FileState::Replace]).unwrap();
        assert_eq!(fs::read(dir.join("svc/key")).unwrap(), b"abc");
        fs::write(dir.join("svc/key"), "").unwrap();
        assert_eq!(
            inspect(&layout(&dir, "abc", false)).unwrap(),
            [FileState::Replace]
        );
    }

    #[test]
    fn a_linked_directory_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        let dir = tmp.path().join("secrets");
        std::os::unix::fs::symlink(&elsewhere, &dir).unwrap();
        let e = inspect(&layout(&dir, "abc", false)).unwrap_err();
        assert!(e.is_refusal());
        assert!(e.to_string().contains("is a symbolic link"), "{e}");
    }

    #[test]
    fn a_secret_that_appears_while_asking_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("secrets");
        let l = layout(&dir, "abc", false);
        let states = inspect(&l).unwrap();
        fs::create_dir_all(dir.join("svc")).unwrap();
        fs::write(dir.join("svc/key"), "theirs").unwrap();
        let e = write(&l, &states).unwrap_err();
        assert!(matches!(e, SecretFileError::Appeared(_)), "{e}");
        assert_eq!(fs::read(dir.join("svc/key")).unwrap(), b"theirs");
    }
}
