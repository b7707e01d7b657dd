//! The rule between a preview's stages, for `preview` and the wizard's Done step alike:
//! the deep check runs first, and `nixos-rebuild` after it only when the deep check did
//! not find the host failing (it would stop at the same place, later and with less to
//! say).
use super::Verdict;

/// Said where `nixos-rebuild` is left out because of the deep check.
pub const REBUILD_LEFT_OUT: &str = "nixos-rebuild was left out: the deep check found errors, and it would stop at the same place. Fix them first.";

/// Whether `nixos-rebuild` runs after a deep check that came to `deep`.
pub fn rebuild_after(deep: Verdict) -> bool {
    deep != Verdict::HostFails
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_failing_host_stops_the_rebuild() {
        assert!(!rebuild_after(Verdict::HostFails));
        // A deep check that could not run here says nothing about the host.
        assert!(rebuild_after(Verdict::CannotRun));
        assert!(rebuild_after(Verdict::Passed));
    }
}
