//! What `nix store diff-closures OLD NEW` says changed between two systems.
//!
//! For each package name (a store path's name without its version and output) whose
//! set of versions changed, or whose total size moved by 8 KiB or more, Nix prints one
//! line (`printClosureDiff` in src/nix/diff-closures.cc of NixOS/nix):
//!
//! ```text
//! <name>: <versions gone> → <versions new>[, <size change>]
//! <name>: <size change>
//! ```
//!
//! Only versions that changed are shown: one in both closures is on neither side. `∅`
//! is the empty set (no version on that side: `showVersions` of an empty set) and `ε`
//! the empty version (a path without one, like `unit-foo.service`). So `2.40-66 → ∅`
//! says that version went away, not that the package did: with a size that grew, other
//! versions of it are still there.
//!
//! The size change is `+13.9 KiB`/`-1204.3 KiB` in Nix 2.4 to 2.32 (`%+.1f KiB`:
//! always KiB, always signed) and `13.9 KiB`/`-1.2 MiB` from Nix 2.33 (`renderSize`:
//! the largest unit under 1024, a sign only when negative), in red or green even when
//! not on a terminal.
use std::cmp::Ordering;

use super::{Size, count};

/// How one package changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// Versions came and none went, and the size did not shrink.
    Added,
    /// Versions went and none came, and the size did not grow.
    Removed,
    /// Every version that went is older than every one that came (Nix's order).
    Upgraded,
    /// Every version that went is newer than every one that came.
    Downgraded,
    /// Versions changed some other way: mixed, or gone while the size grew (other
    /// versions stay), or new while it shrank.
    Changed,
    /// Same versions, different size (a rebuild with other inputs).
    SizeOnly,
}

/// One line of the diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureChange {
    pub name: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub size: Option<Size>,
    pub kind: ChangeKind,
}

/// The whole diff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClosureDiff {
    pub changes: Vec<ClosureChange>,
    /// Lines that did not read as a change (warnings, …).
    pub other: Vec<String>,
}

/// Reads the lines `nix store diff-closures` printed.
pub fn parse_diff_closures<S: AsRef<str>>(lines: &[S]) -> ClosureDiff {
    let mut out = ClosureDiff::default();
    for raw in lines {
        let line = super::strip_ansi(raw.as_ref());
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match parse_line(line) {
            Some(change) => out.changes.push(change),
            None => out.other.push(line.to_string()),
        }
    }
    out
}

fn parse_line(line: &str) -> Option<ClosureChange> {
    let (name, rest) = line.split_once(": ")?;
    if name.is_empty() || name.contains(' ') {
        return None;
    }
    let (versions, size) = match rest.split_once(" → ") {
        Some((before, after)) => {
            // The size, when shown, is the last ", "-separated item after the arrow.
            let (after, size) = match after.rsplit_once(", ") {
                Some((a, s)) if Size::parse(s).is_some() => (a, Size::parse(s)),
                _ => (after, None),
            };
            (Some((versions_of(before), versions_of(after))), size)
        }
        None => (None, Some(Size::parse(rest)?)),
    };
    let (before, after, kind) = match versions {
        None => (Vec::new(), Vec::new(), ChangeKind::SizeOnly),
        Some((before, after)) if before.is_empty() && after.is_empty() => return None,
        Some((before, after)) => {
            let kind = kind_of(&before, &after, size);
            (before, after, kind)
        }
    };
    Some(ClosureChange {
        name: name.to_string(),
        before,
        after,
        size,
        kind,
    })
}

/// How a line's versions and size read (see [`ChangeKind`]).
fn kind_of(gone: &[String], came: &[String], size: Option<Size>) -> ChangeKind {
    let grew = size.is_some_and(|s| s.bytes() > 0);
    let shrank = size.is_some_and(|s| s.bytes() < 0);
    match (gone.is_empty(), came.is_empty()) {
        (true, _) if shrank => ChangeKind::Changed,
        (true, _) => ChangeKind::Added,
        (_, true) if grew => ChangeKind::Changed,
        (_, true) => ChangeKind::Removed,
        _ => {
            let older = |a: &String, b: &String| compare_versions(a, b) == Ordering::Less;
            if gone.iter().all(|g| came.iter().all(|c| older(g, c))) {
                ChangeKind::Upgraded
            } else if gone.iter().all(|g| came.iter().all(|c| older(c, g))) {
                ChangeKind::Downgraded
            } else {
                ChangeKind::Changed
            }
        }
    }
}

/// `∅` → none; `1.0, 1.1` → both; `ε` → the empty version.
fn versions_of(text: &str) -> Vec<String> {
    let text = text.trim();
    if text == "∅" {
        return Vec::new();
    }
    text.split(", ")
        .map(|v| {
            if v == "ε" {
                String::new()
            } else {
                v.to_string()
            }
        })
        .collect()
}

