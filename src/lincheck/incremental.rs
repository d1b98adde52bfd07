//! Checking a history while it grows: the page shows a live verdict as the clients of a running
//! simulation invoke and complete operations, and must not check the whole history again at
//! every step.
//!
//! Why by key: linearizability is compositional (P-compositionality, see `check`), so a key's
//! verdict depends only on that key's operations. `Incremental` keeps each key's operations and
//! its last report, and `check` searches again only the keys that gained or changed an
//! operation since; the others keep their report. An operation still open counts as one that
//! timed out (it may or may not have happened, any time after its invocation), which is why a
//! red verdict stays red: completing an open operation only adds constraints, and a later
//! operation cannot make an earlier impossibility possible (`tests/native/multi.rs` checks this on
//! simulated runs).

use super::check::{check, verdict_of, Options, PartReport, Report};
use super::history::{History, Op, Outcome, Value};
use std::collections::BTreeMap;

/// One key's operations (indices into the whole history) and its last report.
#[derive(Clone, Debug, Default)]
struct KeyState {
    ops: Vec<usize>,
    report: Option<PartReport>,
    dirty: bool,
}

/// A history checked as it grows (see the module comment).
#[derive(Clone, Debug, Default)]
pub struct Incremental {
    ops: Vec<Op>,
    keys: BTreeMap<Option<Value>, KeyState>,
    options: Options,
    /// Keys searched again by the last `check`, for tests and for a status line.
    pub rechecked: usize,
}

impl Incremental {
    pub fn new(options: Options) -> Incremental {
        Incremental { options: Options { by_key: true, ..options }, ..Incremental::default() }
    }

    /// Adds an operation as it is invoked (its outcome `Info` until it completes); returns its
    /// index.
    pub fn invoke(&mut self, op: Op) -> usize {
        let i = self.ops.len();
        let key = self.keys.entry(op.key.clone()).or_default();
        key.ops.push(i);
        key.dirty = true;
        self.ops.push(op);
        i
    }

    /// Operation `i` completed at `position` with `outcome`.
    pub fn complete(&mut self, i: usize, outcome: Outcome, position: u64) {
        let Some(op) = self.ops.get_mut(i) else { return };
        op.outcome = outcome;
        op.complete = Some(position);
        if let Some(key) = self.keys.get_mut(&op.key) {
            key.dirty = true;
        }
    }

    /// The history so far.
    pub fn history(&self) -> History {
        History::new(self.ops.clone())
    }

    /// Checks the keys that changed since the last call; the verdict of the whole history so
    /// far. The report's operation indices are the whole history's.
    pub fn check(&mut self) -> Report {
        self.rechecked = 0;
        let mut steps = 0;
        for key in self.keys.values_mut().filter(|k| k.dirty) {
            let sub = History::new(key.ops.iter().map(|&i| self.ops[i].clone()).collect());
            let report = check(&sub, &self.options);
            steps += report.steps;
            key.report = report.parts.into_iter().next().map(|p| to_global(p, &key.ops));
            key.dirty = false;
            self.rechecked += 1;
        }
        let parts: Vec<PartReport> = self.keys.values().filter_map(|k| k.report.clone()).collect();
        Report { verdict: verdict_of(&parts), parts, steps }
    }
}

/// A key's report with its operation indices moved from the key's own history to the whole's.
fn to_global(mut part: PartReport, ops: &[usize]) -> PartReport {
    let map = |i: usize| ops.get(i).copied().unwrap_or(i);
    part.witness = part.witness.into_iter().map(map).collect();
    if let Some(f) = &mut part.failure {
        f.blocked = f.blocked.map(map);
        f.prefix = f.prefix.iter().map(|&i| map(i)).collect();
        for u in &mut f.unplaced {
            u.op = map(u.op);
        }
    }
    part
}
