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

use super::event::{EventKind, Sink, Tick, TraceEvent};
use super::monitor::{Monitor, Violation};
use crate::protocol::{Cluster, Emit, Msg, NodeId, Protocol, SingleDecree, Value};
use std::fmt::Debug;
use std::sync::Arc;

pub mod carrier;

pub use carrier::Carrier;

/// The simulator's side of a protocol: how each output is carried out (sends to the transit,
/// persists to the disk, observations to the invariant monitor, events to the trace), with the
/// protocol's own monitor and trace events. Single-decree Paxos's is below; Multi-Paxos brings
/// its own (`crate::sim::multi`).
pub trait Simulated: Protocol {
    /// The invariant monitor: the omniscient observer that checks the protocol's safety
    /// properties after every output.
    type Monitor: Clone + Debug;
    /// The protocol's trace events: the simulator's own (sends, deliveries, crashes) and the
    /// protocol's.
    type Event: TraceEvent<Self::Msg>;

    fn monitor(cluster: &Self::Cluster) -> Self::Monitor;
    /// Back to `monitor(cluster)`, keeping allocations.
    fn reset_monitor(monitor: &mut Self::Monitor, cluster: &Self::Cluster);
    /// Carries out one output as the handler emits it (see `carrier`).
    fn carry<T: Transit<Self::Msg>, S: Sink<Self::Event>>(output: Self::Output, carrier: &mut Carrier<'_, Self, T, S>);
    /// After a handler whose carrier set `carrier.after`: checks that need every node.
    fn after_input(_system: &mut System<Self>) {}
    /// A client request is about to reach `node` (up or not), at `at` (step, tick).
    fn on_request(_monitor: &mut Self::Monitor, _node: NodeId, _request: &Self::Request, _at: (u64, Tick)) {}
    /// Moves a message out of the simulator's store of messages in flight; what it leaves
    /// behind is never read. A clone is free for a `Copy` message (single-decree's).
    #[inline(always)]
    fn take_msg(msg: &mut Self::Msg) -> Self::Msg {
        msg.clone()
    }
    /// `node` just recovered from its disk.
    fn on_recover(_system: &mut System<Self>, _node: NodeId) {}
    /// The request a scheduled `Action::Propose` of `value` stands for, if the protocol has one
    /// (single-decree: the value itself).
    fn proposal(_value: Value) -> Option<Self::Request> {
        None
    }
}

/// One node as the system holds it: the protocol state, whether it is up, and its disk.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct NodeSlot<P: Protocol = SingleDecree> {
    pub node: P::Node,
    pub up: bool,
    pub storage: P::Durable,
}

/// By hand for `clone_from`, which reuses allocations (see `System`'s).
impl<P: Protocol> Clone for NodeSlot<P> {
    fn clone(&self) -> NodeSlot<P> {
        NodeSlot { node: self.node.clone(), up: self.up, storage: self.storage.clone() }
    }
    fn clone_from(&mut self, source: &NodeSlot<P>) {
        self.node.clone_from(&source.node);
        self.up = source.up;
        self.storage.clone_from(&source.storage);
    }
}

impl<P: Protocol> NodeSlot<P> {
    pub fn start(id: NodeId, cluster: &P::Cluster) -> NodeSlot<P> {
        let storage = P::Durable::default();
        NodeSlot { node: P::boot(id, cluster, &storage), up: true, storage }
    }

    /// Back to `NodeSlot::start`, keeping the node's buffers (`Protocol::reboot`): a benchmark
    /// or a sweep that runs millions of short worlds should not allocate them again for each.
    fn reset(&mut self, id: NodeId, cluster: &P::Cluster) {
        // (From a disk of its own, not `self.storage`: a default the compiler can see.)
        P::reboot(&mut self.node, id, cluster, &P::Durable::default());
        self.storage = P::Durable::default();
        self.up = true;
    }
}

impl NodeSlot {
    pub fn new(id: NodeId, cluster: &Cluster) -> NodeSlot {
        NodeSlot::start(id, cluster)
    }
}

