//! The answers being written: a toml_edit document (the operator's comments and layout
//! survive every change), its plain tree, and the diagnostics for it. Every change goes
//! through `crate::plan::edit` and is re-validated at once with `crate::validate`, the
//! very functions `check` and `apply` use: there is one code path.
use std::collections::BTreeMap;
use std::sync::Arc;

use toml_edit::DocumentMut;

use super::questions::{Question, parse_answer};
use crate::catalog::{Catalog, Level};
use crate::fleet::seat::Seat;
use crate::plan::{Answers, LoadError, PlanView, edit, renames};
use crate::validate::{Diagnostic, validate};
use crate::value::Value;

/// The name the answers are known by in messages and in the host directory.
pub const ANSWERS_NAME: &str = "atproto.toml";

/// An answers file being edited, always validated.
#[derive(Debug, Clone)]
pub struct Draft {
    catalog: &'static Catalog,
    doc: DocumentMut,
    answers: Answers,
    diagnostics: Vec<Diagnostic>,
    /// The host's fleet, when it is one host of several: then the answers are checked as
    /// `fleet check` checks them (references resolved against the other hosts).
    seat: Option<Arc<Seat>>,
    brought_up: Option<String>,
}

/// One sentence on what reading `read` migrates, if anything.
fn brought_up(catalog: &Catalog, read: &Answers) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(from) = read.migrated_from {
        parts.push(format!(
            "schema {from} migrated to {}",
            crate::plan::schema::CURRENT
        ));
    }
    for old in renames::old_keys(catalog, &read.tree) {
        if let (renames::Fate::Renamed { .. }, Some(new)) = (old.fate, old.new_path()) {
            parts.push(format!("{} is now {new}", old.path()));
        }
    }
    (!parts.is_empty()).then(|| {
        format!(
            "Read with this wizard's names ({}): writing saves them so.",
            parts.join("; ")
        )
    })
}

impl Draft {
    /// An empty plan: `schema = 1` and nothing else.
    pub fn empty(catalog: &'static Catalog) -> Draft {
        Draft::parse(catalog, "schema = 1\n").expect("the empty plan parses")
    }

    /// Reads answers text (a profile, or a host's atproto.toml): it must be TOML with a
    /// schema this binary reads, else the same error `check` gives.
    /// An older schema is migrated and renamed setting keys take their new names here,
    /// so writing saves them so ([`Draft::brought_up`] says what changed).
    pub fn parse(catalog: &'static Catalog, text: &str) -> Result<Draft, LoadError> {
        let read = Answers::parse(ANSWERS_NAME, text)?;
        let brought_up = brought_up(catalog, &read);
        let answers = renames::with_new_keys(catalog, &read).into_owned();
        let doc: DocumentMut =
            answers
                .text
                .parse()
                .map_err(|e: toml_edit::TomlError| LoadError {
                    file: ANSWERS_NAME.into(),
                    location: None,
                    message: format!("not valid TOML: {}", e.message().trim_end()),
                })?;
        let diagnostics = validate(catalog, &answers.tree);
        Ok(Draft {
            catalog,
            doc,
            answers,
            diagnostics,
            seat: None,
            brought_up,
        })
    }

    /// The same answers as one host of a fleet: checked with the fleet from now on.
    pub fn in_fleet(mut self, seat: Seat) -> Draft {
        self.diagnostics = seat.diagnostics(self.catalog, &self.answers.tree);
        self.seat = Some(Arc::new(seat));
        self
    }

    /// The host's fleet, when it is one host of several.
    pub fn seat(&self) -> Option<&Seat> {
        self.seat.as_deref()
    }

    /// What reading the text changed, for the first message: an older schema migrated,
    /// old setting names replaced. `None` when it was read as written.
    pub fn brought_up(&self) -> Option<&str> {
        self.brought_up.as_deref()
    }

