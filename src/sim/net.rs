//! The network: one `Link` per directed pair of nodes, plus partitions. Faults are data that
//! the page lists and edits; the whole delivery rule is `Network::connected` and `Link`.

use super::rng::Prob;
use crate::protocol::NodeId;
use serde::{Deserialize, Serialize};

/// Network parameters as a person sets them (fractions 0..=1, ticks).
#[derive(Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NetParams {
    pub latency_ticks_min: u32,
    pub latency_ticks_max: u32,
    /// Probability that a message is lost.
    pub loss: f64,
    /// Probability that a message is delivered twice.
    pub duplicate: f64,
}

/// What `#[derive(Debug)]` writes, with the probabilities through `decimal::debug`: an action's
/// Debug text goes into the trace hash (`sim::event`), and core's float formatting would cost
/// the page's wasm several KB.
impl std::fmt::Debug for NetParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetParams")
            .field("latency_ticks_min", &self.latency_ticks_min)
            .field("latency_ticks_max", &self.latency_ticks_max)
            .field("loss", &crate::decimal::debug(self.loss))
            .field("duplicate", &crate::decimal::debug(self.duplicate))
            .finish()
    }
}

impl Default for NetParams {
    fn default() -> Self {
        NetParams { latency_ticks_min: 1, latency_ticks_max: 10, loss: 0.0, duplicate: 0.0 }
    }
}

/// One directed link, in the exact form the simulator samples from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    pub latency_ticks_min: u32,
    pub latency_ticks_max: u32,
    pub loss: Prob,
    pub duplicate: Prob,
    /// Cut by hand: nothing crosses it until it is restored.
    pub cut: bool,
}

impl Link {
    pub fn from_params(p: &NetParams) -> Link {
        let min = p.latency_ticks_min;
        Link {
            latency_ticks_min: min,
            latency_ticks_max: p.latency_ticks_max.max(min),
            loss: Prob::from_f64(p.loss),
            duplicate: Prob::from_f64(p.duplicate),
            cut: false,
        }
    }

    pub fn params(&self) -> NetParams {
        NetParams {
            latency_ticks_min: self.latency_ticks_min,
            latency_ticks_max: self.latency_ticks_max,
            loss: self.loss.as_f64(),
            duplicate: self.duplicate.as_f64(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Network {
    nodes: usize,
    links: Vec<Link>,
    /// The partition group of each node; nodes in different groups cannot talk.
    group: Vec<u8>,
    /// Whether a link or a group may have changed since `new` or `reset` (so that resetting a
    /// network nobody touched, as W1 does a million times, costs nothing).
    touched: bool,
}

impl Network {
    pub fn new(nodes: usize, params: &NetParams) -> Network {
        Network { nodes, links: vec![Link::from_params(params); nodes * nodes], group: vec![0; nodes], touched: false }
    }

    /// Back to `Network::new(nodes, params)`: no partition, no cut, the same parameters on
    /// every link, keeping the allocations.
    pub fn reset(&mut self, params: &NetParams) {
        let link = Link::from_params(params);
        if self.touched || self.links.first() != Some(&link) {
            self.links.fill(link);
            self.group.fill(0);
            self.touched = false;
        }
    }

    #[inline(always)]
    pub fn link(&self, from: NodeId, to: NodeId) -> &Link {
        &self.links[from.index() * self.nodes + to.index()]
    }

    pub fn link_mut(&mut self, from: NodeId, to: NodeId) -> &mut Link {
        self.touched = true;
        &mut self.links[from.index() * self.nodes + to.index()]
    }

    /// Whether a message from `from` reaches `to` now (checked when it arrives).
    #[inline(always)]
    pub fn connected(&self, from: NodeId, to: NodeId) -> bool {
        self.group[from.index()] == self.group[to.index()] && !self.link(from, to).cut
    }

    /// Applies new parameters to every link, keeping cuts.
    pub fn set_all(&mut self, params: &NetParams) {
        self.touched = true;
        for link in &mut self.links {
            *link = Link { cut: link.cut, ..Link::from_params(params) };
        }
    }

    /// Splits the nodes into groups; nodes not named form one more group together.
    pub fn partition(&mut self, groups: &[Vec<NodeId>]) {
        self.touched = true;
        let rest = groups.len().min(254) as u8 + 1;
        self.group.iter_mut().for_each(|g| *g = rest);
        for (i, group) in groups.iter().enumerate().take(254) {
            for node in group {
                if let Some(g) = self.group.get_mut(node.index()) {
                    *g = i as u8 + 1;
                }
            }
        }
    }

    pub fn heal(&mut self) {
        self.touched = true;
        self.group.iter_mut().for_each(|g| *g = 0);
        self.links.iter_mut().for_each(|l| l.cut = false);
    }

    pub fn group_of(&self, node: NodeId) -> u8 {
        self.group[node.index()]
    }

    pub fn is_partitioned(&self) -> bool {
        self.group.iter().any(|&g| g != self.group[0])
    }

    pub fn any_cut(&self) -> bool {
        self.links.iter().any(|l| l.cut)
    }

    /// The parameters most links have (what the page shows as "the network").
    pub fn typical(&self) -> NetParams {
        self.links.first().map(Link::params).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn net_params_debug_is_the_derived_text() {
        let p = super::NetParams { latency_ticks_min: 2, latency_ticks_max: 6, loss: 0.3, duplicate: 1e-7 };
        assert_eq!(
            format!("{p:?}"),
            "NetParams { latency_ticks_min: 2, latency_ticks_max: 6, loss: 0.3, duplicate: 1e-7 }"
        );
        assert_eq!(
            format!("{:#?}", super::NetParams::default()),
            "NetParams {\n    latency_ticks_min: 1,\n    latency_ticks_max: 10,\n    loss: 0.0,\n    duplicate: 0.0,\n}"
        );
    }

    use super::*;

    #[test]
    fn partitions_separate_groups_and_heal_restores() {
        let mut net = Network::new(5, &NetParams::default());
        let n = NodeId;
        net.partition(&[vec![n(0), n(1)], vec![n(2)]]);
        assert!(net.connected(n(0), n(1)));
        assert!(!net.connected(n(0), n(2)));
        assert!(!net.connected(n(2), n(3)), "2 is alone");
        assert!(net.connected(n(3), n(4)), "the unnamed rest is a group");
        assert!(net.is_partitioned());
        net.heal();
        assert!(net.connected(n(0), n(2)) && !net.is_partitioned());
    }

    #[test]
    fn cuts_are_directed_and_survive_new_params() {
        let mut net = Network::new(3, &NetParams::default());
        net.link_mut(NodeId(0), NodeId(1)).cut = true;
        net.set_all(&NetParams { loss: 0.5, ..NetParams::default() });
        assert!(!net.connected(NodeId(0), NodeId(1)));
        assert!(net.connected(NodeId(1), NodeId(0)));
        assert_eq!(net.link(NodeId(1), NodeId(0)).loss, Prob(1 << 31));
    }
}
