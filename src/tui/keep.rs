//! The full-screen wizard's draft: offered back when the wizard starts on a directory
//! that has one, kept on disk while the answers differ from the directory's, removed
//! once they are written or the operator discards them.
use crate::catalog::Level;
use crate::draft_store::{DraftStore, HostDraft, Keeper};
use crate::wizard::state::{Message, Overlay, WizardState};
use crate::wizard::stored_draft::answers_to_keep;

/// The draft of the directory being worked on.
pub struct Keeping {
    host: Option<HostDraft>,
    /// Started once the offer (if any) is answered: until then the draft is left alone.
    keeper: Option<Keeper>,
    /// The answers, profile and dirtiness last synced, so an unchanged frame costs a
    /// comparison and no copy.
    synced: Option<(String, Option<&'static str>, bool)>,
}

impl Keeping {
    /// Offers the directory's draft when it holds answers the directory does not.
    pub fn start(store: Option<&DraftStore>, state: &mut WizardState) -> Keeping {
        let Some(store) = store else {
            return Keeping {
                host: None,
                keeper: None,
                synced: None,
            };
        };
        let host = store.host(&state.dir);
        let current = state.dir_state.atproto_toml.as_deref();
        if let Some(offer) = host.offer(state.catalog(), current) {
            state.overlay = Some(Overlay::Resume(offer));
        }
        Keeping {
            host: Some(host),
            keeper: None,
            synced: None,
        }
    }

    /// Makes the draft follow the answers: kept while quitting would lose them, else
    /// removed. Called before each frame, so the draft is current whenever the wizard
    /// waits for the operator.
    pub fn sync(&mut self, state: &mut WizardState) {
        if matches!(state.overlay, Some(Overlay::Resume(_))) {
            return;
        }
        let Some(host) = &self.host else {
            return;
        };
        let dirty = state.dirty();
        if let Some((text, profile, was_dirty)) = &self.synced
            && text == state.draft.text()
            && *profile == state.profile
            && *was_dirty == dirty
        {
            return;
        }
        self.synced = Some((state.draft.text().to_string(), state.profile, dirty));
        let keeper = self
            .keeper
            .get_or_insert_with(|| Keeper::start(host.clone()));
        if dirty {
            keeper.keep(&answers_to_keep(&state.draft), state.profile);
        } else {
            keeper.discard();
        }
        if let Some(text) = keeper.take_error() {
            state.message = Some(Message {
                level: Level::Warning,
                text,
            });
        }
    }

    /// Leaving the wizard. Quitting removes the draft (the answers were written, or
    /// the operator said to lose them); a signal or a hang-up leaves it on disk. Either
    /// way this returns once the disk holds what it should: whether answers are kept.
    pub fn finish(mut self, state: &mut WizardState, quit: bool) -> bool {
        if !quit {
            self.sync(state);
        } else if let Some(keeper) = &mut self.keeper {
            keeper.discard();
        }
        let Some(keeper) = self.keeper.take() else {
            // The offer was never answered: the draft on disk is as it was.
            return self.host.is_some_and(|h| h.path().exists());
        };
        keeper.holds_draft()
    }
}
