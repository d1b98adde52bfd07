//! The static shape of a Multi-Paxos cluster: who is a replica, who is a client, the quorum,
//! the pipeline window, the timers, the lease, compaction and the broken variants. Immutable
//! during a run; every node consults the same one.

use crate::protocol::types::NodeId;
use serde::{Deserialize, Serialize};

/// Leader leases: a leader answers reads from its own store while a quorum's heartbeat acks
/// keep its lease alive (mod.rs, "Reads").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Lease {
    /// How long a heartbeat ack grants: the acking follower refuses to promise another
    /// would-be leader for this many ticks after it acked.
    pub ticks: u32,
    /// The bound on clock drift: the leader counts its lease `drift` ticks shorter than the
    /// followers grant it, so that a slow leader clock cannot outlive the followers' promise.
    pub drift: u32,
}

impl Default for Lease {
    fn default() -> Self {
        Lease { ticks: 30, drift: 3 }
    }
}

/// The deliberately broken variants, for teaching and as negative controls for the checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MultiBroken {
    /// BROKEN: a new leader re-proposes only the slots it knows chosen and treats every other
    /// slot as free, ignoring the accepted entries its promises report. A write the old leader
    /// had chosen and acknowledged, but whose commit never reached the new leader, is lost.
    pub keep_only_chosen: bool,
    /// BROKEN: no at-most-once table. A retried request is applied again (a write twice).
    pub no_at_most_once: bool,
    /// BROKEN: followers promise a new would-be leader while a lease they granted still runs,
    /// so an old leader can answer a lease read after a new one committed a write (a stale read).
    pub lease_without_wait: bool,
}

impl MultiBroken {
    pub fn any(self) -> bool {
        self.keep_only_chosen || self.no_at_most_once || self.lease_without_wait
    }
}

/// The cluster every Multi-Paxos node sees.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MultiCluster {
    /// Replica ids, `0..R`: each is acceptor, learner and potential leader.
    pub replicas: Vec<NodeId>,
    /// Client ids, `R..R+C`.
    pub clients: Vec<NodeId>,
    /// Acceptances needed to choose a slot (Phase 2), and heartbeat acks a lease needs. A
    /// majority by default.
    pub quorum: u8,
    /// Promises a candidate needs to lead (Phase 1). A majority by default. Every Phase 1
    /// quorum must meet every Phase 2 quorum (`is_safe`): then a new leader hears of every
    /// chosen entry (Howard, Malkhi and Spiegelman, "Flexible Paxos", 2016). The lease needs
    /// no more: a Phase 2 quorum of acks meets every Phase 1 quorum.
    pub phase1_quorum: u8,
    /// The pipeline: at most this many slots proposed and not yet chosen.
    pub window: u32,
    /// A leader's heartbeat interval.
    pub heartbeat_ticks: u32,
    /// A follower that hears no heartbeat for a delay drawn from this range starts an election;
    /// a candidate whose Phase 1 has not finished by then starts another.
    pub election_ticks_min: u32,
    pub election_ticks_max: u32,
    /// A client that has no answer after this long sends the request again, to the next replica.
    pub client_timeout_ticks: u32,
    /// Leader leases for reads; `None`: every read goes through the log.
    pub lease: Option<Lease>,
    /// Take a snapshot every this many applied slots and drop the log below it; `None`: never.
    pub compaction: Option<u32>,
    pub broken: MultiBroken,
}

impl MultiCluster {
    /// `replicas` (3..=9) replicas with ids `0..replicas`, then `clients` (1..=9) clients.
    /// Timing suits the simulator's default latency of 1..=10 ticks: a heartbeat every 10
    /// ticks, an election after 40..=80 quiet ticks (two missed heartbeats and more, as DSLabs
    /// lab 3 does), and a client retry after 100 ticks (two round trips at the slowest).
    pub fn new(replicas: u8, clients: u8) -> MultiCluster {
        let replicas = replicas.clamp(3, 9);
        let clients = clients.clamp(1, 9);
        MultiCluster {
            replicas: (0..replicas).map(NodeId).collect(),
            clients: (replicas..replicas + clients).map(NodeId).collect(),
            quorum: replicas / 2 + 1,
            phase1_quorum: replicas / 2 + 1,
            window: 4,
            heartbeat_ticks: 10,
            election_ticks_min: 40,
            election_ticks_max: 80,
            client_timeout_ticks: 100,
            lease: None,
            compaction: None,
            broken: MultiBroken::default(),
        }
    }

    pub fn is_replica(&self, id: NodeId) -> bool {
        id.index() < self.replicas.len()
    }

    pub fn is_client(&self, id: NodeId) -> bool {
        !self.is_replica(id) && id.index() < self.replicas.len() + self.clients.len()
    }

    pub fn node_count(&self) -> usize {
        self.replicas.len() + self.clients.len()
    }

    /// Whether every Phase 1 quorum shares a replica with every Phase 2 quorum (what the
    /// safety of every slot rests on). Two Phase 2 quorums need not meet: at one ballot only
    /// one leader proposes, one command per slot.
    pub fn is_safe(&self) -> bool {
        self.phase1_quorum as usize + self.quorum as usize > self.replicas.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_numbers_replicas_then_clients_with_a_majority() {
        let c = MultiCluster::new(5, 2);
        assert_eq!(c.replicas, (0..5).map(NodeId).collect::<Vec<_>>());
        assert_eq!(c.clients, vec![NodeId(5), NodeId(6)]);
        assert_eq!(c.quorum, 3);
        assert!(c.is_safe());
        assert!(c.is_replica(NodeId(4)) && !c.is_replica(NodeId(5)));
        assert!(c.is_client(NodeId(6)) && !c.is_client(NodeId(7)) && !c.is_client(NodeId(0)));
        assert_eq!(c.node_count(), 7);
    }

    #[test]
    fn new_clamps_to_the_supported_sizes() {
        let small = MultiCluster::new(1, 0);
        assert_eq!((small.replicas.len(), small.clients.len(), small.quorum), (3, 1, 2));
        let big = MultiCluster::new(12, 12);
        assert_eq!((big.replicas.len(), big.clients.len(), big.quorum), (9, 9, 5));
        let mut c = MultiCluster::new(4, 1);
        assert_eq!(c.quorum, 3, "a majority of an even count is more than half");
        c.quorum = 2;
        assert!(c.is_safe(), "a Phase 1 quorum of 3 meets every Phase 2 quorum of 2 of 4");
        c.phase1_quorum = 2;
        assert!(!c.is_safe(), "two halves of 4 may be disjoint");
        let mut flexible = MultiCluster::new(5, 1);
        flexible.phase1_quorum = 4;
        flexible.quorum = 2;
        assert!(flexible.is_safe(), "Flexible Paxos: 4 + 2 > 5");
        flexible.quorum = 3;
        flexible.phase1_quorum = 2;
        assert!(!flexible.is_safe(), "a Phase 1 quorum of 2 misses a Phase 2 quorum of 3 of 5");
        flexible.phase1_quorum = 3;
        assert!(flexible.is_safe());
    }
}
