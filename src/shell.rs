//! Words for the operator's shell: a path or an argument in the commands the wizard
//! prints (the next steps, the step before the first switch, the `git add` reminder,
//! the command line a preview runs), quoted only when it needs it.

/// `s` as one POSIX shell word: as it is when every character is safe, else in single
/// quotes (a quote inside as `'\''`).
pub fn shell_word(s: &str) -> String {
    // `#` starts a comment only at the start of a word.
    let plain = !s.is_empty()
        && !s.starts_with('#')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,=#".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn words_are_quoted_only_when_a_shell_would_split_or_expand_them() {
        assert_eq!(shell_word("/etc/nixos"), "/etc/nixos");
        assert_eq!(shell_word("/srv/host#relay1"), "/srv/host#relay1");
        assert_eq!(shell_word("/tmp/my host"), "'/tmp/my host'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word("#not-a-comment"), "'#not-a-comment'");
        assert_eq!(shell_word("$HOME"), "'$HOME'");
        assert_eq!(shell_word(""), "''");
    }
}
