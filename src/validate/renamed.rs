//! Old keys of a service's settings (docs/VALIDATION.md): a renamed key is read as its
//! new key with a warning that names the fix; a removed key is an error with the
//! catalog's advice. nixlib/lib/renamed.nix gives the same words.
use super::Diagnostic;
use crate::plan::renames::{Fate, OldKey};

/// The command that rewrites old keys (and an older schema) in place.
pub const FIX_COMMAND: &str = "atproto-wizard check --fix --answers <file>";

pub(super) fn check(old: &[OldKey], out: &mut Vec<Diagnostic>) {
    out.extend(old.iter().map(diagnostic));
}

fn diagnostic(o: &OldKey) -> Diagnostic {
    let path = o.path();
    match o.fate {
        Fate::Renamed {
            new_also_set: false,
            ..
        } => {
            let new = o.new_path().unwrap_or_default();
            Diagnostic::warning(
                &path,
                "renamed-setting",
                format!(
                    "{path} is now {new}: its value is used as {new}; run `{FIX_COMMAND}` to rename it in the file."
                ),
            )
        }
        Fate::Renamed {
            new_also_set: true, ..
        } => {
            let new = o.new_path().unwrap_or_default();
            Diagnostic::warning(
                &path,
                "renamed-setting",
                format!(
                    "{path} is now {new}, which the file sets already (by that name or another old one): this value is ignored; run `{FIX_COMMAND}` to take it out."
                ),
            )
        }
        Fate::Removed(r) => Diagnostic::error(
            &path,
            "removed-setting",
            format!(
                "{path} was removed in {}: {} Take it out (`{FIX_COMMAND}` does, once you confirm).",
                r.since, r.advice
            ),
        ),
    }
}
