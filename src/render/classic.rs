//! Classic (non-flake) hosts: `atproto.nix` imports atproto-nix's modules itself, fetched
//! from `host.flake_url` as pinned as that reference allows, and sops-nix's or agenix's
//! module when that secrets backend is chosen, so an existing `configuration.nix` only
//! ever needs `./atproto.nix` in its imports. docs/MODULES.md, "Classic mode".
//!
//! Nothing here invents a hash: a reference that names a commit is fetched at that
//! commit, one that carries a `narHash` is checked against it, and anything else is
//! rendered with a comment saying it is not pinned and how to pin it.
use super::nix::{Binding, Expr, Part, fill, string_literal};
use super::secrets_backend;
use crate::plan::PlanView;

/// Where atproto-nix's source comes from, read from a flake reference.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A directory (`path:`): imported as it is on disk.
    Local { path: String },
    /// A tarball: `github:`, `gitlab:`, `https://….tar.gz`, `tarball+https://…`.
    Tarball {
        url: String,
        /// The commit the URL names, when it names one.
        rev: Option<String>,
        /// The `narHash` the reference gives (the hash of the unpacked tree).
        sha256: Option<String>,
        /// How to pin it when neither is given.
        pin_hint: String,
    },
    /// A Git repository: `git+https://…`, `git+ssh://…`, `git://…`, `sourcehut:`.
    Git {
        url: String,
        git_ref: Option<String>,
        rev: Option<String>,
    },
    /// A reference Nix cannot fetch without flakes (`flake:nixpkgs`, `hg+https://…`, a
    /// plain file URL...).
    Unsupported,
}

/// A flake reference read for fetching without flakes.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    pub source: Source,
    /// The flake's directory inside the source (`?dir=`), if any.
    pub dir: Option<String>,
}

impl Fetch {
    /// Reads a flake reference (the forms of `nix flake --help`, "Flake references").
    pub fn parse(flake_url: &str) -> Fetch {
        let (base, query) = flake_url.split_once('?').unwrap_or((flake_url, ""));
        let params: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        let param = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        let dir = param("dir").map(|d| d.trim_matches('/').to_string());
        let dir = dir.filter(|d| !d.is_empty());
        let (scheme, rest) = base.split_once(':').unwrap_or(("", base));
        let source = match scheme {
            "path" if !rest.is_empty() => Source::Local {
                path: rest.to_string(),
            },
            "github" | "gitlab" | "sourcehut" => {
                forge(scheme, rest, param("rev"), param("ref"), param("host"))
                    .map(|source| match source {
                        Source::Tarball {
                            url, rev, pin_hint, ..
                        } => Source::Tarball {
                            url,
                            rev,
                            sha256: param("narHash"),
                            pin_hint,
                        },
                        other => other,
                    })
                    .unwrap_or(Source::Unsupported)
            }
            "git+https" | "git+http" | "git+ssh" | "git+file" | "git" => Source::Git {
                url: base.strip_prefix("git+").unwrap_or(base).to_string(),
                git_ref: param("ref"),
                rev: param("rev").filter(|r| is_commit(r)),
            },
            "tarball+https" | "tarball+http" | "tarball+file" => tarball(
                base.strip_prefix("tarball+").unwrap_or(base),
                param("narHash"),
            ),
            "https" | "http" if is_archive(base) => tarball(base, param("narHash")),
            _ => Source::Unsupported,
        };
        Fetch { source, dir }
    }

    /// Whether what is fetched cannot change: a commit or a content hash is given.
    /// (A local directory is whatever it holds.)
    pub fn is_pinned(&self) -> bool {
        match &self.source {
            Source::Tarball { rev, sha256, .. } => rev.is_some() || sha256.is_some(),
            Source::Git { rev, .. } => rev.is_some(),
            Source::Local { .. } | Source::Unsupported => false,
        }
    }
}

/// A 40-hex-digit Git commit.
fn is_commit(text: &str) -> bool {
    text.len() == 40 && text.chars().all(|c| c.is_ascii_hexdigit())
}

fn is_archive(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    [
        ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".tar.zst", ".tar", ".zip",
    ]
    .iter()
    .any(|ext| path.ends_with(ext))
}

