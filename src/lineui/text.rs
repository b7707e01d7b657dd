//! Plain text for line prompts: paragraphs wrapped at word boundaries (a serial console
//! wraps mid-word otherwise), and ASCII stand-ins for the few non-ASCII symbols the
//! catalog's help uses (`--ascii`).
use crate::wizard::text::{LongWords, wrap_with};

/// Wraps a paragraph to `width` columns, every line indented by `indent` spaces and
/// ending in a newline: the wizard's one wrapper ([`wrap_with`]), keeping a word longer
/// than a line whole on a line of its own.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let room = width.saturating_sub(indent).max(20);
    let mut out = String::new();
    for line in wrap_with(text, room, LongWords::Keep) {
        out.push_str(&pad);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Wraps a list item: the first line indented by `indent`, the following ones by
/// `indent + hang`, so they line up after a marker like "3. ".
pub fn wrap_hanging(text: &str, width: usize, indent: usize, hang: usize) -> String {
    let body = wrap(text, width, indent + hang);
    let pad = " ".repeat(indent + hang);
    match body.strip_prefix(&pad) {
        Some(rest) => format!("{}{rest}", " ".repeat(indent)),
        None => body,
    }
}

/// The first sentence of a description (up to the first ". "), for one-line lists.
pub fn first_sentence(text: &str) -> &str {
    let line = text.lines().next().unwrap_or_default();
    match line.find(". ") {
        Some(i) => &line[..=i],
        None => line,
    }
}

/// The text with every non-ASCII character replaced by an ASCII stand-in: the usual
/// typographic ones by their plain spelling, anything else by `?`.
pub fn to_ascii(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_ascii() => out.push(c),
            '\u{2026}' => out.push_str("..."),
            '\u{2014}' | '\u{2013}' | '\u{2212}' | '\u{2010}' | '\u{2011}' => out.push('-'),
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2032}' => out.push('\''),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{00ab}' | '\u{00bb}' => out.push('"'),
            '\u{2192}' | '\u{27f6}' => out.push_str("->"),
            '\u{2190}' => out.push_str("<-"),
            '\u{2191}' => out.push_str("up"),
            '\u{2193}' => out.push_str("down"),
            '\u{00d7}' => out.push('x'),
            '\u{2022}' | '\u{00b7}' => out.push('*'),
            '\u{2713}' | '\u{2714}' => out.push_str("ok"),
            '\u{2717}' | '\u{2718}' => out.push('x'),
            '\u{00a0}' | '\u{2009}' | '\u{202f}' => out.push(' '),
            '\u{2264}' => out.push_str("<="),
            '\u{2265}' => out.push_str(">="),
            '\u{00e9}' | '\u{00e8}' | '\u{00ea}' => out.push('e'),
            _ => out.push('?'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_wrap_at_words_and_keep_their_indent() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let w = wrap(text, 30, 2);
        for line in w.lines() {
            assert!(line.len() <= 30, "{line:?}");
            assert!(line.starts_with("  "), "{line:?}");
        }
        assert_eq!(
            w.split_whitespace().collect::<Vec<_>>().join(" "),
            text,
            "no word lost"
        );
        assert_eq!(wrap("a\nb", 80, 0), "a\nb\n");
    }

    #[test]
    fn colour_takes_no_room() {
        assert_eq!(
            crate::wizard::text::visible_width("\u{1b}[1;31merror\u{1b}[0m: x"),
            8
        );
        let w = wrap("\u{1b}[1;31merror\u{1b}[0m: one two", 16, 0);
        assert_eq!(w.lines().count(), 1, "{w:?}");
    }

    #[test]
    fn a_long_word_gets_its_own_line() {
        let w = wrap(&format!("a {} b", "x".repeat(40)), 30, 0);
        assert_eq!(w.lines().count(), 3, "{w}");
    }

    #[test]
    fn list_items_hang_after_their_marker() {
        let w = wrap_hanging("3. one two three four five six seven", 20, 2, 3);
        let lines: Vec<&str> = w.lines().collect();
        assert!(lines[0].starts_with("  3. one"), "{w}");
        assert!(lines[1].starts_with("     "), "{w}");
        assert_eq!(first_sentence("A b. C d. E"), "A b.");
        assert_eq!(first_sentence("No stop"), "No stop");
    }

    #[test]
    fn ascii_stand_ins() {
        assert_eq!(
            to_ascii("like CF_DNS_API_TOKEN=\u{2026} \u{2014} a \u{2192} b"),
            "like CF_DNS_API_TOKEN=... - a -> b"
        );
        assert_eq!(to_ascii("plain"), "plain");
        assert!(to_ascii("\u{1f600}").is_ascii());
    }
}
