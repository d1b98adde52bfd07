//! The safety invariants, checked after every event. The simulator sees every acceptor at once,
//! so it knows when a value is *chosen* (a phase-2 quorum accepted it at one ballot) before any
//! node does; each check compares what nodes did against that omniscient view and returns
//! violations as data. Each function encodes one property (see `Invariant::meaning`).

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
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
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
    }

    pub fn on_proposed(&mut self, value: Value) {
        if !self.proposed.contains(&value) {
            self.proposed.push(value);
        }
    }

    /// Promise monotonicity: called with every promise an acceptor holds after a persist or a
    /// recovery.
    /// (Inlined: the simulator calls it on every persisted promise; the violation is cold.)
    #[inline]
    pub fn on_promise(&mut self, node: NodeId, promised: Option<Ballot>, out: &mut Vec<Violation>) {
        let now = promised.unwrap_or(Ballot::ZERO);
        let before = &mut self.max_promised[node.index()];
        if now < *before {
            out.push(promise_lowered(node, *before, promised));
        } else {
            *before = now;
        }
    }

    /// An acceptor (at `position` among the acceptors) accepted `p`. Returns the proposal if
    /// this acceptance completed a phase-2 quorum, making it chosen. (Inlined into the
    /// simulator's step, like the checks it makes.)
    #[inline]
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
        votes.acceptors.insert(position);
        if was_chosen || votes.acceptors.len() < quorum as u32 {
            return None;
        }
        self.on_chosen(p, out);
        Some(p)
    }

    /// A value became chosen: agreement with what was chosen and learned before, and validity.
    fn on_chosen(&mut self, p: Proposal, out: &mut Vec<Violation>) {
        if let Some(other) = self.chosen.iter().find(|c| c.value != p.value) {
            out.push(Violation {
                invariant: Invariant::Agreement,
                nodes: Vec::new(),
                detail: format!(
                    "\"{}\" chosen at {} after \"{}\" was chosen at {}",
                    p.value, p.ballot, other.value, other.ballot
                ),
            });
        }
        if !self.proposed.contains(&p.value) {
            out.push(Violation {
                invariant: Invariant::Validity,
                nodes: Vec::new(),
                detail: format!("\"{}\" chosen at {} but no client proposed it", p.value, p.ballot),
            });
        }
        self.chosen.push(p);
    }

    /// Called for every acceptor's accepted proposal right after a value became chosen, and
    /// for every new acceptance: the chosen-value-stable property (P2a).
    /// (Inlined: nothing is chosen yet for most acceptances, and then it is one comparison.)
    #[inline]
    pub fn check_stable(&self, node: NodeId, accepted: Proposal, out: &mut Vec<Violation>) {
        if let Some(c) = self.chosen.iter().find(|c| accepted.ballot >= c.ballot && accepted.value != c.value) {
            out.push(unstable(node, accepted, c));
        }
    }

    /// A learner learned `value`: agreement with every chosen value and every other learner.
    pub fn on_learned(&mut self, node: NodeId, value: Value, out: &mut Vec<Violation>) {
        let other_learner = self.learned.iter().enumerate().find(|(_, l)| l.is_some_and(|l| l != value));
        let other_chosen = self.chosen.iter().find(|c| c.value != value);
        if let Some((other, l)) = other_learner {
            out.push(Violation {
                invariant: Invariant::Agreement,
                nodes: vec![node, NodeId(other as u8)],
                detail: format!("{node} learned \"{value}\" but n{other} learned \"{}\"", l.unwrap_or_default()),
            });
        } else if let Some(c) = other_chosen {
            out.push(Violation {
                invariant: Invariant::Agreement,
                nodes: vec![node],
                detail: format!("{node} learned \"{value}\" but \"{}\" was chosen at {}", c.value, c.ballot),
            });
        }
        if !self.proposed.contains(&value) {
            out.push(Violation {
                invariant: Invariant::Validity,
                nodes: vec![node],
                detail: format!("{node} learned \"{value}\", which no client proposed"),
            });
        }
        self.learned[node.index()] = Some(value);
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
