//! A state of the model: the system (nodes, disks, the monitor) with its messages in flight as
//! a sorted multiset, each node's timer as armed or not, the client requests still to come, and
//! what is left of the fault budget. The steps enabled in a state, and applying one, go through
//! `System::apply`, the same code the simulator runs.

use super::fingerprint;
use super::model::{Model, MAX_NODES};
use crate::protocol::{Msg, NodeId};
use crate::sim::event::{Sink, Tick, TraceEvent};
use crate::sim::{Step, System, Transit};

pub use super::packet::{Packed, Packet};

#[derive(Debug)]
pub struct State {
    pub system: System,
    /// Messages in flight, packed and sorted (a multiset: equal packets repeat), so two states
    /// that differ only in the order messages were sent are equal.
    pub net: Vec<Packed>,
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
    /// The monitor's hash, recomputed when the monitor's revision moves.
    pub monitor_hash: u64,
    monitor_revision: u32,
}

/// By hand for `clone_from`: the search copies a state into a scratch one for every successor
/// it tries, reusing the scratch's buffers, and clones only the successors that are new.
impl Clone for State {
    fn clone(&self) -> State {
        State {
            system: self.system.clone(),
            net: self.net.clone(),
            timers: self.timers,
            requested: self.requested,
            crashed: self.crashed,
            drops: self.drops,
            duplicates: self.duplicates,
            crashes: self.crashes,
            node_hash: self.node_hash,
            net_hash: self.net_hash,
            monitor_hash: self.monitor_hash,
            monitor_revision: self.monitor_revision,
        }
    }
    fn clone_from(&mut self, source: &State) {
        self.system.clone_from(&source.system);
        self.net.clone_from(&source.net);
        self.copy_small(source);
    }
}

/// The checker's transit: a send adds to the multiset; timers are a bit each (abstract time:
/// an armed timer may fire at any moment, so its delay range does not matter).
pub struct Wire<'s> {
    pub net: &'s mut Vec<Packed>,
    pub net_hash: &'s mut u64,
    pub timers: &'s mut u64,
}

impl Transit<Msg> for Wire<'_> {
    fn send<K: TraceEvent<Msg>>(&mut self, from: NodeId, to: NodeId, msg: Msg, _: u64, _: Tick, _: &mut impl Sink<K>) {
        insert(self.net, self.net_hash, Packed::pack(&(from, to, msg)));
    }
    fn set_timer(&mut self, node: NodeId, _: u32, _: u32, _: Tick) {
        *self.timers |= 1 << node.index();
    }
    fn cancel_timer(&mut self, node: NodeId) {
        *self.timers &= !(1 << node.index());
    }
}

/// Adds a packet to a sorted multiset and its hash to the sum.
fn insert(net: &mut Vec<Packed>, net_hash: &mut u64, p: Packed) {
    let at = net.partition_point(|q| *q <= p);
    net.insert(at, p);
    *net_hash = net_hash.wrapping_add(p.hash());
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
            monitor_revision: 0,
        };
        s.monitor_hash = fingerprint::monitor_hash(&s.system.monitor, s.system.nodes.len());
        s.monitor_revision = s.system.monitor.revision();
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
        for &packed in &self.net {
            if previous == Some(packed) {
                continue; // equal copies enable the same steps
            }
            previous = Some(packed);
            let (from, to, msg) = packed.unpack();
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

    /// `next` into a state the caller keeps (its buffers are reused): false when the result
    /// lies outside the bounds.
    pub fn next_into(&self, model: &Model, step: Step, into: &mut State) -> bool {
        into.copy_from(self);
        into.apply(model, step);
        into.within_bounds(model)
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
                insert(&mut self.net, &mut self.net_hash, Packed::pack(&(from, to, msg)));
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
        // The monitor, when it moved (most steps leave it alone).
        if self.system.monitor.revision() != self.monitor_revision {
            self.monitor_revision = self.system.monitor.revision();
            self.monitor_hash = fingerprint::monitor_hash(&self.system.monitor, self.system.nodes.len());
        }
    }

    /// Makes this state equal `source`, copying only the parts whose hashes differ: the search
    /// computes each successor in a scratch state that held a sibling a moment ago, so most
    /// nodes (and often the monitor) are already right. Equal hashes mean equal parts with the
    /// odds the fingerprint already relies on (see `fingerprint`), and a counterexample is
    /// replayed from scratch anyway.
    pub fn copy_from(&mut self, source: &State) {
        let n = source.system.nodes.len();
        let mut same = 0u64;
        for i in 0..n.min(MAX_NODES) {
            if self.node_hash[i] == source.node_hash[i] {
                same |= 1 << i;
            }
        }
        if n > MAX_NODES {
            same = 0;
        }
        self.system.copy_from(&source.system, same, self.monitor_hash == source.monitor_hash);
        if self.net_hash != source.net_hash || self.net.len() != source.net.len() {
            self.net.clone_from(&source.net);
        }
        self.copy_small(source);
    }

    /// Everything but the system and the network (plain values).
    fn copy_small(&mut self, source: &State) {
        self.timers = source.timers;
        self.requested = source.requested;
        self.crashed = source.crashed;
        self.drops = source.drops;
        self.duplicates = source.duplicates;
        self.crashes = source.crashes;
        self.node_hash = source.node_hash;
        self.net_hash = source.net_hash;
        self.monitor_hash = source.monitor_hash;
        self.monitor_revision = source.monitor_revision;
    }

    fn take(&mut self, from: NodeId, to: NodeId, msg: Msg) {
        let p = Packed::pack(&(from, to, msg));
        if let Ok(i) = self.net.binary_search(&p) {
            self.net.remove(i);
            self.net_hash = self.net_hash.wrapping_sub(p.hash());
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
