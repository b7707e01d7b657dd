//! A host's file system as far as the check needs it: every directory, file and link
//! something on the host makes (with mode, owner and group, and who made it), path
//! resolution through links, and POSIX permission checks for a user and its groups.
use std::collections::{BTreeMap, BTreeSet};

/// Who made a node, which decides whether it is there when a unit starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The base system (/, /var/lib, /run, /tmp, …).
    Base,
    /// systemd-tmpfiles at boot, before any service.
    Boot,
    /// The activation script (sops-nix, agenix), before any service.
    Activation,
    /// The operator, before the host is switched to.
    Operator,
    /// A unit: at its start (its StateDirectory & co.) or while it runs.
    Unit { name: String, at_start: bool },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File,
    Symlink(String),
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: Kind,
    pub mode: u32,
    pub owner: String,
    pub group: String,
    /// Everyone who made (or remade) it; the first is the first in the simulation.
    pub origins: Vec<Origin>,
    pub why: String,
}

impl Node {
    pub fn describe(&self) -> String {
        format!("{:04o} {}:{}", self.mode, self.owner, self.group)
    }
}

/// The user a process runs as. `bypass_read`: CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH
/// (root with its capabilities); `bypass_write`: CAP_DAC_OVERRIDE.
#[derive(Clone, Debug)]
pub struct Identity {
    pub user: String,
    pub group: String,
    pub groups: BTreeSet<String>,
    pub bypass_read: bool,
    pub bypass_write: bool,
}

impl Identity {
    pub fn root() -> Identity {
        Identity {
            user: "root".into(),
            group: "root".into(),
            groups: ["root".to_string()].into(),
            bypass_read: true,
            bypass_write: true,
        }
    }

    pub fn name(&self) -> String {
        format!("{}:{}", self.user, self.group)
    }

    /// Whether `node`'s mode lets this identity `want` (4 read, 2 write, 1 search).
    pub fn allows(&self, node: &Node, want: u32) -> bool {
        let bits = if node.owner == self.user {
            (node.mode >> 6) & 7
        } else if self.groups.contains(&node.group) {
            (node.mode >> 3) & 7
        } else {
            node.mode & 7
        };
        bits & want == want
    }
}

pub const R: u32 = 4;
pub const W: u32 = 2;
pub const X: u32 = 1;

/// Where a path leads.
pub enum Resolved {
    /// Every directory passed on the way (links followed), and the node itself.
    Found {
        dirs: Vec<(String, Node)>,
        last: (String, Node),
    },
    /// `path` is not there; `hidden` when it is there but the check must not see it
    /// (made by a unit not ordered before), with that node.
    Missing { path: String, hidden: Option<Node> },
}

pub struct Fs {
    nodes: BTreeMap<String, Node>,
}

