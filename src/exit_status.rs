//! The exit status of every command, in one table (README, "Exit status"): a script
//! that runs `check`, `apply`, `preview` or the wizard reads the same number the same
//! way whichever command it ran.

/// How a command ended, as its process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done. Valid answers, files written or already up to date, a preview that
    /// found nothing wrong.
    Success,
    /// 1: the input has problems: errors in the answers (`check`, `apply`, `render`), or
    /// a host that would fail to build or switch (`preview`).
    Problems,
    /// 2: the input cannot be used: an unreadable file or directory, an I/O error, a
    /// file that is not part of this kind of host (`render`).
    Unusable,
    /// 3: the command cannot run here: a tool it needs is missing or unusable (`preview`
    /// without Nix), or no terminal where the wizard needs one.
    CannotRunHere,
    /// 4: nothing was written, by the operator's choice: the write was not confirmed
    /// (or there was no terminal to confirm it and no `--yes`), or the wizard was quit.
    NotWritten,
    /// 5: writing was refused to protect the operator's work: a host file edited by hand
    /// (`apply --force` replaces it), one that cannot be edited safely, a link, a file
    /// changed while the command ran.
    Refused,
    /// 128 + N: stopped by signal N (130 for Ctrl-C, 129 for a lost terminal).
    Signal(u8),
}

impl ExitStatus {
    /// Ctrl-C (SIGINT).
    pub const INTERRUPTED: ExitStatus = ExitStatus::Signal(2);

    /// The number the process exits with.
    pub const fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Problems => 1,
            ExitStatus::Unusable => 2,
            ExitStatus::CannotRunHere => 3,
            ExitStatus::NotWritten => 4,
            ExitStatus::Refused => 5,
            ExitStatus::Signal(n) => 128u8.saturating_add(n),
        }
    }

    /// The same number as an `i32`, as `std::process::ExitStatus::code` reports it.
    pub const fn as_i32(self) -> i32 {
        self.code() as i32
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::ExitStatus::*;
    use super::*;

    #[test]
    fn every_status_has_its_own_number() {
        let all = [
            Success,
            Problems,
            Unusable,
            CannotRunHere,
            NotWritten,
            Refused,
            ExitStatus::INTERRUPTED,
            Signal(1),
        ];
        let codes: Vec<u8> = all.iter().map(|s| s.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 130, 129]);
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }

    #[test]
    fn a_signal_number_never_overflows() {
        assert_eq!(Signal(200).code(), 255);
    }
}