/// One thing that can happen to the system. The simulator picks one at a time by its clock;
/// the checker tries each that is enabled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step<M = Msg, R = Value> {
    /// A client asks `node` for something (single-decree: the proposer on `node` to propose
    /// `value`; Multi-Paxos: the client `node` to run an operation).
    Propose {
        node: NodeId,
        value: R,
    },
    /// `msg` from `from` arrives at `to` (already taken out of the network by the driver).
    Deliver {
        from: NodeId,
        to: NodeId,
        msg: M,
    },
    /// The network loses a message in flight.
    Drop {
        from: NodeId,
        to: NodeId,
        msg: M,
    },
    /// The network delivers a second copy of a message in flight.
    Duplicate {
        from: NodeId,
        to: NodeId,
        msg: M,
    },
    /// `node`'s armed timer fires.
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

/// A protocol's steps.
pub type StepOf<P> = Step<<P as Protocol>::Msg, <P as Protocol>::Request>;

/// Where the system's messages and timers go: the simulator's timed queue, or the checker's
/// multiset. Each call is made while a node's handler runs, in the order it emits its outputs.
pub trait Transit<M> {
    /// Puts a message on the network.
    fn send<K: TraceEvent<M>>(
        &mut self,
        from: NodeId,
        to: NodeId,
        msg: M,
        step: u64,
        now: Tick,
        sink: &mut impl Sink<K>,
    );
    /// Arms (or re-arms) `node`'s timer to fire after `min_ticks..=max_ticks`.
    fn set_timer(&mut self, node: NodeId, min_ticks: u32, max_ticks: u32, now: Tick);
    /// Disarms `node`'s timer.
    fn cancel_timer(&mut self, node: NodeId);
}

