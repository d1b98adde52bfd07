//! What a search found, as data: counts, a verdict per property, and the runs worth replaying.

use super::search::{Counts, Ending, Search};
use super::state::State;
use crate::sim::{Invariant, Step, Violation};
use serde::{Deserialize, Serialize};

/// A verdict on one property.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Holds in every state explored, and the search was complete.
    Holds,
    /// Broken: the report holds a counterexample.
    Violated,
    /// Not broken in the states explored, but the search stopped early.
    Unknown,
    /// (Reachability) a state where it holds was found: the report holds a witness.
    Reached,
    /// (Reachability) no explored state has it, and the search was complete.
    Unreachable,
}

/// A run found by the checker: its concrete steps, and what went wrong at the last, if anything.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trail {
    pub steps: Vec<Step>,
    pub violations: Vec<Violation>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub ending: Ending,
    pub counts: Counts,
    /// Each invariant the monitor checks, with its verdict.
    pub invariants: Vec<(Invariant, Verdict)>,
    /// "A value can be chosen".
    pub chosen: Verdict,
    /// The goal asked for, if any.
    pub goal: Option<Verdict>,
    pub violation: Option<Trail>,
    pub chosen_witness: Option<Trail>,
    pub goal_witness: Option<Trail>,
    /// A shortest (under BFS) run that ends where nothing more can happen and nothing is chosen.
    pub stuck_example: Option<Trail>,
}

impl Report {
    pub fn of(search: &Search) -> Report {
        let ending = search.ending.unwrap_or(Ending::Cancelled);
        let complete = ending == Ending::Complete;
        let trail = |fp: Option<u64>| fp.map(|fp| search_trail(search, fp));
        let violation = trail(search.found.violation);
        let broken: Vec<Invariant> = violation.iter().flat_map(|t| t.violations.iter().map(|v| v.invariant)).collect();
        let invariants = Invariant::ALL
            .into_iter()
            .map(|i| {
                let v = if broken.contains(&i) {
                    Verdict::Violated
                } else if complete {
                    Verdict::Holds
                } else {
                    Verdict::Unknown
                };
                (i, v)
            })
            .collect();
        let reach = |found: Option<u64>| match (found, complete) {
            (Some(_), _) => Verdict::Reached,
            (None, true) => Verdict::Unreachable,
            (None, false) => Verdict::Unknown,
        };
        Report {
            ending,
            counts: search.counts,
            invariants,
            chosen: reach(search.found.chosen),
            goal: search.options.goal.map(|_| reach(search.found.goal)),
            violation,
            chosen_witness: trail(search.found.chosen),
            goal_witness: trail(search.found.goal),
            stuck_example: trail(search.found.stuck),
        }
    }

    /// Whether the search proved every invariant (complete, nothing broken).
    pub fn safe(&self) -> bool {
        self.ending == Ending::Complete && self.violation.is_none()
    }
}

fn search_trail(search: &Search, fp: u64) -> Trail {
    let steps = search.trail(fp);
    let mut state = State::initial(&search.model);
    for &step in &steps {
        state.apply(&search.model, step);
    }
    Trail { steps, violations: state.system.violations.clone() }
}

/// A step as a person reads it: "n3 delivers Promise 1.0 from n1".
pub fn describe(step: &Step) -> String {
    match *step {
        Step::Propose { node, value } => format!("client asks {node} to propose \"{value}\""),
        Step::Deliver { from, to, msg } => format!("{from} -> {to}: {msg} delivered"),
        Step::Drop { from, to, msg } => format!("{from} -> {to}: {msg} lost"),
        Step::Duplicate { from, to, msg } => format!("{from} -> {to}: {msg} duplicated"),
        Step::Timer { node } => format!("{node}'s retry timer fires"),
        Step::Crash { node } => format!("{node} crashes"),
        Step::Recover { node } => format!("{node} recovers"),
    }
}
