//! The safety invariants, checked after every event. The simulator sees every acceptor at once,
//! so it knows when a value is *chosen* (a phase-2 quorum accepted it at one ballot) before any
//! node does; each check compares what nodes did against that omniscient view and returns
//! violations as data.
//!
//! The checks are a table: for each thing the monitor is told (an [`Observation`]), a list of
//! small functions, one per property, each citing the property it encodes (`Invariant::meaning`
//! says where the paper states it). They read what the monitor knew before the observation; the
//! monitor then records it. A second protocol brings its own observations and tables. (The
//! tables are `const`, so each call is direct and inlined into the simulator's step.)

use super::event::Invariant;
use crate::protocol::{AcceptorSet, Ballot, NodeId, Proposal, Value};
use serde::{Deserialize, Serialize};

/// One broken property, with the nodes involved and what happened.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Violation {
    pub invariant: Invariant,
    pub nodes: Vec<NodeId>,
    pub detail: String,
}

/// Acceptances seen for one ballot, across all acceptors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Votes {
    proposal: Proposal,
    acceptors: AcceptorSet,
}

/// What the monitor remembers between events.
#[derive(Debug, Default)]
pub struct Monitor {
    /// Values clients asked for.
    proposed: Vec<Value>,
    votes: Vec<Votes>,
    /// Proposals chosen so far, in the order they were chosen (more than one is a violation).
    pub chosen: Vec<Proposal>,
    /// The highest promise each node ever made as an acceptor (across crashes).
    max_promised: Vec<Ballot>,
    /// The value each node learned, if any.
    learned: Vec<Option<Value>>,
    /// Bumped whenever any of the above changes (no part of the state: the model checker
    /// rehashes the monitor only when it moved).
    revision: u32,
}

/// What the monitor is told while the system carries out a node's outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observation {
    /// An acceptor holds `promised` after a persist or a recovery.
    Promise { node: NodeId, promised: Option<Ballot> },
    /// An acceptor accepted `proposal` (also told, for every acceptor, once a value is chosen).
    Accept { node: NodeId, proposal: Proposal },
    /// A phase-2 quorum accepted `proposal` at one ballot.
    Chosen { proposal: Proposal },
    /// A learner learned `value`.
    Learned { node: NodeId, value: Value },
}

/// One property's check at one kind of observation.
pub type Check = fn(&Monitor, &Observation) -> Option<Violation>;

/// The checks, by observation, in the order their violations are reported. (A promise's
/// checks are about a promise that did not rise: `Monitor::on_promise` runs them only then, as
/// W1 persists a raised promise on most deliveries.)
pub const ON_PROMISE: [Check; 1] = [promise_monotonic];
pub const ON_ACCEPT: [Check; 1] = [accepted_agrees_with_chosen];
pub const ON_CHOSEN: [Check; 2] = [chosen_agrees, chosen_was_proposed];
pub const ON_LEARNED: [Check; 2] = [learned_agrees, learned_was_proposed];

/// Promise monotonicity: an acceptor never lowers its promise, across crashes too (phase 1
/// relies on it: Paxos Made Simple, 2.2, "it promises never again to accept a proposal numbered
/// less than n").
#[inline(always)]
fn promise_monotonic(m: &Monitor, o: &Observation) -> Option<Violation> {
    let Observation::Promise { node, promised } = *o else { return None };
    let before = m.max_promised[node.index()];
    (promised.unwrap_or(Ballot::ZERO) < before).then(|| promise_lowered(node, before, promised))
}

/// Chosen value stable (P2a): once v is chosen at ballot b, every proposal accepted at a
/// ballot >= b has value v.
#[inline]
fn accepted_agrees_with_chosen(m: &Monitor, o: &Observation) -> Option<Violation> {
    let Observation::Accept { node, proposal: a } = *o else { return None };
    let c = m.chosen.iter().find(|c| a.ballot >= c.ballot && a.value != c.value)?;
    Some(unstable(node, a, c))
}

/// Agreement (Paxos Made Simple, 2.1: "only a single value is chosen"): a newly chosen value
/// equals every value chosen before.
fn chosen_agrees(m: &Monitor, o: &Observation) -> Option<Violation> {
    let Observation::Chosen { proposal: p } = *o else { return None };
    let other = m.chosen.iter().find(|c| c.value != p.value)?;
    Some(Violation {
        invariant: Invariant::Agreement,
        nodes: Vec::new(),
        detail: format!(
            "\"{}\" chosen at {} after \"{}\" was chosen at {}",
            p.value, p.ballot, other.value, other.ballot
        ),
    })
}

/// Validity (Paxos Made Simple, 2.1: "only a value that has been proposed may be chosen").
fn chosen_was_proposed(m: &Monitor, o: &Observation) -> Option<Violation> {
    let Observation::Chosen { proposal: p } = *o else { return None };
    (!m.proposed.contains(&p.value)).then(|| Violation {
        invariant: Invariant::Validity,
        nodes: Vec::new(),
        detail: format!("\"{}\" chosen at {} but no client proposed it", p.value, p.ballot),
    })
}

