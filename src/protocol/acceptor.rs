//! The acceptor: the memory of Paxos. Its durable state is two fields; everything it promises
//! is written down before the promise leaves.

use super::cluster::Cluster;
use super::msg::{AcceptorDurable, Msg, Output, Outputs};
use super::types::{Ballot, NodeId, Proposal, Value};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Acceptor {
    /// Survives crashes (in the simulator, restored from the last `PersistAcceptor`).
    pub durable: AcceptorDurable,
    /// Volatile: the value a Decided message announced, if one reached this acceptor.
    pub decided: Option<Value>,
}

impl Acceptor {
    /// An acceptor coming back from a crash with what it had persisted.
    pub fn recover(durable: AcceptorDurable) -> Acceptor {
        Acceptor { durable, decided: None }
    }

    #[inline(always)]
    fn promised(&self) -> Ballot {
        self.durable.promised.unwrap_or(Ballot::ZERO)
    }

    /// Phase 1b. (1) A Prepare at or above the promise is promised; `>=` rather than `>` so that
    /// a duplicated or retransmitted Prepare gets the same answer again (a ballot belongs to one
    /// proposer, so answering it twice promises nothing new). (2) The promise is persisted before
    /// the reply is emitted: a promise that a crash could forget is no promise.
    pub fn on_prepare(&mut self, from: NodeId, ballot: Ballot, cluster: &Cluster, out: &mut impl Outputs) {
        if ballot >= self.promised() {
            if self.durable.promised != Some(ballot) {
                self.durable.promised = Some(ballot);
                out.push(Output::PersistAcceptor(self.durable));
            }
            out.push(Output::Send { to: from, msg: Msg::Promise { ballot, accepted: self.durable.accepted } });
        } else {
            self.reject(from, ballot, cluster, out);
        }
    }

    /// Phase 2b. (3) Accept unless a higher ballot was promised; accepting also raises the
    /// promise, so a later lower Prepare is refused. (4) Persist, then tell the proposer and
    /// every learner (each node once, even when it plays both roles).
    pub fn on_accept(&mut self, from: NodeId, ballot: Ballot, value: Value, cluster: &Cluster, out: &mut impl Outputs) {
        if ballot < self.promised() {
            self.reject(from, ballot, cluster, out);
            return;
        }
        let proposal = Proposal { ballot, value };
        if self.durable.accepted != Some(proposal) || self.durable.promised != Some(ballot) {
            self.durable = AcceptorDurable { promised: Some(ballot), accepted: Some(proposal) };
            out.push(Output::PersistAcceptor(self.durable));
        }
        let msg = Msg::Accepted { ballot, value };
        out.push(Output::Send { to: from, msg });
        for &learner in &cluster.learners {
            if learner != from {
                out.push(Output::Send { to: learner, msg });
            }
        }
    }

    pub fn on_decided(&mut self, value: Value) {
        self.decided = Some(value);
    }

    fn reject(&self, from: NodeId, ballot: Ballot, cluster: &Cluster, out: &mut impl Outputs) {
        if cluster.nack {
            out.push(Output::Send { to: from, msg: Msg::Nack { ballot, promised: self.promised() } });
        }
    }
}
