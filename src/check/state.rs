//! A state of the model: the system (nodes, disks, the monitor) with its messages in flight as
//! a sorted multiset, each node's timer as armed or not, the client requests still to come, and
//! what is left of the fault budget. The steps enabled in a state, and applying one, go through
//! `System::apply`, the same code the simulator runs.

use super::fingerprint;
use super::model::{Model, MAX_NODES};
use crate::protocol::{Msg, NodeId};
use crate::sim::event::{Sink, Tick};
use crate::sim::{Step, System, Transit};

/// A message in flight: `(from, to, msg)`. The network is a multiset of these, kept sorted, so
/// two states that differ only in the order messages were sent are equal.
pub type Packet = (NodeId, NodeId, Msg);

#[derive(Clone, Debug)]
pub struct State {
    pub system: System,
    /// Messages in flight, sorted (a multiset: equal packets repeat).
    pub net: Vec<Packet>,
    /// Bit `n`: node `n`'s retry timer is armed.
    pub timers: u64,
    /// Bit `i`: client request `i` of the model has been made.
    pub requested: u32,
    /// Bit `n`: node `n` has crashed at least once (for the goal "chosen after a crash").
    pub crashed: u64,
    pub drops: u8,
    pub duplicates: u8,
    pub crashes: u8,
    /// Each node's hash, kept up to date as steps change the node (a step changes one node),
    /// and the network's: the sum of its packets' hashes, so adding or taking a message
    /// updates it without reading the rest. The fingerprint combines these instead of
    /// encoding the whole state again.
    pub node_hash: [u64; MAX_NODES],
    pub net_hash: u64,
    /// The monitor's hash, recomputed after the steps that can change it.
    pub monitor_hash: u64,
}

/// The checker's transit: a send adds to the multiset; timers are a bit each (abstract time:
/// an armed timer may fire at any moment, so its delay range does not matter).
pub struct Wire<'s> {
    pub net: &'s mut Vec<Packet>,
    pub net_hash: &'s mut u64,
    pub timers: &'s mut u64,
}

impl Transit for Wire<'_> {
    fn send(&mut self, from: NodeId, to: NodeId, msg: Msg, _: u64, _: Tick, _: &mut impl Sink) {
        insert(self.net, self.net_hash, (from, to, msg));
    }
    fn set_timer(&mut self, node: NodeId, _: u32, _: u32, _: Tick) {
        *self.timers |= 1 << node.index();
    }
    fn cancel_timer(&mut self, node: NodeId) {
        *self.timers &= !(1 << node.index());
    }
}

/// Adds a packet to a sorted multiset and its hash to the sum.
fn insert(net: &mut Vec<Packet>, net_hash: &mut u64, p: Packet) {
    let at = net.partition_point(|q| *q <= p);
    net.insert(at, p);
    *net_hash = net_hash.wrapping_add(fingerprint::packet_hash(&p));
}

impl State {
    pub fn initial(model: &Model) -> State {
        let mut s = State {
            system: System::new(model.cluster.clone()),
            net: Vec::new(),
            timers: 0,
            requested: 0,
            crashed: 0,
            drops: 0,
            duplicates: 0,
            crashes: 0,
            node_hash: [0; MAX_NODES],
            net_hash: 0,
            monitor_hash: 0,
        };
        s.monitor_hash = fingerprint::monitor_hash(&s.system.monitor, s.system.nodes.len());
        for i in 0..s.system.nodes.len() {
            s.node_hash[i] = fingerprint::node_hash(&s.system.nodes[i]);
        }
        s
    }

