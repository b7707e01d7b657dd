//! The preflight probes' events on the Review step, and cancelling them.
use super::review::clamp_review;
use super::{Effect, say};
use crate::catalog::Level;
use crate::preview::probes;
use crate::wizard::probes::ProbeEvent;
use crate::wizard::state::WizardState;

pub(super) fn probe_event(s: &mut WizardState, event: ProbeEvent) {
    let Some(pane) = &mut s.probes else {
        return;
    };
    let ended = matches!(event, ProbeEvent::Done { .. });
    pane.apply(event);
    if ended {
        let said = if pane.cancelled {
            (Level::Warning, "Checks cancelled.".to_string())
        } else {
            (
                Level::Warning,
                format!(
                    "This machine: {} (advisory; writing does not wait for it).",
                    probes::counts(&pane.results)
                ),
            )
        };
        say(s, said.0, said.1);
    }
    clamp_review(s);
}

pub(super) fn cancel_probes(s: &mut WizardState) -> Effect {
    match &mut s.probes {
        Some(p) if p.running => {
            p.cancelling = true;
            say(s, Level::Warning, "Cancelling the checks.");
            Effect::CancelProbes
        }
        _ => Effect::None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::state;
    use super::*;
    use crate::wizard::action::Action;
    use crate::wizard::questions::StepKind;
    use crate::wizard::update::{go_to, lines_now, update};

    fn probe_result(
        id: &str,
        title: &str,
        status: crate::preview::probes::ProbeStatus,
        detail: &str,
        fix: Option<&str>,
    ) -> crate::preview::probes::ProbeResult {
        crate::preview::probes::ProbeResult {
            id: id.into(),
            title: title.into(),
            status,
            detail: detail.into(),
            fix: fix.map(String::from),
        }
    }

    fn review_text(s: &WizardState) -> String {
        lines_now(s)
            .into_iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn c_on_the_review_checks_this_machine_and_lists_the_results() {
        use crate::preview::probes::ProbeStatus;
        let mut s = state(Some("community-pds"));
        update(&mut s, Action::Resize(100, 40));
        go_to(&mut s, StepKind::Review);
        assert_eq!(update(&mut s, Action::Probe), Effect::StartProbes);
        // A second c while they run starts nothing.
        assert_eq!(update(&mut s, Action::Probe), Effect::None);
        let e = update(
            &mut s,
            Action::ProbeEvent(ProbeEvent::Started {
                index: 1,
                total: 4,
                title: "port 80 is free for the proxy".into(),
            }),
        );
        assert_eq!(e, Effect::None);
        let text = review_text(&s);
        assert!(
            text.contains("[2/4] port 80 is free for the proxy (Esc cancels)"),
            "{text}"
        );
        update(
            &mut s,
            Action::ProbeEvent(ProbeEvent::Done {
                results: vec![
                    probe_result(
                        "port:80",
                        "port 80 is free for the proxy",
                        ProbeStatus::Failed,
                        "port 80 is held by nginx (pid 42)",
                        Some("stop nginx or choose it as the proxy"),
                    ),
                    probe_result(
                        "dns:pds.example.com",
                        "pds.example.com resolves to this machine",
                        ProbeStatus::Unknown,
                        "could not check: no network",
                        Some("check the A record once online"),
                    ),
                    probe_result(
                        "nixos",
                        "this machine runs NixOS",
                        ProbeStatus::Ok,
                        "/etc/NIXOS exists",
                        None,
                    ),
                ],
                cancelled: false,
            }),
        );
        let p = s.probes.as_ref().unwrap();
        assert!(!p.running && !p.cancelled && p.results.len() == 3);
        let text = review_text(&s);
        assert!(
            text.contains("✗ problem: port 80 is free for the proxy: port 80 is held by nginx"),
            "{text}"
        );
        assert!(
            text.contains("what to do: stop nginx or choose it as the proxy"),
            "{text}"
        );
        // The word is said once.
        assert!(
            text.contains("? could not check: pds.example.com resolves")
                && !text.contains("could not check: could not check"),
            "{text}"
        );
        assert!(text.contains("✓ ok: this machine runs NixOS"), "{text}");
        assert!(
            text.contains("1 ok, 1 problem, 1 could not check. c checks again."),
            "{text}"
        );
        assert!(s.message.as_ref().unwrap().text.contains("advisory"));
        // Advisory: the next step is still the Write step, and writing is not refused.
        assert_eq!(update(&mut s, Action::NextStep), Effect::None);
        assert_eq!(s.step, StepKind::Write);
        assert_eq!(update(&mut s, Action::Enter), Effect::Write);
    }

    #[test]
    fn esc_cancels_running_probes() {
        let mut s = state(Some("community-pds"));
        go_to(&mut s, StepKind::Review);
        assert_eq!(update(&mut s, Action::Probe), Effect::StartProbes);
        assert_eq!(update(&mut s, Action::Back), Effect::CancelProbes);
        assert_eq!(s.step, StepKind::Review, "Esc cancels, it does not go back");
        assert!(s.probes.as_ref().unwrap().cancelling);
        assert!(review_text(&s).contains("Cancelling"));
        update(
            &mut s,
            Action::ProbeEvent(ProbeEvent::Done {
                results: vec![],
                cancelled: true,
            }),
        );
        let p = s.probes.as_ref().unwrap();
        assert!(p.cancelled && !p.running && !p.cancelling);
        assert_eq!(s.message.as_ref().unwrap().text, "Checks cancelled.");
        assert!(review_text(&s).contains("Cancelled. c checks again."));
        // Nothing runs now: Esc goes back, CancelProbe does nothing.
        assert_eq!(update(&mut s, Action::CancelProbe), Effect::None);
        update(&mut s, Action::Back);
        assert_ne!(s.step, StepKind::Review);
    }
}
