//! What came of writing a host, in the words every front end prints: the refusals with
//! what would be lost and what to do, the files written with their backups, a write
//! that failed, "no changes", and the `git add` a flake needs.
use std::path::Path;

use super::{Style, diff};
use crate::apply::{ApplyPlan, Refusal, RefusalKind};
use crate::disk::host::{WriteFailure, Written};
use crate::safe_text::{escape, escape_lines};
use crate::shell::shell_word;

/// Said whenever a command ends without writing.
pub const NOTHING_WRITTEN: &str = "Nothing was written.";

/// How the front end that failed to write says to try again, after "<file> changed
/// since … read it; nothing was written:".
pub const AGAIN_APPLY: &str = "changed since apply read it; nothing was written: run apply again.";
pub const AGAIN_ADOPT: &str = "changed since adopt read it; nothing was written: run adopt again.";
pub const AGAIN_LINE_MODE: &str =
    "changed while you answered; nothing was written: run the wizard again to see the new diff.";
pub const AGAIN_FULL_SCREEN: &str =
    "changed since the wizard read it; nothing was written: look at it, then go to Review again.";

/// One refusal in full: the file and why, the edits by hand (or that they cannot be
/// told apart), what would be lost, what to do (for a file edited by hand that names
/// `--force`). The reasons may quote the host's files, so they are shown escaped.
pub fn refusal(r: &Refusal, style: Style) -> String {
    format!(
        "\n{}\n{}{}\n",
        refusal_head(r, style),
        refusal_evidence(r, style),
        what_to_do(r)
    )
}

/// `refused: <file>: <why>`, one paragraph.
pub fn refusal_head(r: &Refusal, style: Style) -> String {
    format!(
        "{}: {}: {}",
        style.error("refused"),
        escape(&r.path),
        escape(&r.why)
    )
}

/// The diffs that show a refusal: the edits by hand (or that they cannot be told apart)
/// and what would be lost, each under the line that says what it is.
pub fn refusal_evidence(r: &Refusal, style: Style) -> String {
    let mut out = String::new();
    if let Some(edits) = &r.hand_edits {
        out.push_str(
            "The edits by hand (what atproto-wizard wrote last time, then the file now):\n",
        );
        out.push_str(&diff::coloured(edits, style));
    } else if r.kind == RefusalKind::HandEdited {
        out.push_str("atproto-wizard cannot tell which lines were edited: the whole diff below is what would change.\n");
    }
    if let Some(change) = &r.change {
        out.push_str("What would be lost (the file now, then what apply would write):\n");
        out.push_str(&diff::coloured(&change.diff(), style));
    }
    out
}

/// `What to do: …`, one paragraph.
pub fn what_to_do(r: &Refusal) -> String {
    format!("What to do: {}", escape_lines(&r.by_hand))
}

/// One of the plan's notes, `note: …`, one paragraph.
pub fn note(text: &str, style: Style) -> String {
    format!("{}: {}", style.warning("note"), escape(text))
}

/// The plan's notes, one `note:` line each.
pub fn notes(plan: &ApplyPlan, style: Style) -> String {
    plan.notes.iter().map(|n| note(n, style) + "\n").collect()
}

/// The directory already holds these files.
pub fn up_to_date(dir: &Path) -> String {
    format!(
        "No changes: {} is up to date.\n",
        escape(&dir.display().to_string())
    )
}

/// `N file(s)`.
pub fn files_count(n: usize) -> String {
    format!("{n} file{}", if n == 1 { "" } else { "s" })
}

/// Each file written, with where its old text went.
pub fn written(written: &[Written]) -> String {
    written.iter().map(|w| format!("{w}\n")).collect()
}

/// The last line of a write that succeeded.
pub fn wrote(n: usize, dir: &Path, style: Style) -> String {
    format!(
        "{}\n",
        style.ok(&format!(
            "Wrote {} in {}.",
            files_count(n),
            escape(&dir.display().to_string())
        ))
    )
}

/// A write that stopped: what was written before it stopped, then why, labelled
/// "refused" when nothing is wrong on disk (a file changed meanwhile, another writer)
/// and "error" otherwise. `again` finishes the sentence for a file that changed.
pub fn write_failure(failure: &WriteFailure, again: &str, style: Style) -> String {
    let mut out = String::new();
    if let WriteFailure::Write { written: done, .. } = failure {
        out.push_str(&written(done));
    }
    let label = if failure.is_refusal() {
        style.error("refused")
    } else {
        style.error("error")
    };
    out.push_str(&format!("{label}: {}\n", failure.describe(again)));
    out
}

/// A flake sees only what git tracks: the `git add` to run, the directory quoted for a
/// shell. Empty when git needs nothing.
pub fn git_note(git_add: &[String], dir: &Path) -> String {
    if git_add.is_empty() {
        return String::new();
    }
    let files: Vec<String> = git_add.iter().map(|f| shell_word(f)).collect();
    format!(
        "git: a flake only sees the files git tracks; run `git -C {} add {}`\n",
        shell_word(&dir.display().to_string()),
        files.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_git_note_quotes_the_directory_for_a_shell() {
        let files = vec!["flake.nix".to_string(), "atproto.nix".to_string()];
        assert_eq!(
            git_note(&files, Path::new("/srv/my host's")),
            "git: a flake only sees the files git tracks; run `git -C '/srv/my host'\\''s' add flake.nix atproto.nix`\n"
        );
        assert_eq!(
            git_note(&files, Path::new("/etc/nixos")),
            "git: a flake only sees the files git tracks; run `git -C /etc/nixos add flake.nix atproto.nix`\n"
        );
        assert_eq!(git_note(&[], Path::new("/etc/nixos")), "");
    }

    #[test]
    fn counts_and_the_last_line_agree_in_number() {
        assert_eq!(files_count(1), "1 file");
        assert_eq!(files_count(3), "3 files");
        assert_eq!(
            wrote(1, Path::new("/h"), Style::plain()),
            "Wrote 1 file in /h.\n"
        );
    }

    #[test]
    fn a_hand_edited_refusal_shows_the_edits_and_what_to_do() {
        let r = Refusal {
            path: "atproto.nix".into(),
            kind: RefusalKind::HandEdited,
            why: "it was edited by hand".into(),
            by_hand: "move your edits to configuration.nix".into(),
            change: None,
            hand_edits: Some("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n".into()),
        };
        let text = refusal(&r, Style::plain());
        assert!(
            text.starts_with("\nrefused: atproto.nix: it was edited by hand\n"),
            "{text}"
        );
        assert!(text.contains("The edits by hand"), "{text}");
        assert!(
            text.ends_with("What to do: move your edits to configuration.nix\n"),
            "{text}"
        );
        let cannot = Refusal {
            kind: RefusalKind::CannotEdit,
            hand_edits: None,
            ..r
        };
        let text = refusal(&cannot, Style::plain());
        assert!(!text.contains("cannot tell which lines"), "{text}");
        assert!(!text.contains("The edits by hand"), "{text}");
    }

    #[test]
    fn a_path_with_an_escape_sequence_is_shown_escaped() {
        assert_eq!(
            up_to_date(Path::new("/tmp/\x1b[2Jx")),
            "No changes: /tmp/\\u{1b}[2Jx is up to date.\n"
        );
    }
}
