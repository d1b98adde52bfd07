//! Linearizability checking of key-value histories, independent of any protocol.
//!
//! A history is what clients saw: each operation was invoked at some moment and completed at a
//! later one (or never). It is *linearizable* (Herlihy and Wing, 1990) if every operation can be
//! given a single instant between its invocation and completion such that, taken in the order
//! of those instants, the operations are a legal run of the sequential object: here Maelstrom's
//! lin-kv store, `read`, `write` and `cas` on keys, with a version per key. Jepsen's rules
//! decide what an outcome means: `ok` happened, `fail` did not, `info` (a timeout) may have
//! happened at any moment after its invocation, and its completion is at +infinity.
//!
//! How the check works, and why each piece is there:
//!
//! 1. Split by key (`partition`). Keys are independent objects, and linearizability is
//!    compositional (Herlihy and Wing, Theorem 1; Horn and Kroening's P-compositionality):
//!    the history is linearizable if and only if each key's sub-history is. Ten keys of a
//!    thousand operations are ten small searches instead of one enormous one.
//! 2. Search each part (`search`): Wing and Gong's depth-first search for an order, with
//!    Lowe's cache of configurations (set of placed operations, model state) seen before, as
//!    Porcupine (`anishathalye/porcupine`, `checker.go`) and Knossos's `wgl` do.
//! 3. On failure, bisect for the shortest prefix of the key's history (cut just after a
//!    completion) that is already not linearizable: that completion is the point where no order
//!    works. Report the longest partial linearization found there, the state after it, and
//!    each operation that could not be placed next with the reason (`check::Failure`).
//!
//! Nothing here reads a clock, spawns a thread or draws unseeded randomness; hash sets use a
//! fixed hash and nothing iterates a hash map, so the same history always gives the same report,
//! natively and in the browser. `parse` reads the three file formats (`docs/lincheck.md`);
//! `generate` makes seeded random histories for tests and benchmarks.

pub mod check;
pub mod generate;
pub mod history;
pub mod incremental;
pub mod model;
pub mod parse;
pub mod partition;
pub mod report;
pub mod search;

pub use check::{check, Failure, Options, PartReport, Report, Scope, Unplaced, Verdict};
pub use history::{Call, History, KvError, Op, Outcome, Value};
pub use incremental::Incremental;
