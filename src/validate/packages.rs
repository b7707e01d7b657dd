//! Enabled services whose package cannot build yet: its catalog entry lists dependency
//! hashes still left as `lib.fakeHash`. A warning, not an error: the host is right, and
//! the first build itself prints the hash that is missing.
use super::Diagnostic;
use crate::catalog::Service;
use crate::plan::PlanView;

pub(super) fn check(view: &PlanView, out: &mut Vec<Diagnostic>) {
    for service in view.enabled_services() {
        if !service.placeholder_hashes.is_empty() {
            out.push(Diagnostic::warning(
                format!("services.{}.enable", service.id),
                "placeholder-hash",
                message(service),
            ));
        }
    }
}

/// Where each hash goes and what the build prints, so the operator is not surprised at
/// switch time (docs/VALIDATION.md has the exact words; nixlib/lib/validate.nix too).
fn message(service: &Service) -> String {
    let places: Vec<String> = service
        .placeholder_hashes
        .iter()
        .map(|h| format!("{} in {}", h.attr, h.file))
        .collect();
    let (what, stops) = match places.len() {
        1 => (
            "a dependency hash of its package is a placeholder".to_string(),
            "The first build stops",
        ),
        n => (
            format!("{n} dependency hashes of its package are placeholders"),
            "Each build stops at one of them",
        ),
    };
    format!(
        "{} cannot be built yet: {what} (lib.fakeHash): {}. {stops} with a hash \
         mismatch and prints the real hash (got: sha256-…): put that hash in place of the \
         placeholder, in your copy of this flake (host.flake_url; a local change to that \
         copy), and build again.",
        service.title,
        join_and(&places)
    )
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::join_and;

    #[test]
    fn lists_read_as_a_sentence() {
        let s = |v: &[&str]| join_and(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["a"]), "a");
        assert_eq!(s(&["a", "b"]), "a and b");
        assert_eq!(s(&["a", "b", "c"]), "a, b and c");
    }
}
