//! What `nixos-rebuild dry-activate` says the switch would do to running units.
//!
//! `switch-to-configuration dry-activate` (nixpkgs: the Perl script
//! `switch-to-configuration.pl` and the Rust `switch-to-configuration-ng`, which print
//! the same words) writes to stderr, each line only when its list is not empty:
//!
//! ```text
//! would stop the following units: a.service, b.service
//! would NOT stop the following changed units: c.service
//! would activate the configuration...
//! <the activation script's own dry-run lines>
//! would stop the following units as well: g.service                  (Perl only)
//! would NOT restart the following changed units as well: h.service   (Perl only)
//! would restart systemd
//! would reload the following units: d.service
//! would restart the following units: e.service
//! would start the following units: a.service, f.service
//! ```
//!
//! The two "as well" lines are the Perl script's (switch-to-configuration.pl): units the
//! activation script asked to restart, handled after it ran. The Rust version folds
//! those units into its other lists and prints neither line. User units are not
//! covered by a system dry activation.
//! A unit that is stopped and started again is a restart for the operator: it is
//! counted as one in [`DryActivate::restarted`].
use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::count;

/// The units a switch would touch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DryActivate {
    pub stop: Vec<String>,
    /// Changed units the switch leaves running (`restartIfChanged` off, `would NOT
    /// stop …` and `would NOT restart … as well`): the running unit will not match its
    /// new definition.
    pub not_stopped: Vec<String>,
    pub reload: Vec<String>,
    pub restart: Vec<String>,
    pub start: Vec<String>,
    /// `would restart systemd`: systemd itself is re-executed.
    pub restart_systemd: bool,
    /// `would activate the configuration...` was printed.
    pub activates: bool,
    /// Other `would …` and `warning: …` lines, from the activation script's dry run
    /// (users and groups it would create or remove, …).
    pub notes: Vec<String>,
    /// Whether any of the lines above was seen.
    pub seen: bool,
}

static UNITS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^would (NOT )?(stop|restart|reload|start) the following (?:changed )?(user )?units(?: as well)?: (.*)$",
    )
    .unwrap()
});

/// Reads the lines a dry activation printed (stdout and stderr, in order).
pub fn parse_dry_activate<S: AsRef<str>>(lines: &[S]) -> DryActivate {
    let mut out = DryActivate::default();
    for raw in lines {
        let line = super::strip_ansi(raw.as_ref());
        let line = line.trim();
        if let Some(c) = UNITS.captures(line) {
            out.seen = true;
            let units = c[4]
                .split(',')
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(|u| {
                    if c.get(3).is_some() {
                        format!("{u} (user unit)")
                    } else {
                        u.to_string()
                    }
                });
            let list = match (c.get(1).is_some(), &c[2]) {
                (true, _) => &mut out.not_stopped,
                (false, "stop") => &mut out.stop,
                (false, "restart") => &mut out.restart,
                (false, "reload") => &mut out.reload,
                _ => &mut out.start,
            };
            list.extend(units);
        } else if line == "would restart systemd" {
            out.seen = true;
            out.restart_systemd = true;
        } else if line.starts_with("would activate the configuration")
            || line.starts_with("would run activate script")
        {
            out.seen = true;
            out.activates = true;
        } else if line.starts_with("would ") || line.starts_with("warning: would ") {
            out.notes.push(line.to_string());
        }
    }
    out
}

impl DryActivate {
    /// Units stopped and not started again.
    pub fn stopped(&self) -> Vec<&str> {
        let started: BTreeSet<&str> = self.start.iter().map(String::as_str).collect();
        self.stop
            .iter()
            .map(String::as_str)
            .filter(|u| !started.contains(u))
            .collect()
    }

    /// Units restarted: the `restart` list plus units stopped and started again
    /// (`stopIfChanged`, the default for services).
    pub fn restarted(&self) -> Vec<&str> {
        let started: BTreeSet<&str> = self.start.iter().map(String::as_str).collect();
        let mut all: BTreeSet<&str> = self.restart.iter().map(String::as_str).collect();
        all.extend(
            self.stop
                .iter()
                .map(String::as_str)
                .filter(|u| started.contains(u)),
        );
        all.into_iter().collect()
    }

    /// Units started that were not running before.
    pub fn started(&self) -> Vec<&str> {
        let stopped: BTreeSet<&str> = self.stop.iter().map(String::as_str).collect();
        self.start
            .iter()
            .map(String::as_str)
            .filter(|u| !stopped.contains(u))
            .collect()
    }

    /// One line per kind of change, only the kinds that happen.
    pub fn summary(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut add = |verb: &str, units: &[&str]| {
            if !units.is_empty() {
                out.push(format!(
                    "{verb} {}: {}",
                    count(units.len(), "unit", "units"),
                    units.join(", ")
                ));
            }
        };
        add("start", &self.started());
        add("restart", &self.restarted());
        let reload: Vec<&str> = self.reload.iter().map(String::as_str).collect();
        add("reload", &reload);
        add("stop", &self.stopped());
        let kept: Vec<&str> = self.not_stopped.iter().map(String::as_str).collect();
        add("leave running although changed", &kept);
        if self.restart_systemd {
            out.push("re-execute systemd".to_string());
        }
        if out.is_empty() {
            out.push("no unit would start, stop, restart or reload".to_string());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[&str] = &[
        "would stop the following units: bluesky-pds.service, old.service",
        "would NOT stop the following changed units: sshd.service",
        "would activate the configuration...",
        "would remove user ‘olduser’",
        "would restart systemd",
        "would reload the following units: dbus.service",
        "would restart the following units: nscd.service",
        "would start the following units: bluesky-pds.service, caddy.service",
    ];

    #[test]
    fn every_line_of_switch_to_configuration() {
        let out = parse_dry_activate(SAMPLE);
        assert!(out.seen && out.activates && out.restart_systemd);
        assert_eq!(out.stopped(), ["old.service"]);
        assert_eq!(out.restarted(), ["bluesky-pds.service", "nscd.service"]);
        assert_eq!(out.started(), ["caddy.service"]);
        assert_eq!(out.reload, ["dbus.service"]);
        assert_eq!(out.not_stopped, ["sshd.service"]);
        assert_eq!(out.notes, ["would remove user ‘olduser’"]);
        assert_eq!(
            out.summary(),
            [
                "start 1 unit: caddy.service",
                "restart 2 units: bluesky-pds.service, nscd.service",
                "reload 1 unit: dbus.service",
                "stop 1 unit: old.service",
                "leave running although changed 1 unit: sshd.service",
                "re-execute systemd",
            ]
        );
    }

    #[test]
    fn nothing_changes() {
        let out = parse_dry_activate(&["would activate the configuration..."]);
        assert_eq!(
            out.summary(),
            ["no unit would start, stop, restart or reload"]
        );
    }

    #[test]
    fn user_units_are_marked() {
        let out = parse_dry_activate(&["would restart the following user units: foo.service"]);
        assert_eq!(out.restart, ["foo.service (user unit)"]);
    }
}