/// Agreement for learners (Paxos Made Simple, 2.1: "a process never learns that a value has
/// been chosen unless it actually has been"): what one learns equals what others learned and
/// every chosen value.
fn learned_agrees(m: &Monitor, o: &Observation) -> Option<Violation> {
    let Observation::Learned { node, value } = *o else { return None };
    if let Some((other, l)) = m.learned.iter().enumerate().find(|(_, l)| l.is_some_and(|l| l != value)) {
        return Some(Violation {
            invariant: Invariant::Agreement,
            nodes: vec![node, NodeId(other as u8)],
            detail: format!("{node} learned \"{value}\" but n{other} learned \"{}\"", l.unwrap_or_default()),
        });
    }
    let c = m.chosen.iter().find(|c| c.value != value)?;
    Some(Violation {
        invariant: Invariant::Agreement,
        nodes: vec![node],
        detail: format!("{node} learned \"{value}\" but \"{}\" was chosen at {}", c.value, c.ballot),
    })
}

/// Validity for learners: only a proposed value is learned.
fn learned_was_proposed(m: &Monitor, o: &Observation) -> Option<Violation> {
    let Observation::Learned { node, value } = *o else { return None };
    (!m.proposed.contains(&value)).then(|| Violation {
        invariant: Invariant::Validity,
        nodes: vec![node],
        detail: format!("{node} learned \"{value}\", which no client proposed"),
    })
}

/// Runs one table of checks.
#[inline(always)]
fn run(m: &Monitor, checks: &[Check], o: Observation, out: &mut Vec<Violation>) {
    for check in checks {
        if let Some(v) = check(m, &o) {
            out.push(v);
        }
    }
}

/// By hand for `clone_from`, which reuses the buffers (see `System`'s).
impl Clone for Monitor {
    fn clone(&self) -> Monitor {
        Monitor {
            proposed: self.proposed.clone(),
            votes: self.votes.clone(),
            chosen: self.chosen.clone(),
            max_promised: self.max_promised.clone(),
            learned: self.learned.clone(),
            revision: self.revision,
        }
    }
    fn clone_from(&mut self, source: &Monitor) {
        self.proposed.clone_from(&source.proposed);
        self.votes.clone_from(&source.votes);
        self.chosen.clone_from(&source.chosen);
        self.max_promised.clone_from(&source.max_promised);
        self.learned.clone_from(&source.learned);
        self.revision = source.revision;
    }
}

impl Monitor {
    pub fn new(nodes: usize) -> Monitor {
        Monitor { max_promised: vec![Ballot::ZERO; nodes], learned: vec![None; nodes], ..Monitor::default() }
    }

    /// Back to `Monitor::new(nodes)`, keeping the allocations (a benchmark resets millions of
    /// worlds).
    pub fn reset(&mut self, nodes: usize) {
        self.proposed.clear();
        self.votes.clear();
        self.chosen.clear();
        self.max_promised.clear();
        self.max_promised.resize(nodes, Ballot::ZERO);
        self.learned.clear();
        self.learned.resize(nodes, None);
        self.revision = self.revision.wrapping_add(1);
    }

    /// `clone_from`, or only the revision when the caller knows the two remember the same (the
    /// model checker, whose hashes of both are equal).
    pub fn copy_from(&mut self, source: &Monitor, same: bool) {
        if same {
            self.revision = source.revision;
        } else {
            self.clone_from(source);
        }
    }

    /// Changes whenever what the monitor remembers changes.
    pub fn revision(&self) -> u32 {
        self.revision
    }

    pub fn on_proposed(&mut self, value: Value) {
        if !self.proposed.contains(&value) {
            self.proposed.push(value);
            self.revision = self.revision.wrapping_add(1);
        }
    }

    /// An acceptor holds `promised` after a persist or a recovery.
    /// (Inlined: the simulator calls it on every persisted promise; the violation is cold.)
    #[inline(always)]
    pub fn on_promise(&mut self, node: NodeId, promised: Option<Ballot>, out: &mut Vec<Violation>) {
        let max = &mut self.max_promised[node.index()];
        if promised.unwrap_or(Ballot::ZERO) > *max {
            // A raised promise breaks none of `ON_PROMISE`: it becomes the highest ever made.
            *max = promised.unwrap_or(Ballot::ZERO);
            self.revision = self.revision.wrapping_add(1);
        } else {
            run(self, &ON_PROMISE, Observation::Promise { node, promised }, out);
        }
    }

    /// An acceptor (at `position` among the acceptors) accepted `p`. Returns the proposal if
    /// this acceptance completed a phase-2 quorum, making it chosen. (Inlined into the
    /// simulator's step, like the checks it makes.)
    #[inline(always)]
    pub fn on_accept(
        &mut self,
        node: NodeId,
        position: u8,
        p: Proposal,
        quorum: u8,
        out: &mut Vec<Violation>,
    ) -> Option<Proposal> {
        self.check_stable(node, p, out);
        let index = match self.votes.iter().position(|v| v.proposal.ballot == p.ballot) {
            Some(i) => i,
            None => {
                self.votes.push(Votes { proposal: p, acceptors: AcceptorSet::default() });
                self.votes.len() - 1
            }
        };
        let votes = &mut self.votes[index];
        let was_chosen = votes.acceptors.len() >= quorum as u32;
        if !votes.acceptors.contains(position) {
            votes.acceptors.insert(position);
            self.revision = self.revision.wrapping_add(1);
        }
        if was_chosen || votes.acceptors.len() < quorum as u32 {
            return None;
        }
        self.on_chosen(p, out);
        Some(p)
    }

