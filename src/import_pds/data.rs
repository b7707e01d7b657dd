//! The PDS's data, from the Docker data directory (`/pds`) to the NixOS PDS's
//! (`/var/lib/pds`, the catalog's state directory, owned by nixpkgs' `pds` user): what
//! to copy ([`plan`]), the commands that do it by hand ([`commands`]), whether a PDS
//! still answers ([`answers`]) and who will own the copies ([`pds_owner`]). The copy
//! itself, for `--copy-data`, is `data_copy`'s.
use std::fs;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

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
pub(crate) mod tests {
    use super::*;

    pub(crate) fn source(dir: &Path) {
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
