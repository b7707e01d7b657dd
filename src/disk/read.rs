//! Reading a file the wizard is given (an answers file) or finds in a host directory,
//! without being led astray by what the path turns out to be:
//!
//! - only a regular file is read: a device (`/dev/zero`), a FIFO or a directory is
//!   refused before it is read, so nothing hangs or fills memory. The path is checked
//!   before it is opened (opening a device can do things), opened without blocking (a
//!   FIFO would wait for a writer), and the opened handle is checked again (`fstat`),
//!   so a file swapped in between is caught;
//! - never more than [`MAX_FILE_BYTES`]: answers and host files are a few kilobytes;
//! - with [`Links::Refuse`] (a host's own files), a symbolic link is refused, named with
//!   its target, and never opened (`O_NOFOLLOW` also catches a link swapped in after
//!   the check): through a link, the wizard could show, back up or replace a file
//!   outside the host directory.
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The most the wizard reads of one file: 4 MiB.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// Whether a symbolic link at the path itself is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Follow it: a path the operator typed (an answers file).
    Follow,
    /// Refuse it: a file found in a host directory.
    Refuse,
}

/// Why a file could not be read. Each names the file and says what to do.
#[derive(Debug)]
pub enum ReadError {
    /// The path is a symbolic link, and links are refused here.
    Link { path: PathBuf, target: PathBuf },
    /// Not a regular file: `what` it is, like "a FIFO".
    NotRegular { path: PathBuf, what: &'static str },
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge { path: PathBuf },
    /// Not UTF-8 text.
    NotText { path: PathBuf },
    /// The system said no.
    Io { path: PathBuf, error: io::Error },
}

impl ReadError {
    /// The file it is about.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::Link { path, .. }
            | ReadError::NotRegular { path, .. }
            | ReadError::TooLarge { path }
            | ReadError::NotText { path }
            | ReadError::Io { path, .. } => path,
        }
    }

    /// A file the wizard will not touch as it is (a link, or not a regular file): a
    /// refusal, not a failure; nothing is wrong with the disk.
    pub fn is_refusal(&self) -> bool {
        matches!(self, ReadError::Link { .. } | ReadError::NotRegular { .. })
    }

    /// What is wrong and what to do, without the path (for messages that put it first).
    pub fn reason(&self) -> String {
        match self {
            ReadError::Link { path, target } => {
                let resolved = path.parent().unwrap_or(Path::new(".")).join(target);
                format!(
                    "a symbolic link to {}; atproto-wizard does not read or write a host's files \
                     through links (a link could make it show, back up or replace a file outside \
                     the host directory). Replace the link with the real file (for example `cp \
                     --remove-destination {} {}`), or give --dir the directory the real files \
                     are in.",
                    target.display(),
                    resolved.display(),
                    path.display()
                )
            }
            ReadError::NotRegular { what, .. } => format!(
                "{what}, not a regular file; atproto-wizard reads only regular files. Give the \
                 path of the file itself (or move this out of the way)."
            ),
            ReadError::TooLarge { .. } => format!(
                "larger than {} MiB, the most atproto-wizard reads of one file (answers and host \
                 files are a few kilobytes): is it the right file?",
                MAX_FILE_BYTES >> 20
            ),
            ReadError::NotText { .. } => "not UTF-8 text".into(),
            ReadError::Io { error, .. } => error.to_string(),
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path().display(), self.reason())
    }
}

impl std::error::Error for ReadError {}

/// A file's bytes and what `fstat` said of the opened file.
pub struct Contents {
    pub bytes: Vec<u8>,
    pub meta: fs::Metadata,
}

