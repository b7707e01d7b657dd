//! Text from a file, made safe to print on a terminal. An answers file, a host's
//! `configuration.nix` or `flake.nix` may hold control characters: an escape sequence
//! printed as is can retitle the window, clear the screen or hide what follows, and a
//! line separator can forge a line of our own report. Every place that prints such
//! text (diagnostics, values, diffs) goes through [`escape`] or [`escape_lines`], which
//! show each of those characters as `\u{1b}`-style text instead.
use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 controls but the tab (harmless,
/// and common in hand-written files), DEL, C1 controls (NEL, and CSI, which some
/// terminals obey), the Unicode line and paragraph separators, and the bidirectional
/// overrides and isolates, which reorder what is shown.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// One line of text as it may be shown: every unsafe character (line breaks included)
/// written as `\u{…}`. Borrowed when there is none, which is nearly always.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Several lines (a diff, a file): each line as [`escape`] writes it, the `\n` between
/// them kept.
pub fn escape_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && unsafe_char(c)) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<Cow<str>> = text.split('\n').map(escape).collect();
    Cow::Owned(lines.join("\n"))
}

/// JSON text made safe the same way while staying the same JSON: serde_json leaves DEL,
/// C1 controls and the separators raw inside strings, where `\uXXXX` means the same.
/// Outside strings there are only ASCII punctuation and whitespace (the line breaks of
/// pretty printing, kept), and strings never hold a raw line break, so this is exact.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    let unsafe_in_json = |c: char| c != '\n' && unsafe_char(c);
    if !json.chars().any(unsafe_in_json) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if unsafe_in_json(c) {
            // Every unsafe character is in the Basic Multilingual Plane: one \uXXXX.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_as_escapes() {
        assert_eq!(
            escape("a\u{1b}]0;owned\u{7}b\u{0}c\u{7f}"),
            "a\\u{1b}]0;owned\\u{7}b\\u{0}c\\u{7f}"
        );
        assert_eq!(
            escape("x\u{85}y\u{2028}z\u{202e}"),
            "x\\u{85}y\\u{2028}z\\u{202e}"
        );
        assert_eq!(escape("two\nlines\r"), "two\\u{a}lines\\u{d}");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for text in ["pds.example.com", "tab\there", "é 😀 ''${x}", ""] {
            assert!(matches!(escape(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn lines_keep_their_breaks() {
        assert_eq!(
            escape_lines("+ a\u{1b}[2J\n- b\r\n"),
            "+ a\\u{1b}[2J\n- b\\u{d}\n"
        );
        assert!(matches!(escape_lines("a\nb\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_stays_the_same_json() {
        let value = serde_json::json!({ "k\u{9b}": "a\u{7f}b\u{85}\u{2029}" });
        let text = serde_json::to_string_pretty(&value).unwrap();
        let safe = escape_json(&text);
        assert!(!safe.chars().any(|c| c != '\n' && unsafe_char(c)), "{safe}");
        assert!(safe.contains('\n'), "pretty printing stays: {safe}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
    }
}
