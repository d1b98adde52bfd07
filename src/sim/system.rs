//! The system: what a run is made of, without time. Nodes (their protocol state, whether they
//! are up, their disk), and the invariant monitor that watches them. It applies one step at a
//! time, and every driver applies steps through these same functions: the timed simulator
//! (`World`, which picks the next step from its clock, queue and seeded RNG), the page (through
//! the simulator), and the exhaustive model checker (`crate::check`, which tries every step that
//! is enabled).
//!
//! Where messages and timers go is the driver's business, behind [`Transit`]: the simulator
//! gives each message an id, a latency and maybe a twin, and arms a timer at a drawn tick; the
//! checker keeps the messages in flight as a multiset and a timer as "armed", firing it whenever
//! it likes (abstract time). Delivering a message is applying [`Step::Deliver`] once the driver
//! has taken the message out of its network.
//!
//! Why a crash rebuilds the node at once: a crashed node has lost its volatile state the moment
//! it goes down, so that is what a person sees and what the checker compares (two runs that
//! crash a node in different volatile states are the same state while it is down).

use super::event::{EventKind, Sink, Tick};
use super::monitor::{Monitor, Violation};
use crate::protocol::{Cluster, Durable, Input, Msg, Node, NodeId, TimerKind, Value};
use std::sync::Arc;

mod carrier;

use carrier::Carrier;

/// One node as the system holds it: the protocol state, whether it is up, and its disk.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct NodeSlot {
    pub node: Node,
    pub up: bool,
    pub storage: Durable,
}

/// By hand for `clone_from`, which reuses allocations (see `System`'s).
impl Clone for NodeSlot {
    fn clone(&self) -> NodeSlot {
        NodeSlot { node: self.node.clone(), up: self.up, storage: self.storage }
    }
    fn clone_from(&mut self, source: &NodeSlot) {
        self.node.clone_from(&source.node);
        self.up = source.up;
        self.storage = source.storage;
    }
}

impl NodeSlot {
    pub fn new(id: NodeId, cluster: &Cluster) -> NodeSlot {
        NodeSlot { node: Node::new(id, cluster), up: true, storage: Durable::default() }
    }

    /// Back to `NodeSlot::new`, keeping the learner's tally buffer: a benchmark or a sweep
    /// that runs millions of short worlds should not allocate it again for each.
    fn reset(&mut self, id: NodeId, cluster: &Cluster) {
        let tallies = self.node.learner.as_mut().map(|l| std::mem::take(&mut l.tallies));
        *self = NodeSlot::new(id, cluster);
        if let (Some(learner), Some(mut tallies)) = (self.node.learner.as_mut(), tallies) {
            tallies.clear();
            learner.tallies = tallies;
        }
    }
}

/// One thing that can happen to the system. The simulator picks one at a time by its clock;
/// the checker tries each that is enabled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// A client asks the proposer on `node` to propose `value`.
    Propose {
        node: NodeId,
        value: Value,
    },
    /// `msg` from `from` arrives at `to` (already taken out of the network by the driver).
    Deliver {
        from: NodeId,
        to: NodeId,
        msg: Msg,
    },
    /// The network loses a message in flight.
    Drop {
        from: NodeId,
        to: NodeId,
        msg: Msg,
    },
    /// The network delivers a second copy of a message in flight.
    Duplicate {
        from: NodeId,
        to: NodeId,
        msg: Msg,
    },
    /// `node`'s armed retry timer fires.
    Timer {
        node: NodeId,
    },
    Crash {
        node: NodeId,
    },
    Recover {
        node: NodeId,
    },
}

/// Where the system's messages and timers go: the simulator's timed queue, or the checker's
/// multiset. Each call is made while a node's handler runs, in the order it emits its outputs.
pub trait Transit {
    /// Puts a message on the network.
    fn send(&mut self, from: NodeId, to: NodeId, msg: Msg, step: u64, now: Tick, sink: &mut impl Sink);
    /// Arms (or re-arms) `node`'s timer to fire after `min_ticks..=max_ticks`.
    fn set_timer(&mut self, node: NodeId, min_ticks: u32, max_ticks: u32, now: Tick);
    /// Disarms `node`'s timer.
    fn cancel_timer(&mut self, node: NodeId);
}

