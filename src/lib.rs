//! Paxos Playground: single-decree Paxos as a sans-IO state machine (`protocol`), the system
//! that applies one step at a time and the deterministic timed world that drives it under
//! faults (`sim`), the exhaustive model checker over the same steps (`check`), the data that
//! reproduces a run (`scenario`), random-fault sweeps (`sweep`) and, in the browser, the
//! playground page.
//!
//! Dependencies run one way: `ui -> view -> {check, sweep, scenario} -> sim -> protocol`;
//! nothing below `ui` touches the browser, so all of it is tested natively.

pub mod check;
pub mod decimal;
pub mod lincheck;
pub mod protocol;
pub mod scenario;
pub mod sim;
pub mod sweep;
pub mod tools;
pub mod view;
pub mod workload;

#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod ui;