/// `/a//b/./c/` → `/a/b/c`.
pub fn normalize(p: &str) -> String {
    let parts: Vec<&str> = p
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

pub fn parent(p: &str) -> Option<String> {
    let p = normalize(p);
    if p == "/" {
        return None;
    }
    let cut = p.rfind('/').unwrap();
    Some(if cut == 0 {
        "/".into()
    } else {
        p[..cut].to_string()
    })
}

/// `prefix` is `p` or one of its ancestors (whole components).
pub fn under(p: &str, prefix: &str) -> bool {
    let (p, prefix) = (normalize(p), normalize(prefix));
    prefix == "/" || p == prefix || p.starts_with(&format!("{prefix}/"))
}

impl Fs {
    /// The directories every NixOS system has before anything of the host's runs.
    pub fn base() -> Fs {
        let mut fs = Fs {
            nodes: BTreeMap::new(),
        };
        for (p, mode) in [
            ("/", 0o755),
            ("/etc", 0o755),
            ("/nix", 0o755),
            ("/nix/store", 0o1775),
            ("/run", 0o755),
            ("/run/credentials", 0o755),
            ("/tmp", 0o1777),
            ("/var", 0o755),
            ("/var/lib", 0o755),
            ("/var/log", 0o755),
            ("/var/cache", 0o755),
            ("/var/tmp", 0o1777),
            ("/root", 0o700),
            ("/home", 0o755),
            ("/dev", 0o755),
            ("/proc", 0o555),
            ("/sys", 0o555),
        ] {
            fs.put(
                p,
                Kind::Dir,
                mode,
                "root",
                "root",
                Origin::Base,
                "the base system",
            );
        }
        fs
    }

    pub fn get(&self, p: &str) -> Option<&Node> {
        self.nodes.get(&normalize(p))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Node)> {
        self.nodes.iter()
    }

    /// Makes `p` (or remakes it: the new mode, owner and kind win, and `origin` joins
    /// the ones it had). Parents must exist: see [`Fs::mkdir_p`].
    #[allow(clippy::too_many_arguments)]
    pub fn put(
        &mut self,
        p: &str,
        kind: Kind,
        mode: u32,
        owner: &str,
        group: &str,
        origin: Origin,
        why: &str,
    ) {
        let p = normalize(p);
        match self.nodes.get_mut(&p) {
            Some(n) => {
                n.kind = kind;
                n.mode = mode;
                n.owner = owner.into();
                n.group = group.into();
                if !n.origins.contains(&origin) {
                    n.origins.push(origin);
                }
            }
            None => {
                self.nodes.insert(
                    p,
                    Node {
                        kind,
                        mode,
                        owner: owner.into(),
                        group: group.into(),
                        origins: vec![origin],
                        why: why.into(),
                    },
                );
            }
        }
    }

    /// Records that `origin` also makes sure `p` and the directories above it exist
    /// (mkdir -p on what is already there).
    pub fn claim(&mut self, p: &str, origin: &Origin) {
        let mut cur = Some(normalize(p));
        while let Some(c) = cur {
            if let Some(n) = self
                .nodes
                .get_mut(&c)
                .filter(|n| !n.origins.contains(origin))
            {
                n.origins.push(origin.clone());
            }
            cur = parent(&c);
        }
    }

    /// Changes the mode of an existing node (chmod).
    pub fn chmod(&mut self, p: &str, mode: u32) {
        if let Some(n) = self.nodes.get_mut(&normalize(p)) {
            n.mode = mode;
        }
    }

    /// Makes the missing parents of `p` as directories with `parent_mode`, owned like
    /// `p` would be. Existing ones are left as they are.
    pub fn mkparents(
        &mut self,
        p: &str,
        parent_mode: u32,
        owner: &str,
        group: &str,
        origin: &Origin,
        why: &str,
    ) {
        let mut missing = Vec::new();
        let mut cur = parent(p);
        while let Some(d) = cur {
            if self.nodes.contains_key(&d) {
                break;
            }
            missing.push(d.clone());
            cur = parent(&d);
        }
        for d in missing.into_iter().rev() {
            self.put(
                &d,
                Kind::Dir,
                parent_mode,
                owner,
                group,
                origin.clone(),
                why,
            );
        }
    }

    /// `mkdir -p -m mode`: missing parents get `parent_mode`; `p` itself gets `mode`
    /// (an existing directory is only chmod-ed, as install -d does).
    #[allow(clippy::too_many_arguments)]
    pub fn mkdir_p(
        &mut self,
        p: &str,
        mode: u32,
        parent_mode: u32,
        owner: &str,
        group: &str,
        origin: Origin,
        why: &str,
    ) {
        self.mkparents(p, parent_mode, owner, group, &origin, why);
        match self.get(p) {
            Some(n) if n.kind == Kind::Dir => {
                let (o, g) = (n.owner.clone(), n.group.clone());
                self.put(p, Kind::Dir, mode, &o, &g, origin, why);
            }
            _ => self.put(p, Kind::Dir, mode, owner, group, origin, why),
        }
    }

    /// Follows `p` from the root, through links, seeing only nodes `visible` accepts.
    pub fn resolve(&self, p: &str, visible: &dyn Fn(&Node) -> bool) -> Resolved {
        self.resolve_from(p, visible, Vec::new(), 0)
    }

    fn resolve_from(
        &self,
        p: &str,
        visible: &dyn Fn(&Node) -> bool,
        mut dirs: Vec<(String, Node)>,
        depth: u32,
    ) -> Resolved {
        let p = normalize(p);
        if depth > 40 {
            return Resolved::Missing {
                path: p,
                hidden: None,
            };
        }
        let root = self.nodes.get("/").expect("the root directory").clone();
        if p == "/" {
            return Resolved::Found {
                dirs,
                last: ("/".into(), root),
            };
        }
        let parts: Vec<&str> = p.trim_start_matches('/').split('/').collect();
        let mut cur = String::new();
        let mut at = ("/".to_string(), root);
        for (k, c) in parts.iter().enumerate() {
            dirs.push(at.clone());
            cur = format!("{cur}/{c}");
            let Some(node) = self.nodes.get(&cur) else {
                return Resolved::Missing {
                    path: cur,
                    hidden: None,
                };
            };
            if !visible(node) {
                return Resolved::Missing {
                    path: cur,
                    hidden: Some(node.clone()),
                };
            }
            let last = k + 1 == parts.len();
            match &node.kind {
                Kind::Symlink(target) => {
                    let rest = parts[k + 1..].join("/");
                    let target = if target.starts_with('/') {
                        target.clone()
                    } else {
                        format!("{}/{target}", parent(&cur).unwrap_or_default())
                    };
                    let next = if rest.is_empty() {
                        target
                    } else {
                        format!("{target}/{rest}")
                    };
                    // The directories passed to reach the link still had to be searched.
                    return self.resolve_from(&next, visible, dirs, depth + 1);
                }
                Kind::File if !last => {
                    return Resolved::Missing {
                        path: format!("{cur}/{}", parts[k + 1]),
                        hidden: None,
                    };
                }
                _ => {}
            }
            at = (cur.clone(), node.clone());
            if last {
                // dirs holds the directories passed, not the node itself.
                return Resolved::Found { dirs, last: at };
            }
        }
        unreachable!()
    }
}
