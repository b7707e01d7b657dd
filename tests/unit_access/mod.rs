//! The unit access check (tests/unit_access.rs): the host description's model, the
//! shell reader, the simulated file system, unit order and sandbox, the simulation, the
//! verdict, and the real generator run.
pub mod check;
pub mod fsim;
pub mod generator;
pub mod model;
pub mod order;
pub mod sandbox;
pub mod shell;
pub mod simulate;