fn tarball(url: &str, sha256: Option<String>) -> Source {
    Source::Tarball {
        url: url.to_string(),
        rev: None,
        sha256,
        pin_hint: "add ?narHash=sha256-… (the hash of the unpacked tarball) to host.flake_url"
            .to_string(),
    }
}

/// `github:owner/repo[/ref-or-rev]` and its gitlab and sourcehut siblings.
fn forge(
    scheme: &str,
    rest: &str,
    rev: Option<String>,
    git_ref: Option<String>,
    host: Option<String>,
) -> Option<Source> {
    let mut parts = rest.splitn(3, '/');
    let owner = parts.next().filter(|s| !s.is_empty())?;
    let repo = parts.next().filter(|s| !s.is_empty())?;
    let (mut rev, mut git_ref) = (rev.filter(|r| is_commit(r)), git_ref);
    if let Some(third) = parts.next().filter(|s| !s.is_empty()) {
        if is_commit(third) {
            rev = rev.or_else(|| Some(third.to_string()));
        } else {
            git_ref = git_ref.or_else(|| Some(third.to_string()));
        }
    }
    let pin_hint =
        format!("name a commit in host.flake_url, like {scheme}:{owner}/{repo}/<commit>");
    match scheme {
        "github" => {
            let host = host.unwrap_or_else(|| "github.com".into());
            let at = rev.clone().or(git_ref).unwrap_or_else(|| "HEAD".into());
            Some(Source::Tarball {
                url: format!("https://{host}/{owner}/{repo}/archive/{at}.tar.gz"),
                rev,
                sha256: None,
                pin_hint,
            })
        }
        "gitlab" => {
            let host = host.unwrap_or_else(|| "gitlab.com".into());
            // Subgroups are written with %2F in the reference.
            let owner = percent_decode(owner);
            let at = rev.clone().or(git_ref).unwrap_or_else(|| "HEAD".into());
            let file = at.replace('/', "-");
            Some(Source::Tarball {
                url: format!("https://{host}/{owner}/{repo}/-/archive/{at}/{repo}-{file}.tar.gz"),
                rev,
                sha256: None,
                pin_hint,
            })
        }
        _ => {
            let host = host.unwrap_or_else(|| "git.sr.ht".into());
            Some(Source::Git {
                url: format!("https://{host}/{owner}/{repo}"),
                git_ref,
                rev,
            })
        }
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Comment lines are filled to this width (they sit two columns in).
const COMMENT_WIDTH: usize = 86;

/// The `let` bindings (the fetched sources) and the `imports` binding that a classic
/// host's `atproto.nix` starts with.
pub fn module_imports(view: &PlanView) -> (Vec<Binding>, Binding) {
    let flake_url = super::host_text(view, "flake_url", "");
    let fetch = Fetch::parse(&flake_url);
    let mut lets = Vec::new();
    let subdir = match &fetch.dir {
        Some(dir) => format!("{dir}/nixlib/modules"),
        None => "nixlib/modules".to_string(),
    };
    let atproto = match &fetch.source {
        Source::Local { path } => {
            let text = format!("{}/{subdir}", path.trim_end_matches('/'));
            Expr::path(&text).unwrap_or_else(|| Expr::str(text))
        }
        source => {
            lets.push(fetch_binding(&flake_url, source));
            Expr::Interpolated(vec![
                Part::Expr(Expr::select("atproto-nix")),
                Part::Text(format!("/{subdir}")),
            ])
        }
    };
    let mut imports = vec![atproto];
    let backend = secrets_backend(view);
    if let Some((name, url, module)) = secrets_module(&backend) {
        lets.push(
            Binding::new(
                &[name],
                Expr::apply(Expr::select("builtins.fetchTarball"), Expr::str(url)),
            )
            .comment(&fill(
                &format!(
                    "{name}'s module, for integrations.secrets.backend = {} in atproto.toml. \
                     Not pinned (atproto.toml has no setting for it): each fetch takes its \
                     current default branch.",
                    string_literal(&backend)
                ),
                COMMENT_WIDTH,
            )),
        );
        imports.push(Expr::Interpolated(vec![
            Part::Expr(Expr::select(name)),
            Part::Text(module.to_string()),
        ]));
    }
    let comment = match &fetch.source {
        Source::Local { .. } => {
            "atproto-nix's modules, from the checkout host.flake_url names, as it is on disk\n\
             (host.mode = \"classic\" in atproto.toml: no flake brings them)."
        }
        _ => {
            "atproto-nix's modules, fetched above (host.mode = \"classic\" in atproto.toml: no\n\
             flake brings them)."
        }
    };
    (
        lets,
        Binding::new(&["imports"], Expr::List(imports)).comment(comment),
    )
}

/// sops-nix's or agenix's non-flake module: its name, tarball and module path.
fn secrets_module(backend: &str) -> Option<(&'static str, &'static str, &'static str)> {
    match backend {
        "sops" => Some((
            "sops-nix",
            "https://github.com/Mic92/sops-nix/archive/master.tar.gz",
            "/modules/sops",
        )),
        "agenix" => Some((
            "agenix",
            "https://github.com/ryantm/agenix/archive/main.tar.gz",
            "/modules/age.nix",
        )),
        _ => None,
    }
}

/// `atproto-nix = builtins.fetchTarball { ... };` (or `fetchGit`, or a `throw` saying
/// why it cannot be fetched), with a comment on how pinned it is.
fn fetch_binding(flake_url: &str, source: &Source) -> Binding {
    let quoted = string_literal(flake_url);
    let (value, comment) = match source {
        Source::Tarball {
            url,
            rev,
            sha256,
            pin_hint,
        } => {
            let mut args = vec![Binding::new(&["url"], Expr::str(url))];
            if let Some(hash) = sha256 {
                args.push(Binding::new(&["sha256"], Expr::str(hash)));
            }
            let comment = match (rev, sha256) {
                (_, Some(_)) => "atproto-nix as host.flake_url (atproto.toml) names it, checked \
                                 against the narHash it gives."
                    .to_string(),
                (Some(_), None) => {
                    "atproto-nix at the commit host.flake_url (atproto.toml) names.".to_string()
                }
                (None, None) => format!(
                    "Not pinned: host.flake_url = {quoted} names no commit, so a later fetch may\n\
                     bring a newer atproto-nix. To pin it, {pin_hint}."
                ),
            };
            (
                Expr::apply(Expr::select("builtins.fetchTarball"), Expr::attrs(args)),
                comment,
            )
        }
        Source::Git { url, git_ref, rev } => {
            let mut args = vec![Binding::new(&["url"], Expr::str(url))];
            if let Some(r) = git_ref {
                args.push(Binding::new(&["ref"], Expr::str(r)));
            }
            if let Some(rev) = rev {
                args.push(Binding::new(&["rev"], Expr::str(rev)));
                if git_ref.is_none() {
                    // The commit may be on any branch, not only the default one.
                    args.push(Binding::new(&["allRefs"], Expr::Bool(true)));
                }
            }
            let comment = match rev {
                Some(_) => {
                    "atproto-nix at the commit host.flake_url (atproto.toml) names.".to_string()
                }
                None => format!(
                    "Not pinned: host.flake_url = {quoted} names no commit, so a later fetch may\n\
                     bring a newer atproto-nix. To pin it, add ?rev=<commit> to host.flake_url."
                ),
            };
            (
                Expr::apply(Expr::select("builtins.fetchGit"), Expr::attrs(args)),
                comment,
            )
        }
        Source::Local { .. } | Source::Unsupported => (
            Expr::apply(
                Expr::select("throw"),
                Expr::str(format!(
                    "atproto.nix: host.flake_url = {quoted} cannot be fetched without flakes; \
                     use a path:, github:, gitlab:, sourcehut:, git+https: or https:// tarball \
                     reference in atproto.toml"
                )),
            ),
            format!(
                "host.flake_url = {quoted} is a reference only flakes can fetch: this fails\n\
                 until atproto.toml names a path:, github:, gitlab:, sourcehut:, git+https: or\n\
                 tarball URL (or uses host.mode = \"flake\")."
            ),
        ),
    };
    Binding::new(&["atproto-nix"], value).comment(&fill(&comment, COMMENT_WIDTH))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REV: &str = "0123456789abcdef0123456789abcdef01234567";

    fn tarball(url: &str, rev: Option<&str>, sha256: Option<&str>) -> Source {
        let Source::Tarball { pin_hint, .. } = Fetch::parse(url).source else {
            panic!("{url} is not a tarball");
        };
        Source::Tarball {
            url: url.to_string(),
            rev: rev.map(str::to_string),
            sha256: sha256.map(str::to_string),
            pin_hint,
        }
    }

    fn url_of(reference: &str) -> (String, Option<String>, Option<String>) {
        match Fetch::parse(reference).source {
            Source::Tarball {
                url, rev, sha256, ..
            } => (url, rev, sha256),
            other => panic!("{reference}: {other:?}"),
        }
    }

    #[test]
    fn local_paths_are_imported_from_disk() {
        let f = Fetch::parse("path:/etc/nixos/atproto-nix");
        assert_eq!(
            f.source,
            Source::Local {
                path: "/etc/nixos/atproto-nix".into()
            }
        );
        assert!(!f.is_pinned());
        let f = Fetch::parse("path:./atproto-nix?dir=sub/&narHash=x");
        assert_eq!(f.dir.as_deref(), Some("sub"));
    }

    #[test]
    fn github_commits_pin_and_branches_do_not() {
        let (url, rev, _) = url_of(&format!("github:o/r/{REV}"));
        assert_eq!(url, format!("https://github.com/o/r/archive/{REV}.tar.gz"));
        assert_eq!(rev.as_deref(), Some(REV));
        assert!(Fetch::parse(&format!("github:o/r?rev={REV}")).is_pinned());
        let (url, rev, _) = url_of("github:o/r/release-1.0");
        assert_eq!(url, "https://github.com/o/r/archive/release-1.0.tar.gz");
        assert_eq!(rev, None);
        assert!(!Fetch::parse("github:o/r").is_pinned());
        assert_eq!(
            url_of("github:o/r").0,
            "https://github.com/o/r/archive/HEAD.tar.gz"
        );
        assert_eq!(
            url_of("github:o/r?host=git.example.com&ref=main").0,
            "https://git.example.com/o/r/archive/main.tar.gz"
        );
        // A narHash pins the content even without a commit.
        let f = Fetch::parse("github:o/r/main?narHash=sha256-abc%3D");
        assert!(f.is_pinned());
        assert_eq!(
            url_of("github:o/r/main?narHash=sha256-abc%3D").2.as_deref(),
            Some("sha256-abc=")
        );
        assert_eq!(Fetch::parse("github:o").source, Source::Unsupported);
    }

    #[test]
    fn gitlab_and_sourcehut() {
        assert_eq!(
            url_of(&format!("gitlab:group%2Fsub/r/{REV}")).0,
            format!("https://gitlab.com/group/sub/r/-/archive/{REV}/r-{REV}.tar.gz")
        );
        assert_eq!(
            Fetch::parse(&format!("sourcehut:~o/r/{REV}")).source,
            Source::Git {
                url: "https://git.sr.ht/~o/r".into(),
                git_ref: None,
                rev: Some(REV.into())
            }
        );
    }

    #[test]
    fn git_references_keep_their_ref_and_rev() {
        let f = Fetch::parse(&format!(
            "git+https://git.example.com/a.git?ref=main&rev={REV}"
        ));
        assert_eq!(
            f.source,
            Source::Git {
                url: "https://git.example.com/a.git".into(),
                git_ref: Some("main".into()),
                rev: Some(REV.into())
            }
        );
        assert!(f.is_pinned());
        let f = Fetch::parse("git+ssh://git@example.com/a");
        assert_eq!(
            f.source,
            Source::Git {
                url: "ssh://git@example.com/a".into(),
                git_ref: None,
                rev: None
            }
        );
        assert!(!f.is_pinned());
    }

    #[test]
    fn tarballs_pin_only_with_a_hash() {
        let url = "https://example.com/atproto-nix.tar.gz";
        assert_eq!(Fetch::parse(url).source, tarball(url, None, None));
        assert!(!Fetch::parse(url).is_pinned());
        let f = Fetch::parse(&format!("tarball+{url}?narHash=sha256-x"));
        assert_eq!(f.source, tarball(url, None, Some("sha256-x")));
        assert!(f.is_pinned());
    }

    #[test]
    fn other_references_cannot_be_fetched_without_flakes() {
        for reference in [
            "flake:atproto-nix",
            "hg+https://example.com/r",
            "https://example.com/not-an-archive",
            "file+https://example.com/a.tar.gz",
            "path:",
        ] {
            assert_eq!(
                Fetch::parse(reference).source,
                Source::Unsupported,
                "{reference}"
            );
        }
    }
}
