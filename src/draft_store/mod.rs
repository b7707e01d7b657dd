//! Where the wizard keeps the answers typed but not written yet, one draft per host
//! directory, so that a dropped SSH session, a closed terminal, SIGHUP or a crash loses
//! nothing: `$XDG_STATE_HOME/atproto-wizard/drafts/` (`~/.local/state/...`). What a
//! draft holds and how it is offered is pure (`crate::wizard::stored_draft`,
//! `crate::wizard::resume`); this is the file I/O, and [`Keeper`] writes in the
//! background as the answers change.
//!
//! A draft is keyed by the canonical host directory (symbolic links and `..` resolved,
//! so `new --dir ./pds` and `edit /srv/pds` find the same one). It is written
//! atomically (a temporary file, fsync, rename, fsync of the directory): a crash leaves
//! the previous draft or the new one, never a torn file. Drafts are created 0600 in a
//! 0700 directory; they hold no secret (the answers never do, and
//! [`crate::wizard::stored_draft::answers_to_keep`] leaves out one typed by mistake).
mod keeper;

pub use keeper::Keeper;

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::catalog::Catalog;
use crate::disk::read::{Links, read_text};
use crate::wizard::resume::{ResumeOffer, baseline};
use crate::wizard::stored_draft::{FORMAT, StoredDraft, file_name};

/// The mode of a draft file: only its owner reads it.
pub const FILE_MODE: u32 = 0o600;
/// The mode of the drafts directory.
pub const DIR_MODE: u32 = 0o700;

/// The directory that holds the drafts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftStore {
    root: PathBuf,
}

impl DraftStore {
    /// The user's state directory (`$XDG_STATE_HOME`, else `~/.local/state`; elsewhere
    /// than Linux, the local data directory), `atproto-wizard/drafts` in it; `None`
    /// without a home directory (the wizard then keeps no draft).
    pub fn from_env() -> Option<DraftStore> {
        let dirs = directories::ProjectDirs::from("", "", "atproto-wizard")?;
        let base = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
        Some(DraftStore::at(base.join("drafts")))
    }

    /// Drafts kept in `root`.
    pub fn at(root: impl Into<PathBuf>) -> DraftStore {
        DraftStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The draft of one host directory (`dir` as given; it need not exist yet).
    pub fn host(&self, dir: &Path) -> HostDraft {
        let dir = canonical_dir(dir);
        HostDraft {
            file: self.root.join(file_name(&dir)),
            root: self.root.clone(),
            dir,
        }
    }
}

/// The draft file of one host directory.
#[derive(Debug, Clone)]
pub struct HostDraft {
    root: PathBuf,
    /// The host directory, canonical.
    dir: PathBuf,
    file: PathBuf,
}

impl HostDraft {
    /// The draft file's path.
    pub fn path(&self) -> &Path {
        &self.file
    }

    /// The draft, when there is one this binary can read for this directory. Read as
    /// a host's files are: a link, a FIFO or a huge file is not read.
    pub fn load(&self) -> Option<StoredDraft> {
        let text = read_text(&self.file, Links::Refuse).ok()??;
        StoredDraft::parse(&text).filter(|d| d.dir == self.dir.to_string_lossy())
    }

    /// The offer to resume the draft, against the directory's answers now (its
    /// atproto.toml; `None` for a new host). A draft that holds just those answers is
    /// removed: there is nothing in it to lose.
    pub fn offer(&self, catalog: &'static Catalog, current: Option<&str>) -> Option<ResumeOffer> {
        let draft = self.load()?;
        let offer = ResumeOffer::new(catalog, &draft, current, now());
        if offer.is_none() && draft.answers == baseline(catalog, &draft, current).0 {
            let _ = self.remove();
        }
        offer
    }

    /// Saves the answers (and the profile chosen) as this directory's draft, atomically.
    pub fn save(&self, answers: &str, profile: Option<&str>) -> io::Result<()> {
        let draft = StoredDraft {
            format: FORMAT,
            dir: self.dir.to_string_lossy().into_owned(),
            saved_at: now(),
            profile: profile.map(String::from),
            answers: answers.to_string(),
        };
        make_private_dir(&self.root)?;
        write_private(&self.file, draft.to_text().as_bytes())
    }

