//! The exhaustive model checker: every interleaving of a small configuration.
//!
//! The simulator samples runs; this explores all of them. From the initial state it tries
//! every enabled step (deliver, drop or duplicate any message in flight, fire any armed timer,
//! crash or recover a node, a client request), within bounds on rounds and faults, through the
//! same `System::apply` the simulator and the page use. The network is a multiset, so every
//! reordering is covered; timers fire whenever armed (abstract time), so every timing is too.
//! States are deduplicated by a canonical fingerprint (`fingerprint`), optionally up to the
//! symmetry of interchangeable nodes. Breadth-first search finds a shortest counterexample;
//! every counterexample is a list of concrete steps that replays in the simulator (`replay`).
//!
//! `explore` is a second, generic explorer for any protocol the simulator runs (Multi-Paxos
//! today): slower, with concrete states, the same steps and the same shortest-counterexample
//! guarantee.
//!
//! Compare Stateright (`src/checker/bfs.rs`, `dfs.rs`, `examples/paxos.rs`), which this follows
//! in spirit: a model with actions and a next state, a visited set of fingerprints, pinned
//! state counts.

pub mod explore;
mod fingerprint;
pub mod goal;
pub mod model;
mod packet;
pub mod replay;
pub mod report;
pub mod search;
pub mod state;
mod visited;

pub use fingerprint::Fingerprinter;
pub use goal::Goal;
pub use model::{Bounds, Model};
pub use report::{Report, Trail, Verdict};
pub use search::{Counts, Ending, Options, Search, Strategy};
pub use state::State;
