//! The Done step: the next steps or the preview pane, scrolled; p starts the preview,
//! Enter quits.
use super::{Effect, say};
use crate::catalog::Level;
use crate::wizard::action::Action;
use crate::wizard::layout::panes;
use crate::wizard::lines::ReviewLine;
use crate::wizard::preview::PreviewPane;
use crate::wizard::preview_lines::preview_lines;
use crate::wizard::questions::StepKind;
use crate::wizard::review::done_lines;
use crate::wizard::state::WizardState;

/// The lines the Done step's pane shows now: the preview when it is open, else what
/// was written and the next steps.
pub fn done_pane_lines(s: &WizardState, width: usize) -> Vec<ReviewLine> {
    if s.preview.as_ref().is_some_and(|p| p.open) {
        preview_lines(s, width)
    } else {
        done_lines(s, width)
    }
}

/// The Done pane's last scroll position (the tail).
pub(super) fn done_max_scroll(s: &WizardState) -> usize {
    let main = panes(s.size, &StepKind::Done).main.inner();
    let n = done_pane_lines(s, main.width as usize).len();
    n.saturating_sub(main.height.max(1) as usize)
}

pub(super) fn done_step(s: &mut WizardState, action: Action) -> Effect {
    let main = panes(s.size, &StepKind::Done).main.inner();
    let n = done_pane_lines(s, main.width as usize).len();
    let height = main.height.max(1) as usize;
    let max = n.saturating_sub(height);
    let page = height.saturating_sub(1).max(1);
    s.review_scroll = match action {
        Action::Preview if s.preview.as_ref().is_some_and(|p| p.running) => {
            say(s, Level::Warning, "The preview is running: Esc cancels it.");
            return Effect::None;
        }
        Action::Preview => {
            s.preview = Some(PreviewPane::started());
            s.review_scroll = 0;
            return Effect::StartPreview;
        }
        Action::Enter if s.preview.as_ref().is_some_and(|p| p.running) => {
            say(
                s,
                Level::Warning,
                "The preview is running: Esc cancels it, q quits (and stops it).",
            );
            return Effect::None;
        }
        Action::Enter => return Effect::Quit(0),
        Action::Down => s.review_scroll + 1,
        Action::ScrollDown => s.review_scroll + 3,
        Action::PageDown | Action::Toggle => s.review_scroll + page,
        Action::Up => s.review_scroll.saturating_sub(1),
        Action::ScrollUp => s.review_scroll.saturating_sub(3),
        Action::PageUp => s.review_scroll.saturating_sub(page),
        Action::First => 0,
        Action::Last => max,
        _ => s.review_scroll,
    }
    .min(max);
    Effect::None
}
