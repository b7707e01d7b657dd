//! The offer to resume a kept draft: when it was saved and what in it differs from the
//! directory's answers as they are now, key by key (for a directory without answers
//! yet, from the profile the draft started from). Both front ends show it; taking it
//! puts the draft's answers back in place of the directory's.
use std::collections::BTreeMap;

use super::draft::Draft;
use super::profiles;
use super::stored_draft::StoredDraft;
use crate::catalog::Catalog;
use crate::plan::Answers;
use crate::safe_text::escape;
use crate::value::Value;

/// One key whose value differs between the directory's answers and the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The dotted key, like `host.hostname`.
    pub path: String,
    /// The value in the directory's answers (`None`: not written there).
    pub before: Option<String>,
    /// The value in the draft (`None`: removed in the draft).
    pub after: Option<String>,
}

impl Change {
    /// One line for the operator: `host.hostname = "pds7" (was "pds")`; values from
    /// files are escaped for the terminal.
    pub fn line(&self) -> String {
        let text = match (&self.before, &self.after) {
            (Some(b), Some(a)) => format!("{} = {a} (was {b})", self.path),
            (None, Some(a)) => format!("{} = {a} (new)", self.path),
            (Some(b), None) => format!("{} removed (was {b})", self.path),
            (None, None) => self.path.clone(),
        };
        escape(&text).into_owned()
    }
}

/// The keys whose values differ from `before` to `after`, in key order. Tables are
/// compared key by key; a list is one value.
pub fn changes(before: &BTreeMap<String, Value>, after: &BTreeMap<String, Value>) -> Vec<Change> {
    let (mut b, mut a) = (BTreeMap::new(), BTreeMap::new());
    flatten("", before, &mut b);
    flatten("", after, &mut a);
    let mut paths: Vec<&String> = b.keys().chain(a.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|p| b.get(*p) != a.get(*p))
        .map(|p| Change {
            path: p.clone(),
            before: b.get(p).map(|v| v.to_json()),
            after: a.get(p).map(|v| v.to_json()),
        })
        .collect()
}

fn flatten<'v>(
    prefix: &str,
    table: &'v BTreeMap<String, Value>,
    out: &mut BTreeMap<String, &'v Value>,
) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Table(t) => flatten(&path, t, out),
            other => {
                out.insert(path, other);
            }
        }
    }
}

