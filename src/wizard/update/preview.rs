//! The preview's events at the Done step (the pane follows its output), and
//! cancelling it.
use super::done::done_max_scroll;
use super::{Effect, say};
use crate::catalog::Level;
use crate::wizard::preview::PreviewEvent;
use crate::wizard::questions::StepKind;
use crate::wizard::state::WizardState;

pub(super) fn preview_event(s: &mut WizardState, event: PreviewEvent) {
    // Follow the output while the operator has not scrolled up.
    let follow = s.step != StepKind::Done || s.review_scroll >= done_max_scroll(s);
    let Some(mut pane) = s.preview.take() else {
        return;
    };
    let ended = event == PreviewEvent::End;
    pane.apply(event, &|path| s.step_of_path(path));
    if ended {
        let errors: usize = pane
            .findings
            .iter()
            .filter(|f| f.finding.is_error())
            .count();
        let said = if pane.cancelled {
            Some((Level::Warning, "Preview cancelled.".to_string()))
        } else if errors > 0 {
            Some((
                Level::Error,
                format!(
                    "The deep check found {errors} failed assertion{}: see the steps marked error.",
                    if errors == 1 { "" } else { "s" }
                ),
            ))
        } else if pane.cannot_run.is_some() {
            Some((
                Level::Warning,
                "The preview cannot run here: it says what to run on the host.".to_string(),
            ))
        } else {
            None
        };
        if let Some((level, text)) = said {
            say(s, level, text);
        }
    }
    s.preview = Some(pane);
    if follow && s.step == StepKind::Done {
        s.review_scroll = done_max_scroll(s);
    }
}

