//! The deterministic world: nodes, network, an event queue ordered by (time, sequence number),
//! and one seeded RNG. `World::step` does exactly one thing (a scheduled action, a delivery or
//! a timer) and reports it to a `Sink`; the same seed and schedule always give the same steps.

use super::action::{Action, MsgId, Schedule};
use super::check::{Checker, Violation};
use super::config::Config;
use super::event::{DropReason, EventKind, Sink, Tick};
use super::net::{NetParams, Network};
use super::rng::SimRng;
use crate::protocol::{Cluster, Durable, Input, Msg, Node, NodeId, TimerKind};
use std::sync::Arc;

/// A message on its way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InFlight {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub msg: Msg,
    pub sent_at: Tick,
    pub arrive: Tick,
    /// Decided when sent: the network will lose it (it still travels, and dies on arrival).
    pub lost: bool,
}

/// What the event queue holds: a message (its slot in `World::flights`) or a node's timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Item {
    Deliver(u32),
    Timer { node: NodeId, generation: u32 },
}

/// One node as the simulator holds it: the protocol state, whether it is up, and its disk.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NodeSlot {
    pub node: Node,
    pub up: bool,
    pub storage: Durable,
    /// Bumped to invalidate the pending timer (reset, cancel, crash).
    timer_generation: u32,
    pub timer_due: Option<Tick>,
}

impl NodeSlot {
    fn new(id: NodeId, cluster: &Cluster) -> NodeSlot {
        NodeSlot {
            node: Node::new(id, cluster),
            up: true,
            storage: Durable::default(),
            timer_generation: 0,
            timer_due: None,
        }
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

/// Counters over the whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Stats {
    pub sent: u64,
    pub delivered: u64,
    pub dropped: u64,
    pub duplicated: u64,
    pub timeouts: u64,
}

#[derive(Clone, Debug)]
pub struct World {
    pub cluster: Arc<Cluster>,
    /// The network parameters the world started with (what `reset` restores).
    initial_net: NetParams,
    pub now: Tick,
    /// Steps done so far; the next step is number `steps`.
    pub steps: u64,
    rng: SimRng,
    pub nodes: Vec<NodeSlot>,
    pub net: Network,
    queue: Queue,
    flights: Flights,
    next_msg: u64,
    tick_cursor: usize,
    step_cursor: usize,
    pub checker: Checker,
    pub violations: Vec<Violation>,
    pub stats: Stats,
    /// `Learned` outputs carried out so far (a learner learning): lets a driver stop at the
    /// first without asking the nodes on every step.
    pub learned_outputs: u64,
    found: Vec<Violation>,
}

/// Most violations kept (a broken run can produce one per event).
const MAX_VIOLATIONS: usize = 64;

impl World {
    /// A world for a configuration that passed `Config::validate`.
    pub fn new(config: &Config, seed: u64) -> World {
        let cluster = Arc::new(config.cluster());
        let n = cluster.node_count();
        let nodes = cluster.nodes().map(|id| NodeSlot::new(id, &cluster)).collect();
        World {
            initial_net: config.network,
            now: 0,
            steps: 0,
            rng: SimRng::new(seed),
            nodes,
            net: Network::new(n, &config.network),
            queue: Queue::default(),
            flights: Flights::default(),
            next_msg: 0,
            tick_cursor: 0,
            step_cursor: 0,
            checker: Checker::new(n),
            violations: Vec::new(),
            stats: Stats::default(),
            learned_outputs: 0,
            found: Vec::new(),
            cluster,
        }
    }

    /// Starts over as `World::new` with the same configuration and another seed, keeping every
    /// allocation: a benchmark or a sweep that runs millions of short worlds spends its time
    /// simulating, not in the allocator.
    pub fn reset(&mut self, seed: u64) {
        for (slot, id) in self.nodes.iter_mut().zip(self.cluster.nodes()) {
            slot.reset(id, &self.cluster);
        }
        self.net.reset(&self.initial_net);
        self.now = 0;
        self.steps = 0;
        self.rng = SimRng::new(seed);
        self.queue.clear();
        self.flights.clear();
        self.next_msg = 0;
        self.tick_cursor = 0;
        self.step_cursor = 0;
        self.checker.reset(self.nodes.len());
        self.violations.clear();
        self.stats = Stats::default();
        self.learned_outputs = 0;
        self.found.clear();
    }

    /// Does one step: the next due scheduled action, or the next delivery or timer. Returns
    /// false when nothing is left to do.
    pub fn step(&mut self, schedule: &Schedule, sink: &mut impl Sink) -> bool {
        self.step_inline(schedule, sink)
    }

    /// Steps until a `Learned` output was carried out, the world's step count reaches
    /// `max_steps`, or nothing is left to do. The step is inlined into this loop, so a driver
    /// that runs many short worlds (W1) pays the big step's prologue once per run, not per step.
    pub fn run_until_learned(&mut self, schedule: &Schedule, sink: &mut impl Sink, max_steps: u64) {
        while self.learned_outputs == 0 && self.steps < max_steps && self.step_inline(schedule, sink) {}
    }

    #[inline(always)]
    fn step_inline(&mut self, schedule: &Schedule, sink: &mut impl Sink) -> bool {
        let next_time = self.skip_dead_timers();
        if let Some(action) = self.due_action(schedule, next_time) {
            self.apply(action, sink);
        } else if let Some((time, item)) = self.queue.pop() {
            self.now = time;
            match item {
                Item::Deliver(slot) => {
                    let m = self.flights.take(slot);
                    self.arrive(m, sink)
                }
                Item::Timer { node, .. } => self.fire_timer(node, sink),
            }
        } else {
            return false;
        }
        self.steps += 1;
        true
    }