/// Reads a regular file whole (see the module docs); `Ok(None)` when nothing is there.
pub fn read_bytes(path: &Path, links: Links) -> Result<Option<Contents>, ReadError> {
    let io_error = |error: io::Error| ReadError::Io {
        path: path.to_path_buf(),
        error,
    };
    let before = match links {
        Links::Follow => fs::metadata(path),
        Links::Refuse => fs::symlink_metadata(path),
    };
    let before = match before {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(e)),
    };
    check_type(path, &before)?;
    let mut flags = libc::O_NONBLOCK | libc::O_CLOEXEC;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    let mut file = match OpenOptions::new().read(true).custom_flags(flags).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        // O_NOFOLLOW met a link that appeared after the check.
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) && links == Links::Refuse => {
            return Err(link_error(path));
        }
        Err(e) => return Err(io_error(e)),
    };
    let meta = file.metadata().map_err(io_error)?;
    check_type(path, &meta)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    let bytes = read_at_most(&mut file, MAX_FILE_BYTES).map_err(io_error)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        // It grew while being read.
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    Ok(Some(Contents { bytes, meta }))
}

/// [`read_bytes`] as UTF-8 text.
pub fn read_text(path: &Path, links: Links) -> Result<Option<String>, ReadError> {
    match read_bytes(path, links)? {
        None => Ok(None),
        Some(c) => String::from_utf8(c.bytes)
            .map(Some)
            .map_err(|_| ReadError::NotText {
                path: path.to_path_buf(),
            }),
    }
}

/// At most `limit + 1` bytes (one more tells that there was more).
fn read_at_most(file: &mut File, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `Ok` for a regular file; otherwise what the path is, as a [`ReadError`].
pub fn check_type(path: &Path, meta: &fs::Metadata) -> Result<(), ReadError> {
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    if t.is_symlink() {
        return Err(link_error(path));
    }
    let what = if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "something else"
    };
    Err(ReadError::NotRegular {
        path: path.to_path_buf(),
        what,
    })
}

fn link_error(path: &Path) -> ReadError {
    ReadError::Link {
        path: path.to_path_buf(),
        target: fs::read_link(path).unwrap_or_else(|_| PathBuf::from("(unreadable)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_missing_file_is_none_and_a_regular_one_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        assert!(read_text(&p, Links::Refuse).unwrap().is_none());
        fs::write(&p, "x = 1\n").unwrap();
        assert_eq!(read_text(&p, Links::Refuse).unwrap().unwrap(), "x = 1\n");
    }

    #[test]
    fn links_are_refused_or_followed_as_asked() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("real"), "x = 1\n").unwrap();
        let link = dir.path().join("link");
        symlink("real", &link).unwrap();
        let e = read_text(&link, Links::Refuse).err().unwrap();
        assert!(e.is_refusal());
        assert!(matches!(&e, ReadError::Link { target, .. } if target == Path::new("real")));
        assert!(e.to_string().contains("a symbolic link to real"), "{e}");
        assert_eq!(read_text(&link, Links::Follow).unwrap().unwrap(), "x = 1\n");
        // A dangling link is still a link, not a missing file.
        let dangling = dir.path().join("dangling");
        symlink("nowhere", &dangling).unwrap();
        assert!(matches!(
            read_text(&dangling, Links::Refuse),
            Err(ReadError::Link { .. })
        ));
    }

    #[test]
    fn devices_and_directories_are_refused_by_what_they_are() {
        let e = read_bytes(Path::new("/dev/zero"), Links::Follow)
            .err()
            .unwrap();
        assert!(
            e.to_string()
                .starts_with("/dev/zero: a character device, not a regular file"),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let e = read_bytes(dir.path(), Links::Refuse).err().unwrap();
        assert!(
            e.reason().starts_with("a directory, not a regular file"),
            "{e}"
        );
    }

    #[test]
    fn the_limit_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        let f = File::create(&p).unwrap();
        f.set_len(MAX_FILE_BYTES).unwrap();
        assert_eq!(
            read_bytes(&p, Links::Refuse).unwrap().unwrap().bytes.len() as u64,
            MAX_FILE_BYTES
        );
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        let e = read_bytes(&p, Links::Refuse).err().unwrap();
        assert!(e.to_string().contains("larger than 4 MiB"), "{e}");
    }
}
