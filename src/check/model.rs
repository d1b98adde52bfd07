//! What the checker explores: a configuration, the client requests, and the bounds that keep
//! the state space finite.

use crate::protocol::{Cluster, NodeId, Value};
use crate::sim::{Config, ConfigError};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How far the search may go. Every reordering is always covered (the network is a multiset);
/// these bound the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bounds {
    /// Highest ballot round a proposer may use (its first attempt is round 1).
    pub rounds: u32,
    /// Messages the network may lose, in all.
    pub drops: u8,
    /// Extra copies the network may deliver, in all.
    pub duplicates: u8,
    /// Crashes, in all.
    pub crashes: u8,
    /// Whether a crashed node may recover.
    pub recover: bool,
    /// Which roles may crash: proposers, acceptors, learners.
    pub crash_roles: (bool, bool, bool),
    /// Deepest run explored (steps), if any.
    pub depth: Option<u32>,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            rounds: 2,
            drops: 0,
            duplicates: 0,
            crashes: 0,
            recover: true,
            crash_roles: (true, true, true),
            depth: None,
        }
    }
}

/// A configuration to check.
#[derive(Clone, Debug)]
pub struct Model {
    pub config: Config,
    pub cluster: Arc<Cluster>,
    /// One client request per entry: the proposer asked, and the value.
    pub requests: Vec<(NodeId, Value)>,
    pub bounds: Bounds,
    /// `symmetric_classes`, computed once (symmetry reduction asks for every fingerprint).
    classes: Vec<Vec<NodeId>>,
}

/// Most nodes the checker takes (its bit sets are 64 bits, and the search is exponential long
/// before that).
pub const MAX_NODES: usize = 16;

impl Model {
    /// The configuration's proposers each asked once, for "A", "B", "C", ... in turn.
    pub fn new(config: Config, bounds: Bounds) -> Result<Model, ConfigError> {
        let cluster = config.cluster();
        let requests = cluster.proposers.iter().enumerate().map(|(i, &p)| (p, Value(i as u32))).collect();
        Model::with_requests(config, requests, bounds)
    }

    pub fn with_requests(config: Config, requests: Vec<(NodeId, Value)>, bounds: Bounds) -> Result<Model, ConfigError> {
        config.validate()?;
        let cluster = config.cluster();
        if cluster.node_count() > MAX_NODES {
            return Err(ConfigError(format!(
                "the checker takes at most {MAX_NODES} nodes (this configuration has {}): the number of states grows exponentially with them",
                cluster.node_count()
            )));
        }
        if requests.len() > 32 {
            return Err(ConfigError("the checker takes at most 32 client requests".into()));
        }
        if let Some(&(n, _)) = requests.iter().find(|(n, _)| !cluster.proposers.contains(n)) {
            return Err(ConfigError(format!("a client request names {n}, which is not a proposer")));
        }
        let classes = symmetric_classes(&cluster);
        Ok(Model { config, cluster: Arc::new(cluster), requests, bounds, classes })
    }

    pub fn may_crash(&self, node: NodeId) -> bool {
        let roles = self.cluster.roles[node.index()];
        let (p, a, l) = self.bounds.crash_roles;
        (roles.proposer && p) || (roles.acceptor && a) || (roles.learner && l)
    }

    /// Nodes that are interchangeable (same roles, never named in a ballot or a request):
    /// the acceptors and the learners of a configuration with separate roles. Each inner list
    /// is one class.
    pub fn symmetric_classes(&self) -> &[Vec<NodeId>] {
        &self.classes
    }
}

fn symmetric_classes(c: &Cluster) -> Vec<Vec<NodeId>> {
    let only = |n: &NodeId| {
        let r = c.roles[n.index()];
        !r.proposer && (r.acceptor != r.learner)
    };
    let acceptors: Vec<NodeId> = c.acceptors.iter().copied().filter(only).collect();
    let learners: Vec<NodeId> = c.learners.iter().copied().filter(only).collect();
    [acceptors, learners].into_iter().filter(|class| class.len() > 1).collect()
}
