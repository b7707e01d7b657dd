//! Builds a host's files the way the host makes them: the base system, tmpfiles at
//! boot, sops-nix and agenix at activation, the operator's files, then every unit in
//! start order (its StateDirectory & co., what its commands make, what the real secrets
//! generator writes, what an upstream unit is known to make), and records every read,
//! write, ReadWritePaths entry and WorkingDirectory each unit needs, for check.rs.
use std::collections::{BTreeMap, BTreeSet};

use super::fsim::{Fs, Identity, Kind, Origin, parent};
use super::model::{Host, mode};
use super::order::ordering;
use super::sandbox::{identity, specifiers, strip_optional};
use super::shell::{self, Op};

/// A node the secrets generator made or changed.
#[derive(Debug, Clone)]
pub struct Made {
    pub path: String,
    pub kind: Kind,
    pub mode: u32,
    pub owner: String,
    pub group: String,
}

/// Runs nixlib/secrets/atproto-secrets.sh with `args` (paths as on the host) over the
/// files in `fs`, and says what it made or changed, or why it failed.
pub trait Generator {
    fn run(&mut self, fs: &Fs, args: &[String]) -> Result<Vec<Made>, String>;
}

/// The generator's arguments, as its usage says.
#[derive(Debug, Default)]
pub struct GenArgs {
    pub dir: String,
    pub env_file: Option<String>,
    pub owner: Option<(String, String)>,
    pub specs: Vec<String>,
}

pub fn gen_args(args: &[String]) -> GenArgs {
    let mut g = GenArgs::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let mut value = |name: &str| -> Option<String> {
            if a == name {
                i += 1;
                args.get(i).cloned()
            } else {
                a.strip_prefix(&format!("{name}=")).map(str::to_string)
            }
        };
        if let Some(v) = value("--dir") {
            g.dir = v;
        } else if let Some(v) = value("--env-file") {
            g.env_file = Some(v);
        } else if let Some(v) = value("--owner") {
            g.owner = v
                .split_once(':')
                .map(|(u, gr)| (u.to_string(), gr.to_string()));
        } else if a == "--" {
            g.specs.extend(args[i + 1..].iter().cloned());
            break;
        } else {
            g.specs.push(a.clone());
        }
        i += 1;
    }
    g
}

pub enum Need {
    /// Read by systemd (or a privileged command) when the unit starts: must exist then.
    Pid1,
    /// Read by the process, as `Identity`.
    User(Identity),
    Write(Identity),
    /// A ReadWritePaths= entry: must exist when the unit starts.
    RwPath,
    WorkingDirectory(Identity),
}

pub struct Pending {
    pub unit: String,
    pub need: Need,
    pub path: String,
    pub why: String,
}

/// A host after every unit ran.
pub struct Simulation {
    pub fs: Fs,
    /// The units ordered before each unit.
    pub preds: BTreeMap<String, BTreeSet<String>>,
    pub pending: Vec<Pending>,
    pub failures: Vec<String>,
}

