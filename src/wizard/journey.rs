//! The journey both interactive front ends walk, worked out once: the steps in order
//! (`questions::steps`), which step a path of the answers belongs to, a step's
//! neighbours and its title. The full screen and the line mode ask these questions the
//! same way, so a diagnostic is filed under the same step and "back" goes to the same
//! place in both.
use super::questions::{self, Step, StepKind};
use crate::catalog::Catalog;
use crate::plan::PlanView;

/// The step a path of the answers belongs to: `host.*` to Host, `integrations.<s>.*`
/// to that integration, `services.<id>.enable` and anything of a service that is not
/// enabled to Services, the rest of `services.<id>.*` to that service's settings;
/// anything else (`schema`, unknown top-level keys) to Start.
pub fn step_of_path(catalog: &Catalog, view: &PlanView, path: &str) -> StepKind {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["host", ..] => StepKind::Host,
        ["integrations", section, ..] if catalog.plan.integrations.contains_key(*section) => {
            StepKind::Integration(section.to_string())
        }
        ["services", _, "enable"] | ["services", _] => StepKind::Services,
        ["services", id, ..] if view.is_enabled(id) => StepKind::Settings(id.to_string()),
        ["services", ..] => StepKind::Services,
        _ => StepKind::Start,
    }
}

/// The steps the line mode walks: the full screen's, with Write and Done folded into
/// Review (it asks and writes there), and without Start when editing a host.
pub fn line_mode_steps(catalog: &Catalog, view: &PlanView, edit: bool) -> Vec<Step> {
    questions::steps(catalog, view)
        .into_iter()
        .filter(|s| !matches!(s.kind, StepKind::Write | StepKind::Done))
        .filter(|s| !(edit && s.kind == StepKind::Start))
        .collect()
}

/// The step `delta` places from `from` in `steps` (-1 the previous, 1 the next), or
/// `None` past either end. A step no longer in the list (the settings of a service
/// just turned off) counts from Services, where it was chosen.
pub fn neighbour(steps: &[Step], from: &StepKind, delta: isize) -> Option<StepKind> {
    let at = steps
        .iter()
        .position(|s| s.kind == *from)
        .or_else(|| steps.iter().position(|s| s.kind == StepKind::Services))?;
    let to = at.checked_add_signed(delta)?;
    steps.get(to).map(|s| s.kind.clone())
}

/// A step's title as the step list shows it; Start's for a step not in the list.
pub fn title(steps: &[Step], kind: &StepKind) -> String {
    steps
        .iter()
        .find(|s| s.kind == *kind)
        .map_or_else(|| "Start".to_string(), |s| s.title.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Answers;

    fn answers() -> Answers {
        Answers::parse(
            "t.toml",
            "schema = 1\n[services.bluesky-pds]\nenable = true\n[services.ufos]\nenable = false\n",
        )
        .unwrap()
    }

    #[test]
    fn every_kind_of_path_has_its_step() {
        let c = Catalog::embedded();
        let a = answers();
        let view = PlanView::new(c, &a.tree);
        let of = |p: &str| step_of_path(c, &view, p);
        assert_eq!(of("host.domain"), StepKind::Host);
        assert_eq!(
            of("integrations.proxy.kind"),
            StepKind::Integration("proxy".into())
        );
        // An integration the catalog does not know is an unknown key: Start.
        assert_eq!(of("integrations.nope.x"), StepKind::Start);
        assert_eq!(of("services.bluesky-pds.enable"), StepKind::Services);
        assert_eq!(of("services.bluesky-pds"), StepKind::Services);
        assert_eq!(
            of("services.bluesky-pds.settings.hostname"),
            StepKind::Settings("bluesky-pds".into())
        );
        // A disabled service's settings are changed by turning it on, at Services.
        assert_eq!(of("services.ufos.settings.jetstream"), StepKind::Services);
        assert_eq!(of("schema"), StepKind::Start);
    }

    #[test]
    fn neighbours_stop_at_the_ends_and_a_lost_step_counts_from_services() {
        let c = Catalog::embedded();
        let a = answers();
        let view = PlanView::new(c, &a.tree);
        let steps = line_mode_steps(c, &view, false);
        assert_eq!(steps.first().map(|s| &s.kind), Some(&StepKind::Start));
        assert_eq!(steps.last().map(|s| &s.kind), Some(&StepKind::Review));
        assert_eq!(neighbour(&steps, &StepKind::Start, -1), None);
        assert_eq!(neighbour(&steps, &StepKind::Review, 1), None);
        assert_eq!(neighbour(&steps, &StepKind::Start, 1), Some(StepKind::Host));
        assert_eq!(
            neighbour(&steps, &StepKind::Services, 1),
            Some(StepKind::Settings("bluesky-pds".into()))
        );
        let gone = StepKind::Settings("ufos".into());
        assert_eq!(neighbour(&steps, &gone, -1), Some(StepKind::Host));
        assert_eq!(title(&steps, &StepKind::Services), "Services");
        assert_eq!(title(&steps, &gone), "Start");
        let editing = line_mode_steps(c, &view, true);
        assert_eq!(editing.first().map(|s| &s.kind), Some(&StepKind::Host));
    }
}
