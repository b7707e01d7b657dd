//! The fleet view: every host of a fleet with its services and its state (done,
//! warnings, errors, as `fleet check` finds them), the one selected, and what the
//! operator chose (open a host in the usual steps, apply the fleet, quit). Pure: the
//! full screen and the line mode show [`FleetView::rows`] and ask it what a key means.
use super::state::StepStatus;
use crate::catalog::Catalog;
use crate::fleet::seat::Seat;
use crate::fleet::{FleetFile, FleetReport, HostTree};
use crate::plan::PlanView;

/// One host of the fleet, as the view lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRow {
    pub name: String,
    /// Where the engine reaches it (`root@203.0.113.10`).
    pub target: String,
    /// The services it runs, by catalog id.
    pub services: Vec<String>,
    pub status: StepStatus,
}

/// What the operator asked of the fleet view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetChoice {
    /// Open this host (index into the rows) in the usual steps.
    Open(usize),
    /// Write every host's files as one flake (`fleet apply`).
    Apply,
    Quit,
}

/// A key at the fleet view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetKey {
    Up,
    Down,
    Enter,
    Apply,
    Quit,
}

/// The fleet as the view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetView {
    pub name: String,
    pub engine: &'static str,
    pub rows: Vec<HostRow>,
    /// Problems of the fleet file itself (a host listed twice).
    pub problems: Vec<String>,
    pub selected: usize,
    /// What the last host opened came to (saved, nothing changed).
    pub message: Option<String>,
}

impl FleetView {
    /// The view of `fleet` as `report` (its `fleet check`) finds it; `hosts` in the
    /// fleet's order.
    pub fn new(
        catalog: &Catalog,
        fleet: &FleetFile,
        report: &FleetReport,
        hosts: &[HostTree],
    ) -> FleetView {
        let rows = fleet
            .hosts
            .iter()
            .map(|h| {
                let services = hosts
                    .iter()
                    .find(|(n, _)| *n == h.name)
                    .map(|(_, tree)| {
                        PlanView::new(catalog, tree)
                            .enabled_services()
                            .map(|s| s.id.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                let found = report.hosts.iter().filter(|d| d.host == h.name);
                let (errors, warnings) = found.fold((0, 0), |(e, w), d| {
                    if d.diagnostic.is_error() {
                        (e + 1, w)
                    } else {
                        (e, w + 1)
                    }
                });
                let status = match (errors, warnings) {
                    (0, 0) => StepStatus::Done,
                    (0, w) => StepStatus::Warnings(w),
                    (e, _) => StepStatus::Errors(e),
                };
                HostRow {
                    name: h.name.clone(),
                    target: h.target.clone(),
                    services,
                    status,
                }
            })
            .collect();
        FleetView {
            name: fleet.name.clone(),
            engine: match fleet.engine {
                crate::fleet::Engine::Colmena => "colmena",
                crate::fleet::Engine::DeployRs => "deploy-rs",
            },
            rows,
            problems: report.fleet.clone(),
            selected: 0,
            message: None,
        }
    }

    /// What `key` means here; moving the selection is done at once.
    pub fn key(&mut self, key: FleetKey) -> Option<FleetChoice> {
        let n = self.rows.len();
        match key {
            FleetKey::Up => self.selected = self.selected.saturating_sub(1),
            FleetKey::Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            FleetKey::Enter if n > 0 => return Some(FleetChoice::Open(self.selected)),
            FleetKey::Enter => {}
            FleetKey::Apply => return Some(FleetChoice::Apply),
            FleetKey::Quit => return Some(FleetChoice::Quit),
        }
        None
    }

    /// Whether `fleet apply` can write: no host and no fleet problem has an error.
    pub fn can_apply(&self) -> bool {
        self.problems.is_empty()
            && !self
                .rows
                .iter()
                .any(|r| matches!(r.status, StepStatus::Errors(_)))
    }

    /// A host's line: its name, target, state and services.
    pub fn row_text(row: &HostRow) -> String {
        let status = match row.status {
            StepStatus::Warnings(n) | StepStatus::Errors(n) => {
                format!("{} {n}", row.status.word())
            }
            s => s.word().to_string(),
        };
        let services = if row.services.is_empty() {
            "no services".to_string()
        } else {
            row.services.join(", ")
        };
        format!(
            "{:<12} {:<22} {:<10} {services}",
            row.name, row.target, status
        )
    }
}

/// The seat of host `name` in the fleet: what its draft is checked against.
pub fn seat(fleet: &FleetFile, hosts: &[HostTree], name: &str) -> Seat {
    Seat {
        fleet: fleet.clone(),
        host: name.to_string(),
        hosts: hosts.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;
    fn example() -> (FleetFile, Vec<HostTree>) {
        let (fleet, _, hosts) = crate::fleet::example_trees();
        (fleet, hosts)
    }

    #[test]
    fn the_view_lists_each_host_with_its_services_and_state() {
        let c = Catalog::embedded();
        let (fleet, mut hosts) = example();
        let report = crate::fleet::check(c, &fleet, &hosts);
        let view = FleetView::new(c, &fleet, &report, &hosts);
        let names: Vec<&str> = view.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["pds1", "relay1", "microcosm1"]);
        assert!(view.rows[0].services.contains(&"bluesky-pds".to_string()));
        assert!(
            view.rows[1].services.contains(&"jetstream".to_string()),
            "{:?}",
            view.rows[1]
        );
        assert!(
            view.rows
                .iter()
                .all(|r| !matches!(r.status, StepStatus::Errors(_)))
        );
        assert!(view.can_apply());
        assert!(FleetView::row_text(&view.rows[0]).contains("root@203.0.113.10"));

        // A dangling reference on the indexers' host shows there as an error.
        crate::fleet::refs::set(
            &mut hosts[2].1,
            "services.constellation.settings.jetstream",
            Value::Str("@relay9/jetstream".into()),
        );
        let report = crate::fleet::check(c, &fleet, &hosts);
        let view = FleetView::new(c, &fleet, &report, &hosts);
        assert_eq!(view.rows[2].status, StepStatus::Errors(1));
        assert!(!matches!(view.rows[0].status, StepStatus::Errors(_)));
        assert!(!view.can_apply());
        assert!(FleetView::row_text(&view.rows[2]).contains("error 1"));
    }

    #[test]
    fn keys_move_the_selection_and_choose() {
        let c = Catalog::embedded();
        let (fleet, hosts) = example();
        let report = crate::fleet::check(c, &fleet, &hosts);
        let mut view = FleetView::new(c, &fleet, &report, &hosts);
        assert_eq!(view.key(FleetKey::Up), None);
        assert_eq!(view.selected, 0);
        view.key(FleetKey::Down);
        view.key(FleetKey::Down);
        view.key(FleetKey::Down);
        assert_eq!(view.selected, 2, "stops at the last host");
        assert_eq!(view.key(FleetKey::Enter), Some(FleetChoice::Open(2)));
        assert_eq!(view.key(FleetKey::Apply), Some(FleetChoice::Apply));
        assert_eq!(view.key(FleetKey::Quit), Some(FleetChoice::Quit));
    }
}
