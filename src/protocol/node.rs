//! A node hosts any subset of the three roles and routes each input to the roles it concerns.

use super::acceptor::Acceptor;
use super::cluster::Cluster;
use super::interface::{Emit, Protocol};
use super::learner::Learner;
use super::msg::{AcceptorDurable, Input, Msg, Output, Outputs, ProposerDurable};
use super::proposer::Proposer;
use super::types::NodeId;
use serde::{Deserialize, Serialize};

/// What a node has written to stable storage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Durable {
    pub acceptor: AcceptorDurable,
    pub proposer: ProposerDurable,
}

impl Durable {
    /// Carries out a persist output; other outputs leave storage alone.
    pub fn apply(&mut self, output: &Output) {
        match *output {
            Output::PersistAcceptor(a) => self.acceptor = a,
            Output::PersistProposer(p) => self.proposer = p,
            _ => {}
        }
    }
}

#[derive(Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Node {
    pub id: NodeId,
    pub proposer: Option<Proposer>,
    pub acceptor: Option<Acceptor>,
    pub learner: Option<Learner>,
}

/// By hand for `clone_from`, which reuses the learner's buffer (see `Learner`'s).
impl Clone for Node {
    fn clone(&self) -> Node {
        Node { id: self.id, proposer: self.proposer, acceptor: self.acceptor, learner: self.learner.clone() }
    }
    fn clone_from(&mut self, source: &Node) {
        self.id = source.id;
        self.proposer = source.proposer;
        self.acceptor = source.acceptor;
        self.learner.clone_from(&source.learner);
    }
}

impl Node {
    /// A node starting for the first time, with empty storage.
    pub fn new(id: NodeId, cluster: &Cluster) -> Node {
        Node::recover(id, cluster, &Durable::default())
    }

    /// A node restarting after a crash: volatile state is gone, durable state is read back.
    pub fn recover(id: NodeId, cluster: &Cluster, storage: &Durable) -> Node {
        // BROKEN variant: a forgetful acceptor comes back as if it had never promised anything.
        let acceptor_state =
            if cluster.broken.forgetful_acceptors { AcceptorDurable::default() } else { storage.acceptor };
        Node::restore(id, cluster, &Durable { acceptor: acceptor_state, ..*storage })
    }

    /// A node holding exactly what `storage` says and nothing volatile: what is left of a node
    /// while it is down.
    pub fn restore(id: NodeId, cluster: &Cluster, storage: &Durable) -> Node {
        let roles = cluster.roles[id.index()];
        let acceptor_state = storage.acceptor;
        Node {
            id,
            proposer: roles.proposer.then(|| Proposer::recover(id, storage.proposer)),
            acceptor: roles.acceptor.then(|| Acceptor::recover(acceptor_state)),
            learner: roles.learner.then(Learner::default),
        }
    }

    /// `*self = new`, keeping the learner's tally buffer for reuse. A crash and a recovery
    /// replace the node, and the model checker does both in its scratch states millions of
    /// times: freeing the buffer there meant allocating it again at the next copy into the
    /// scratch state (in the browser, half of a search's time).
    pub fn replace_keeping_buffers(&mut self, new: Node) {
        let buffer = self.learner.as_mut().map(|l| std::mem::take(&mut l.tallies));
        *self = new;
        if let (Some(mut tallies), Some(l)) = (buffer, self.learner.as_mut()) {
            tallies.clear();
            tallies.extend_from_slice(&l.tallies);
            l.tallies = tallies;
        }
    }

    /// `self.replace_keeping_buffers(Node::recover(id, cluster, storage))`, written field by
    /// field in place: the simulator resets every node of a world this way before each run, and
    /// W1 starts a million short worlds a second (building the node apart and copying it in cost
    /// half of each reset).
    #[cfg(not(target_arch = "wasm32"))]
    #[inline]
    pub fn recover_in_place(&mut self, id: NodeId, cluster: &Cluster, storage: &Durable) {
        // BROKEN variant: a forgetful acceptor comes back as if it had never promised anything.
        let acceptor_state =
            if cluster.broken.forgetful_acceptors { AcceptorDurable::default() } else { storage.acceptor };
        let roles = cluster.roles[id.index()];
        self.id = id;
        self.proposer = roles.proposer.then(|| Proposer::recover(id, storage.proposer));
        self.acceptor = roles.acceptor.then(|| Acceptor::recover(acceptor_state));
        match &mut self.learner {
            Some(l) if roles.learner => {
                l.learned = None;
                l.tallies.clear();
            }
            learner => *learner = roles.learner.then(Learner::default),
        }
    }

