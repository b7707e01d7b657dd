//! How each line of a unified diff is shown: one classing for the coloured text of
//! `apply` and the line mode and for the full screen's styles.

use super::Style;

/// What a line of a unified diff is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffLine {
    /// `--- a/…` or `+++ b/…`.
    Header,
    /// `@@ -1,3 +1,3 @@`.
    Hunk,
    Added,
    Removed,
    /// An unchanged line (or anything else).
    Context,
}

/// The class of one diff line (without its newline).
pub fn class(line: &str) -> DiffLine {
    if line.starts_with("--- ") || line.starts_with("+++ ") {
        DiffLine::Header
    } else if line.starts_with("@@") {
        DiffLine::Hunk
    } else if line.starts_with('+') {
        DiffLine::Added
    } else if line.starts_with('-') {
        DiffLine::Removed
    } else {
        DiffLine::Context
    }
}

/// A unified diff with its headers bold, hunk headers cyan, removed lines red and added
/// lines green (when the style colours at all).
pub fn coloured(diff: &str, style: Style) -> String {
    if !style.is_coloured() {
        return diff.to_string();
    }
    let mut out = String::with_capacity(diff.len() * 2);
    for line in diff.split_inclusive('\n') {
        let (text, end) = match line.strip_suffix('\n') {
            Some(t) => (t, "\n"),
            None => (line, ""),
        };
        let painted = match class(text) {
            DiffLine::Header => style.bold(text),
            DiffLine::Hunk => style.hunk(text),
            DiffLine::Added => style.added(text),
            DiffLine::Removed => style.removed(text),
            DiffLine::Context => text.to_string(),
        };
        out.push_str(&painted);
        out.push_str(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_line_is_told_apart() {
        assert_eq!(class("--- a/atproto.nix"), DiffLine::Header);
        assert_eq!(class("+++ b/atproto.nix"), DiffLine::Header);
        assert_eq!(class("@@ -1,3 +1,3 @@"), DiffLine::Hunk);
        assert_eq!(class("+  services.x.enable = true;"), DiffLine::Added);
        assert_eq!(class("-  services.x.enable = false;"), DiffLine::Removed);
        // An added line whose text starts with "++" is still an added line.
        assert_eq!(class("++x"), DiffLine::Added);
        assert_eq!(class("---x"), DiffLine::Removed);
        assert_eq!(class(" context"), DiffLine::Context);
        assert_eq!(class(""), DiffLine::Context);
    }

    #[test]
    fn plain_diffs_stay_plain() {
        let d = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";
        assert_eq!(coloured(d, Style::plain()), d);
        let painted = coloured(d, Style::coloured());
        assert!(painted.contains("\x1b[32m+b\x1b[0m\n"), "{painted:?}");
        assert!(painted.contains("\x1b[31m-a\x1b[0m\n"), "{painted:?}");
        assert!(
            painted.contains("\x1b[36m@@ -1 +1 @@\x1b[0m\n"),
            "{painted:?}"
        );
    }
}
