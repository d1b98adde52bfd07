//! A Multi-Paxos node: a replica or a client, built from the cluster and what it persisted.

use super::client::Client;
use super::config::MultiCluster;
use super::msg::{Input, MultiDurable, Outputs};
use super::replica::Replica;
use crate::protocol::types::NodeId;
use serde::{Deserialize, Serialize};

/// Unboxed although a replica is much larger than a client: a run has at most nine clients,
/// and boxing would cost every replica step an indirection and every state copy (the model
/// checker makes millions) an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MultiNode {
    Replica(Replica),
    Client(Client),
}

impl MultiNode {
    /// A node starting for the first time, with empty storage. Call `start` next.
    pub fn new(id: NodeId, cluster: &MultiCluster) -> MultiNode {
        MultiNode::restore(id, cluster, &MultiDurable::default())
    }

    /// A node restarting after a crash: volatile state is gone, durable state is read back;
    /// a replica rebuilds its store from its snapshot and re-learns the rest through catch-up.
    /// With leases on, it also promises no would-be leader for a lease's length from its
    /// first input, since it forgot which leases it granted before the crash. Call `start` next.
    pub fn recover(id: NodeId, cluster: &MultiCluster, durable: &MultiDurable) -> MultiNode {
        let mut node = MultiNode::restore(id, cluster, durable);
        if let MultiNode::Replica(r) = &mut node {
            r.guard_on_first_input = cluster.lease.is_some() && !cluster.broken.lease_without_wait;
        }
        node
    }

    /// `*self = MultiNode::restore(id, cluster, durable)`, keeping a replica's buffers.
    pub fn restore_in_place(&mut self, id: NodeId, cluster: &MultiCluster, durable: &MultiDurable) {
        match self {
            MultiNode::Replica(r) if r.id == id && cluster.is_replica(id) => r.restore_from(durable),
            _ => *self = MultiNode::restore(id, cluster, durable),
        }
    }

    /// `*self = MultiNode::recover(id, cluster, durable)`, keeping a replica's buffers.
    pub fn recover_in_place(&mut self, id: NodeId, cluster: &MultiCluster, durable: &MultiDurable) {
        self.restore_in_place(id, cluster, durable);
        if let MultiNode::Replica(r) = self {
            r.guard_on_first_input = cluster.lease.is_some() && !cluster.broken.lease_without_wait;
        }
    }

    /// A node holding exactly what `durable` says and nothing volatile: what is left of a
    /// node while it is down.
    pub fn restore(id: NodeId, cluster: &MultiCluster, durable: &MultiDurable) -> MultiNode {
        if cluster.is_replica(id) {
            MultiNode::Replica(Replica::restore(id, durable))
        } else {
            MultiNode::Client(Client::new(id))
        }
    }

    /// What a node does when it (re)starts: a replica arms its election timer; a client
    /// waits for the workload.
    pub fn start(&self, cluster: &MultiCluster, out: &mut impl Outputs) {
        if let MultiNode::Replica(r) = self {
            r.start(cluster, out);
        }
    }

    /// Feeds one input; effects are appended to `out`, in order. `now` is the driver's tick
    /// (only leases read it).
    pub fn handle(&mut self, input: Input, now: u64, cluster: &MultiCluster, out: &mut impl Outputs) {
        match self {
            MultiNode::Replica(r) => r.handle(input, now, cluster, out),
            MultiNode::Client(c) => c.handle(input, cluster, out),
        }
    }

    pub fn id(&self) -> NodeId {
        match self {
            MultiNode::Replica(r) => r.id,
            MultiNode::Client(c) => c.id,
        }
    }

    pub fn replica(&self) -> Option<&Replica> {
        match self {
            MultiNode::Replica(r) => Some(r),
            MultiNode::Client(_) => None,
        }
    }

    pub fn client(&self) -> Option<&Client> {
        match self {
            MultiNode::Client(c) => Some(c),
            MultiNode::Replica(_) => None,
        }
    }
}