    /// Feeds one input to the roles it concerns; effects are appended to `out`, in order.
    /// (Inlined into the simulator's step: a message passes through here millions of times a
    /// second in the benchmark.)
    #[inline(always)]
    pub fn handle(&mut self, input: Input, cluster: &Cluster, out: &mut impl Outputs) {
        match input {
            Input::Propose(value) => {
                if let Some(p) = &mut self.proposer {
                    p.on_propose(value, cluster, out);
                }
            }
            Input::Timer(_) => {
                if let Some(p) = &mut self.proposer {
                    p.on_timer(cluster, out);
                }
            }
            Input::Deliver { from, msg } => self.deliver(from, msg, cluster, out),
        }
    }

    #[inline(always)]
    fn deliver(&mut self, from: NodeId, msg: Msg, cluster: &Cluster, out: &mut impl Outputs) {
        match msg {
            Msg::Prepare { ballot } => {
                if let Some(a) = &mut self.acceptor {
                    a.on_prepare(from, ballot, cluster, out);
                }
            }
            Msg::Accept { ballot, value } => {
                if let Some(a) = &mut self.acceptor {
                    a.on_accept(from, ballot, value, cluster, out);
                }
            }
            Msg::Promise { ballot, accepted } => {
                if let Some(p) = &mut self.proposer {
                    p.on_promise(from, ballot, accepted, cluster, out);
                }
            }
            Msg::Nack { ballot, promised } => {
                if let Some(p) = &mut self.proposer {
                    p.on_nack(ballot, promised, cluster, out);
                }
            }
            Msg::Accepted { ballot, value } => {
                if let Some(p) = &mut self.proposer {
                    p.on_accepted(from, ballot, cluster, out);
                }
                if let Some(l) = &mut self.learner {
                    l.on_accepted(from, ballot, value, cluster, out);
                }
            }
            Msg::Decided { value } => {
                if let Some(p) = &mut self.proposer {
                    p.on_decided(value, out);
                }
                if let Some(a) = &mut self.acceptor {
                    a.on_decided(value);
                }
                if let Some(l) = &mut self.learner {
                    l.on_decided(value, out);
                }
            }
        }
    }

    /// The value this node knows to be chosen, from whichever role knows it.
    pub fn learned(&self) -> Option<super::types::Value> {
        self.learner.as_ref().and_then(|l| l.learned).or_else(|| self.acceptor.as_ref().and_then(|a| a.decided))
    }
}

/// Single-decree Paxos as a [`Protocol`]: the type the simulator, the checker and the page are
/// instantiated with for everything this playground did before Multi-Paxos.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SingleDecree;

impl Protocol for SingleDecree {
    type Cluster = Cluster;
    type Node = Node;
    type Durable = Durable;
    type Msg = Msg;
    type Request = super::types::Value;
    type Output = Output;

