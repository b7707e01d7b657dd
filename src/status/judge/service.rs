//! A service's own checks: its health endpoint, its journal, its disk.
use super::{Context, check, not_checked};
use crate::status::observed::Observed;
use crate::status::report::{Check, Level};
use crate::status::targets::ServiceTarget;

/// Below this share of free space, a warning.
const FREE_WARN_PERCENT: u64 = 10;

pub fn health(s: &ServiceTarget, o: Option<&Observed>, cx: &Context) -> Check {
    let (Some(h), Some(o)) = (&s.health, o) else {
        return check(
            "health",
            &s.id,
            Level::Info,
            "no health endpoint upstream".into(),
        );
    };
    let url = format!("http://127.0.0.1:{}{}", h.port, h.path);
    let status_line = o.stdout().map(str::trim).unwrap_or_default();
    let code = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|r| r.get(2..5))
        .and_then(|c| c.parse::<u16>().ok());
    let mut c = match code {
        Some(200) => return check("health", &url, Level::Ok, "answers 200".into()),
        Some(_) => check(
            "health",
            &url,
            Level::Error,
            format!("answers {status_line}"),
        ),
        None if status_line.is_empty() => check(
            "health",
            &url,
            Level::Error,
            format!("does not answer: {}", o.problem()),
        ),
        None => check(
            "health",
            &url,
            Level::Error,
            format!("answers something that is not HTTP: {status_line}"),
        ),
    };
    c.next = vec![
        cx.on_host(&format!("systemctl status {}", s.unit)),
        cx.on_host(&format!("journalctl -u {} -e", s.unit)),
    ];
    c
}

/// The unit's error-priority lines of the last day.
pub fn journal(unit: &str, o: &Observed, cx: &Context) -> Check {
    let Some(text) = o.stdout() else {
        return not_checked("journal", unit, o, Vec::new());
    };
    let lines: Vec<String> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && *l != "-- No entries --")
        .map(String::from)
        .collect();
    if lines.is_empty() {
        return check(
            "journal",
            unit,
            Level::Ok,
            "no errors in the last day".into(),
        );
    }
    let mut c = check(
        "journal",
        unit,
        Level::Warning,
        format!(
            "{} error line{} in the last day",
            lines.len(),
            if lines.len() == 1 { "" } else { "s" }
        ),
    );
    c.details = lines;
    c.next = vec![cx.on_host(&format!("journalctl -u {unit} -p err --since -1d"))];
    c
}

/// `du -sb`'s bytes, and `df --output=avail,size`'s (after its header line).
fn du_bytes(text: &str) -> Option<u64> {
    text.split_whitespace().next()?.parse().ok()
}

fn df_avail_size(text: &str) -> Option<(u64, u64)> {
    let values = text.lines().nth(1)?;
    let mut words = values.split_whitespace().map(|w| w.parse::<u64>().ok());
    Some((words.next()??, words.next()??))
}

/// Bytes in GB with one decimal (the catalog's estimates are in GB).
fn gb(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / 1e9)
}

pub fn disk(s: &ServiceTarget, dir: &str, du: &Observed, df: &Observed, cx: &Context) -> Check {
    let Some(used) = du.stdout().and_then(du_bytes) else {
        if du.problem().contains("No such file") {
            let mut c = check(
                "disk",
                dir,
                Level::Warning,
                "the state directory does not exist yet".into(),
            );
            // systemd makes a StateDirectory= when the unit starts.
            c.next = vec![cx.on_host(&format!("systemctl start {}", s.unit))];
            return c;
        }
        return not_checked("disk", dir, du, Vec::new());
    };
    let Some((avail, size)) = df.stdout().and_then(df_avail_size).filter(|(_, s)| *s > 0) else {
        return not_checked("disk", dir, df, Vec::new());
    };
    let percent = avail * 100 / size;
    let estimate = u64::from(s.disk_gb) * 1_000_000_000;
    let summary = format!(
        "uses {} (estimate {} GB); {} free of {} ({percent}%)",
        gb(used),
        s.disk_gb,
        gb(avail),
        gb(size)
    );
    let mut c = check("disk", dir, Level::Ok, summary);
    if percent < FREE_WARN_PERCENT {
        c.level = Level::Warning;
        c.summary
            .push_str(&format!(": less than {FREE_WARN_PERCENT}% free"));
        c.next = vec![format!(
            "free space on the disk holding {dir}, or grow it (df -h {dir} on the host)"
        )];
    } else if s.disk_gb > 0 && used > estimate {
        c.level = Level::Warning;
        c.summary.push_str(": more than the estimate");
        c.next = vec![format!(
            "plan for more disk: {} needs more than {} GB here",
            s.title, s.disk_gb
        )];
    }
    c
}