/// A transit borrowed for one input. (The simulator builds its `Timed` for each input and hands
/// it over by value, so a send reaches the queue through one pointer, not two.)
impl<M, T: Transit<M>> Transit<M> for &mut T {
    #[inline(always)]
    fn send<K: TraceEvent<M>>(
        &mut self,
        from: NodeId,
        to: NodeId,
        msg: M,
        step: u64,
        now: Tick,
        sink: &mut impl Sink<K>,
    ) {
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
pub struct System<P: Simulated = SingleDecree> {
    pub cluster: Arc<P::Cluster>,
    pub nodes: Vec<NodeSlot<P>>,
    pub monitor: P::Monitor,
    /// Violations found so far (at most `MAX_VIOLATIONS`).
    pub violations: Vec<Violation>,
    /// Single-decree `Learned` outputs carried out so far (a learner learning): lets a driver
    /// stop at the first without asking the nodes on every step.
    pub learned_outputs: u64,
    found: Vec<Violation>,
}

/// By hand for `clone_from`: the model checker copies a state into a scratch one for every
/// successor it tries, and most successors were seen before, so the copy must reuse the
/// scratch's buffers (no allocation) and leave the shared cluster's reference count alone (one
/// cache line that every search thread would otherwise write).
impl<P: Simulated> Clone for System<P> {
    fn clone(&self) -> System<P> {
        System {
            cluster: self.cluster.clone(),
            nodes: self.nodes.clone(),
            monitor: self.monitor.clone(),
            violations: self.violations.clone(),
            learned_outputs: self.learned_outputs,
            found: self.found.clone(),
        }
    }
    fn clone_from(&mut self, source: &System<P>) {
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
    pub fn new(cluster: Arc<Cluster>) -> System {
        System::start(cluster)
    }

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

    /// The value chosen so far (the first, if a broken run chose more than one).
    pub fn chosen(&self) -> Option<Value> {
        self.monitor.chosen_value()
    }

    /// Whether every learner has learned a value.
    pub fn all_learned(&self) -> bool {
        self.cluster.learners.iter().all(|l| self.nodes[l.index()].node.learned().is_some())
    }
}

impl<P: Simulated> System<P> {
    /// The system of a cluster whose nodes all start with empty disks.
    pub fn start(cluster: Arc<P::Cluster>) -> System<P> {
        let n = P::node_count(&cluster);
        System {
            nodes: (0..n).map(|i| NodeSlot::start(NodeId(i as u8), &*cluster)).collect(),
            monitor: P::monitor(&cluster),
            violations: Vec::new(),
            learned_outputs: 0,
            found: Vec::new(),
            cluster,
        }
    }

    /// Back to `System::start`, keeping every allocation.
    pub fn reset(&mut self) {
        for (i, slot) in self.nodes.iter_mut().enumerate() {
            slot.reset(NodeId(i as u8), &self.cluster);
        }
        P::reset_monitor(&mut self.monitor, &self.cluster);
        self.violations.clear();
        self.learned_outputs = 0;
        self.found.clear();
    }

    pub fn slot(&self, node: NodeId) -> &NodeSlot<P> {
        &self.nodes[node.index()]
    }

    /// Applies one step. `Drop` and `Duplicate` change only the network, which is the driver's:
    /// here they do nothing. A message delivered to a node that is down is lost.
    pub fn apply(
        &mut self,
        step: StepOf<P>,
        transit: &mut impl Transit<P::Msg>,
        at: (u64, Tick),
        sink: &mut impl Sink<P::Event>,
    ) {
        match step {
            Step::Propose { node, value } => self.propose(node, value, transit, at, sink),
            Step::Deliver { from, to, msg } => {
                if self.nodes[to.index()].up {
                    self.deliver(from, to, msg, transit, at, sink);
                }
            }
            Step::Timer { node } => self.fire_timer(node, transit, at, sink),
            Step::Crash { node } => self.crash(node, transit, at, sink),
            Step::Recover { node } => self.recover(node, transit, at, sink),
            Step::Drop { .. } | Step::Duplicate { .. } => {}
        }
        self.flush_violations(at, sink);
    }

    /// A client request: the monitor notes it (single-decree: validity), and an up node takes it.
    pub fn propose(
        &mut self,
        node: NodeId,
        request: P::Request,
        transit: &mut impl Transit<P::Msg>,
        at: (u64, Tick),
        sink: &mut impl Sink<P::Event>,
    ) {
        P::on_request(&mut self.monitor, node, &request, at);
        if self.nodes[node.index()].up {
            self.input(node, transit, at, sink, |n, now, c, out| P::request(n, request, now, c, out));
        }
    }

    /// `msg` from `from` arrives at the up node `to`.
    #[inline(always)]
    pub fn deliver(
        &mut self,
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
        transit: impl Transit<P::Msg>,
        at: (u64, Tick),
        sink: &mut impl Sink<P::Event>,
    ) {
        // (The closure inlined too: left to itself, the compiler called it once per delivery,
        // with the carrier built in memory for it, about 6 M instructions of W1's 600 M.)
        self.input(
            to,
            transit,
            at,
            sink,
            #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
            |n, now, c, out| P::deliver(n, from, msg, now, c, out),
        );
    }

    /// `node`'s timer fires (the driver checked that it is up and armed, and disarmed it).
    #[inline(always)]
    pub fn fire_timer(
        &mut self,
        node: NodeId,
        transit: impl Transit<P::Msg>,
        at: (u64, Tick),
        sink: &mut impl Sink<P::Event>,
    ) {
        sink.record(at.0, at.1, || P::Event::timeout(node));
        self.input(node, transit, at, sink, |n, now, c, out| P::timer(n, now, c, out));
    }

    /// A crash: volatile state is lost now (the node is rebuilt from its disk), its timer dies,
    /// and messages arriving while it is down are lost.
    pub fn crash(
        &mut self,
        node: NodeId,
        transit: &mut impl Transit<P::Msg>,
        at: (u64, Tick),
        sink: &mut impl Sink<P::Event>,
    ) {
        let slot = &mut self.nodes[node.index()];
        if !slot.up {
            return;
        }
        slot.up = false;
        P::restore_into(&mut slot.node, node, &self.cluster, &slot.storage);
        transit.cancel_timer(node);
        sink.record(at.0, at.1, || P::Event::crash(node));
    }

    /// A recovery: the node restarts from its disk (a broken variant may come back with less
    /// than it wrote, which the monitor catches at once).
    pub fn recover(
        &mut self,
        node: NodeId,
        transit: &mut impl Transit<P::Msg>,
        at: (u64, Tick),
        sink: &mut impl Sink<P::Event>,
    ) {
        let slot = &mut self.nodes[node.index()];
        if slot.up {
            return;
        }
        slot.up = true;
        P::reboot(&mut slot.node, node, &self.cluster, &slot.storage);
        sink.record(at.0, at.1, || P::Event::recover(node));
        P::on_recover(self, node);
        if P::STARTS {
            self.input(node, transit, at, sink, |n, now, c, out| P::start(n, now, c, out));
        }
    }

    /// Every node gets going (`Protocol::start`), as a run begins.
    pub fn start_nodes(&mut self, transit: &mut impl Transit<P::Msg>, at: (u64, Tick), sink: &mut impl Sink<P::Event>) {
        if !P::STARTS {
            return;
        }
        for i in 0..self.nodes.len() {
            self.input(NodeId(i as u8), &mut *transit, at, sink, |n, now, c, out| P::start(n, now, c, out));
        }
    }

    /// Feeds one input to a node (`handle` calls the protocol's handler) and carries out its
    /// outputs, in order, as the handler emits them (see `carrier`). Inlined, like the
    /// protocol's handlers under it: calls on the hot path each cost a prologue and an epilogue
    /// that W1 pays several million times a second.
    #[inline(always)]
    pub fn input<T: Transit<P::Msg>, S: Sink<P::Event>>(
        &mut self,
        node: NodeId,
        transit: T,
        at: (u64, Tick),
        sink: &mut S,
        handle: impl FnOnce(&mut P::Node, u64, &P::Cluster, &mut Carrier<'_, P, T, S>),
    ) {
        let NodeSlot { node: protocol, storage, .. } = &mut self.nodes[node.index()];
        let mut carrier = Carrier {
            node,
            steps: at.0,
            now: at.1,
            cluster: &*self.cluster,
            storage,
            transit,
            monitor: &mut self.monitor,
            found: &mut self.found,
            learned_outputs: &mut self.learned_outputs,
            after: false,
            sink,
        };
        handle(protocol, at.1, &self.cluster, &mut carrier);
        if carrier.after {
            P::after_input(self);
        }
        self.flush_violations(at, sink);
    }

    /// Reports a violation found outside a handler (by a protocol's `after_input` or
    /// `on_recover`); it reaches the trace at the next flush.
    pub fn found(&mut self, violation: Violation) {
        self.found.push(violation);
    }

    #[inline]
    pub fn flush_violations(&mut self, at: (u64, Tick), sink: &mut impl Sink<P::Event>) {
        if !self.found.is_empty() {
            self.record_violations(at, sink);
        }
    }

    #[cold]
    fn record_violations(&mut self, at: (u64, Tick), sink: &mut impl Sink<P::Event>) {
        for v in self.found.drain(..) {
            let kind = || P::Event::violation(v.invariant, v.nodes.clone(), v.detail.clone());
            sink.record(at.0, at.1, kind);
            if self.violations.len() < MAX_VIOLATIONS {
                self.violations.push(v);
            }
        }
    }
}

/// Single-decree Paxos in the simulator: persists go to the disk and to the monitor, which
/// sees every acceptor and so knows when a value is chosen.
impl Simulated for SingleDecree {
    type Monitor = Monitor;
    type Event = EventKind;

    fn monitor(cluster: &Cluster) -> Monitor {
        Monitor::new(cluster.node_count())
    }
    fn reset_monitor(monitor: &mut Monitor, cluster: &Cluster) {
        monitor.reset(cluster.node_count());
    }
    #[inline(always)]
    fn carry<T: Transit<Msg>, S: Sink<EventKind>>(
        output: crate::protocol::Output,
        carrier: &mut Carrier<'_, SingleDecree, T, S>,
    ) {
        carrier.carry_single_decree(output)
    }

    /// A value was just chosen: every proposal already accepted at or above its ballot must
    /// carry it.
    #[cold]
    fn after_input(system: &mut System) {
        for slot in &system.nodes {
            if let Some(a) = slot.storage.acceptor.accepted {
                system.monitor.check_stable(slot.node.id, a, &mut system.found);
            }
        }
    }

    fn proposal(value: Value) -> Option<Value> {
        Some(value)
    }

    fn on_request(monitor: &mut Monitor, _node: NodeId, value: &Value, _at: (u64, Tick)) {
        monitor.on_proposed(*value);
    }

    fn on_recover(system: &mut System, node: NodeId) {
        if let Some(a) = &system.nodes[node.index()].node.acceptor {
            let promised = a.durable.promised;
            system.monitor.on_promise(node, promised, &mut system.found);
        }
    }
}

/// What a handler's outputs go into, for a protocol's handler called through `System::input`.
impl<P: Simulated, T: Transit<P::Msg>, S: Sink<P::Event>> Emit<P::Output> for Carrier<'_, P, T, S> {
    #[inline(always)]
    fn push(&mut self, output: P::Output) {
        P::carry(output, self)
    }
}
