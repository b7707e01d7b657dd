//! The status report as the full screen shows it: one line per check (its level in
//! words, never by colour alone), the journal lines and what to do under it, a heading
//! per section, and the verdict last. Pure; the screen paints each line by its tone.
use super::report::{Level, Report};
use crate::safe_text::escape;

/// How a line is painted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Heading,
    Check(Level),
    /// Lines from the host, and what to do.
    Detail,
    Plain,
}

/// The report's lines, top to bottom.
pub fn lines(report: &Report) -> Vec<(Tone, String)> {
    let mut out = Vec::new();
    for section in &report.sections {
        out.push((Tone::Heading, escape(&section.title).into_owned()));
        for c in &section.checks {
            out.push((
                Tone::Check(c.level),
                format!(
                    "  {:<7} {} {}: {}",
                    c.level.word(),
                    c.check,
                    escape(&c.subject),
                    escape(&c.summary)
                ),
            ));
            for d in &c.details {
                out.push((Tone::Detail, format!("            {}", escape(d))));
            }
            for n in &c.next {
                out.push((Tone::Detail, format!("          what to do: {}", escape(n))));
            }
        }
        out.push((Tone::Plain, String::new()));
    }
    let count = |level| report.checks().filter(|c| c.level == level).count();
    let (errors, warnings) = (count(Level::Error), count(Level::Warning));
    out.push((
        Tone::Check(report.worst().max(Level::Ok)),
        if errors + warnings == 0 {
            "all healthy".to_string()
        } else {
            format!(
                "needs attention: {errors} error{}, {warnings} warning{}",
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" }
            )
        },
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::report::{Check, Section};

    #[test]
    fn each_check_is_a_line_with_its_level_in_words_and_what_to_do_under_it() {
        let report = Report {
            host: "pds1".into(),
            via: None,
            checked_at: 0,
            sections: vec![Section {
                id: "bluesky-pds".into(),
                title: "Bluesky PDS".into(),
                checks: vec![
                    Check {
                        check: "unit",
                        subject: "bluesky-pds".into(),
                        level: Level::Error,
                        summary: "failed".into(),
                        details: vec!["boom\u{1b}[2J".into()],
                        next: vec!["journalctl -u bluesky-pds -e".into()],
                    },
                    Check {
                        check: "health",
                        subject: "http://127.0.0.1:3000/xrpc/_health".into(),
                        level: Level::Ok,
                        summary: "answers 200".into(),
                        details: vec![],
                        next: vec![],
                    },
                ],
            }],
        };
        let shown = lines(&report);
        assert_eq!(shown[0], (Tone::Heading, "Bluesky PDS".into()));
        assert_eq!(shown[1].0, Tone::Check(Level::Error));
        assert!(
            shown[1].1.contains("error   unit bluesky-pds: failed"),
            "{shown:?}"
        );
        // A control byte from the journal is shown escaped, never sent.
        assert!(!shown[2].1.contains('\u{1b}') && shown[2].1.contains("boom"));
        assert!(
            shown[3]
                .1
                .contains("what to do: journalctl -u bluesky-pds -e")
        );
        assert!(shown[4].1.contains("ok      health"));
        let last = shown.last().unwrap();
        assert_eq!(last.1, "needs attention: 1 error, 0 warnings");
        assert_eq!(last.0, Tone::Check(Level::Error));
    }
}
