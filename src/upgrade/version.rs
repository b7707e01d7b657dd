//! Versions as upstream and nixpkgs write them (`0.4.208`, `v0.2.0`,
//! `0.1.0-unstable-2026-05-05`, `1.0.0-rc.1`), compared in order, and which breaking
//! changes an update crosses. Pure.
use std::cmp::Ordering;

/// A version, split for comparing: its numbers, then what follows a `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    numbers: Vec<u64>,
    /// After the first `-`: a pre-release (`rc.1`) or a dated snapshot
    /// (`unstable-2026-05-05`); empty for a release.
    suffix: String,
}

impl Version {
    /// Reads `text`; `None` when it does not start with a number (after a `v`).
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let (release, suffix) = text.split_once('-').unwrap_or((text, ""));
        let numbers: Option<Vec<u64>> = release.split('.').map(|p| p.parse().ok()).collect();
        let numbers = numbers.filter(|n| !n.is_empty())?;
        Some(Version {
            numbers,
            suffix: suffix.to_string(),
        })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.numbers.len().max(other.numbers.len());
        let at = |v: &Version, i: usize| v.numbers.get(i).copied().unwrap_or(0);
        for i in 0..n {
            match at(self, i).cmp(&at(other, i)) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        // A release comes after its pre-releases and snapshots; those sort by their
        // text (snapshot dates are ISO dates).
        match (self.suffix.is_empty(), other.suffix.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self.suffix.cmp(&other.suffix),
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether updating from `old` to `new` crosses `at`: `old < at <= new`. Versions that
/// cannot be read cross nothing (the report then shows the change without judging it).
pub fn crosses(old: &str, new: &str, at: &str) -> bool {
    match (Version::parse(old), Version::parse(new), Version::parse(at)) {
        (Some(o), Some(n), Some(a)) => o < a && a <= n,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn versions_compare_by_number_then_by_what_follows() {
        assert!(v("0.4.208") < v("0.4.219"));
        assert!(v("0.4.219") < v("0.5.0"));
        assert_eq!(v("v0.2.0"), v("0.2.0"));
        assert!(v("0.2") == v("0.2.0") || v("0.2").cmp(&v("0.2.0")) == Ordering::Equal);
        assert!(v("1.0.0-rc.1") < v("1.0.0"));
        assert!(v("0.1.0-unstable-2026-05-05") < v("0.1.0-unstable-2026-06-01"));
        assert!(v("0.1.0-unstable-2026-05-05") < v("0.1.0"));
        assert!(v("0.13.17") > v("0.9.99"), "numbers, not text");
        assert!(Version::parse("unstable").is_none());
        assert!(Version::parse("").is_none());
    }

    #[test]
    fn an_update_crosses_the_changes_after_its_old_version_up_to_its_new_one() {
        assert!(crosses("0.4.208", "0.5.2", "0.5.0"));
        assert!(
            crosses("0.4.208", "0.5.0", "0.5.0"),
            "the new version itself"
        );
        assert!(!crosses("0.5.0", "0.5.2", "0.5.0"), "already past it");
        assert!(!crosses("0.4.208", "0.4.219", "0.5.0"), "not reached");
        assert!(crosses("v0.1.0", "v0.2.0", "v0.2.0"));
        assert!(
            !crosses("latest", "0.5.0", "0.5.0"),
            "unreadable: not judged"
        );
    }
}
