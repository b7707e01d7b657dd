//! `status`: how a host the wizard wrote is doing after the switch. The targets and
//! probes come from its plan (pure), a thin runner runs them here or through ssh, and
//! a pure judgement turns what they saw into a report with levels and next steps.
pub mod judge;
pub mod lines;
pub mod observed;
pub mod probes;
pub mod report;
pub mod runner;
pub mod targets;
pub mod time;

pub use judge::{Context, judge};
pub use observed::{Observations, Observed};
pub use report::{Check, Level, Report, Section};
pub use targets::{StatusTargets, targets};
