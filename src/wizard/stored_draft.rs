//! A draft as it is kept on disk between sessions, so that a dropped SSH session, a
//! closed terminal or a crash loses no answer: its text, the name of its file for a
//! host directory, and which answers may go into it. Pure: `crate::draft_store` reads,
//! writes and removes the files.
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::draft::Draft;

/// The version of the file's layout; a file of another version is not offered.
pub const FORMAT: i64 = 1;

/// Answers typed for a host directory and not written to it yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDraft {
    pub format: i64,
    /// The host directory, canonical (shown, and checked against the file's name).
    pub dir: String,
    /// When it was saved: seconds since 1970-01-01 UTC.
    pub saved_at: i64,
    /// The profile chosen at the Start step of a new host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The answers file's text as typed so far, comments included.
    pub answers: String,
}

impl StoredDraft {
    /// The file's text: TOML, so that an operator can read it and take the answers out
    /// by hand.
    pub fn to_text(&self) -> String {
        let body = toml::to_string(self).expect("a draft is plain strings and numbers");
        format!(
            "# Answers typed in atproto-wizard for {} and not written there yet.\n\
             # `atproto-wizard new --dir DIR` or `edit DIR` offers to resume them.\n{body}",
            self.dir.escape_debug()
        )
    }

    /// Reads a draft file's text; `None` when it is not one this binary wrote.
    pub fn parse(text: &str) -> Option<StoredDraft> {
        toml::from_str::<StoredDraft>(text)
            .ok()
            .filter(|d| d.format == FORMAT)
    }
}

/// The draft file's name for a canonical host directory: the directory's own name (for
/// a person listing the drafts) and a hash of the whole path (so two hosts never share
/// a file).
pub fn file_name(canonical_dir: &Path) -> String {
    let hash = Sha256::digest(canonical_dir.as_os_str().as_bytes());
    let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    let base: String = canonical_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let base = base.trim_start_matches('.');
    let base = if base.is_empty() { "host" } else { base };
    format!("{base}-{hex}.toml")
}

/// The answers text a draft may hold: the draft's, less any value the validator finds
/// to be a secret (a key that looks like one, a password inside a URL). The wizard never
/// asks for a secret, but one typed by mistake or read from a hand-edited file must not
/// land in a second file.
pub fn answers_to_keep(draft: &Draft) -> String {
    let secrets: Vec<String> = draft
        .diagnostics()
        .iter()
        .filter(|d| {
            d.is_error() && matches!(d.code.as_str(), "inline-secret" | "password-in-value")
        })
        .map(|d| d.path.clone())
        .collect();
    if secrets.is_empty() {
        return draft.text().to_string();
    }
    let mut clean = draft.clone();
    for path in &secrets {
        clean.clear(path);
    }
    clean.text().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn the_file_round_trips_and_another_format_is_refused() {
        let d = StoredDraft {
            format: FORMAT,
            dir: "/srv/hosts/pds \"one\"".into(),
            saved_at: 1_700_000_000,
            profile: Some("community-pds".into()),
            answers: "schema = 1\n# mine\n[host]\nhostname = \"a'''b\"\n".into(),
        };
        let text = d.to_text();
        assert!(text.starts_with("# Answers typed"), "{text}");
        assert_eq!(StoredDraft::parse(&text), Some(d.clone()));
        let newer = text.replace("format = 1", "format = 2");
        assert_ne!(newer, text);
        assert_eq!(StoredDraft::parse(&newer), None);
        assert_eq!(StoredDraft::parse("not toml ["), None);
        let no_profile = StoredDraft { profile: None, ..d };
        assert_eq!(StoredDraft::parse(&no_profile.to_text()), Some(no_profile));
    }

    #[test]
    fn each_directory_has_its_own_file_named_after_it() {
        let a = file_name(Path::new("/srv/hosts/pds"));
        let b = file_name(Path::new("/home/me/pds"));
        assert!(a.starts_with("pds-") && a.ends_with(".toml"), "{a}");
        assert_ne!(a, b);
        assert_eq!(a, file_name(Path::new("/srv/hosts/pds")));
        // Nothing of the name can leave the drafts directory or hide the file.
        let odd = file_name(Path::new("/srv/..hidden dir/\u{1b}x"));
        assert!(odd.starts_with("_x-"), "{odd}");
        assert_eq!(
            file_name(Path::new("/..dots")).split('-').next(),
            Some("dots")
        );
        assert!(file_name(Path::new("/")).starts_with("host-"));
    }

    #[test]
    fn a_secret_never_goes_into_the_draft() {
        let c = Catalog::embedded();
        let text = "schema = 1\n[host]\nhostname = \"a\"\npassword = \"hunter2\"\n";
        let d = Draft::parse(c, text).unwrap();
        let kept = answers_to_keep(&d);
        assert!(!kept.contains("hunter2"), "{kept}");
        assert!(kept.contains("hostname = \"a\""), "{kept}");

        let mut d = Draft::parse(c, "schema = 1\n").unwrap();
        let url = "postgresql://ozone:pw123@db.example.com/ozone";
        d.set(
            "integrations.database.url",
            &crate::value::Value::Str(url.into()),
        );
        assert!(d.text().contains("pw123"), "the draft holds what was typed");
        assert!(!answers_to_keep(&d).contains("pw123"));

        let plain = Draft::parse(c, "schema = 1\n# note\n").unwrap();
        assert_eq!(answers_to_keep(&plain), plain.text());
    }
}
