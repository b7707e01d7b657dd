//! Reading `pds.env`, the `KEY=value` file installer.sh writes and Docker Compose hands
//! to the PDS container (`env_file:` in its compose.yaml). Pure: text in, entries out.
//!
//! What is taken, as Compose reads such a file: blank lines and lines starting with
//! `#` are skipped; an optional `export ` before the key; `KEY=value` with the key a
//! shell variable name; the value unquoted (surrounding blanks dropped, a ` #` starts a
//! comment), in single quotes (taken literally) or in double quotes (`\"`, `\\`, `\n`,
//! `\t` and `\r` unescaped). A key given twice counts with its last value, as for
//! Compose; [`EnvFile::duplicates`] names them.
//!
//! The file holds the PDS's secrets, so nothing here ever puts a value into a message
//! or a `Debug` line: a bad line is named by its file and number only.

/// One `KEY=value` line.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    /// Its line number, from 1.
    pub line: usize,
}

/// Never the value: it may be a secret.
impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Entry {{ key: {:?}, line: {}, value: <{} bytes, not shown> }}",
            self.key,
            self.line,
            self.value.len()
        )
    }
}

/// A parsed file: every entry, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFile {
    /// How the file is named in messages (its path).
    pub name: String,
    pub entries: Vec<Entry>,
}

/// A line that is not `KEY=value`: `file:line: message`. The message never quotes
/// the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            crate::safe_text::escape(&self.file),
            self.line,
            self.message
        )
    }
}

impl std::error::Error for ParseError {}

impl EnvFile {
    /// The entry that counts for `key`: its last one.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }

    /// The entries that count, one per key, in the order their keys first appear.
    pub fn effective(&self) -> Vec<&Entry> {
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for e in &self.entries {
            if !seen.contains(&e.key.as_str()) {
                seen.push(&e.key);
                out.push(self.get(&e.key).expect("the key is there"));
            }
        }
        out
    }

    /// Each key given more than once, with every line it is on.
    pub fn duplicates(&self) -> Vec<(String, Vec<usize>)> {
        let mut out: Vec<(String, Vec<usize>)> = Vec::new();
        for e in &self.entries {
            match out.iter_mut().find(|(k, _)| *k == e.key) {
                Some((_, lines)) => lines.push(e.line),
                None => out.push((e.key.clone(), vec![e.line])),
            }
        }
        out.retain(|(_, lines)| lines.len() > 1);
        out
    }
}

/// Parses the text of a `pds.env`; `name` is how the file is named in errors.
pub fn parse(name: &str, text: &str) -> Result<EnvFile, ParseError> {
    let mut entries = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = i + 1;
        let error = |message: &str| ParseError {
            file: name.to_string(),
            line,
            message: message.to_string(),
        };
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = raw.trim_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let body = trimmed
            .strip_prefix("export")
            .filter(|rest| rest.starts_with([' ', '\t']))
            .map_or(trimmed, |rest| rest.trim_start_matches([' ', '\t']));
        let Some((key, value)) = body.split_once('=') else {
            return Err(error(
                "not a KEY=value line (the line is not shown: it may hold a secret)",
            ));
        };
        let key = key.trim_end_matches([' ', '\t']);
        if !is_name(key) {
            return Err(error(
                "the text before '=' is not a variable name (letters, digits and '_', not \
                 starting with a digit); the line is not shown: it may hold a secret",
            ));
        }
        let value = parse_value(value.trim_start_matches([' ', '\t'])).map_err(error)?;
        entries.push(Entry {
            key: key.to_string(),
            value,
            line,
        });
    }
    Ok(EnvFile {
        name: name.to_string(),
        entries,
    })
}

