//! Text for the operator's shell: the commands the next steps and the step before the
//! first switch print. Its own module so that both import it and neither the other.
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
