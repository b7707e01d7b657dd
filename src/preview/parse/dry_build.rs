//! What `nixos-rebuild dry-build` says would be built and fetched.
//!
//! `nixos-rebuild dry-build` runs `nix build --dry-run` (flakes) or `nix-build
//! --dry-run`, and Nix prints the missing paths (`printMissing` in
//! src/libmain/shared.cc of NixOS/nix), in every version one of:
//!
//! ```text
//! this derivation will be built:                      (Nix ≥ 2.4, one)
//! these 37 derivations will be built:                 (Nix ≥ 2.4)
//! these derivations will be built:                    (Nix 2.3 and older)
//!   /nix/store/…-nixos-system-pds1-25.11.drv
//! this path will be fetched (0.05 MiB download, 0.21 MiB unpacked):
//! these 112 paths will be fetched (98.42 MiB download, 412.87 MiB unpacked):
//! these 112 paths will be fetched (98.4 MiB download, 412.9 MiB unpacked):   (recent Nix)
//! these paths will be fetched (98.42 MiB download, 412.87 MiB unpacked):     (Nix 2.3)
//!   /nix/store/…-caddy-2.10.0
//! don't know how to build these paths:
//!   /nix/store/…
//! ```
//!
//! Everything else (`building the system configuration...`, warnings) is ignored.
use std::sync::LazyLock;

use regex::Regex;

use super::{Size, count};

/// What a dry build would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DryBuild {
    /// Derivations to build, as listed (`/nix/store/…drv`).
    pub to_build: Vec<String>,
    /// Store paths to fetch from a binary cache.
    pub to_fetch: Vec<String>,
    /// Paths Nix does not know how to build.
    pub unknown: Vec<String>,
    /// The counts in the headers, when Nix printed them (a check on the lists).
    pub build_count: Option<usize>,
    pub fetch_count: Option<usize>,
    /// Download and unpacked size of what is fetched.
    pub download: Option<Size>,
    pub unpacked: Option<Size>,
    /// Whether any of the headers was seen: with none, the output said nothing about
    /// what is missing (nothing to do, or the run failed before).
    pub seen: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    Build,
    Fetch,
    Unknown,
}

static BUILD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:this derivation|these (?:(\d+) )?derivations) will be built:$").unwrap()
});
static FETCH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:this path|these (?:(\d+) )?paths) will be fetched \((.+) download, (.+) unpacked\):$",
    )
    .unwrap()
});
static UNKNOWN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^don't know how to build these paths(?: \(.*\))?:$").unwrap());

/// Reads the lines a dry build printed (stdout and stderr, in order).
pub fn parse_dry_build<S: AsRef<str>>(lines: &[S]) -> DryBuild {
    let mut out = DryBuild::default();
    let mut section = Section::None;
    for raw in lines {
        let line = super::strip_ansi(raw.as_ref());
        let line = line.trim_end();
        if let Some(path) = line.strip_prefix("  ").filter(|p| p.starts_with('/')) {
            let list = match section {
                Section::Build => &mut out.to_build,
                Section::Fetch => &mut out.to_fetch,
                Section::Unknown => &mut out.unknown,
                Section::None => continue,
            };
            list.push(path.trim().to_string());
            continue;
        }
        if let Some(c) = BUILD.captures(line) {
            section = Section::Build;
            out.seen = true;
            out.build_count = Some(c.get(1).map_or(1, |n| n.as_str().parse().unwrap_or(0)));
            if c.get(1).is_none() && line.starts_with("these") {
                out.build_count = None; // Nix 2.3 prints no count
            }
        } else if let Some(c) = FETCH.captures(line) {
            section = Section::Fetch;
            out.seen = true;
            out.fetch_count = Some(c.get(1).map_or(1, |n| n.as_str().parse().unwrap_or(0)));
            if c.get(1).is_none() && line.starts_with("these") {
                out.fetch_count = None;
            }
            out.download = Size::parse(&c[2]);
            out.unpacked = Size::parse(&c[3]);
        } else if UNKNOWN.is_match(line) {
            section = Section::Unknown;
            out.seen = true;
        } else {
            section = Section::None;
        }
    }
    out
}

impl DryBuild {
    /// Derivations to build: the header's count, else the listed paths.
    pub fn builds(&self) -> usize {
        self.build_count.unwrap_or(self.to_build.len())
    }

