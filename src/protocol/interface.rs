//! The interface every protocol offers the simulator, the model checker and the page.
//!
//! Single-decree Paxos (this module's parent) and Multi-Paxos (`multi`) are two implementations
//! of [`Protocol`]: a node type with its durable state, the messages nodes exchange, the client
//! request a node can be handed, and the outputs a handler emits. Everything above the protocol
//! (the system that applies steps, the timed scheduler, the checker) is generic over it, so a
//! second protocol plugs in rather than forking the simulator (compare stateright's `Actor`:
//! `on_start`, `on_msg`, `on_timeout`, with effects returned through an `Out`).
//!
//! What a protocol does not say here is how its outputs are carried out and checked: that is
//! the simulator's side of the interface (`sim::Simulated`), where each protocol brings its own
//! invariant monitor and trace events.

use super::types::NodeId;
use std::fmt::{Debug, Display};
use std::hash::Hash;

/// Where a handler's outputs go, in the order it emits them. A `Vec` collects them (the
/// handler tests compare whole vectors); the simulator carries each out as it is emitted.
pub trait Emit<O> {
    fn push(&mut self, output: O);
}

impl<O> Emit<O> for Vec<O> {
    #[inline]
    fn push(&mut self, output: O) {
        Vec::push(self, output);
    }
}

/// A protocol: what a node is, what it sends, what it keeps on disk, and how it reacts. Every
/// handler is pure: it reads no clock (the time comes in as `now`, in ticks), draws no random
/// number (a timer carries a delay range that whoever runs the node draws from) and touches no
/// socket (a send is an output).
pub trait Protocol: Sized + 'static {
    /// The static shape every node consults (roles, quorums, timing, the broken variants).
    type Cluster: Clone + Debug + PartialEq + Eq + Hash + Send + Sync;
    /// One node's state, durable and volatile.
    type Node: Clone + Debug + PartialEq + Eq + Hash;
    /// What a node has written to stable storage: all that survives a crash.
    type Durable: Clone + Default + Debug + PartialEq + Eq + Hash;
    /// A message between nodes.
    type Msg: Clone + Debug + PartialEq + Eq + Ord + Hash + Display;
    /// What a client hands a node (single-decree: a value to propose; Multi-Paxos: an operation
    /// on the key-value store, handed to a client node).
    type Request: Clone + Debug + PartialEq + Eq + Ord + Hash;
    /// An effect a handler emits.
    type Output;

    fn node_count(cluster: &Self::Cluster) -> usize;
    /// A node restarting from `disk` (first start: the default disk).
    fn boot(id: NodeId, cluster: &Self::Cluster, disk: &Self::Durable) -> Self::Node;
    /// What is left of a node while it is down: its disk, nothing volatile.
    fn restore(id: NodeId, cluster: &Self::Cluster, disk: &Self::Durable) -> Self::Node;
    /// `*node = new`; a protocol may keep buffers of the old node for reuse.
    #[inline]
    fn replace(node: &mut Self::Node, new: Self::Node) {
        *node = new;
    }

    /// `replace(node, restore(id, cluster, disk))`: the node goes down, keeping only `disk`. A
    /// protocol may do it in place (Multi-Paxos keeps a replica's buffers for its log).
    #[inline]
    fn restore_into(node: &mut Self::Node, id: NodeId, cluster: &Self::Cluster, disk: &Self::Durable) {
        Self::replace(node, Self::restore(id, cluster, disk));
    }

    /// `replace(node, boot(id, cluster, disk))`: the node restarts from `disk`. A protocol may
    /// do it in place (single-decree does: W1 resets a world's nodes a million times a second).
    #[inline]
    fn reboot(node: &mut Self::Node, id: NodeId, cluster: &Self::Cluster, disk: &Self::Durable) {
        Self::replace(node, Self::boot(id, cluster, disk));
    }

    /// Whether `start` does anything (when not, the simulator skips it: W1 starts a million
    /// short worlds a second).
    const STARTS: bool = false;

    /// A node that just started or recovered gets going (a Multi-Paxos replica arms its
    /// election timer). Single-decree nodes wait for a message or a client.
    #[inline]
    fn start(_node: &mut Self::Node, _now: u64, _cluster: &Self::Cluster, _out: &mut impl Emit<Self::Output>) {}

    /// `msg` from `from` arrives.
    fn deliver(
        node: &mut Self::Node,
        from: NodeId,
        msg: Self::Msg,
        now: u64,
        cluster: &Self::Cluster,
        out: &mut impl Emit<Self::Output>,
    );
    /// The node's timer fires (one timer per node; the protocol knows what it was for).
    fn timer(node: &mut Self::Node, now: u64, cluster: &Self::Cluster, out: &mut impl Emit<Self::Output>);
    /// A client's request reaches the node.
    fn request(
        node: &mut Self::Node,
        request: Self::Request,
        now: u64,
        cluster: &Self::Cluster,
        out: &mut impl Emit<Self::Output>,
    );
}