pub(super) fn cancel_preview(s: &mut WizardState) -> Effect {
    match &mut s.preview {
        Some(p) if p.running => {
            p.cancelling = true;
            say(
                s,
                Level::Warning,
                "Cancelling the preview: its commands are being stopped.",
            );
            Effect::CancelPreview
        }
        _ => Effect::None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::state;
    use super::*;
    use crate::wizard::action::Action;
    use crate::wizard::state::WriteOutcome;
    use crate::wizard::update::{done_pane_lines, update};

    fn at_done() -> WizardState {
        let mut s = state(Some("community-pds"));
        update(&mut s, Action::Resize(80, 24));
        update(
            &mut s,
            Action::Written(WriteOutcome::NothingToDo { notes: vec![] }),
        );
        assert_eq!(s.step, StepKind::Done);
        s
    }

    fn ev(s: &mut WizardState, e: PreviewEvent) {
        assert_eq!(update(s, Action::PreviewEvent(e)), Effect::None);
    }

    fn pane_text(s: &WizardState) -> String {
        done_pane_lines(s, 60)
            .into_iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn p_starts_the_preview_and_its_output_streams() {
        let mut s = at_done();
        assert_eq!(update(&mut s, Action::Preview), Effect::StartPreview);
        assert!(s.preview.as_ref().unwrap().running);
        // Enter does not quit under a running preview; p does not start a second one.
        assert_eq!(update(&mut s, Action::Enter), Effect::None);
        assert_eq!(update(&mut s, Action::Preview), Effect::None);
        ev(&mut s, PreviewEvent::Phase("Preview".into()));
        ev(
            &mut s,
            PreviewEvent::Started {
                index: 0,
                total: 2,
                step: "dry-build".into(),
                title: "what would be built and fetched".into(),
                command: "nixos-rebuild dry-build --flake /srv/host#pds".into(),
            },
        );
        for i in 0..40 {
            ev(
                &mut s,
                PreviewEvent::Line {
                    step: "dry-build".into(),
                    text: format!("line {i}"),
                },
            );
        }
        let p = s.preview.as_ref().unwrap();
        assert_eq!(
            p.progress.as_deref(),
            Some("Preview [1/2] dry-build: what would be built and fetched")
        );
        let text = pane_text(&s);
        assert!(text.contains("$ nixos-rebuild dry-build --flake"), "{text}");
        assert!(text.contains("dry-build | line 39"), "{text}");
        // The pane follows the output: the last line is in view.
        assert_eq!(s.review_scroll, done_max_scroll(&s));
        assert!(s.review_scroll > 0);
        ev(
            &mut s,
            PreviewEvent::Finished {
                step: "dry-build".into(),
                ok: true,
                note: "3 derivations".into(),
            },
        );
        ev(
            &mut s,
            PreviewEvent::Rebuild {
                summary: vec!["build: 3 derivations to build".into()],
                cannot_run: None,
                notes: vec![],
                cancelled: false,
            },
        );
        ev(&mut s, PreviewEvent::End);
        let p = s.preview.as_ref().unwrap();
        assert!(!p.running && !p.cancelled);
        let text = pane_text(&s);
        assert!(text.contains("Summary:"), "{text}");
        assert!(text.contains("build: 3 derivations to build"), "{text}");
        assert!(text.contains("Finished."), "{text}");
        // Esc hides the pane (the next steps again); Enter quits.
        update(&mut s, Action::Back);
        assert_eq!(s.step, StepKind::Done);
        assert!(pane_text(&s).contains("Next:"));
        assert_eq!(update(&mut s, Action::Enter), Effect::Quit(0));
    }

    #[test]
    fn a_preview_that_cannot_run_says_what_to_run_on_the_host() {
        let mut s = at_done();
        update(&mut s, Action::Preview);
        ev(
            &mut s,
            PreviewEvent::Rebuild {
                summary: vec!["nixos-rebuild: not run here".into()],
                cannot_run: Some(crate::preview::rebuild::CannotRun {
                    why: "this is not NixOS".into(),
                    commands: vec!["nixos-rebuild dry-build --flake /srv/host#pds".into()],
                }),
                notes: vec![],
                cancelled: false,
            },
        );
        ev(&mut s, PreviewEvent::End);
        let text = pane_text(&s);
        assert!(
            text.contains("cannot run here: this is not NixOS"),
            "{text}"
        );
        assert!(text.contains("  nixos-rebuild dry-build --flake"), "{text}");
        assert!(s.message.as_ref().unwrap().text.contains("cannot run here"));
    }

    #[test]
    fn esc_cancels_a_running_preview() {
        let mut s = at_done();
        update(&mut s, Action::Preview);
        assert_eq!(update(&mut s, Action::CancelPreview), Effect::CancelPreview);
        assert!(s.preview.as_ref().unwrap().cancelling);
        // Esc at the Done step while it runs cancels too (never leaves the step).
        assert_eq!(update(&mut s, Action::Back), Effect::CancelPreview);
        assert_eq!(s.step, StepKind::Done);
        ev(
            &mut s,
            PreviewEvent::Rebuild {
                summary: vec![],
                cannot_run: None,
                notes: vec![],
                cancelled: true,
            },
        );
        ev(&mut s, PreviewEvent::End);
        let p = s.preview.as_ref().unwrap();
        assert!(p.cancelled && !p.running && !p.cancelling);
        assert!(pane_text(&s).contains("Cancelled"));
        assert_eq!(s.message.as_ref().unwrap().text, "Preview cancelled.");
        // Nothing runs now: cancelling again does nothing.
        assert_eq!(update(&mut s, Action::CancelPreview), Effect::None);
    }

    #[test]
    fn deep_check_findings_go_to_their_steps() {
        let mut s = at_done();
        let c = s.catalog();
        update(&mut s, Action::Preview);
        let tls = StepKind::Integration("tls".into());
        ev(
            &mut s,
            PreviewEvent::Deep {
                findings: vec![
                    crate::preview::deep::Finding::from_text(
                        Level::Error,
                        "atproto.integration.tls.handles: the wildcard needs a DNS provider",
                        c,
                    ),
                    crate::preview::deep::Finding::from_text(
                        Level::Warning,
                        "atproto.host.admin_email: looks like a placeholder",
                        c,
                    ),
                    crate::preview::deep::Finding::from_text(Level::Warning, "something else", c),
                ],
                summary: "1 assertion failed, 1 warning".into(),
                notes: vec![],
                cancelled: false,
            },
        );
        ev(&mut s, PreviewEvent::End);
        let p = s.preview.as_ref().unwrap();
        assert_eq!(p.findings[0].step, tls);
        assert_eq!(p.findings[1].step, StepKind::Host);
        assert_eq!(
            s.step_status(&tls),
            crate::wizard::state::StepStatus::Errors(1)
        );
        assert_eq!(
            s.step_status(&StepKind::Host),
            crate::wizard::state::StepStatus::Warnings(1)
        );
        let text = pane_text(&s);
        let title = s
            .steps()
            .into_iter()
            .find(|st| st.kind == tls)
            .unwrap()
            .title;
        let at = text.find(&format!("  {title}")).expect(&text);
        assert!(
            text[at..].contains("error: the wildcard needs a DNS provider"),
            "{text}"
        );
        assert!(text.contains("The whole host"), "{text}");
        assert!(
            s.message
                .as_ref()
                .unwrap()
                .text
                .contains("1 failed assertion")
        );
    }
}