    #[inline]
    fn node_count(cluster: &Cluster) -> usize {
        cluster.node_count()
    }
    fn boot(id: NodeId, cluster: &Cluster, disk: &Durable) -> Node {
        Node::recover(id, cluster, disk)
    }
    fn restore(id: NodeId, cluster: &Cluster, disk: &Durable) -> Node {
        Node::restore(id, cluster, disk)
    }
    #[inline]
    fn replace(node: &mut Node, new: Node) {
        node.replace_keeping_buffers(new);
    }
    /// In place natively (W1's resets); the page's wasm keeps the trait's default, the same
    /// node (`recovering_in_place_is_replacing_with_a_recovered_node`) in fewer bytes: the page
    /// must stay under 300 KB gzip and never resets a million worlds.
    #[cfg(not(target_arch = "wasm32"))]
    #[inline]
    fn reboot(node: &mut Node, id: NodeId, cluster: &Cluster, disk: &Durable) {
        node.recover_in_place(id, cluster, disk);
    }
    #[inline(always)]
    fn deliver(node: &mut Node, from: NodeId, msg: Msg, _now: u64, cluster: &Cluster, out: &mut impl Emit<Output>) {
        node.handle(Input::Deliver { from, msg }, cluster, out);
    }
    #[inline(always)]
    fn timer(node: &mut Node, _now: u64, cluster: &Cluster, out: &mut impl Emit<Output>) {
        node.handle(Input::Timer(super::msg::TimerKind::Retry), cluster, out);
    }
    #[inline(always)]
    fn request(node: &mut Node, value: super::types::Value, _now: u64, cluster: &Cluster, out: &mut impl Emit<Output>) {
        node.handle(Input::Propose(value), cluster, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::learner::Tally;
    use crate::protocol::proposer::Phase;
    use crate::protocol::quorum::Quorums;
    use crate::protocol::{AcceptorSet, Ballot, Broken, Proposal, Roles, Timing, Value};

    /// A cluster with every combination of roles, node `i` hosting the roles of the bits of `i`.
    fn every_role_mix(broken: Broken) -> Cluster {
        let roles =
            (0..8u8).map(|i| Roles { proposer: i & 1 != 0, acceptor: i & 2 != 0, learner: i & 4 != 0 }).collect();
        Cluster::new(roles, Quorums::majority(4), true, Timing::default(), broken)
    }

    /// A node that has been busy: every role present and holding state, tallies in its buffer.
    fn busy(id: NodeId) -> Node {
        let ballot = Ballot::new(7, NodeId(3));
        let proposal = Proposal { ballot, value: Value(5) };
        let durable = AcceptorDurable { promised: Some(ballot), accepted: Some(proposal) };
        let mut proposer = Proposer::recover(id, ProposerDurable { max_round: 9 });
        proposer.value = Some(Value(2));
        proposer.phase = Phase::Preparing { ballot, promises: AcceptorSet(0b101), highest: Some(proposal) };
        (proposer.round_seen, proposer.attempts, proposer.timeouts) = (4, 3, 2);
        let tally = Tally { ballot, value: Value(5), acceptors: AcceptorSet(0b11) };
        Node {
            id,
            proposer: Some(proposer),
            acceptor: Some(Acceptor { durable, decided: Some(Value(5)) }),
            learner: Some(Learner { learned: Some(Value(5)), tallies: vec![tally; 3] }),
        }
    }

    /// Resetting a node in place leaves exactly what replacing it with a recovered node leaves,
    /// whatever the node held before, its roles, its disk and the forgetful variant, and keeps
    /// the learner's buffer.
    #[test]
    fn recovering_in_place_is_replacing_with_a_recovered_node() {
        let disks = [
            Durable::default(),
            Durable {
                acceptor: AcceptorDurable {
                    promised: Some(Ballot::new(3, NodeId(1))),
                    accepted: Some(Proposal { ballot: Ballot::new(2, NodeId(0)), value: Value(8) }),
                },
                proposer: ProposerDurable { max_round: 6 },
            },
        ];
        let mut learners_kept = 0;
        for forgetful_acceptors in [false, true] {
            let cluster = every_role_mix(Broken { forgetful_acceptors, ..Broken::default() });
            for disk in &disks {
                for id in cluster.nodes() {
                    for before in [busy(NodeId(7)), Node::new(NodeId(0), &cluster), busy(id), Node::new(id, &cluster)] {
                        let mut expected = before.clone();
                        expected.replace_keeping_buffers(Node::recover(id, &cluster, disk));
                        let mut node = before.clone();
                        let buffer = node.learner.as_ref().map(|l| l.tallies.as_ptr());
                        node.recover_in_place(id, &cluster, disk);
                        assert_eq!(node, expected, "node {id:?} from {before:?}");
                        assert_eq!(node, Node::recover(id, &cluster, disk));
                        if let (Some(buffer), Some(l)) = (buffer, &node.learner) {
                            if before.learner.as_ref().is_some_and(|l| l.tallies.capacity() > 0) {
                                assert_eq!(l.tallies.as_ptr(), buffer, "the tally buffer is kept");
                                learners_kept += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(learners_kept > 0);
    }
}
