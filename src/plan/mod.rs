//! The operator's host plan: the answers file, read, versioned and viewed with defaults.
pub mod conditions;
pub mod edit;
pub mod line_index;
pub mod load;
pub mod ports;
pub mod public;
pub mod renames;
pub mod samples;
pub mod schema;
pub mod upgrade;
pub mod view;

pub use load::{Answers, LoadError, Location};
pub use view::PlanView;