    /// Paths to fetch: the header's count, else the listed paths.
    pub fn fetches(&self) -> usize {
        self.fetch_count.unwrap_or(self.to_fetch.len())
    }

    /// Whether the system is already built and in the store.
    pub fn nothing_to_do(&self) -> bool {
        self.builds() == 0 && self.fetches() == 0 && self.unknown.is_empty()
    }

    /// One line: `37 derivations to build, 112 paths to fetch (98.4 MiB download,
    /// 412.9 MiB unpacked)`.
    pub fn summary(&self) -> String {
        if self.nothing_to_do() {
            return "nothing to build or fetch: this system is already in the Nix store"
                .to_string();
        }
        let mut parts = vec![
            format!(
                "{} to build",
                count(self.builds(), "derivation", "derivations")
            ),
            format!("{} to fetch", count(self.fetches(), "path", "paths")),
        ];
        if let (Some(d), Some(u)) = (self.download, self.unpacked) {
            let last = parts.pop().unwrap();
            parts.push(format!("{last} ({d} download, {u} unpacked)"));
        }
        if !self.unknown.is_empty() {
            parts.push(format!(
                "{} Nix does not know how to build",
                count(self.unknown.len(), "path", "paths")
            ));
        }
        parts.join(", ")
    }

    /// The package names among the derivations to build (`caddy-2.10.0` from
    /// `/nix/store/<hash>-caddy-2.10.0.drv`), for a short list.
    pub fn build_names(&self) -> Vec<String> {
        self.to_build.iter().map(|p| store_name(p)).collect()
    }
}

/// The name part of a store path: `/nix/store/<hash>-<name>[.drv]` → `<name>`.
pub fn store_name(path: &str) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    let base = base.strip_suffix(".drv").unwrap_or(base);
    match base.split_once('-') {
        Some((hash, name)) if hash.len() == 32 => name.to_string(),
        _ => base.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nix_2_4_and_later() {
        let out = parse_dry_build(&[
            "building the system configuration...",
            "these 2 derivations will be built:",
            "  /nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-etc.drv",
            "  /nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-system-pds1-25.11.drv",
            "this path will be fetched (0.05 MiB download, 0.21 MiB unpacked):",
            "  /nix/store/cccccccccccccccccccccccccccccccc-caddy-2.10.0",
        ]);
        assert_eq!(out.builds(), 2);
        assert_eq!(out.fetches(), 1);
        assert_eq!(out.build_names(), ["etc", "nixos-system-pds1-25.11"]);
        assert_eq!(out.download, Some(Size(52_429)));
        assert_eq!(
            out.summary(),
            "2 derivations to build, 1 path to fetch (51.2 KiB download, 215.0 KiB unpacked)"
        );
    }

    #[test]
    fn nix_2_3_has_no_counts_and_recent_nix_other_units() {
        let old = parse_dry_build(&[
            "these derivations will be built:",
            "  /nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-etc.drv",
            "these paths will be fetched (1.00 MiB download, 2.00 MiB unpacked):",
            "  /nix/store/cccccccccccccccccccccccccccccccc-caddy-2.10.0",
            "  /nix/store/dddddddddddddddddddddddddddddddd-glibc-2.40-66",
        ]);
        assert_eq!((old.build_count, old.builds()), (None, 1));
        assert_eq!((old.fetch_count, old.fetches()), (None, 2));
        let new = parse_dry_build(&[
            "this derivation will be built:",
            "  /nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-etc.drv",
            "these 3 paths will be fetched (1.2 GiB download, 4.0 GiB unpacked):",
        ]);
        assert_eq!(new.builds(), 1);
        assert_eq!(new.fetches(), 3);
        assert_eq!(new.download, Some(Size(1_288_490_189)));
    }

    #[test]
    fn nothing_missing() {
        let out = parse_dry_build(&["building the system configuration..."]);
        assert!(!out.seen);
        assert!(out.nothing_to_do());
        assert!(out.summary().starts_with("nothing to build"));
    }

    #[test]
    fn unknown_paths() {
        let out = parse_dry_build(&[
            "don't know how to build these paths (may be caused by read-only store access):",
            "  /nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-x",
        ]);
        assert_eq!(out.unknown.len(), 1);
        assert!(
            out.summary()
                .contains("1 path Nix does not know how to build")
        );
    }
}
