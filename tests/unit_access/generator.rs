//! Runs the real nixlib/secrets/atproto-secrets.sh for a secrets oneshot, the way
//! tests/secrets_script.rs does: in a temporary directory standing for the host's root,
//! as the user running the test. Before each run the host's files as simulated so far
//! are laid out there (directories and files with their modes, links pointing inside
//! the temporary root); after it, the modes the script left are read back with
//! std::fs. `--owner` is not passed (chown to a user this machine does not have would
//! fail): the script chowns the directory, the secrets and the env file, so they are
//! reported with that owner.
use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::fsim::{Fs, Kind, normalize, parent};
use super::simulate::{Generator, Made, gen_args};

pub struct RealGenerator {
    root: tempfile::TempDir,
    script: PathBuf,
}

impl RealGenerator {
    pub fn new(script: PathBuf) -> RealGenerator {
        RealGenerator {
            root: tempfile::tempdir().expect("a temporary directory"),
            script,
        }
    }

    fn real(&self, p: &str) -> PathBuf {
        self.root.path().join(normalize(p).trim_start_matches('/'))
    }

    fn host_path(&self, real: &Path) -> String {
        let rel = real.strip_prefix(self.root.path()).unwrap_or(real);
        normalize(&format!("/{}", rel.display()))
    }

    /// Lays out every node of `fs` that is not there yet; directories get their
    /// modes last, so a read-only one does not stop its children being made.
    fn materialize(&self, fs: &Fs) -> Result<(), String> {
        let mut dirs = Vec::new();
        for (p, node) in fs.iter() {
            let real = self.real(p);
            let exists = fs::symlink_metadata(&real).is_ok();
            match &node.kind {
                Kind::Dir => {
                    if !exists {
                        fs::create_dir_all(&real)
                            .map_err(|e| format!("mkdir {}: {e}", real.display()))?;
                    }
                    dirs.push((real, node.mode));
                }
                Kind::File if !exists => {
                    if let Some(pp) = real.parent() {
                        fs::create_dir_all(pp).map_err(|e| e.to_string())?;
                    }
                    // A one-line value, as an operator's secret or a decrypted one is.
                    fs::write(&real, format!("value-of-{}", p.replace('/', "_")))
                        .map_err(|e| e.to_string())?;
                    fs::set_permissions(&real, fs::Permissions::from_mode(node.mode))
                        .map_err(|e| e.to_string())?;
                }
                Kind::Symlink(target) if !exists => {
                    if let Some(pp) = real.parent() {
                        fs::create_dir_all(pp).map_err(|e| e.to_string())?;
                    }
                    let target = if target.starts_with('/') {
                        self.real(target)
                    } else {
                        PathBuf::from(target)
                    };
                    symlink(target, &real).map_err(|e| e.to_string())?;
                }
                _ => {}
            }
        }
        for (real, m) in dirs.into_iter().rev() {
            let _ = fs::set_permissions(&real, fs::Permissions::from_mode(m));
        }
        Ok(())
    }

    fn node(&self, host: &str) -> Option<(Kind, u32)> {
        let real = self.real(host);
        let meta = fs::symlink_metadata(&real).ok()?;
        let kind = if meta.file_type().is_symlink() {
            let target = fs::read_link(&real).ok()?;
            Kind::Symlink(if target.is_absolute() {
                self.host_path(&target)
            } else {
                target.display().to_string()
            })
        } else if meta.is_dir() {
            Kind::Dir
        } else {
            Kind::File
        };
        Some((kind, meta.permissions().mode() & 0o7777))
    }
}

impl Generator for RealGenerator {
    fn run(&mut self, sim: &Fs, args: &[String]) -> Result<Vec<Made>, String> {
        let g = gen_args(args);
        if g.dir.is_empty() {
            return Err(format!("no --dir in {args:?}"));
        }
        self.materialize(sim)?;
        let mut real_args: Vec<String> =
            vec!["--dir".into(), self.real(&g.dir).display().to_string()];
        if let Some(env) = &g.env_file {
            real_args.push("--env-file".into());
            real_args.push(self.real(env).display().to_string());
        }
        real_args.extend(g.specs.iter().cloned());
        let out = Command::new("bash")
            .arg(&self.script)
            .args(&real_args)
            .output()
            .map_err(|e| format!("cannot run bash: {e}"))?;
        if !out.status.success() {
            let root = self.root.path().display().to_string();
            return Err(String::from_utf8_lossy(&out.stderr)
                .replace(&root, "")
                .trim()
                .to_string());
        }

        // What the script may have made or changed: its directory and what is in it,
        // the env file, and the directories above them.
        let mut candidates: BTreeSet<String> = BTreeSet::new();
        for start in std::iter::once(g.dir.clone()).chain(g.env_file.clone()) {
            let mut cur = Some(normalize(&start));
            while let Some(c) = cur {
                candidates.insert(c.clone());
                cur = parent(&c);
            }
        }
        if let Ok(entries) = fs::read_dir(self.real(&g.dir)) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if !name.starts_with('.') {
                    candidates.insert(format!("{}/{name}", normalize(&g.dir)));
                }
            }
        }
        let owned = |p: &str| {
            p == normalize(&g.dir)
                || parent(p).as_deref() == Some(&normalize(&g.dir))
                || g.env_file.as_deref().map(normalize).as_deref() == Some(p)
        };
        let mut made = Vec::new();
        for p in candidates {
            let Some((kind, m)) = self.node(&p) else {
                continue;
            };
            // Reported even when unchanged: the script makes sure they exist (mkdir -p).
            let before = sim.get(&p);
            let (owner, group) = match (&g.owner, before) {
                (Some((o, gr)), _) if owned(&p) && !matches!(kind, Kind::Symlink(_)) => {
                    (o.clone(), gr.clone())
                }
                (_, Some(n)) => (n.owner.clone(), n.group.clone()),
                _ => ("root".to_string(), "root".to_string()),
            };
            made.push(Made {
                path: p,
                kind,
                mode: m,
                owner,
                group,
            });
        }
        Ok(made)
    }
}
