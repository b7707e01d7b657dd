//! Units read from `systemctl show`: a service's main unit, the secrets oneshot and
//! the backup job.
use std::collections::BTreeMap;

use super::{Context, check, not_checked};
use crate::status::observed::Observed;
use crate::status::report::{Check, Level};
use crate::status::targets::BackupTarget;
use crate::status::time::{span, unix_stamp};

/// `Key=Value` lines.
fn properties(text: &str) -> BTreeMap<&str, &str> {
    text.lines().filter_map(|l| l.split_once('=')).collect()
}

fn journal_step(unit: &str, cx: &Context) -> String {
    cx.on_host(&format!("journalctl -u {unit} -e"))
}

/// The properties, or the check saying why there are none.
fn read<'a>(
    kind: &'static str,
    unit: &str,
    o: &'a Observed,
    cx: &Context,
) -> Result<BTreeMap<&'a str, &'a str>, Check> {
    let Some(text) = o.stdout() else {
        return Err(not_checked(kind, unit, o, Vec::new()));
    };
    let p = properties(text);
    if p.get("LoadState") == Some(&"not-found") {
        let mut c = check(
            kind,
            unit,
            Level::Error,
            "no such unit on the host: it is not running this configuration".into(),
        );
        c.next = vec![cx.switch.clone()];
        return Err(c);
    }
    Ok(p)
}

/// A service's main unit.
pub fn service_unit(unit: &str, o: &Observed, cx: &Context) -> Check {
    let p = match read("unit", unit, o, cx) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let get = |k: &str| p.get(k).copied().unwrap_or("");
    let (state, sub) = (get("ActiveState"), get("SubState"));
    let restarts: u64 = get("NRestarts").parse().unwrap_or(0);
    let journal = journal_step(unit, cx);
    match state {
        "active" => {
            let since = unix_stamp(get("ActiveEnterTimestamp"))
                .map(|t| format!(" for {}", span(cx.now - t)))
                .unwrap_or_default();
            let mut c = check(
                "unit",
                unit,
                Level::Ok,
                format!("active ({sub}){since}, {restarts} restarts"),
            );
            if restarts > 0 {
                // Restart=on-failure: each restart was a crash.
                c.level = Level::Warning;
                c.summary =
                    format!("active ({sub}){since}, but restarted {restarts} times after failing");
                c.next = vec![journal];
            }
            c
        }
        "failed" => {
            let mut c = check(
                "unit",
                unit,
                Level::Error,
                format!(
                    "failed ({}), last exit status {}",
                    get("Result"),
                    get("ExecMainStatus")
                ),
            );
            c.next = vec![journal, cx.on_host(&format!("systemctl restart {unit}"))];
            c
        }
        "activating" | "reloading" | "deactivating" => {
            let mut c = check("unit", unit, Level::Warning, format!("{state} ({sub})"));
            c.next = vec![journal];
            c
        }
        _ => {
            let mut c = check(
                "unit",
                unit,
                Level::Error,
                format!("not running ({state}, {sub})"),
            );
            c.next = vec![cx.on_host(&format!("systemctl start {unit}")), journal];
            c
        }
    }
}

/// The oneshot that prepares a service's secrets: it stays active once it succeeded.
pub fn secrets_unit(unit: &str, o: &Observed, cx: &Context) -> Check {
    let p = match read("secrets-unit", unit, o, cx) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let get = |k: &str| p.get(k).copied().unwrap_or("");
    if get("ActiveState") == "active" && get("Result") == "success" {
        return check("secrets-unit", unit, Level::Ok, "secrets prepared".into());
    }
    let mut c = check(
        "secrets-unit",
        unit,
        Level::Error,
        format!(
            "did not prepare the secrets ({}, result {}, exit status {})",
            get("ActiveState"),
            get("Result"),
            get("ExecMainStatus")
        ),
    );
    c.next = vec![
        journal_step(unit, cx),
        cx.on_host(&format!("systemctl restart {unit}")),
    ];
    c
}

/// The backup job: when it last ran, and how that ended.
pub fn backup(b: &BackupTarget, o: &Observed, cx: &Context) -> Check {
    let unit = b.unit.as_str();
    let p = match read("backup", unit, o, cx) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let get = |k: &str| p.get(k).copied().unwrap_or("");
    let Some(started) = unix_stamp(get("ExecMainStartTimestamp")) else {
        let mut c = check(
            "backup",
            unit,
            Level::Warning,
            format!("no {} backup has run yet", b.kind),
        );
        c.next = vec![
            cx.on_host(&format!("systemctl list-timers {unit}.timer")),
            cx.on_host(&format!("systemctl start {unit}")),
        ];
        return c;
    };
    let ago = span(cx.now - started);
    if get("ActiveState") == "activating" {
        return check(
            "backup",
            unit,
            Level::Ok,
            format!("running now (started {ago} ago)"),
        );
    }
    if get("Result") == "success" && get("ActiveState") != "failed" {
        // Two periods without a run: the timer is not firing (the host was off, the
        // timer is stopped), and the newest copy is older than the operator expects.
        if let Some(period) = b.period
            && cx.now - started > 2 * period
        {
            let mut c = check(
                "backup",
                unit,
                Level::Warning,
                format!(
                    "last {} backup {ago} ago succeeded, but it should run every {}: none since",
                    b.kind,
                    span(period)
                ),
            );
            c.next = vec![
                cx.on_host(&format!("systemctl list-timers {unit}.timer")),
                cx.on_host(&format!("systemctl start {unit}")),
            ];
            return c;
        }
        return check(
            "backup",
            unit,
            Level::Ok,
            format!("last {} backup {ago} ago succeeded", b.kind),
        );
    }
    let mut c = check(
        "backup",
        unit,
        Level::Error,
        format!(
            "last {} backup {ago} ago failed ({}, exit status {})",
            b.kind,
            get("Result"),
            get("ExecMainStatus")
        ),
    );
    c.next = vec![
        journal_step(unit, cx),
        cx.on_host(&format!("systemctl start {unit}")),
    ];
    c
}
