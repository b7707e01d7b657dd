//! The PDS's data, from the Docker data directory (`/pds`) to the NixOS PDS's
//! (`/var/lib/pds`, the catalog's state directory, owned by nixpkgs' `pds` user): what
//! to copy ([`plan`]), the commands that do it by hand ([`commands`]), and the copy
//! itself ([`scan`], [`copy`]) for `--copy-data`.
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
//! PDS or the NixOS one): a database copied while it is written can be torn.
use std::fs::{self, DirBuilder, File, OpenOptions, Permissions};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::shell::shell_word;

/// The user and group nixpkgs' services.bluesky-pds runs the PDS as (`User = "pds"`).
pub const PDS_USER: &str = "pds";

/// The PDS's databases in its data directory (@atproto/pds config: account, sequencer
/// and DID cache), each with the files SQLite keeps beside it while in use.
pub const DATABASES: [&str; 3] = ["account.sqlite", "sequencer.sqlite", "did_cache.sqlite"];
const SQLITE_SIDE_FILES: [&str; 3] = ["-wal", "-shm", "-journal"];
/// One SQLite store per account.
pub const ACTORS: &str = "actors";
/// Where the NixOS module keeps the blobs, under the data directory.
pub const BLOCKS: &str = "blocks";

/// One thing to copy: a file or a directory, from the source to its name under the
/// destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub from: PathBuf,
    pub to: String,
    pub dir: bool,
}

/// What to copy where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPlan {
    /// The Docker data directory on this machine (`--from`).
    pub from: PathBuf,
    /// The NixOS data directory as the host sees it (`/var/lib/pds`).
    pub dest: String,
    /// The same on this machine (under `--root`).
    pub dest_here: PathBuf,
    pub items: Vec<Item>,
    /// What the PDS keeps that is not there (named from the source).
    pub missing: Vec<String>,
    /// What else the source holds, not copied, with why.
    pub left: Vec<(String, &'static str)>,
}

/// Works out what to copy from `from`, whose blobs are in `from/<blobs>`, to `dest`
/// (as on the host; `dest_here` on this machine). Reads the source's listing only.
pub fn plan(from: &Path, blobs: &str, dest: &str, dest_here: &Path) -> DataPlan {
    let mut items = Vec::new();
    let mut missing = Vec::new();
    let exists = |p: &Path| fs::symlink_metadata(p).is_ok();
    for db in DATABASES {
        if !exists(&from.join(db)) {
            missing.push(db.to_string());
            continue;
        }
        for side in std::iter::once("").chain(SQLITE_SIDE_FILES) {
            let name = format!("{db}{side}");
            if exists(&from.join(&name)) {
                items.push(Item {
                    from: from.join(&name),
                    to: name,
                    dir: false,
                });
            }
        }
    }
    for (src, to) in [(ACTORS, ACTORS), (blobs, BLOCKS)] {
        if exists(&from.join(src)) {
            items.push(Item {
                from: from.join(src),
                to: to.to_string(),
                dir: true,
            });
        } else {
            missing.push(format!("{src}/"));
        }
    }
    let copied: Vec<PathBuf> = items.iter().map(|i| i.from.clone()).collect();
    let mut left = Vec::new();
    if let Ok(entries) = fs::read_dir(from) {
        let mut names: Vec<String> = entries
            .flatten()
            .filter(|e| !copied.contains(&e.path()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let why = match name.as_str() {
                "pds.env" => "its values are in atproto.toml and the secrets",
                "caddy" => "the NixOS Caddy gets its own certificates",
                "compose.yaml" => "Docker's; NixOS runs the PDS itself",
                _ => {
                    "not part of the PDS's data as installer.sh sets it up; copy it yourself if it matters"
                }
            };
            left.push((name, why));
        }
    }
    DataPlan {
        from: from.to_path_buf(),
        dest: dest.to_string(),
        dest_here: dest_here.to_path_buf(),
        items,
        missing,
        left,
    }
}

/// Stopping the Docker PDS, as installer.sh set it up: its systemd unit runs
/// `docker compose up`, and `down` stops the PDS, its Caddy and watchtower.
pub fn stop_commands(from: &Path) -> Vec<String> {
    vec![
        "systemctl stop pds".into(),
        "systemctl disable pds".into(),
        format!(
            "docker compose -f {} down",
            shell_word(&from.join("compose.yaml").display().to_string())
        ),
    ]
}

/// The copy by hand: make the directory, copy each item, compare each copy with its
/// source byte for byte.
pub fn commands(plan: &DataPlan) -> Vec<String> {
    let w = |p: &Path| shell_word(&p.display().to_string());
    let dest = &plan.dest_here;
    let mut out = vec![format!("install -d -m 0755 {}", w(dest))];
    for item in &plan.items {
        // `dir/.` copies the directory's contents, whether or not the copy exists yet.
        let from = if item.dir {
            item.from.join(".")
        } else {
            item.from.clone()
        };
        out.push(format!("cp -a {} {}", w(&from), w(&dest.join(&item.to))));
    }
    for item in &plan.items {
        let check = if item.dir { "diff -r" } else { "cmp" };
        out.push(format!(
            "{check} {} {}",
            w(&item.from),
            w(&dest.join(&item.to))
        ));
    }
    out
}

/// `chown -R pds:pds <dest>`, once the pds user exists.
pub fn chown_command(plan: &DataPlan) -> String {
    format!(
        "chown -R {PDS_USER}:{PDS_USER} {}",
        shell_word(&plan.dest_here.display().to_string())
    )
}

/// Whether something accepts a TCP connection at `addr` within a second.
pub fn answers(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
}

/// The pds user's uid and gid in `<root>/etc/passwd`, when it exists yet (it does once
/// the host has been switched to the NixOS PDS).
pub fn pds_owner(root: &Path) -> Option<(u32, u32)> {
    let passwd = fs::read_to_string(root.join("etc/passwd")).ok()?;
    passwd.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        (f.len() >= 4 && f[0] == PDS_USER)
            .then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
            .flatten()
    })
}

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

