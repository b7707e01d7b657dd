//! Pure parsers of what `nixos-rebuild`, `switch-to-configuration`, `nix store
//! diff-closures` and Nix's evaluator print. Each takes the lines a tool printed (both
//! streams, in order) and returns what they mean; none runs anything.
//!
//! The formats are Nix's and nixpkgs' own, read from their source (the wording of each
//! line is quoted in the parser that reads it). Colour codes are ignored: Nix colours
//! some lines even when they are not going to a terminal.
pub mod assertions;
pub mod build_failure;
pub mod diff_closures;
pub mod dry_activate;
pub mod dry_build;
pub mod eval_errors;
pub mod nix_error;
pub mod offline;

use std::fmt;

pub use build_failure::{BuildFailure, build_failures};
pub use diff_closures::{ClosureChange, ClosureDiff, parse_diff_closures};
pub use dry_activate::{DryActivate, parse_dry_activate};
pub use dry_build::{DryBuild, parse_dry_build};
pub use eval_errors::{EvalProblem, failed_assertions, parse_eval_failure, warnings};
pub use nix_error::first_error;
pub use offline::offline_evidence;

/// A quantity of bytes as Nix prints it (`98.42 MiB`, `1.2 GiB`, `-13.9 KiB`), kept
/// as a signed byte count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Size(pub i64);

impl Size {
    /// Reads `<number> <unit>` where unit is `B`, `KiB`, `MiB`, `GiB`, `TiB`, `PiB` or
    /// `EiB`, with an optional sign (old `diff-closures` prints `+13.9 KiB`).
    pub fn parse(text: &str) -> Option<Size> {
        let text = text.trim();
        let (number, unit) = text.split_once(' ')?;
        let factor: f64 = match unit.trim() {
            "B" | "bytes" => 1.0,
            "KiB" => 1024.0,
            "MiB" => 1024.0 * 1024.0,
            "GiB" => 1024.0 * 1024.0 * 1024.0,
            "TiB" => 1024f64.powi(4),
            "PiB" => 1024f64.powi(5),
            "EiB" => 1024f64.powi(6),
            _ => return None,
        };
        let number: f64 = number.trim_start_matches('+').parse().ok()?;
        if !number.is_finite() {
            return None;
        }
        Some(Size((number * factor).round() as i64))
    }

    pub fn bytes(self) -> i64 {
        self.0
    }

    /// With a sign, for a change (`+1.5 MiB`, `-200.0 KiB`).
    pub fn signed(self) -> String {
        if self.0 >= 0 {
            format!("+{self}")
        } else {
            self.to_string()
        }
    }
}

impl fmt::Display for Size {
    /// One decimal and the largest unit under 1024, as recent Nix prints sizes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        let mut value = self.0 as f64 / 1024.0;
        let mut unit = 0;
        while value.abs() >= 1024.0 && unit + 1 < units.len() {
            value /= 1024.0;
            unit += 1;
        }
        write!(f, "{value:.1} {}", units[unit])
    }
}

/// The text without ANSI escape sequences (colours, cursor movement).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('[') => {
                chars.next();
                // CSI: parameters and intermediates, then one final byte in @..~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                // OSC: up to BEL or ESC \.
                chars.next();
                while let Some(c) = chars.next() {
                    if c == '\x07' {
                        break;
                    }
                    if c == '\x1b' {
                        chars.next();
                        break;
                    }
                }
            }
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    out
}

/// Splits a text into lines the way the parsers want them: ANSI codes removed, `\r`
/// (a progress line rewritten in place) treated as a line end, trailing blanks kept.
pub fn lines_of(text: &str) -> Vec<String> {
    strip_ansi(text)
        .split(['\n', '\r'])
        .map(str::to_string)
        .collect()
}

/// `n thing` or `n things`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_every_form_nix_prints() {
        assert_eq!(Size::parse("98.42 MiB"), Some(Size(103_200_850)));
        assert_eq!(Size::parse("+13.9 KiB"), Some(Size(14_234)));
        assert_eq!(Size::parse("-1.5 GiB"), Some(Size(-1_610_612_736)));
        assert_eq!(Size::parse("0.0 KiB"), Some(Size(0)));
        assert_eq!(Size::parse("12 parsecs"), None);
        assert_eq!(Size::parse("MiB"), None);
    }

    #[test]
    fn sizes_print_like_recent_nix() {
        assert_eq!(Size(14_234).to_string(), "13.9 KiB");
        assert_eq!(Size(103_200_850).to_string(), "98.4 MiB");
        assert_eq!(Size(-1_610_612_736).signed(), "-1.5 GiB");
        assert_eq!(Size(2048).signed(), "+2.0 KiB");
    }

    #[test]
    fn ansi_codes_are_removed() {
        assert_eq!(
            strip_ansi("\x1b[31;1m+13.9 KiB\x1b[0m and \x1b]8;;x\x07link"),
            "+13.9 KiB and link"
        );
    }
}