    /// Runs until nothing is left to do, `max_steps` steps are done, or time passes `max_time`.
    pub fn run(&mut self, schedule: &Schedule, sink: &mut impl Sink, max_steps: u64, max_time: Tick) -> u64 {
        let start = self.steps;
        while self.steps - start < max_steps && self.now <= max_time && self.step(schedule, sink) {}
        self.steps - start
    }

    #[inline(always)]
    fn due_action<'s>(&mut self, schedule: &'s Schedule, next_time: Option<Tick>) -> Option<&'s Action> {
        if let Some((n, action)) = schedule.by_step.get(self.step_cursor) {
            if *n <= self.steps {
                self.step_cursor += 1;
                return Some(action);
            }
        }
        if let Some((t, action)) = schedule.by_tick.get(self.tick_cursor) {
            if next_time.is_none_or(|next| *t <= next) {
                self.tick_cursor += 1;
                self.now = self.now.max(*t);
                return Some(action);
            }
        }
        None
    }

    /// Whether a step is left: something queued or scheduled.
    pub fn has_work(&mut self, schedule: &Schedule) -> bool {
        self.skip_dead_timers();
        !self.queue.is_empty() || self.tick_cursor < schedule.by_tick.len() || self.step_cursor < schedule.by_step.len()
    }

    /// Pops stale timers (reset, cancelled, or of a node that crashed), so the head of the
    /// queue is live; returns its time. Messages taken out by hand leave the queue at once.
    #[inline(always)]
    fn skip_dead_timers(&mut self) -> Option<Tick> {
        loop {
            let (time, item) = self.queue.peek()?;
            let Item::Timer { node, generation } = *item else { return Some(time) };
            let slot = &self.nodes[node.index()];
            if slot.up && slot.timer_generation == generation {
                return Some(time);
            }
            self.queue.discard_first();
        }
    }

    #[inline(always)]
    fn arrive(&mut self, m: InFlight, sink: &mut impl Sink) {
        let reason = if m.lost {
            Some(DropReason::Lost)
        } else if !self.net.connected(m.from, m.to) {
            Some(DropReason::Partitioned)
        } else if !self.nodes[m.to.index()].up {
            Some(DropReason::NodeDown)
        } else {
            None
        };
        let (step, time) = (self.steps, self.now);
        if let Some(reason) = reason {
            self.stats.dropped += 1;
            sink.record(step, time, || EventKind::Drop { id: m.id, from: m.from, to: m.to, msg: m.msg, reason });
            return;
        }
        self.stats.delivered += 1;
        sink.record(step, time, || EventKind::Deliver { id: m.id, from: m.from, to: m.to, msg: m.msg });
        self.input(m.to, Input::Deliver { from: m.from, msg: m.msg }, sink);
    }

    fn fire_timer(&mut self, node: NodeId, sink: &mut impl Sink) {
        self.stats.timeouts += 1;
        self.nodes[node.index()].timer_due = None;
        sink.record(self.steps, self.now, || EventKind::Timeout { node });
        self.input(node, Input::Timer(TimerKind::Retry), sink);
    }

    /// Feeds one input to a node and carries out its outputs, in order, as the handler emits
    /// them (see `carrier`). Inlined, like the protocol's `Node::handle` under it: calls on the
    /// hot path each cost a prologue and an epilogue that W1 pays several million times a second.
    #[inline(always)]
    fn input(&mut self, node: NodeId, input: Input, sink: &mut impl Sink) {
        let NodeSlot { node: protocol, storage, timer_generation, timer_due, .. } = &mut self.nodes[node.index()];
        let mut carrier = Carrier {
            node,
            steps: self.steps,
            now: self.now,
            cluster: &self.cluster,
            storage,
            timer_generation,
            timer_due,
            post: Post {
                queue: &mut self.queue,
                flights: &mut self.flights,
                next_msg: &mut self.next_msg,
                stats: &mut self.stats,
            },
            rng: &mut self.rng,
            net: &self.net,
            checker: &mut self.checker,
            found: &mut self.found,
            learned_outputs: &mut self.learned_outputs,
            check_all_accepted: false,
            sink,
        };
        protocol.handle(input, &self.cluster, &mut carrier);
        if carrier.check_all_accepted {
            self.check_all_accepted();
        }
        self.flush_violations(sink);
    }

    /// A value was just chosen: every proposal already accepted at or above its ballot must
    /// carry it.
    #[cold]
    fn check_all_accepted(&mut self) {
        for slot in &self.nodes {
            if let Some(a) = slot.storage.acceptor.accepted {
                self.checker.check_stable(slot.node.id, a, &mut self.found);
            }
        }
    }

    /// The post office of the world: what queuing a message touches.
    fn post(&mut self) -> Post<'_> {
        Post {
            queue: &mut self.queue,
            flights: &mut self.flights,
            next_msg: &mut self.next_msg,
            stats: &mut self.stats,
        }
    }

    #[inline]
    fn flush_violations(&mut self, sink: &mut impl Sink) {
        if !self.found.is_empty() {
            self.record_violations(sink);
        }
    }

    #[cold]
    fn record_violations(&mut self, sink: &mut impl Sink) {
        for v in self.found.drain(..) {
            let (step, time) = (self.steps, self.now);
            let kind =
                || EventKind::Violation { invariant: v.invariant, nodes: v.nodes.clone(), detail: v.detail.clone() };
            sink.record(step, time, kind);
            if self.violations.len() < MAX_VIOLATIONS {
                self.violations.push(v);
            }
        }
    }
}

mod actions;
mod carrier;
mod flights;
mod queue;

use carrier::{Carrier, Post};
use flights::Flights;
use queue::Queue;