fn is_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The value after `=` (leading blanks already dropped).
fn parse_value(v: &str) -> Result<String, &'static str> {
    match v.chars().next() {
        Some('\'') => {
            let rest = &v[1..];
            let end = rest
                .find('\'')
                .ok_or("a single-quoted value without its closing quote")?;
            after_quote(&rest[end + 1..])?;
            Ok(rest[..end].to_string())
        }
        Some('"') => {
            let mut out = String::new();
            let mut chars = v[1..].char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        after_quote(&v[1 + i + 1..])?;
                        return Ok(out);
                    }
                    '\\' => match chars.next() {
                        Some((_, 'n')) => out.push('\n'),
                        Some((_, 't')) => out.push('\t'),
                        Some((_, 'r')) => out.push('\r'),
                        Some((_, e @ ('"' | '\\' | '$' | '\''))) => out.push(e),
                        Some((_, other)) => {
                            out.push('\\');
                            out.push(other);
                        }
                        None => break,
                    },
                    c => out.push(c),
                }
            }
            Err("a double-quoted value without its closing quote")
        }
        _ => {
            // A '#' after a blank starts a comment; one inside a word is part of it.
            let mut end = v.len();
            let bytes = v.as_bytes();
            for (i, b) in bytes.iter().enumerate() {
                if *b == b'#' && i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
                    end = i;
                    break;
                }
            }
            Ok(v[..end].trim_end_matches([' ', '\t']).to_string())
        }
    }
}

/// What may follow a closing quote: blanks, then nothing or a comment.
fn after_quote(rest: &str) -> Result<(), &'static str> {
    let rest = rest.trim_start_matches([' ', '\t']);
    if rest.is_empty() || rest.starts_with('#') {
        Ok(())
    } else {
        Err("text after the closing quote (the line is not shown: it may hold a secret)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        parse("pds.env", text)
            .unwrap()
            .entries
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn installer_lines_comments_and_blank_lines() {
        let text =
            "# written by installer.sh\n\nPDS_HOSTNAME=pds.example.com\r\n  \nLOG_ENABLED=true\n";
        assert_eq!(
            values(text),
            [
                pair("PDS_HOSTNAME", "pds.example.com"),
                pair("LOG_ENABLED", "true")
            ]
        );
        let f = parse("pds.env", text).unwrap();
        assert_eq!(f.get("LOG_ENABLED").unwrap().line, 5);
    }

    #[test]
    fn quotes_export_and_comments() {
        assert_eq!(
            values(
                "export A=1\nB = \"two words\" # said\nC='it' \nD=\"q\\\"x\\\\\"\nE=x#y # c\nF=\nG=''\n"
            ),
            [
                pair("A", "1"),
                pair("B", "two words"),
                pair("C", "it"),
                pair("D", "q\"x\\"),
                pair("E", "x#y"),
                pair("F", ""),
                pair("G", ""),
            ]
        );
        // A value with '=' in it keeps everything after the first one.
        assert_eq!(
            values("PDS_EMAIL_SMTP_URL=smtps://u:p@h:465/?a=b\n"),
            [pair("PDS_EMAIL_SMTP_URL", "smtps://u:p@h:465/?a=b")]
        );
        // `export` alone is a key like any other, and so is `exported`.
        assert_eq!(values("exported=1\n"), [pair("exported", "1")]);
    }

    #[test]
    fn a_bad_line_names_its_file_and_line_but_not_its_text() {
        let secret = "0123456789abcdef0123456789abcdef";
        for (text, line) in [
            (format!("PDS_HOSTNAME=x\nPDS_JWT_SECRET {secret}\n"), 2),
            (format!("A=1\n\n1BAD={secret}\n"), 3),
            (format!("PDS_JWT_SECRET=\"{secret}\n"), 1),
            (format!("PDS_JWT_SECRET='{secret}' {secret}\n"), 1),
        ] {
            let e = parse("/pds/pds.env", &text).unwrap_err();
            assert_eq!(e.line, line, "{e}");
            let shown = e.to_string();
            assert!(
                shown.starts_with(&format!("/pds/pds.env:{line}: ")),
                "{shown}"
            );
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn the_last_of_a_repeated_key_counts_and_is_reported() {
        let f = parse("pds.env", "A=1\nB=2\nA=3\n").unwrap();
        assert_eq!(f.get("A").unwrap().value, "3");
        let keys: Vec<(&str, usize)> = f
            .effective()
            .iter()
            .map(|e| (e.key.as_str(), e.line))
            .collect();
        assert_eq!(keys, [("A", 3), ("B", 2)]);
        assert_eq!(f.duplicates(), [("A".to_string(), vec![1, 3])]);
    }

    #[test]
    fn debug_never_shows_a_value() {
        let f = parse("pds.env", "PDS_ADMIN_PASSWORD=hunter2hunter2\n").unwrap();
        let shown = format!("{f:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("PDS_ADMIN_PASSWORD"), "{shown}");
    }
}
