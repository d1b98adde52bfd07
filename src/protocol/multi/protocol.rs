//! Multi-Paxos as a [`Protocol`]: what the simulator, the sweeps and (later) the checker and the
//! page are instantiated with to run replicas and clients.

use super::config::MultiCluster;
use super::kv::KvOp;
use super::msg::{Input, Msg, MultiDurable, Output};
use super::node::MultiNode;
use crate::protocol::interface::{Emit, Protocol};
use crate::protocol::types::NodeId;
use serde::{Deserialize, Serialize};

/// Multi-Paxos with a replicated key-value store: replicas (acceptor, learner and would-be
/// leader each) and closed-loop clients.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Multi;

impl Protocol for Multi {
    type Cluster = MultiCluster;
    type Node = MultiNode;
    type Durable = MultiDurable;
    type Msg = Msg;
    /// An operation handed to a client node.
    type Request = KvOp;
    type Output = Output;

    const STARTS: bool = true;

    fn node_count(cluster: &MultiCluster) -> usize {
        cluster.node_count()
    }
    fn boot(id: NodeId, cluster: &MultiCluster, disk: &MultiDurable) -> MultiNode {
        MultiNode::recover(id, cluster, disk)
    }
    fn restore(id: NodeId, cluster: &MultiCluster, disk: &MultiDurable) -> MultiNode {
        MultiNode::restore(id, cluster, disk)
    }
    /// In place: a replica keeps its buffers (`MultiNode::restore_in_place`).
    fn restore_into(node: &mut MultiNode, id: NodeId, cluster: &MultiCluster, disk: &MultiDurable) {
        node.restore_in_place(id, cluster, disk);
    }
    /// In place, as `restore_into`.
    fn reboot(node: &mut MultiNode, id: NodeId, cluster: &MultiCluster, disk: &MultiDurable) {
        node.recover_in_place(id, cluster, disk);
    }
    fn start(node: &mut MultiNode, _now: u64, cluster: &MultiCluster, out: &mut impl Emit<Output>) {
        node.start(cluster, out);
    }
    fn deliver(
        node: &mut MultiNode,
        from: NodeId,
        msg: Msg,
        now: u64,
        cluster: &MultiCluster,
        out: &mut impl Emit<Output>,
    ) {
        node.handle(Input::Deliver { from, msg }, now, cluster, out);
    }
    fn timer(node: &mut MultiNode, now: u64, cluster: &MultiCluster, out: &mut impl Emit<Output>) {
        node.handle(Input::Timer, now, cluster, out);
    }
    fn request(node: &mut MultiNode, op: KvOp, now: u64, cluster: &MultiCluster, out: &mut impl Emit<Output>) {
        node.handle(Input::Request(op), now, cluster, out);
    }
}
