//! The timed simulator: the [`System`] driven by a clock. An event queue ordered by (time,
//! sequence number), one seeded RNG and a per-link network pick the next step; `World::step`
//! does exactly one thing (a scheduled action, a delivery or a timer) and reports it to a
//! `Sink`; the same seed and schedule always give the same steps. The steps themselves are
//! applied by the system, through the same functions the model checker uses.

use super::action::{Action, MsgId, Schedule};
use super::config::Config;
use super::event::{DropReason, Sink, Tick, TraceEvent};
use super::net::{NetParams, Network};
use super::rng::SimRng;
use super::system::{Simulated, StepOf, System};
use crate::protocol::{Msg, NodeId, SingleDecree};
use std::sync::Arc;

/// A message on its way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InFlight<M = Msg> {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub msg: M,
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

/// A node's timer as the scheduler holds it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TimerSlot {
    /// Bumped to invalidate the pending timer (reset, cancel, crash).
    generation: u32,
    pub due: Option<Tick>,
}

impl TimerSlot {
    #[inline(always)]
    fn cancel(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.due = None;
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
pub struct World<P: Simulated = SingleDecree> {
    /// The nodes and the invariant monitor: everything but time and the network.
    pub system: System<P>,
    /// The network parameters the world started with (what `reset` restores).
    initial_net: NetParams,
    pub now: Tick,
    /// Steps done so far; the next step is number `steps`.
    pub steps: u64,
    pub net: Network,
    /// The RNG, the event queue, the messages in flight, the timers and the counters: what a
    /// send or a timer touches, lent to a node's handler as one pointer.
    post: Post<P::Msg>,
    tick_cursor: usize,
    step_cursor: usize,
}

impl World {
    /// A world for a configuration that passed `Config::validate`.
    pub fn new(config: &Config, seed: u64) -> World {
        World::start(Arc::new(config.cluster()), config.network, seed)
    }

    /// The value chosen so far (the first, if a broken run chose more than one).
    pub fn chosen(&self) -> Option<crate::protocol::Value> {
        self.system.chosen()
    }

    /// Whether every learner has learned a value.
    pub fn all_learned(&self) -> bool {
        self.system.all_learned()
    }
}

impl<P: Simulated> World<P> {
    /// A world of `cluster`'s nodes on a network with `network`'s parameters.
    pub fn start(cluster: Arc<P::Cluster>, network: NetParams, seed: u64) -> World<P> {
        let n = P::node_count(&cluster);
        let mut world = World {
            system: System::start(cluster),
            initial_net: network,
            now: 0,
            steps: 0,
            net: Network::new(n, &network),
            post: Post {
                rng: SimRng::new(seed),
                queue: Queue::default(),
                flights: Flights::default(),
                timers: vec![TimerSlot::default(); n],
                next_msg: 0,
                stats: Stats::default(),
            },
            tick_cursor: 0,
            step_cursor: 0,
        };
        world.start_nodes();
        world
    }

    /// Every node gets going at tick 0 (`Protocol::start`: single-decree nodes do nothing).
    fn start_nodes(&mut self) {
        let (system, mut timed) = self.split();
        system.start_nodes(&mut timed, (0, 0), &mut ());
    }

    /// Starts over as `World::new` with the same configuration and another seed, keeping every
    /// allocation: a benchmark or a sweep that runs millions of short worlds spends its time
    /// simulating, not in the allocator.
    pub fn reset(&mut self, seed: u64) {
        self.system.reset();
        self.net.reset(&self.initial_net);
        self.now = 0;
        self.steps = 0;
        self.post.rng = SimRng::new(seed);
        self.post.queue.clear();
        self.post.flights.clear();
        self.post.timers.fill(TimerSlot::default());
        self.post.next_msg = 0;
        self.tick_cursor = 0;
        self.step_cursor = 0;
        self.post.stats = Stats::default();
        self.start_nodes();
    }

    /// Does one step: the next due scheduled action, or the next delivery or timer. Returns
    /// false when nothing is left to do.
    pub fn step(&mut self, schedule: &Schedule, sink: &mut impl Sink<P::Event>) -> bool {
        self.step_inline(schedule, sink)
    }

    /// Steps until a `Learned` output was carried out, the world's step count reaches
    /// `max_steps`, or nothing is left to do. The step is inlined into this loop, so a driver
    /// that runs many short worlds (W1) pays the big step's prologue once per run, not per step.
    pub fn run_until_learned(&mut self, schedule: &Schedule, sink: &mut impl Sink<P::Event>, max_steps: u64) {
        while self.system.learned_outputs == 0 && self.steps < max_steps && self.step_inline(schedule, sink) {}
    }

    #[inline(always)]
    fn step_inline(&mut self, schedule: &Schedule, sink: &mut impl Sink<P::Event>) -> bool {
        let next_time = self.skip_dead_timers();
        if let Some(action) = self.due_action(schedule, next_time) {
            self.apply(action, sink);
        } else if let Some((time, item)) = self.post.queue.pop() {
            self.now = time;
            match item {
                Item::Deliver(slot) => {
                    let m = self.post.flights.take(slot, P::take_msg);
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
    pub fn run(&mut self, schedule: &Schedule, sink: &mut impl Sink<P::Event>, max_steps: u64, max_time: Tick) -> u64 {
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
        !self.post.queue.is_empty()
            || self.tick_cursor < schedule.by_tick.len()
            || self.step_cursor < schedule.by_step.len()
    }

    /// Pops stale timers (reset, cancelled, or of a node that crashed), so the head of the
    /// queue is live; returns its time. Messages taken out by hand leave the queue at once.
    #[inline(always)]
    fn skip_dead_timers(&mut self) -> Option<Tick> {
        loop {
            let (time, item) = self.post.queue.peek()?;
            let Item::Timer { node, generation } = *item else { return Some(time) };
            // (A crash cancels the node's timer, so a live generation means an up node.)
            if self.post.timers[node.index()].generation == generation {
                return Some(time);
            }
            self.post.queue.discard_first();
        }
    }

    #[inline(always)]
    fn arrive(&mut self, m: InFlight<P::Msg>, sink: &mut impl Sink<P::Event>) {
        let reason = if m.lost {
            Some(DropReason::Lost)
        } else if !self.net.connected(m.from, m.to) {
            Some(DropReason::Partitioned)
        } else if !self.system.nodes[m.to.index()].up {
            Some(DropReason::NodeDown)
        } else {
            None
        };
        let (step, time) = (self.steps, self.now);
        if let Some(reason) = reason {
            self.post.stats.dropped += 1;
            sink.record(step, time, || P::Event::drop(m.id, m.from, m.to, m.msg.clone(), reason));
            return;
        }
        self.post.stats.delivered += 1;
        sink.record(step, time, || P::Event::deliver(m.id, m.from, m.to, m.msg.clone()));
        let (system, timed) = self.split();
        // In wasm through a borrow, as `apply_step` hands it (see `split`).
        #[cfg(target_arch = "wasm32")]
        let timed = &mut { timed };
        system.deliver(m.from, m.to, m.msg, timed, (step, time), sink);
    }

    /// A live timer is due: the scheduler disarms it and the system fires it.
    fn fire_timer(&mut self, node: NodeId, sink: &mut impl Sink<P::Event>) {
        self.post.stats.timeouts += 1;
        self.post.timers[node.index()].due = None;
        let at = (self.steps, self.now);
        let (system, timed) = self.split();
        #[cfg(target_arch = "wasm32")]
        let timed = &mut { timed };
        system.fire_timer(node, timed, at, sink);
    }

    /// A client request reaches `node` now (Multi-Paxos's closed-loop clients: the driver hands
    /// a client its next operation when the last one completed). Counts as a step.
    pub fn request(&mut self, node: NodeId, request: P::Request, sink: &mut impl Sink<P::Event>) {
        self.apply_step(crate::sim::system::Step::Propose { node, value: request }, sink);
        self.steps += 1;
    }

    /// Applies a step of the system with this world's clock, network and RNG.
    fn apply_step(&mut self, step: StepOf<P>, sink: &mut impl Sink<P::Event>) {
        let at = (self.steps, self.now);
        let (system, mut timed) = self.split();
        system.apply(step, &mut timed, at, sink);
    }

    /// The system and, borrowed beside it, what its sends and timers touch. A delivery and a
    /// timer hand it to the system by value natively (a send reaches the queue through one
    /// pointer, not two: W1's hot path), while `apply_step` lends it (`System::apply` takes
    /// `&mut`). In wasm all three lend it, so that the system and the protocol are compiled for
    /// one transit type, not two: about 3 KB gzip of the page's first load.
    #[inline(always)]
    fn split(&mut self) -> (&mut System<P>, Timed<'_, P::Msg>) {
        (&mut self.system, Timed { post: &mut self.post, net: &self.net })
    }

    /// Counters over the run so far.
    pub fn stats(&self) -> &Stats {
        &self.post.stats
    }
}

mod actions;
mod flights;
mod queue;
mod timed;

use flights::Flights;
use queue::Queue;
use timed::{Post, Timed};
