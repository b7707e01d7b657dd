//! What `nix store diff-closures OLD NEW` says changed between two systems.
//!
//! Each changed package is one line (src/nix/diff-closures.cc of NixOS/nix):
//!
//! ```text
//! <name>: <old versions> → <new versions>[, <size change>]
//! <name>: <size change>
//! ```
//!
//! Versions are joined with `, `; `∅` means none (the package was added or removed)
//! and `ε` an empty version. The size change is shown only from 8 KiB, as `+13.9 KiB`
//! (Nix before 2.19, always KiB and signed) or `13.9 KiB`/`-1.2 MiB` (recent Nix), in
//! red or green even when not on a terminal.
use std::cmp::Ordering;

use super::{Size, count};

/// How one package changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Upgraded,
    Downgraded,
    /// Several versions on a side, or versions that do not compare.
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
        Some((before, after)) => {
            let kind = match (before.is_empty(), after.is_empty()) {
                (true, false) => ChangeKind::Added,
                (false, true) => ChangeKind::Removed,
                (true, true) => return None,
                (false, false) if before.len() == 1 && after.len() == 1 => {
                    match compare_versions(&before[0], &after[0]) {
                        Ordering::Less => ChangeKind::Upgraded,
                        Ordering::Greater => ChangeKind::Downgraded,
                        Ordering::Equal => ChangeKind::Changed,
                    }
                }
                (false, false) => ChangeKind::Changed,
            };
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
                ChangeKind::Changed,
                ChangeKind::SizeOnly,
                ChangeKind::Removed,
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
            "7 packages changed: 1 added, 2 removed, 1 upgraded, 1 downgraded, 1 changed version, 1 changed size only; closure size +81.0 MiB"
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
