//! The line mode's draft: offered back when the journey starts on a directory that has
//! one, written before every question while the answers differ from the directory's
//! (so a dropped session or SIGHUP loses nothing answered), removed once the answers
//! are written or the operator discards them.
use std::path::Path;

use crate::catalog::Catalog;
use crate::draft_store::{DraftStore, HostDraft, Keeper};
use crate::wizard::questions::StepKind;
use crate::wizard::resume::ResumeOffer;
use crate::wizard::stored_draft::answers_to_keep;
use crate::wizard::{Draft, profiles};

use super::flow::{Asked, ExitStatus, Flow, Quit};
use super::prompter::{ConfirmAsk, Reply};

/// A directory's draft, and the offer to resume it until it is answered.
pub struct Kept {
    host: HostDraft,
    offer: Option<ResumeOffer>,
    /// Started once the offer (if any) is answered: until then the draft is left alone.
    keeper: Option<Keeper>,
}

impl Kept {
    /// The draft of `dir`, offered when it holds answers that `current` (the
    /// directory's answers now, `None` for a new host) does not.
    pub fn open(
        store: &DraftStore,
        catalog: &'static Catalog,
        dir: &Path,
        current: Option<&str>,
    ) -> Kept {
        let host = store.host(dir);
        let offer = host.offer(catalog, current);
        Kept {
            host,
            offer,
            keeper: None,
        }
    }
}

impl Flow<'_> {
    /// Offers the answers of an earlier session; the step to start at.
    pub(super) fn offer_resume(&mut self, step: StepKind) -> Asked<StepKind> {
        let Some(offer) = self.kept.as_mut().and_then(|k| k.offer.take()) else {
            return Ok(step);
        };
        self.para(
            &format!(
                "Answers typed for {} in an earlier session were not written; they were \
                 kept {}. Against {}:",
                self.dir.display(),
                offer.saved,
                offer.against
            ),
            0,
        );
        for line in offer.change_lines(20) {
            self.para(&line, 2);
        }
        let ask = ConfirmAsk {
            message: "Resume these answers? (Y/n)".into(),
            default: true,
            hint: "y or Enter takes them up again; n discards them; Esc quits and keeps them"
                .into(),
        };
        match self.p.confirm(&ask) {
            Ok(Reply::Answer(true)) => Ok(self.resume(&offer, step)),
            Ok(Reply::Answer(false)) => {
                self.say("Starting afresh: the earlier answers are discarded.\n");
                self.keep_draft();
                Ok(step)
            }
            Ok(Reply::Cancel) => {
                self.say(&format!(
                    "Nothing was written; the earlier answers are kept for {}.\n",
                    self.dir.display()
                ));
                Err(Quit::Exit(ExitStatus::NotWritten))
            }
            Err(e) => Err(self.failed(e)),
        }
    }

    fn resume(&mut self, offer: &ResumeOffer, step: StepKind) -> StepKind {
        match Draft::parse(self.catalog, &offer.answers) {
            Ok(draft) => {
                self.draft = draft;
                self.say(&format!("Resumed the answers saved {}.\n", offer.saved));
                if self.edit {
                    return step;
                }
                let name = offer.profile.as_deref().unwrap_or("custom");
                self.profile = Some(profiles::find(name).map_or("custom", |p| p.name));
                StepKind::Host
            }
            Err(e) => {
                let word = self.look.style().error("error");
                self.say(&format!(
                    "{word}: the earlier answers cannot be read ({}); starting afresh.\n",
                    crate::safe_text::escape(&e.message)
                ));
                step
            }
        }
    }

    /// Makes the draft follow the answers, on disk before the next question: kept
    /// while quitting would lose them, else removed.
    pub(super) fn keep_draft(&mut self) {
        let changed = self.changed();
        let answers = changed.then(|| answers_to_keep(&self.draft));
        let profile = self.profile;
        let Some(kept) = &mut self.kept else {
            return;
        };
        if kept.offer.is_some() {
            return;
        }
        let keeper = kept
            .keeper
            .get_or_insert_with(|| Keeper::start(kept.host.clone()));
        match answers {
            Some(text) => keeper.keep(&text, profile),
            None => keeper.discard(),
        }
        // A person answers slower than a disk writes: wait, so SIGHUP during the
        // question finds the answers on disk.
        keeper.flush();
        if let Some(e) = keeper.take_error() {
            let word = self.level_word(crate::catalog::Level::Warning);
            self.para(&format!("{word}: {e}"), 0);
        }
    }

    /// The operator discarded the answers: the draft goes, and no later question
    /// brings it back.
    pub(super) fn discard_draft(&mut self) {
        if let Some(mut kept) = self.kept.take() {
            kept.keeper
                .get_or_insert_with(|| Keeper::start(kept.host.clone()))
                .discard();
        }
    }

    /// The journey ended with `code`: written (or nothing to write) removes the draft;
    /// anything else leaves the answers kept. A draft whose offer was never answered
    /// stays as it was.
    pub(super) fn leave_draft(&mut self, code: ExitStatus) {
        if self.kept.as_ref().is_none_or(|k| k.keeper.is_none()) {
            return;
        }
        if code == ExitStatus::Success {
            self.discard_draft();
        } else {
            self.keep_draft();
        }
    }
}