    /// Every step enabled here, in a fixed order (so searches and their counterexamples are
    /// deterministic).
    pub fn steps(&self, model: &Model, out: &mut Vec<Step>) {
        out.clear();
        for (i, &(node, value)) in model.requests.iter().enumerate() {
            if self.requested & (1 << i) == 0 {
                out.push(Step::Propose { node, value });
            }
        }
        let b = &model.bounds;
        let mut previous = None;
        for &(from, to, msg) in &self.net {
            if previous == Some((from, to, msg)) {
                continue; // equal copies enable the same steps
            }
            previous = Some((from, to, msg));
            out.push(Step::Deliver { from, to, msg });
            if self.drops < b.drops {
                out.push(Step::Drop { from, to, msg });
            }
            if self.duplicates < b.duplicates {
                out.push(Step::Duplicate { from, to, msg });
            }
        }
        for (i, slot) in self.system.nodes.iter().enumerate() {
            let node = NodeId(i as u8);
            if slot.up && self.timers & (1 << i) != 0 {
                out.push(Step::Timer { node });
            }
            if slot.up && self.crashes < b.crashes && model.may_crash(node) {
                out.push(Step::Crash { node });
            }
            if !slot.up && b.recover {
                out.push(Step::Recover { node });
            }
        }
    }

    /// Applies `step` (which must be enabled) to a copy of this state. `None` when the result
    /// lies outside the model's bounds (a proposer past its last round).
    pub fn next(&self, model: &Model, step: Step) -> Option<State> {
        let mut s = self.clone();
        s.apply(model, step);
        s.within_bounds(model).then_some(s)
    }

    /// Applies `step` in place (the replay of a counterexample uses this too).
    pub fn apply(&mut self, model: &Model, step: Step) {
        match step {
            Step::Propose { node, value } => {
                if let Some(i) = model.requests.iter().position(|&r| r == (node, value)) {
                    self.requested |= 1 << i;
                }
            }
            Step::Deliver { from, to, msg } | Step::Drop { from, to, msg } => {
                self.take(from, to, msg);
                if matches!(step, Step::Drop { .. }) {
                    self.drops += 1;
                }
            }
            Step::Duplicate { from, to, msg } => {
                self.duplicates += 1;
                insert(&mut self.net, &mut self.net_hash, (from, to, msg));
            }
            Step::Timer { node } => self.timers &= !(1 << node.index()),
            Step::Crash { node } => {
                self.crashes += 1;
                self.crashed |= 1 << node.index();
            }
            Step::Recover { .. } => {}
        }
        let mut wire = Wire { net: &mut self.net, net_hash: &mut self.net_hash, timers: &mut self.timers };
        self.system.apply(step, &mut wire, (0, 0), &mut ());
        // The one node a step can change.
        let node = match step {
            Step::Deliver { to, .. } => Some(to),
            Step::Propose { node, .. } | Step::Timer { node } | Step::Crash { node } | Step::Recover { node } => {
                Some(node)
            }
            Step::Drop { .. } | Step::Duplicate { .. } => None,
        };
        if let Some(n) = node {
            self.node_hash[n.index()] = fingerprint::node_hash(&self.system.nodes[n.index()]);
        }
        // The monitor hears of requests, promises, acceptances and learning: never of a lost
        // or copied message or of a crash.
        if !matches!(step, Step::Drop { .. } | Step::Duplicate { .. } | Step::Crash { .. }) {
            self.monitor_hash = fingerprint::monitor_hash(&self.system.monitor, self.system.nodes.len());
        }
    }

    fn take(&mut self, from: NodeId, to: NodeId, msg: Msg) {
        let p = (from, to, msg);
        if let Ok(i) = self.net.binary_search(&p) {
            self.net.remove(i);
            self.net_hash = self.net_hash.wrapping_sub(fingerprint::packet_hash(&p));
        }
    }

    fn within_bounds(&self, model: &Model) -> bool {
        self.system.nodes.iter().all(|slot| slot.storage.proposer.max_round <= model.bounds.rounds)
    }

    /// Whether a safety invariant was broken (by the last step: a violating state is not
    /// expanded).
    pub fn violated(&self) -> bool {
        !self.system.violations.is_empty()
    }
}
