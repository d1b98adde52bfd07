//! The static shape of a cluster that every node consults: who plays which role, quorum sizes,
//! timing and the protocol switches. Immutable during a run.

use super::quorum::Quorums;
use super::types::NodeId;
use serde::{Deserialize, Serialize};

/// How long a proposer waits before it retries, and whether the wait is randomized.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Timing {
    /// A phase that has not completed after a delay in `timeout_ticks_min..=timeout_ticks_max`
    /// is abandoned and retried with a higher ballot.
    pub timeout_ticks_min: u32,
    pub timeout_ticks_max: u32,
    /// Randomized exponential backoff after a rejection. Off: retry at once after a Nack and
    /// time out after exactly `timeout_ticks_min`, which lets dueling proposers livelock.
    pub backoff: bool,
    /// The first backoff is drawn from `0..=backoff_ticks_base`; each further attempt doubles it.
    pub backoff_ticks_base: u32,
    pub backoff_ticks_max: u32,
    /// A retry after a timeout grows like one after a Nack: the proposer backs off first (with
    /// `backoff`), and each timeout since the client's request doubles the next timeout, up to
    /// `proposer::TIMEOUT_TICKS_GROWN_MAX`. So a timeout shorter than a round trip, or
    /// proposers that keep timing each other out, end. Off: every retry after a timeout starts
    /// at once and waits the configured timeout again (formats 1 of links and files, which keep
    /// replaying so).
    ///
    /// On in `Timing::default()`, so every new configuration has it. Off when a JSON file's
    /// `timing` leaves it out (serde's default for a missing field), so that a file written
    /// before the switch existed, or by hand from such a file, keeps its behaviour; a file that
    /// leaves out `timing` altogether gets `Timing::default()`, unless it is format 1, whose
    /// migration turns the switch off (`Scenario::from_json`).
    #[serde(default)]
    pub timeout_growth: bool,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            timeout_ticks_min: 20,
            timeout_ticks_max: 40,
            backoff: true,
            backoff_ticks_base: 10,
            backoff_ticks_max: 160,
            timeout_growth: true,
        }
    }
}

/// The deliberately broken variants, for teaching and for showing that the checks can fail.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Broken {
    /// BROKEN: the proposer ignores values reported in promises and always proposes its own.
    pub ignore_accepted_values: bool,
    /// BROKEN: an acceptor forgets its promise and accepted proposal when it recovers.
    pub forgetful_acceptors: bool,
}

impl Broken {
    pub fn any(self) -> bool {
        self.ignore_accepted_values || self.forgetful_acceptors
    }
}

/// Which roles a node hosts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Roles {
    pub proposer: bool,
    pub acceptor: bool,
    pub learner: bool,
}

impl Roles {
    pub const ALL: Roles = Roles { proposer: true, acceptor: true, learner: true };

    pub fn label(self) -> &'static str {
        match (self.proposer, self.acceptor, self.learner) {
            (true, true, true) => "server",
            (true, false, false) => "proposer",
            (false, true, false) => "acceptor",
            (false, false, true) => "learner",
            _ => "node",
        }
    }
}

/// The cluster every node sees.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cluster {
    pub roles: Vec<Roles>,
    pub proposers: Vec<NodeId>,
    pub acceptors: Vec<NodeId>,
    pub learners: Vec<NodeId>,
    /// For each node, its position among the acceptors (the bit it sets in an `AcceptorSet`).
    pub acceptor_position: Vec<Option<u8>>,
    pub quorums: Quorums,
    /// Reject a stale Prepare or Accept with a Nack (on) or stay silent, as the textbook does (off).
    pub nack: bool,
    pub timing: Timing,
    pub broken: Broken,
}

impl Cluster {
    /// Builds a cluster from each node's roles. Node `i` gets id `i`.
    pub fn new(roles: Vec<Roles>, quorums: Quorums, nack: bool, timing: Timing, broken: Broken) -> Cluster {
        let ids = |pick: fn(&Roles) -> bool| -> Vec<NodeId> {
            roles.iter().enumerate().filter(|(_, r)| pick(r)).map(|(i, _)| NodeId(i as u8)).collect()
        };
        let proposers = ids(|r| r.proposer);
        let acceptors = ids(|r| r.acceptor);
        let learners = ids(|r| r.learner);
        let mut acceptor_position = vec![None; roles.len()];
        for (pos, id) in acceptors.iter().enumerate() {
            acceptor_position[id.index()] = Some(pos as u8);
        }
        Cluster { roles, proposers, acceptors, learners, acceptor_position, quorums, nack, timing, broken }
    }

    pub fn node_count(&self) -> usize {
        self.roles.len()
    }

    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        (0..self.roles.len()).map(|i| NodeId(i as u8))
    }

    pub fn acceptor_count(&self) -> u8 {
        self.acceptors.len() as u8
    }

    #[inline(always)]
    pub fn position(&self, node: NodeId) -> Option<u8> {
        self.acceptor_position.get(node.index()).copied().flatten()
    }

    /// Whether the configured quorums guarantee safety.
    pub fn is_safe(&self) -> bool {
        self.quorums.is_safe(self.acceptor_count())
    }
}