/// Builds `host`'s files, running every unit in start order, and collects what each
/// unit needs; failures found on the way (the generator failing) are in `failures`.
pub fn simulate(host: &Host, generator: &mut dyn Generator) -> Simulation {
    let mut failures: Vec<String> = host
        .failed
        .iter()
        .map(|m| format!("the host fails an assertion: {m}"))
        .collect();
    let mut fs = Fs::base();

    for rule in &host.tmpfiles {
        let f: Vec<&str> = rule.split_whitespace().collect();
        let (Some(kind), Some(path)) = (f.first(), f.get(1)) else {
            continue;
        };
        let field = |i: usize, default: &str| {
            f.get(i)
                .filter(|v| **v != "-")
                .map(|v| v.to_string())
                .unwrap_or_else(|| default.to_string())
        };
        let why = format!("tmpfiles: {rule}");
        match kind.trim_end_matches(['!', '-', '=', '~', '^']) {
            "d" | "D" | "v" | "q" | "Q" => {
                // Missing parents root-owned 0755; the directory gets the rule's mode and
                // owner, also when it is already there.
                fs.mkparents(path, 0o755, "root", "root", &Origin::Boot, &why);
                fs.put(
                    path,
                    Kind::Dir,
                    mode(&field(2, "0755")),
                    &field(3, "root"),
                    &field(4, "root"),
                    Origin::Boot,
                    &why,
                );
            }
            "f" | "F" | "w" => {
                fs.mkparents(path, 0o755, "root", "root", &Origin::Boot, &why);
                fs.put(
                    path,
                    Kind::File,
                    mode(&field(2, "0644")),
                    &field(3, "root"),
                    &field(4, "root"),
                    Origin::Boot,
                    &why,
                );
            }
            "L" | "L+" => {
                fs.mkparents(path, 0o755, "root", "root", &Origin::Boot, &why);
                fs.put(
                    path,
                    Kind::Symlink(field(6, "")),
                    0o777,
                    "root",
                    "root",
                    Origin::Boot,
                    &why,
                );
            }
            "z" | "Z" if f.get(2).is_some_and(|m| *m != "-") => fs.chmod(path, mode(f[2])),
            _ => {}
        }
    }
    for e in &host.files {
        let kind = match e.kind.as_str() {
            "dir" => Kind::Dir,
            "symlink" => Kind::Symlink(e.target.clone().unwrap_or_default()),
            _ => Kind::File,
        };
        fs.mkparents(&e.path, 0o755, "root", "root", &Origin::Activation, &e.why);
        fs.put(
            &e.path,
            kind,
            mode(&e.mode),
            &e.owner,
            &e.group,
            Origin::Activation,
            &e.why,
        );
    }
    for o in &host.operator_files {
        if fs.get(&o.path).is_none() {
            fs.mkparents(&o.path, 0o755, "root", "root", &Origin::Operator, &o.why);
            fs.put(
                &o.path,
                Kind::File,
                0o600,
                "root",
                "root",
                Origin::Operator,
                &o.why,
            );
        }
    }

    let (order, preds) = ordering(&host.units);
    let mut pending: Vec<Pending> = Vec::new();
    for name in &order {
        let unit = &host.units[name];
        let me = identity(unit);
        let umask = mode(&unit.umask);
        let start = Origin::Unit {
            name: name.clone(),
            at_start: true,
        };
        let run = Origin::Unit {
            name: name.clone(),
            at_start: false,
        };
        let mut need = |need: Need, path: &str, why: String| {
            pending.push(Pending {
                unit: name.clone(),
                need,
                path: path.to_string(),
                why,
            })
        };

        for d in &unit.directories {
            fs.mkparents(
                &d.path,
                0o755,
                "root",
                "root",
                &start,
                "a parent of a unit's directory",
            );
            fs.put(
                &d.path,
                Kind::Dir,
                mode(&d.mode),
                &unit.user,
                &unit.group,
                start.clone(),
                &format!("{name}'s {} directory", d.kind),
            );
        }
        for r in &unit.reads {
            match r.as_.as_str() {
                "pid1" => {
                    let (p, optional) = strip_optional(&r.path);
                    if !optional {
                        need(Need::Pid1, &p, r.why.clone());
                    }
                }
                _ => need(Need::User(me.clone()), &r.path, r.why.clone()),
            }
        }
        for p in &unit.read_write_paths {
            let (p, optional) = strip_optional(p);
            if !optional {
                need(Need::RwPath, &p, "ReadWritePaths=".into());
            }
        }
        if let Some(wd) = &unit.working_directory {
            let (p, optional) = strip_optional(&specifiers(wd));
            if !optional && !wd.starts_with('~') {
                need(
                    Need::WorkingDirectory(me.clone()),
                    &p,
                    "WorkingDirectory=".into(),
                );
            }
        }
        for (k, v) in &unit.environment {
            if shell::is_secret(v, &host.secret_paths) && v.starts_with('/') {
                need(Need::User(me.clone()), v, format!("the variable {k}"));
            }
        }

        for cmd in &unit.commands {
            let text = cmd.text.trim_start();
            let prefix: String = text.chars().take_while(|c| "@-:+!".contains(*c)).collect();
            let privileged = cmd.privileged || prefix.contains('+') || prefix.contains('!');
            let who = if privileged {
                Identity::root()
            } else {
                me.clone()
            };
            for op in shell::ops(&text[prefix.len()..], &host.secret_paths) {
                match op {
                    Op::MkDir { path, mode: m } => {
                        need(
                            Need::Write(who.clone()),
                            &path,
                            format!("{}: makes the directory", cmd.why),
                        );
                        let default = (0o777 & !umask) | 0o300;
                        fs.mkdir_p(
                            &path,
                            m.unwrap_or(default),
                            default,
                            &who.user,
                            &who.group,
                            run.clone(),
                            &format!("{name}'s {}", cmd.why),
                        );
                        fs.claim(&path, &run);
                    }
                    Op::Symlink { target, link } => {
                        need(
                            Need::Write(who.clone()),
                            &link,
                            format!("{}: ln -s {target}", cmd.why),
                        );
                        fs.put(
                            &link,
                            Kind::Symlink(target),
                            0o777,
                            &who.user,
                            &who.group,
                            run.clone(),
                            &format!("{name}'s {}", cmd.why),
                        );
                    }
                    Op::Write { path, what } => {
                        need(
                            Need::Write(who.clone()),
                            &path,
                            format!("{}: {what}", cmd.why),
                        );
                        if fs.get(&path).is_none()
                            && parent(&path).is_some_and(|p| fs.get(&p).is_some())
                        {
                            fs.put(
                                &path,
                                Kind::File,
                                0o666 & !umask,
                                &who.user,
                                &who.group,
                                run.clone(),
                                &format!("{name}'s {}", cmd.why),
                            );
                        }
                    }
                    Op::Read { path, what } => {
                        let path = match shell::credential_name(&path) {
                            Some(c) => format!("/run/credentials/{name}.service/{c}"),
                            None => path,
                        };
                        let need_ = if privileged {
                            Need::Pid1
                        } else {
                            Need::User(who.clone())
                        };
                        need(need_, &path, format!("{}: {what}", cmd.why));
                    }
                    Op::Generator { args } => {
                        let g = gen_args(&args);
                        need(
                            Need::Write(who.clone()),
                            &g.dir,
                            format!("{}: the secrets generator's --dir", cmd.why),
                        );
                        if let Some(env) = &g.env_file {
                            need(
                                Need::Write(who.clone()),
                                env,
                                format!("{}: the secrets generator's --env-file", cmd.why),
                            );
                        }
                        // A required external secret that nothing links in is the
                        // operator's to put there (root-only, as the generator says).
                        for spec in &g.specs {
                            let body = spec.split('=').next().unwrap_or(spec);
                            let parts: Vec<&str> = body.split(':').collect();
                            if parts.get(1) == Some(&"external") && !parts.contains(&"optional") {
                                let p = format!("{}/{}", g.dir, parts[0]);
                                // It reads it (through a link, when it is kept elsewhere).
                                need(
                                    Need::User(who.clone()),
                                    &p,
                                    format!(
                                        "{}: the secrets generator's external secret {}",
                                        cmd.why, parts[0]
                                    ),
                                );
                                if fs.get(&p).is_none() {
                                    fs.mkparents(
                                        &p,
                                        0o700,
                                        "root",
                                        "root",
                                        &Origin::Operator,
                                        "the secrets directory",
                                    );
                                    fs.put(
                                        &p,
                                        Kind::File,
                                        0o400,
                                        "root",
                                        "root",
                                        Origin::Operator,
                                        "an external secret the operator puts there",
                                    );
                                }
                            }
                        }
                        match generator.run(&fs, &args) {
                            Ok(made) => {
                                for m in made {
                                    fs.put(
                                        &m.path,
                                        m.kind,
                                        m.mode,
                                        &m.owner,
                                        &m.group,
                                        run.clone(),
                                        &format!("{name}'s secrets generator"),
                                    );
                                }
                            }
                            Err(e) => failures.push(format!(
                                "{name}: the secrets generator ({}) fails: {e}",
                                cmd.why
                            )),
                        }
                    }
                }
            }
        }
        for c in &unit.creates {
            let kind = if c.kind == "dir" {
                Kind::Dir
            } else {
                Kind::File
            };
            fs.mkparents(&c.path, 0o755, &c.owner, &c.group, &run, &c.why);
            fs.put(
                &c.path,
                kind,
                mode(&c.mode),
                &c.owner,
                &c.group,
                run.clone(),
                &c.why,
            );
        }
        for w in &unit.writes {
            need(Need::Write(me.clone()), &w.path, w.why.clone());
        }
    }

    Simulation {
        fs,
        preds,
        pending,
        failures,
    }
}