/// `12.3 MiB`.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(dir: &Path) {
        fs::create_dir_all(dir.join("actors/ab/did:plc:abc")).unwrap();
        fs::create_dir_all(dir.join("blocks/did:plc:abc")).unwrap();
        fs::create_dir_all(dir.join("caddy/data")).unwrap();
        for (p, bytes) in [
            ("account.sqlite", &b"accounts"[..]),
            ("account.sqlite-wal", b"wal"),
            ("sequencer.sqlite", b"seq"),
            ("did_cache.sqlite", b"dids"),
            ("actors/ab/did:plc:abc/store.sqlite", b"repo"),
            ("actors/ab/did:plc:abc/key", b"signing key"),
            ("blocks/did:plc:abc/bafkrei", b"a photo"),
            ("pds.env", b"PDS_HOSTNAME=x\n"),
        ] {
            fs::write(dir.join(p), bytes).unwrap();
        }
    }

    #[test]
    fn the_plan_names_the_databases_their_side_files_actors_and_blobs() {
        let tmp = tempfile::tempdir().unwrap();
        let from = tmp.path().join("pds");
        source(&from);
        let p = plan(
            &from,
            "blocks",
            "/var/lib/pds",
            Path::new("/mnt/var/lib/pds"),
        );
        let names: Vec<&str> = p.items.iter().map(|i| i.to.as_str()).collect();
        assert_eq!(
            names,
            [
                "account.sqlite",
                "account.sqlite-wal",
                "sequencer.sqlite",
                "did_cache.sqlite",
                "actors",
                "blocks"
            ]
        );
        assert!(p.missing.is_empty());
        let left: Vec<&str> = p.left.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(left, ["caddy", "pds.env"]);
        let cmds = commands(&p);
        assert_eq!(cmds[0], "install -d -m 0755 /mnt/var/lib/pds");
        assert!(cmds.contains(&format!(
            "cp -a {}/. /mnt/var/lib/pds/blocks",
            from.join("blocks").display()
        )));
        assert!(cmds.iter().any(|c| c.starts_with("diff -r ")));
    }

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

    #[test]
    fn the_pds_user_is_read_from_passwd() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(pds_owner(tmp.path()), None);
        fs::create_dir(tmp.path().join("etc")).unwrap();
        fs::write(
            tmp.path().join("etc/passwd"),
            "root:x:0:0::/root:/bin/sh\npds:x:991:987::/var/empty:/run/current-system/sw/bin/nologin\n",
        )
        .unwrap();
        assert_eq!(pds_owner(tmp.path()), Some((991, 987)));
        assert_eq!(size_text(1536), "1.5 KiB");
        assert_eq!(size_text(10), "10 bytes");
    }
}
