//! Text for the operator's shell: a path in the commands the reports print (the next
//! steps, the step before the first switch, the `git add` reminder).
/// A path as a POSIX shell word: quoted only when it needs it.
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
