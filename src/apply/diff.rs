//! Unified diffs of host files, as `git diff` prints them: `a/<name>` and `b/<name>`
//! headers, `/dev/null` for a file that does not exist yet, three lines of context.
//! They are for showing: control characters in the files are escaped (`safe_text`).
use similar::TextDiff;

use crate::safe_text::escape_lines;

/// The unified diff from `old` (None: the file does not exist) to `new`, for a file
/// named `name` relative to the host directory. Empty when nothing changes.
pub fn unified(name: &str, old: Option<&str>, new: &str) -> String {
    let before = old.unwrap_or("");
    if old == Some(new) {
        return String::new();
    }
    let a = match old {
        Some(_) => format!("a/{name}"),
        None => "/dev/null".to_string(),
    };
    let b = format!("b/{name}");
    let diff = TextDiff::from_lines(before, new);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string();
    if out.is_empty() {
        // Same lines, different bytes (only possible through line endings).
        out = format!("--- {a}\n+++ {b}\n(the files differ only in line endings)\n");
    }
    // A host file may hold escape sequences; the diff goes to a terminal.
    escape_lines(&out).into_owned()
}

/// Counts of added and removed lines in a unified diff.
pub fn stat(diff: &str) -> (usize, usize) {
    let mut added = 0;
    let mut removed = 0;
    for line in diff.lines() {
        if line.starts_with("+++ ") || line.starts_with("--- ") {
            continue;
        }
        if line.starts_with('+') {
            added += 1;
        } else if line.starts_with('-') {
            removed += 1;
        }
    }
    (added, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_shown_with_git_style_headers() {
        let d = unified("atproto.nix", Some("a\nb\nc\n"), "a\nB\nc\n");
        assert_eq!(
            d,
            "--- a/atproto.nix\n+++ b/atproto.nix\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
        assert_eq!(stat(&d), (1, 1));
    }

    #[test]
    fn a_new_file_comes_from_dev_null() {
        let d = unified("flake.nix", None, "x\ny\n");
        assert!(d.starts_with("--- /dev/null\n+++ b/flake.nix\n"), "{d}");
        assert_eq!(stat(&d), (2, 0));
    }

    #[test]
    fn no_change_is_an_empty_diff() {
        assert_eq!(unified("x", Some("same\n"), "same\n"), "");
    }

    #[test]
    fn control_characters_in_a_file_are_escaped() {
        let d = unified("x", Some("a\u{1b}[2J\n"), "b\n");
        assert!(d.contains("-a\\u{1b}[2J\n+b\n"), "{d}");
    }

    #[test]
    fn a_missing_final_newline_is_visible() {
        let d = unified("x", Some("a"), "a\n");
        assert!(d.contains("No newline at end of file"), "{d}");
    }
}