    /// Removes the draft; no draft is fine.
    pub fn remove(&self) -> io::Result<()> {
        match fs::remove_file(&self.file) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The directory as an absolute path with links and `..` resolved, as far as it exists
/// (a new host's directory is made at the Write step); the rest is appended as given.
pub fn canonical_dir(dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut missing = Vec::new();
    let mut at = absolute.as_path();
    loop {
        if let Ok(mut found) = fs::canonicalize(at) {
            found.extend(missing.iter().rev());
            return found;
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name);
                at = parent;
            }
            _ => return absolute,
        }
    }
}

/// Creates the drafts directory 0700 (and what is missing above it), and takes a
/// wider mode away from it: the drafts say which hosts this user works on.
fn make_private_dir(dir: &Path) -> io::Result<()> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    let mode = fs::metadata(dir)?.permissions().mode() & 0o777;
    if mode != DIR_MODE {
        fs::set_permissions(dir, fs::Permissions::from_mode(DIR_MODE))?;
    }
    Ok(())
}

/// Replaces `path` with `bytes`: a new 0600 file beside it, flushed to disk, renamed
/// over it, and the directory flushed so the rename survives a power cut.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(FILE_MODE)
            .open(&temp)?;
        // A leftover of an earlier process with this id may have another mode.
        f.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written?;
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_saved_user_only_found_again_and_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::at(tmp.path().join("state/atproto-wizard/drafts"));
        let host = tmp.path().join("hosts/pds");
        let draft = store.host(&host);
        assert_eq!(draft.load(), None);
        draft
            .save("schema = 1\n[host]\nhostname = \"a\"\n", Some("custom"))
            .unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(draft.path()), 0o600);
        assert_eq!(mode(store.root()), 0o700);
        let back = draft.load().unwrap();
        assert_eq!(back.profile.as_deref(), Some("custom"));
        assert!(back.answers.contains("hostname = \"a\""));
        // Saved again: replaced, no temporary file left.
        draft.save("schema = 1\n", None).unwrap();
        assert_eq!(draft.load().unwrap().answers, "schema = 1\n");
        let names: Vec<_> = fs::read_dir(store.root()).unwrap().collect();
        assert_eq!(names.len(), 1);
        draft.remove().unwrap();
        assert_eq!(draft.load(), None);
        draft.remove().unwrap();
    }

    #[test]
    fn an_open_drafts_directory_is_closed_to_others() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("drafts");
        fs::create_dir(&root).unwrap();
        fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).unwrap();
        DraftStore::at(&root)
            .host(tmp.path())
            .save("schema = 1\n", None)
            .unwrap();
        let mode = fs::metadata(&root).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }

    #[test]
    fn the_same_directory_by_any_name_has_one_draft() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, tmp.path().join("link")).unwrap();
        let store = DraftStore::at(tmp.path().join("drafts"));
        let by_link = store.host(&tmp.path().join("link/../real/host"));
        let direct = store.host(&real.join("host"));
        assert_eq!(by_link.path(), direct.path());
        assert_eq!(
            canonical_dir(&tmp.path().join("link/new/host")),
            fs::canonicalize(&real).unwrap().join("new/host")
        );
        assert_ne!(store.host(&real).path(), direct.path());
        // A draft copied from another directory's file is not taken for this one.
        direct.save("schema = 1\n", None).unwrap();
        fs::copy(direct.path(), store.host(&real).path()).unwrap();
        assert_eq!(store.host(&real).load(), None);
    }

    #[test]
    fn a_draft_that_is_no_regular_file_is_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::at(tmp.path().join("drafts"));
        let (a, b) = (
            store.host(&tmp.path().join("a")),
            store.host(&tmp.path().join("b")),
        );
        a.save("schema = 1\n", None).unwrap();
        assert!(a.load().is_some());
        // A FIFO would block a plain read for ever; a link would lead elsewhere.
        let fifo = std::ffi::CString::new(b.path().as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo with a NUL-terminated path this test owns.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        assert_eq!(b.load(), None);
        fs::remove_file(b.path()).unwrap();
        b.save("schema = 1\n", None).unwrap();
        assert!(b.load().is_some());
        let elsewhere = tmp.path().join("elsewhere.toml");
        fs::rename(b.path(), &elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, b.path()).unwrap();
        assert_eq!(b.load(), None);
    }

    #[test]
    fn a_draft_with_nothing_new_is_not_offered_and_goes() {
        let tmp = tempfile::tempdir().unwrap();
        let draft = DraftStore::at(tmp.path().join("drafts")).host(tmp.path());
        let text = "schema = 1\n[host]\nhostname = \"a\"\n";
        draft.save(text, None).unwrap();
        let c = Catalog::embedded();
        let offer = draft.offer(c, None).unwrap();
        assert_eq!(offer.changes.len(), 1);
        assert!(draft.path().exists());
        assert_eq!(draft.offer(c, Some(text)), None);
        assert!(!draft.path().exists());
        // A draft that cannot be read is left alone.
        draft.save("schema = [", None).unwrap();
        assert_eq!(draft.offer(c, None), None);
        assert!(draft.path().exists());
    }
}
