//! Plain-text helpers for the front ends: word wrapping by characters.

/// Wraps `text` to lines of at most `width` characters, breaking at spaces (a word
/// longer than the width is cut). Existing line breaks are kept. Never returns an
/// empty list: empty text is one empty line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut len = 0;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let chars: Vec<char> = word.chars().collect();
            let mut word = &chars[..];
            loop {
                let wl = word.len();
                if len == 0 && wl <= width {
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
                    // A word longer than a line: cut it, from the front without moving
                    // the rest (a pasted megabyte is one word).
                    out.push(word[..width].iter().collect());
                    word = &word[width..];
                }
            }
        }
        out.push(line);
    }
    out
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
}