/// How long ago, in words: "just now", "5 minutes ago", "3 days ago".
pub fn ago(seconds: i64) -> String {
    let (n, unit) = match seconds.max(0) {
        s if s < 60 => return "just now".into(),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// What a draft is compared with, and its name for the operator: the directory's
/// answers (`current`), or where there are none yet, the profile the draft started
/// from (an empty plan for custom).
pub fn baseline(
    catalog: &'static Catalog,
    draft: &StoredDraft,
    current: Option<&str>,
) -> (String, String) {
    if let Some(text) = current {
        return (text.to_string(), "the directory's answers now".into());
    }
    match draft.profile.as_deref().and_then(profiles::find) {
        Some(p) if p.name != "custom" => (
            p.draft(catalog).text().to_string(),
            format!("the profile {}", p.name),
        ),
        _ => (
            Draft::empty(catalog).text().to_string(),
            "an empty plan".into(),
        ),
    }
}

/// A kept draft offered for resumption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeOffer {
    /// When it was saved, in words ("12 minutes ago").
    pub saved: String,
    /// What the changes are against, in words ("the directory's answers now").
    pub against: String,
    /// What differs from that.
    pub changes: Vec<Change>,
    /// The draft's answers text and profile, put back when the offer is taken.
    pub answers: String,
    pub profile: Option<String>,
}

impl ResumeOffer {
    /// The offer for `draft` against the directory's answers now (`current`: its
    /// atproto.toml, `None` when it has none; see [`baseline`]); `None` when the draft
    /// cannot be read or is exactly that (then there is nothing to resume).
    pub fn new(
        catalog: &'static Catalog,
        draft: &StoredDraft,
        current: Option<&str>,
        now: i64,
    ) -> Option<ResumeOffer> {
        let kept = Answers::parse(super::ANSWERS_NAME, &draft.answers).ok()?;
        let (text, against) = baseline(catalog, draft, current);
        if draft.answers == text {
            return None;
        }
        let before = Answers::parse(super::ANSWERS_NAME, &text)
            .map(|a| a.tree)
            .unwrap_or_default();
        Some(ResumeOffer {
            saved: ago(now - draft.saved_at),
            against,
            changes: changes(&before, &kept.tree),
            answers: draft.answers.clone(),
            profile: draft.profile.clone(),
        })
    }

    /// The lines that say what differs: at most `max` changes, then how many more.
    pub fn change_lines(&self, max: usize) -> Vec<String> {
        let mut lines: Vec<String> = self.changes.iter().take(max).map(Change::line).collect();
        if self.changes.len() > max {
            lines.push(format!("and {} more", self.changes.len() - max));
        }
        if self.changes.is_empty() {
            // Only comments or layout differ.
            lines.push("the same values; only comments or layout differ".into());
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> BTreeMap<String, Value> {
        Answers::parse("t", text).unwrap().tree
    }

    #[test]
    fn what_differs_key_by_key() {
        let before = tree(
            "schema = 1\n[host]\nhostname = \"pds\"\nemail = \"a@b.c\"\n\
             [services.pds]\nenable = true\n[services.pds.ports]\nhttp = 3000\n",
        );
        let after = tree(
            "schema = 1\n[host]\nhostname = \"pds7\"\nemail = \"a@b.c\"\ndomain = \"x.org\"\n\
             [services.pds]\nenable = true\n[services.jetstream]\nenable = true\n",
        );
        let lines: Vec<String> = changes(&before, &after).iter().map(Change::line).collect();
        assert_eq!(
            lines,
            [
                "host.domain = \"x.org\" (new)",
                "host.hostname = \"pds7\" (was \"pds\")",
                "services.jetstream.enable = true (new)",
                "services.pds.ports.http removed (was 3000)",
            ]
        );
        assert!(changes(&before, &before).is_empty());
        // A control character in a value reaches the terminal escaped.
        let odd = tree("schema = 1\n[host]\nhostname = \"a\\u001b[2Jb\"\n");
        let line = changes(&BTreeMap::new(), &odd)[0].line();
        assert!(!line.contains('\u{1b}'), "{line}");
    }

    #[test]
    fn the_offer_says_when_and_what() {
        let draft = StoredDraft {
            format: super::super::stored_draft::FORMAT,
            dir: "/srv/pds".into(),
            saved_at: 1000,
            profile: Some("community-pds".into()),
            answers: "schema = 1\n[host]\nhostname = \"pds7\"\n".into(),
        };
        let c = Catalog::embedded();
        let offer = ResumeOffer::new(c, &draft, Some("schema = 1\n"), 1000 + 12 * 60).unwrap();
        assert_eq!(offer.saved, "12 minutes ago");
        assert_eq!(offer.against, "the directory's answers now");
        assert_eq!(offer.change_lines(5), ["host.hostname = \"pds7\" (new)"]);
        assert_eq!(offer.profile.as_deref(), Some("community-pds"));
        // Nothing to resume when the directory already holds exactly the draft.
        assert_eq!(
            ResumeOffer::new(c, &draft, Some(&draft.answers), 2000),
            None
        );
        // Only a comment differs: still offered, and said so.
        let commented = format!("{}# mine\n", draft.answers);
        let offer = ResumeOffer::new(c, &draft, Some(&commented), 1000).unwrap();
        assert!(offer.change_lines(5)[0].contains("only comments"));
        // An unreadable draft is not offered.
        let broken = StoredDraft {
            answers: "schema = [".into(),
            ..draft
        };
        assert_eq!(ResumeOffer::new(c, &broken, None, 1000), None);
    }

    #[test]
    fn a_new_host_is_compared_with_its_profile() {
        let c = Catalog::embedded();
        let relay = profiles::find("relay-node").unwrap().draft(c);
        let typed = relay.text().replace("\"relay1\"", "\"relay7\"");
        assert_ne!(typed, relay.text());
        let mut draft = StoredDraft {
            format: super::super::stored_draft::FORMAT,
            dir: "/srv/relay".into(),
            saved_at: 0,
            profile: Some("relay-node".into()),
            answers: typed,
        };
        let offer = ResumeOffer::new(c, &draft, None, 0).unwrap();
        assert_eq!(offer.against, "the profile relay-node");
        assert_eq!(
            offer.change_lines(5),
            ["host.hostname = \"relay7\" (was \"relay1\")"]
        );
        // The profile as it was chosen, nothing typed: nothing to resume.
        draft.answers = relay.text().to_string();
        assert_eq!(ResumeOffer::new(c, &draft, None, 0), None);
        // Without a profile: against an empty plan.
        draft.profile = None;
        let offer = ResumeOffer::new(c, &draft, None, 0).unwrap();
        assert_eq!(offer.against, "an empty plan");
        assert!(offer.changes.len() > 5);
    }

    #[test]
    fn many_changes_are_cut_short() {
        let offer = ResumeOffer {
            saved: ago(0),
            against: "an empty plan".into(),
            changes: (0..7)
                .map(|i| Change {
                    path: format!("k{i}"),
                    before: None,
                    after: Some("1".into()),
                })
                .collect(),
            answers: String::new(),
            profile: None,
        };
        let lines = offer.change_lines(3);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[3], "and 4 more");
    }

    #[test]
    fn ages_in_words() {
        assert_eq!(ago(-5), "just now");
        assert_eq!(ago(59), "just now");
        assert_eq!(ago(60), "1 minute ago");
        assert_eq!(ago(7200), "2 hours ago");
        assert_eq!(ago(86_400 * 3 + 5), "3 days ago");
    }
}