    pub fn catalog(&self) -> &'static Catalog {
        self.catalog
    }

    /// The answers file's text as it would be saved (before `apply` resolves defaults).
    pub fn text(&self) -> &str {
        &self.answers.text
    }

    /// The parsed answers, for `apply::plan_apply`.
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    pub fn tree(&self) -> &BTreeMap<String, Value> {
        &self.answers.tree
    }

    /// The plan with defaults, for effective values.
    pub fn view(&self) -> PlanView<'_> {
        PlanView::new(self.catalog, &self.answers.tree)
    }

    /// The effective value at a path: written, else the default.
    pub fn get(&self, path: &str) -> Option<Value> {
        self.view().get(path)
    }

    /// Whether the file writes a value at the path (not just a default).
    pub fn is_written(&self, path: &str) -> bool {
        self.view().raw(path).is_some()
    }

    /// Every diagnostic for the plan, sorted by path, code, message (as `check`).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The diagnostics at exactly this path, errors first.
    pub fn diagnostics_at(&self, path: &str) -> Vec<&Diagnostic> {
        let mut out: Vec<&Diagnostic> =
            self.diagnostics.iter().filter(|d| d.path == path).collect();
        out.sort_by_key(|d| d.level);
        out
    }

    /// Whether the plan has an error (nothing can be written then).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }

    /// Sets the value at a dotted path (`plan::edit::set`) and re-validates.
    ///
    /// `services.<id>.enable = false` on a service whose table holds nothing else
    /// removes the table, so turning a service on and off again leaves no trace.
    pub fn set(&mut self, path: &str, value: &Value) {
        if let Some(id) = path
            .strip_prefix("services.")
            .and_then(|p| p.strip_suffix(".enable"))
            && !id.contains('.')
            && *value == Value::Bool(false)
        {
            let only_enable = self
                .view()
                .service_table(id)
                .is_none_or(|t| t.keys().all(|k| k == "enable"));
            if only_enable {
                edit::remove(&mut self.doc, &format!("services.{id}"));
                self.tidy_services();
                self.refresh();
                return;
            }
        }
        edit::set(&mut self.doc, path, value);
        self.refresh();
    }

    /// Removes the value at a dotted path, so the default applies again, and re-validates.
    pub fn clear(&mut self, path: &str) {
        edit::remove(&mut self.doc, path);
        self.refresh();
    }

    /// Parses what the operator typed for a question and sets it: `Err` with a plain
    /// message when it cannot be read (nothing changes then). Empty text clears a text
    /// or list question back to its default.
    pub fn answer(&mut self, question: &Question, text: &str) -> Result<(), String> {
        let value = parse_answer(&question.kind, text)?;
        if !Value::is_set(Some(&value)) && matches!(value, Value::Str(_)) {
            self.clear(&question.path);
        } else {
            self.set(&question.path, &value);
        }
        Ok(())
    }

    /// A copy of the document, to go back to with [`Draft::restore`] (cancelling an edit).
    pub fn snapshot(&self) -> DocumentMut {
        self.doc.clone()
    }

    /// Puts a document from [`Draft::snapshot`] back and re-validates.
    pub fn restore(&mut self, doc: DocumentMut) {
        self.doc = doc;
        self.refresh();
    }

    /// An empty implicit `[services]` left after removing the last service goes too.
    fn tidy_services(&mut self) {
        if self
            .doc
            .get("services")
            .and_then(|s| s.as_table_like())
            .is_some_and(|t| t.is_empty())
        {
            self.doc.remove("services");
        }
    }

    fn refresh(&mut self) {
        let text = self.doc.to_string();
        if text == self.answers.text {
            return;
        }
        // Edits keep `schema` and only ever write values toml_edit renders, so the text
        // always parses; if it ever did not, the previous answers stay.
        if let Ok(answers) = Answers::parse(ANSWERS_NAME, &text) {
            self.diagnostics = match &self.seat {
                Some(seat) => seat.diagnostics(self.catalog, &answers.tree),
                None => validate(self.catalog, &answers.tree),
            };
            self.answers = answers;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Old setting names are replaced as the draft is read (the test-only service of
    /// nixlib/tests/migration-catalog), so the text the wizard writes has the new ones.
    #[test]
    fn a_draft_reads_old_setting_names_as_the_new_ones_and_says_so() {
        let c: &'static Catalog = Box::leak(Box::new(
            Catalog::from_files(&[
                (
                    "_plan.toml",
                    include_str!("../../nixlib/catalog/_plan.toml"),
                ),
                (
                    "mover.toml",
                    include_str!("../../nixlib/tests/migration-catalog/mover.toml"),
                ),
            ])
            .unwrap(),
        ));
        let d = Draft::parse(
            c,
            "schema = 1\n[services.mover.settings]\nws_url = \"https://r.example.com\" # mine\n",
        )
        .unwrap();
        assert_eq!(
            d.text(),
            "schema = 1\n[services.mover.settings]\nrelay_url = \"https://r.example.com\" # mine\n"
        );
        assert_eq!(
            d.brought_up(),
            Some(
                "Read with this wizard's names (services.mover.settings.ws_url is now services.mover.settings.relay_url): writing saves them so."
            )
        );
        assert!(d.diagnostics().iter().all(|x| x.code != "renamed-setting"));
        let plain = Draft::parse(c, "schema = 1\n").unwrap();
        assert_eq!(plain.brought_up(), None);
    }

    #[test]
    fn setting_and_clearing_revalidates_and_keeps_comments() {
        let c = Catalog::embedded();
        let mut d =
            Draft::parse(c, "schema = 1\n# mine\n[host]\nhostname = \"a\" # keep\n").unwrap();
        assert!(!d.diagnostics_at("host.domain").is_empty());
        d.set("host.domain", &Value::Str("pds.example.org".into()));
        assert!(d.diagnostics_at("host.domain").is_empty());
        assert!(d.text().contains("# mine"));
        assert!(d.text().contains("# keep"));
        d.set("host.domain", &Value::Str("NOT A NAME".into()));
        assert_eq!(d.diagnostics_at("host.domain")[0].code, "field");
        d.clear("host.domain");
        assert_eq!(d.diagnostics_at("host.domain")[0].code, "required");
    }

    #[test]
    fn turning_a_service_on_and_off_leaves_no_trace() {
        let c = Catalog::embedded();
        let mut d = Draft::empty(c);
        d.set("services.constellation.enable", &Value::Bool(true));
        assert!(d.view().is_enabled("constellation"));
        d.set("services.constellation.enable", &Value::Bool(false));
        assert_eq!(d.text(), "schema = 1\n");
    }
}
