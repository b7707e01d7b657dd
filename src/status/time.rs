//! The few times `status` reads: systemd's `@<seconds>` (`--timestamp=unix`) and
//! OpenSSL's `notAfter=` date, and spans said in words.

/// `@1733356800` as seconds since the epoch; systemd prints nothing for "never".
pub fn unix_stamp(text: &str) -> Option<i64> {
    text.trim().strip_prefix('@')?.parse().ok()
}

/// OpenSSL's certificate date (`Mar  1 12:00:00 2027 GMT`, as `x509 -enddate` prints
/// it after `notAfter=`) as seconds since the epoch.
pub fn openssl_date(text: &str) -> Option<i64> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let [month, day, clock, year, "GMT"] = words.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let day: i64 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<i64> = clock
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || *h > 23 || *m > 59 || *s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A span in the largest units that say it: `45s`, `3m`, `2h 5m`, `4d 3h`.
pub fn span(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systemd_stamps_are_read_and_never_is_none() {
        assert_eq!(unix_stamp("@1733356800"), Some(1_733_356_800));
        assert_eq!(unix_stamp(""), None);
        assert_eq!(unix_stamp("n/a"), None);
    }

    #[test]
    fn openssl_dates_are_read_in_utc() {
        // The expected numbers are `date -u -d <the same time> +%s`.
        assert_eq!(
            openssl_date("Mar  1 12:00:00 2027 GMT"),
            Some(1_803_902_400)
        );
        assert_eq!(openssl_date("Jan  1 00:00:00 1970 GMT"), Some(0));
        assert_eq!(
            openssl_date("Feb 29 00:00:00 2024 GMT"),
            Some(1_709_164_800)
        );
        assert_eq!(openssl_date("Mar  1 12:00:00 2027"), None);
        assert_eq!(openssl_date("Foo  1 12:00:00 2027 GMT"), None);
    }

    #[test]
    fn spans_use_the_largest_units() {
        assert_eq!(span(45), "45s");
        assert_eq!(span(125), "2m");
        assert_eq!(span(7_500), "2h 5m");
        assert_eq!(span(4 * 86_400 + 3 * 3600 + 59), "4d 3h");
        assert_eq!(span(-5), "0s");
    }
}
