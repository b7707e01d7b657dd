//! Nix's own error messages, as every version prints them, reduced to the message.
//!
//! - Nix 2.13 and later: `error:` alone, the trace frames (`… while …`, each with its
//!   `at FILE:LINE:COL:` and source excerpt), then the message as a nested `error: …`,
//!   all indented by seven spaces (`showErrorInfo` in src/libutil/error.cc).
//! - Nix 2.4 to 2.12: `error: <message>` first, then its position and the frames.
//! - Nix 2.3 and older: `error: ` and, with `--show-trace`, one unindented
//!   `while evaluating …:` line per frame before the message (`e.prefix()`).
//! - The hint after it: `` (use `--show-trace' … ``(Nix 1.0 to 1.7),
//!   `(use ‘--show-trace’ …` (1.8 to 1.11), `(use '--show-trace' …` (2.x),
//!   `(stack trace truncated; use '--show-trace' …`.
//! - nixos-rebuild-ng ends with Python's words for the command that failed:
//!   `Command '[…]' returned non-zero exit status N.` (or `died with <Signals…>.`).
use std::sync::LazyLock;

use regex::Regex;

use super::strip_ansi;

static HINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\((?:use [`‘']--show-trace[’']|stack trace truncated|\d+ duplicate frames omitted)",
    )
    .unwrap()
});
static REBUILD_NG_EXIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Command '.*' (?:returned non-zero exit status -?\d+|died with <.*>)\.$").unwrap()
});
static POSITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^at (?:«[^»]*»|/\S*|\S+\.nix)(?::\d+:\d+)?:$").unwrap());
static SOURCE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d*\|").unwrap());
static CONSEQUENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:\d+ dependencies of derivation '[^']+' failed to build",
        r"|build of ['‘][^'’]+['’] failed",
        r"|Cannot build '[^']+'\.\s*Reason: \d+ dependenc(?:y|ies) failed\.)"
    ))
    .unwrap()
});

/// A hint line Nix prints under an error (any version's quoting).
pub fn is_hint(line: &str) -> bool {
    HINT.is_match(line.trim())
}

/// nixos-rebuild-ng's last line when a command it ran failed.
pub fn is_rebuild_ng_exit(line: &str) -> bool {
    REBUILD_NG_EXIT.is_match(line.trim())
}

/// The errors Nix printed at the top level, each with the lines that belong to it.
pub fn error_blocks<S: AsRef<str>>(lines: &[S]) -> Vec<Vec<String>> {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut open = false;
    for raw in lines {
        let line = strip_ansi(raw.as_ref()).trim_end().to_string();
        if line.starts_with("error:") {
            blocks.push(vec![line]);
            open = true;
            continue;
        }
        if !open {
            continue;
        }
        let block = blocks.last_mut().expect("open means a block");
        // Nix 2.4+ indents everything of an error; Nix 2.3 chains unindented
        // `while …:` frames, each ending with a colon, up to the message.
        let chained = block
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.ends_with(':') && !l.starts_with(' '));
        let own = line.is_empty() || line.starts_with([' ', '\t']) || is_hint(&line);
        if own || (chained && !is_rebuild_ng_exit(&line)) {
            block.push(line);
        } else {
            open = false;
        }
    }
    blocks
}

/// The message of one error block, without frames, positions, source excerpts and
/// hints; lines keep their indentation relative to the message.
pub fn message_of(block: &[String]) -> String {
    // The message is in the last `error:` of the block (the nested one after the
    // frames on Nix 2.13+, the only one elsewhere).
    let start = block
        .iter()
        .rposition(|l| l.trim_start().starts_with("error:"))
        .unwrap_or(0);
    let mut kept: Vec<String> = Vec::new();
    let mut in_frame = false;
    for (i, line) in block[start..].iter().enumerate() {
        let mut text = line.trim_end().to_string();
        if i == 0 {
            let t = text.trim_start();
            text = t.strip_prefix("error:").unwrap_or(t).trim().to_string();
        }
        let t = text.trim();
        if t.starts_with('…') {
            in_frame = true;
            continue;
        }
        if in_frame {
            in_frame = !t.is_empty();
            continue;
        }
        let old_frame = t.starts_with("while ") && t.ends_with(':');
        if is_hint(t) || POSITION.is_match(t) || SOURCE.is_match(t) || old_frame {
            continue;
        }
        kept.push(text);
    }
    tidy(kept).join("\n")
}

/// Lines without their common indentation, runs of blank lines made one, and no blank
/// line first or last.
pub fn tidy(lines: Vec<String>) -> Vec<String> {
    let indent = lines
        .iter()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<String> = Vec::new();
    for (i, line) in lines.into_iter().enumerate() {
        let line = if i == 0 {
            line.trim().to_string()
        } else {
            line.get(indent..)
                .unwrap_or(line.trim_start())
                .trim_end()
                .to_string()
        };
        if line.is_empty() && out.last().is_none_or(|l: &String| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// The first error's message: the first top-level error that is not only the
/// consequence of an earlier one (a dependency that failed to build). Without any
/// `error:`, the last lines printed, nixos-rebuild-ng's exit line left out.
pub fn first_error<S: AsRef<str>>(lines: &[S]) -> String {
    let messages: Vec<String> = error_blocks(lines)
        .iter()
        .map(|b| message_of(b))
        .filter(|m| !m.is_empty())
        .collect();
    if let Some(m) = messages
        .iter()
        .find(|m| !CONSEQUENCE.is_match(&m.replace('\n', " ")))
        .or(messages.first())
    {
        return m.clone();
    }
    let text: Vec<String> = lines.iter().map(|l| strip_ansi(l.as_ref())).collect();
    let mut tail: Vec<String> = text
        .iter()
        .rev()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !is_hint(l) && !is_rebuild_ng_exit(l))
        .take(5)
        .map(str::to_string)
        .collect();
    if tail.is_empty() {
        tail = text
            .iter()
            .rev()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .take(1)
            .collect();
    }
    tail.reverse();
    tail.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_in_every_quoting() {
        for hint in [
            "(use `--show-trace' to show detailed location information)",
            "(use ‘--show-trace’ to show detailed location information)",
            "(use '--show-trace' to show detailed location information)",
            "       (stack trace truncated; use '--show-trace' to show the full trace)",
            "(stack trace truncated; use '--show-trace' to show the full, detailed trace)",
        ] {
            assert!(is_hint(hint), "{hint}");
        }
        assert!(!is_hint("(use this)"));
    }

    #[test]
    fn rebuild_ng_exit_lines() {
        assert!(is_rebuild_ng_exit(
            "Command '['nix', 'build', '--dry-run']' returned non-zero exit status 1."
        ));
        assert!(is_rebuild_ng_exit(
            "Command '['nix', 'build']' died with <Signals.SIGKILL: 9>."
        ));
        assert!(!is_rebuild_ng_exit("Command not found"));
    }

    #[test]
    fn nix_2_4_message_comes_before_its_position() {
        let lines = [
            "error: attribute 'appimage-exec' missing",
            "",
            "       at /nix/store/aaaa-source/pkgs/default.nix:8:24:",
            "",
            "            7|",
            "            8|   inherit (appimageTools) appimage-exec;",
            "             |                        ^",
            "(use '--show-trace' to show detailed location information)",
        ];
        assert_eq!(first_error(&lines), "attribute 'appimage-exec' missing");
    }

    #[test]
    fn dependency_failures_are_not_the_first_error() {
        let lines = [
            "error: 1 dependencies of derivation '/nix/store/aaaa-etc.drv' failed to build",
            "error: attribute 'x' missing",
        ];
        assert_eq!(first_error(&lines), "attribute 'x' missing");
    }
}
