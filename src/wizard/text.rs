//! Plain-text helpers for the front ends: word wrapping by characters.

/// What becomes of a word longer than a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongWords {
    /// Cut it into pieces of the line's width (a pane has no room to spare; a pasted
    /// megabyte is one word).
    Cut,
    /// Give it a line of its own, whole: a URL or a command stays one piece the
    /// operator can copy (the line mode; the terminal folds it).
    Keep,
}

/// Wraps `text` to lines of at most `width` characters, breaking at spaces (a word
/// longer than the width is cut). Existing line breaks are kept. Never returns an
/// empty list: empty text is one empty line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_with(text, width, LongWords::Cut)
}

/// The one word wrapper of both front ends: lines of at most `width` columns (colour
/// sequences take none, [`visible_width`]), broken at spaces, existing line breaks
/// kept, `long` saying what becomes of a longer word. With [`LongWords::Keep`] a line
/// that already fits stays exactly as it is, its spacing included.
pub fn wrap_with(text: &str, width: usize, long: LongWords) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for para in text.split('\n') {
        if long == LongWords::Keep && visible_width(para) <= width {
            out.push(para.trim_end().to_string());
            continue;
        }
        let mut line = String::new();
        let mut len = 0;
        for word in para.split([' ', '\t']).filter(|w| !w.is_empty()) {
            let chars: Vec<char> = word.chars().collect();
            let mut word = &chars[..];
            loop {
                let wl = visible_width_of(word);
                if len == 0 && (wl <= width || long == LongWords::Keep) {
                    line.extend(word.iter());
                    len = wl;
                    break;
                } else if len > 0 && len + 1 + wl <= width {
                    line.push(' ');
                    line.extend(word.iter());
                    len += 1 + wl;
                    break;
                } else if len > 0 {
                    out.push(std::mem::take(&mut line));
                    len = 0;
                } else {
                    // Cut from the front without moving the rest.
                    out.push(word[..width].iter().collect());
                    word = &word[width..];
                }
            }
        }
        out.push(line);
    }
    out
}

/// The columns a text takes on a terminal: its characters, without ANSI colour
/// sequences (`ESC [ ... m`).
pub fn visible_width(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    visible_width_of(&chars)
}

fn visible_width_of(chars: &[char]) -> usize {
    let mut n = 0;
    let mut in_sequence = false;
    for &c in chars {
        if in_sequence {
            in_sequence = !c.is_ascii_alphabetic();
        } else if c == '\u{1b}' {
            in_sequence = true;
        } else {
            n += 1;
        }
    }
    n
}

/// The text cut to `width` characters, ending with `ellipsis` when cut.
pub fn truncate(text: &str, width: usize, ellipsis: &str) -> String {
    let n = text.chars().count();
    if n <= width {
        return text.to_string();
    }
    let keep = width.saturating_sub(ellipsis.chars().count());
    let mut s: String = text.chars().take(keep).collect();
    s.push_str(ellipsis);
    s.chars().take(width).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), [""]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
        assert_eq!(truncate("abcdef", 4, "…"), "abc…");
    }

    #[test]
    fn kept_long_words_stay_whole_and_fitting_lines_keep_their_spacing() {
        let url = "https://example.com/a/very/long/path";
        assert_eq!(
            wrap_with(&format!("see {url} now"), 10, LongWords::Keep),
            ["see", url, "now"]
        );
        assert_eq!(wrap_with("a  b", 10, LongWords::Keep), ["a  b"]);
        // The cutting wrapper makes one space of many.
        assert_eq!(wrap("a  b", 10), ["a b"]);
    }

    #[test]
    fn colour_sequences_take_no_room() {
        let red = "\x1b[31mred\x1b[0m";
        assert_eq!(visible_width(red), 3);
        assert_eq!(
            wrap_with(&format!("{red} {red}"), 7, LongWords::Keep).len(),
            1
        );
        assert_eq!(visible_width("日本"), 2);
    }
}