/// A transit borrowed for one input. (The simulator builds its `Timed` for each input and hands
/// it over by value, so a send reaches the queue through one pointer, not two.)
impl<T: Transit> Transit for &mut T {
    #[inline(always)]
    fn send(&mut self, from: NodeId, to: NodeId, msg: Msg, step: u64, now: Tick, sink: &mut impl Sink) {
        (**self).send(from, to, msg, step, now, sink)
    }
    #[inline(always)]
    fn set_timer(&mut self, node: NodeId, min_ticks: u32, max_ticks: u32, now: Tick) {
        (**self).set_timer(node, min_ticks, max_ticks, now)
    }
    #[inline(always)]
    fn cancel_timer(&mut self, node: NodeId) {
        (**self).cancel_timer(node)
    }
}

/// Most violations kept (a broken run can produce one per event).
const MAX_VIOLATIONS: usize = 64;

#[derive(Debug)]
pub struct System {
    pub cluster: Arc<Cluster>,
    pub nodes: Vec<NodeSlot>,
    pub monitor: Monitor,
    /// Violations found so far (at most `MAX_VIOLATIONS`).
    pub violations: Vec<Violation>,
    /// `Learned` outputs carried out so far (a learner learning): lets a driver stop at the
    /// first without asking the nodes on every step.
    pub learned_outputs: u64,
    found: Vec<Violation>,
}

/// By hand for `clone_from`: the model checker copies a state into a scratch one for every
/// successor it tries, and most successors were seen before, so the copy must reuse the
/// scratch's buffers (no allocation) and leave the shared cluster's reference count alone (one
/// cache line that every search thread would otherwise write).
impl Clone for System {
    fn clone(&self) -> System {
        System {
            cluster: self.cluster.clone(),
            nodes: self.nodes.clone(),
            monitor: self.monitor.clone(),
            violations: self.violations.clone(),
            learned_outputs: self.learned_outputs,
            found: self.found.clone(),
        }
    }
    fn clone_from(&mut self, source: &System) {
        if !Arc::ptr_eq(&self.cluster, &source.cluster) {
            self.cluster = source.cluster.clone();
        }
        self.nodes.clone_from(&source.nodes);
        self.monitor.clone_from(&source.monitor);
        self.violations.clone_from(&source.violations);
        self.learned_outputs = source.learned_outputs;
        self.found.clone_from(&source.found);
    }
}

impl System {
    /// `clone_from` for the model checker, which knows (from its hashes) which nodes and
    /// whether the monitor already equal the source's: bit `i` of `same_nodes` says node `i`
    /// does. A successor differs from its parent in one node, so this copies one or two nodes
    /// instead of all.
    pub fn copy_from(&mut self, source: &System, same_nodes: u64, same_monitor: bool) {
        if self.nodes.len() != source.nodes.len() || !Arc::ptr_eq(&self.cluster, &source.cluster) {
            return self.clone_from(source);
        }
        for (i, (slot, from)) in self.nodes.iter_mut().zip(&source.nodes).enumerate() {
            if same_nodes & (1 << i) == 0 {
                slot.clone_from(from);
            }
        }
        self.monitor.copy_from(&source.monitor, same_monitor);
        self.violations.clone_from(&source.violations);
        self.learned_outputs = source.learned_outputs;
        self.found.clone_from(&source.found);
    }

    pub fn new(cluster: Arc<Cluster>) -> System {
        let n = cluster.node_count();
        System {
            nodes: cluster.nodes().map(|id| NodeSlot::new(id, &cluster)).collect(),
            monitor: Monitor::new(n),
            violations: Vec::new(),
            learned_outputs: 0,
            found: Vec::new(),
            cluster,
        }
    }

    /// Back to `System::new`, keeping every allocation.
    pub fn reset(&mut self) {
        for (slot, id) in self.nodes.iter_mut().zip(self.cluster.nodes()) {
            slot.reset(id, &self.cluster);
        }
        self.monitor.reset(self.nodes.len());
        self.violations.clear();
        self.learned_outputs = 0;
        self.found.clear();
    }

    pub fn slot(&self, node: NodeId) -> &NodeSlot {
        &self.nodes[node.index()]
    }

    /// Applies one step. `Drop` and `Duplicate` change only the network, which is the driver's:
    /// here they do nothing. A message delivered to a node that is down is lost.
    pub fn apply(&mut self, step: Step, transit: &mut impl Transit, at: (u64, Tick), sink: &mut impl Sink) {
        match step {
            Step::Propose { node, value } => self.propose(node, value, transit, at, sink),
            Step::Deliver { from, to, msg } => {
                if self.nodes[to.index()].up {
                    self.input(to, Input::Deliver { from, msg }, transit, at, sink);
                }
            }
            Step::Timer { node } => self.fire_timer(node, transit, at, sink),
            Step::Crash { node } => self.crash(node, transit, at, sink),
            Step::Recover { node } => self.recover(node, at, sink),
            Step::Drop { .. } | Step::Duplicate { .. } => {}
        }
        self.flush_violations(at, sink);
    }