/// Compares versions as Nix's `compareVersions` does, near enough: split at `.` and
/// `-`, numbers compared as numbers, `pre` before anything, otherwise as text.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut current = String::new();
        let mut digits = None;
        for c in s.chars() {
            if c == '.' || c == '-' {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                digits = None;
                continue;
            }
            let is_digit = c.is_ascii_digit();
            if digits.is_some_and(|d| d != is_digit) && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            digits = Some(is_digit);
            current.push(c);
        }
        if !current.is_empty() {
            out.push(current);
        }
        out
    };
    let (pa, pb) = (parts(a), parts(b));
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (
            pa.get(i).map(String::as_str).unwrap_or(""),
            pb.get(i).map(String::as_str).unwrap_or(""),
        );
        let order = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            _ if x == y => Ordering::Equal,
            _ if x.is_empty() && y.parse::<u64>().is_ok() => Ordering::Less,
            _ if y.is_empty() && x.parse::<u64>().is_ok() => Ordering::Greater,
            _ if x == "pre" => Ordering::Less,
            _ if y == "pre" => Ordering::Greater,
            (Ok(_), Err(_)) => Ordering::Greater,
            (Err(_), Ok(_)) => Ordering::Less,
            _ => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

impl ClosureDiff {
    pub fn of_kind(&self, kind: ChangeKind) -> Vec<&ClosureChange> {
        self.changes.iter().filter(|c| c.kind == kind).collect()
    }

    /// The sum of the size changes shown (changes under 8 KiB are not shown by Nix).
    pub fn size_change(&self) -> Size {
        Size(
            self.changes
                .iter()
                .filter_map(|c| c.size)
                .map(Size::bytes)
                .sum(),
        )
    }

    /// One line: `3 packages added, 1 removed, 5 upgraded, …, +12.3 MiB`.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "no package changes".to_string();
        }
        let n = |k: ChangeKind| self.of_kind(k).len();
        let mut parts = Vec::new();
        for (k, word) in [
            (ChangeKind::Added, "added"),
            (ChangeKind::Removed, "removed"),
            (ChangeKind::Upgraded, "upgraded"),
            (ChangeKind::Downgraded, "downgraded"),
            (ChangeKind::Changed, "changed version"),
            (ChangeKind::SizeOnly, "changed size only"),
        ] {
            let count = n(k);
            if count > 0 {
                parts.push(format!("{count} {word}"));
            }
        }
        format!(
            "{}: {}; closure size {}",
            count(self.changes.len(), "package changed", "packages changed"),
            parts.join(", "),
            self.size_change().signed()
        )
    }
}

impl ClosureChange {
    /// `caddy 2.9.1 → 2.10.0 (+1.2 MiB)`.
    pub fn describe(&self) -> String {
        let show = |v: &[String]| {
            if v.is_empty() {
                "∅".to_string()
            } else {
                v.iter()
                    .map(|s| if s.is_empty() { "ε" } else { s.as_str() })
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let mut text = self.name.clone();
        if self.kind != ChangeKind::SizeOnly {
            text.push_str(&format!(" {} → {}", show(&self.before), show(&self.after)));
        }
        if let Some(size) = self.size {
            text.push_str(&format!(" ({})", size.signed()));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_and_new_nix_lines() {
        let diff = parse_diff_closures(&[
            "caddy: 2.9.1 → 2.10.0, \x1b[31;1m+1204.3 KiB\x1b[0m",
            "bluesky-pds: ∅ → 0.4.182, +81234.0 KiB",
            "nginx: 1.26.3 → ∅, -1.6 MiB",
            "glibc: 2.40-66 → 2.40-36, -13.0 KiB",
            "linux: 6.12.30, 6.12.30-modules → 6.12.34, 6.12.34-modules, 2.1 MiB",
            "etc: 12.4 KiB",
            "unit-x: ε → ∅",
            "glibc-locales: 2.40-66 → ∅, +9954.6 KiB",
            "python3: 3.12.9 → 3.11.12, 3.13.3",
            "warning: something",
        ]);
        let kinds: Vec<_> = diff.changes.iter().map(|c| c.kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                ChangeKind::Upgraded,
                ChangeKind::Added,
                ChangeKind::Removed,
                ChangeKind::Downgraded,
                ChangeKind::Upgraded,
                ChangeKind::SizeOnly,
                ChangeKind::Removed,
                ChangeKind::Changed,
                ChangeKind::Changed,
            ]
        );
        assert_eq!(diff.other, ["warning: something"]);
        assert_eq!(
            diff.changes[0].describe(),
            "caddy 2.9.1 → 2.10.0 (+1.2 MiB)"
        );
        assert_eq!(diff.changes[6].before, [""]);
        assert_eq!(
            diff.summary(),
            "9 packages changed: 1 added, 2 removed, 2 upgraded, 1 downgraded, 2 changed version, 1 changed size only; closure size +90.7 MiB"
        );
    }

    #[test]
    fn versions_compare_like_nix() {
        use Ordering::*;
        assert_eq!(compare_versions("1.9", "1.10"), Less);
        assert_eq!(compare_versions("2.40-66", "2.40-36"), Greater);
        assert_eq!(compare_versions("1.0pre", "1.0"), Less);
        assert_eq!(compare_versions("1.0", "1.0.1"), Less);
        assert_eq!(compare_versions("0.4.182", "0.4.182"), Equal);
    }
}
