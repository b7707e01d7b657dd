//! NixOS's failed assertions, each message whole.
//!
//! nixpkgs throws `"\nFailed assertions:\n- <msg>\n- <msg>"` (`lib.asserts.checkAssertWarn`,
//! and before it an inline copy in nixos/modules/system/activation/top-level.nix).
//! A message may span lines, blank ones included, and one ending in a newline leaves
//! a blank line before the next `- `. Nix prints the list under `error:`:
//!
//! - Nix 2.4 and later indent every line by seven spaces (blank lines stay empty),
//!   after the trace frames on Nix 2.13+;
//! - Nix 2.3 and older print it unindented after `error: `.
//!
//! The list ends at the first line that is not part of it: a hint, a trace frame, a
//! line less indented than the list, or (unindented lists) nixos-rebuild-ng's exit
//! line or another `error:`.
use super::nix_error::{is_hint, is_rebuild_ng_exit};
use super::strip_ansi;

/// The messages of the failed assertions, in order; empty when there are none.
pub fn failed_assertions<S: AsRef<str>>(lines: &[S]) -> Vec<String> {
    let text: Vec<String> = lines
        .iter()
        .map(|l| strip_ansi(l.as_ref()).trim_end().to_string())
        .collect();
    // A trace can repeat the list; the last one is the one Nix stopped at.
    let Some(head) = text.iter().rposition(|l| l.trim() == "Failed assertions:") else {
        return Vec::new();
    };
    let indent = text[head].len() - text[head].trim_start().len();
    let mut messages: Vec<Vec<String>> = Vec::new();
    for line in &text[head + 1..] {
        let t = line.trim();
        let own_indent = line.len() - line.trim_start().len();
        let ends = is_hint(t)
            || t.starts_with('…')
            || is_rebuild_ng_exit(t)
            || (!t.is_empty() && own_indent < indent)
            || (indent == 0 && (t.starts_with("error:") || t.starts_with("warning:")));
        if ends {
            break;
        }
        let body = line.get(indent..).unwrap_or("");
        if let Some(first) = body.strip_prefix("- ") {
            messages.push(vec![first.to_string()]);
        } else if let Some(message) = messages.last_mut() {
            message.push(body.to_string());
        }
    }
    messages
        .into_iter()
        .map(|m| m.join("\n").trim_end().to_string())
        .filter(|m| !m.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nix_2_8_list() {
        let lines = [
            "error:",
            "       Failed assertions:",
            "       - atproto.integration.tls.handles: On-demand certificates need Caddy.",
            "       - The ‘fileSystems’ option does not specify your root file system.",
            "(use '--show-trace' to show detailed location information)",
        ];
        assert_eq!(
            failed_assertions(&lines),
            [
                "atproto.integration.tls.handles: On-demand certificates need Caddy.",
                "The ‘fileSystems’ option does not specify your root file system."
            ]
        );
    }

    #[test]
    fn a_message_over_lines_keeps_its_own_indentation() {
        let lines = [
            "       Failed assertions:",
            "       - environment.persistence:",
            "           All filesystems used for persistent storage must",
            "           have the flag neededForBoot set to true.",
            "",
            "           Please fix or remove the following paths:",
            "             /persist",
        ];
        assert_eq!(
            failed_assertions(&lines),
            [concat!(
                "environment.persistence:\n",
                "    All filesystems used for persistent storage must\n",
                "    have the flag neededForBoot set to true.\n",
                "\n",
                "    Please fix or remove the following paths:\n",
                "      /persist"
            )]
        );
    }
}