    /// A client request: the monitor notes the value (validity), and an up proposer takes it.
    pub fn propose(
        &mut self,
        node: NodeId,
        value: Value,
        transit: &mut impl Transit,
        at: (u64, Tick),
        sink: &mut impl Sink,
    ) {
        self.monitor.on_proposed(value);
        if self.nodes[node.index()].up {
            self.input(node, Input::Propose(value), transit, at, sink);
        }
    }

    /// `node`'s timer fires (the driver checked that it is up and armed, and disarmed it).
    #[inline(always)]
    pub fn fire_timer(&mut self, node: NodeId, transit: impl Transit, at: (u64, Tick), sink: &mut impl Sink) {
        sink.record(at.0, at.1, || EventKind::Timeout { node });
        self.input(node, Input::Timer(TimerKind::Retry), transit, at, sink);
    }

    /// A crash: volatile state is lost now (the node is rebuilt from its disk), its timer dies,
    /// and messages arriving while it is down are lost.
    pub fn crash(&mut self, node: NodeId, transit: &mut impl Transit, at: (u64, Tick), sink: &mut impl Sink) {
        let slot = &mut self.nodes[node.index()];
        if !slot.up {
            return;
        }
        slot.up = false;
        slot.node.replace_keeping_buffers(Node::restore(node, &self.cluster, &slot.storage));
        transit.cancel_timer(node);
        sink.record(at.0, at.1, || EventKind::Crash { node });
    }

    /// A recovery: the node restarts from its disk (a forgetful acceptor, the broken variant,
    /// comes back with less than it promised, which the monitor catches at once).
    pub fn recover(&mut self, node: NodeId, at: (u64, Tick), sink: &mut impl Sink) {
        let slot = &mut self.nodes[node.index()];
        if slot.up {
            return;
        }
        slot.up = true;
        slot.node.replace_keeping_buffers(Node::recover(node, &self.cluster, &slot.storage));
        sink.record(at.0, at.1, || EventKind::Recover { node });
        if let Some(a) = &slot.node.acceptor {
            let promised = a.durable.promised;
            self.monitor.on_promise(node, promised, &mut self.found);
        }
    }

    /// Feeds one input to a node and carries out its outputs, in order, as the handler emits
    /// them (see `carrier`). Inlined, like the protocol's `Node::handle` under it: calls on the
    /// hot path each cost a prologue and an epilogue that W1 pays several million times a second.
    #[inline(always)]
    pub fn input(&mut self, node: NodeId, input: Input, transit: impl Transit, at: (u64, Tick), sink: &mut impl Sink) {
        let NodeSlot { node: protocol, storage, .. } = &mut self.nodes[node.index()];
        let mut carrier = Carrier {
            node,
            steps: at.0,
            now: at.1,
            cluster: &self.cluster,
            storage,
            transit,
            monitor: &mut self.monitor,
            found: &mut self.found,
            learned_outputs: &mut self.learned_outputs,
            check_all_accepted: false,
            sink,
        };
        protocol.handle(input, &self.cluster, &mut carrier);
        if carrier.check_all_accepted {
            self.check_all_accepted();
        }
        self.flush_violations(at, sink);
    }

    /// A value was just chosen: every proposal already accepted at or above its ballot must
    /// carry it.
    #[cold]
    fn check_all_accepted(&mut self) {
        for slot in &self.nodes {
            if let Some(a) = slot.storage.acceptor.accepted {
                self.monitor.check_stable(slot.node.id, a, &mut self.found);
            }
        }
    }

    #[inline]
    pub fn flush_violations(&mut self, at: (u64, Tick), sink: &mut impl Sink) {
        if !self.found.is_empty() {
            self.record_violations(at, sink);
        }
    }

    #[cold]
    fn record_violations(&mut self, at: (u64, Tick), sink: &mut impl Sink) {
        for v in self.found.drain(..) {
            let kind =
                || EventKind::Violation { invariant: v.invariant, nodes: v.nodes.clone(), detail: v.detail.clone() };
            sink.record(at.0, at.1, kind);
            if self.violations.len() < MAX_VIOLATIONS {
                self.violations.push(v);
            }
        }
    }

    /// The value chosen so far (the first, if a broken run chose more than one).
    pub fn chosen(&self) -> Option<Value> {
        self.monitor.chosen_value()
    }

    /// Whether every learner has learned a value.
    pub fn all_learned(&self) -> bool {
        self.cluster.learners.iter().all(|l| self.nodes[l.index()].node.learned().is_some())
    }
}
