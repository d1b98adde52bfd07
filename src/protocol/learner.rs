//! The learner: counts Accepted messages per ballot and learns a value once a phase-2 quorum of
//! acceptors accepted the same ballot, or when a proposer announces it with Decided.

use super::cluster::Cluster;
use super::msg::{Output, Outputs};
use super::quorum;
use super::types::{AcceptorSet, Ballot, NodeId, Value};
use serde::{Deserialize, Serialize};

/// The acceptors heard from for one ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tally {
    pub ballot: Ballot,
    pub value: Value,
    pub acceptors: AcceptorSet,
}

/// A learner keeps nothing durable: after a crash it learns again from Accepted or Decided.
#[derive(Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Learner {
    pub learned: Option<Value>,
    pub tallies: Vec<Tally>,
}

/// By hand for `clone_from`, which reuses the tally buffer: the model checker copies a state
/// into a scratch one for every successor it tries.
impl Clone for Learner {
    fn clone(&self) -> Learner {
        Learner { learned: self.learned, tallies: self.tallies.clone() }
    }
    fn clone_from(&mut self, source: &Learner) {
        self.learned = source.learned;
        self.tallies.clone_from(&source.tallies);
    }
}

impl Learner {
    /// Why per ballot: a value is chosen when one ballot's proposal is accepted by a quorum.
    /// Acceptances of the same value at different ballots do not add up.
    pub fn on_accepted(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        value: Value,
        cluster: &Cluster,
        out: &mut impl Outputs,
    ) {
        if self.learned.is_some() {
            return;
        }
        let Some(position) = cluster.position(from) else { return };
        let index = match self.tallies.iter().position(|t| t.ballot == ballot) {
            Some(i) => i,
            None => {
                self.tallies.push(Tally { ballot, value, acceptors: AcceptorSet::default() });
                self.tallies.len() - 1
            }
        };
        let tally = &mut self.tallies[index];
        tally.acceptors.insert(position);
        if quorum::reached(tally.acceptors.len(), cluster.quorums.phase2) {
            let value = tally.value;
            self.learn(value, out);
        }
    }

    pub fn on_decided(&mut self, value: Value, out: &mut impl Outputs) {
        if self.learned.is_none() {
            self.learn(value, out);
        }
    }

    fn learn(&mut self, value: Value, out: &mut impl Outputs) {
        self.learned = Some(value);
        self.tallies.clear();
        out.push(Output::Learned { value });
    }
}
