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