    /// A value became chosen: agreement with what was chosen before, and validity.
    fn on_chosen(&mut self, proposal: Proposal, out: &mut Vec<Violation>) {
        run(self, &ON_CHOSEN, Observation::Chosen { proposal }, out);
        self.chosen.push(proposal);
        self.revision = self.revision.wrapping_add(1);
    }

    /// Called for every acceptor's accepted proposal right after a value became chosen, and
    /// for every new acceptance.
    /// (Inlined: nothing is chosen yet for most acceptances, and then it is one comparison.)
    #[inline]
    pub fn check_stable(&self, node: NodeId, accepted: Proposal, out: &mut Vec<Violation>) {
        run(self, &ON_ACCEPT, Observation::Accept { node, proposal: accepted }, out);
    }

    /// A learner learned `value`: agreement with every chosen value and every other learner,
    /// and validity.
    pub fn on_learned(&mut self, node: NodeId, value: Value, out: &mut Vec<Violation>) {
        run(self, &ON_LEARNED, Observation::Learned { node, value }, out);
        if self.learned[node.index()] != Some(value) {
            self.learned[node.index()] = Some(value);
            self.revision = self.revision.wrapping_add(1);
        }
    }

    /// The values clients asked for, in the order first asked.
    pub fn proposed(&self) -> &[Value] {
        &self.proposed
    }

    /// Each ballot's proposal and the acceptors that accepted it.
    pub fn votes(&self) -> impl Iterator<Item = (Proposal, AcceptorSet)> + '_ {
        self.votes.iter().map(|v| (v.proposal, v.acceptors))
    }

    /// The highest promise `node` ever made as an acceptor.
    pub fn max_promised(&self, node: NodeId) -> Ballot {
        self.max_promised.get(node.index()).copied().unwrap_or(Ballot::ZERO)
    }

    /// The value `node`'s learner learned, if any.
    pub fn learned(&self, node: NodeId) -> Option<Value> {
        self.learned.get(node.index()).copied().flatten()
    }

    pub fn chosen_value(&self) -> Option<Value> {
        self.chosen.first().map(|p| p.value)
    }
}

#[cold]
fn promise_lowered(node: NodeId, before: Ballot, promised: Option<Ballot>) -> Violation {
    Violation {
        invariant: Invariant::PromiseMonotonic,
        nodes: vec![node],
        detail: format!("{node} had promised {before} and now holds {}", show(promised)),
    }
}

#[cold]
fn unstable(node: NodeId, accepted: Proposal, c: &Proposal) -> Violation {
    Violation {
        invariant: Invariant::ChosenStable,
        nodes: vec![node],
        detail: format!(
            "{node} accepted \"{}\" at {} although \"{}\" was chosen at {}",
            accepted.value, accepted.ballot, c.value, c.ballot
        ),
    }
}

fn show(b: Option<Ballot>) -> String {
    b.map_or_else(|| "no promise".to_string(), |b| b.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Promise monotonicity as the monitor keeps it: a raised promise becomes the highest,
    /// the same one again changes nothing, and a lowered one (or none at all after a promise)
    /// is reported and leaves the highest where it was.
    #[test]
    fn a_promise_is_recorded_when_it_rises_and_reported_when_it_falls() {
        let (n0, n1) = (NodeId(0), NodeId(1));
        let (low, high) = (Ballot::new(1, n0), Ballot::new(2, n1));
        let mut m = Monitor::new(2);
        let mut out = Vec::new();
        let start = m.revision();
        m.on_promise(n1, Some(low), &mut out);
        m.on_promise(n1, Some(high), &mut out);
        assert!(out.is_empty());
        assert_eq!(m.max_promised, vec![Ballot::ZERO, high]);
        assert_eq!(m.revision(), start.wrapping_add(2));
        m.on_promise(n1, Some(high), &mut out);
        assert!(out.is_empty(), "the same promise again");
        m.on_promise(n1, Some(low), &mut out);
        m.on_promise(n1, None, &mut out);
        let reported: Vec<_> = out.iter().map(|v| (v.invariant, v.nodes.clone())).collect();
        assert_eq!(reported, vec![(Invariant::PromiseMonotonic, vec![n1]); 2]);
        assert_eq!(m.max_promised, vec![Ballot::ZERO, high], "a lowered promise leaves the highest");
        assert_eq!(m.revision(), start.wrapping_add(2));
        m.on_promise(n0, None, &mut out);
        assert_eq!(out.len(), 2, "no promise yet is no promise lowered");
    }
}
