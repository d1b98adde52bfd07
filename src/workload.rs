//! Workload W1, the throughput benchmark behind `paxos bench`.
//!
//! W1 is many independent single-decree instances run back to back: 3 proposers, 5 acceptors,
//! 1 learner, majority quorums, 10% message loss, latency uniform in 1..=10 ticks, a proposer
//! retry timeout uniform in 20..=40 ticks without timeout growth (format 1's timing, so W1 stays
//! the workload every figure in the README was measured on), Nack on. Each proposer asks for its own value at a
//! tick in 0..=9 drawn from the instance's seed; an instance ends when the learner learns.
//!
//! Why it lives in the library and not in the binary: the generator is deterministic (instance
//! `i` of base seed `s` is always the same run), so tests can pin it, and the benchmark measures
//! exactly the `World::step` the page and the sweep use, invariant checks included. Timing is
//! the caller's business: nothing here reads a clock.

use crate::protocol::{NodeId, Timing, Value};
use crate::sim::{Action, Config, Event, NetParams, Schedule, SimRng, Sink, Topology, World};

/// Proposers, acceptors and learners of W1.
pub const PROPOSERS: u8 = 3;
pub const ACCEPTORS: u8 = 5;
pub const LEARNERS: u8 = 1;
/// Proposers start at a tick in `0..=START_TICKS_MAX`.
pub const START_TICKS_MAX: u32 = 9;
/// A safety net far above any W1 instance (they end after a few hundred steps): an instance
/// that has not learned after this many steps is counted as unlearned and abandoned.
pub const MAX_STEPS_PER_INSTANCE: u64 = 100_000;

/// The W1 configuration.
pub fn config() -> Config {
    Config {
        topology: Topology::Separate { proposers: PROPOSERS, acceptors: ACCEPTORS, learners: LEARNERS },
        quorums: None,
        nack: true,
        network: NetParams { latency_ticks_min: 1, latency_ticks_max: 10, loss: 0.1, duplicate: 0.0 },
        timing: Timing { timeout_growth: false, ..Timing::default() },
        ..Config::default()
    }
}

/// The seed of instance `index` of a run with base seed `base`: splitmix64 of their sum, so
/// neighbouring instances get unrelated streams.
pub fn instance_seed(base: u64, index: u64) -> u64 {
    let mut z = base.wrapping_add(index.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Fills `schedule` with the client requests of the instance with `seed`: proposer `p` asks
/// for value `p` at a tick in `0..=START_TICKS_MAX`. The start ticks come from their own
/// stream (the seed's second `SimRng` draw sequence after a fixed tweak) so that they do not
/// shift the world's stream.
pub fn fill_schedule(seed: u64, schedule: &mut Schedule) {
    let mut rng = SimRng::new(seed ^ 0x5741_5f57_315f_5354); // "WA_W1_ST"
    schedule.by_step.clear();
    schedule.by_tick.clear();
    for p in 0..PROPOSERS {
        let tick = rng.range(0, START_TICKS_MAX) as u64;
        let action = Action::Propose { node: NodeId(p), value: Value(p as u32) };
        let index = schedule.by_tick.partition_point(|(t, _)| *t <= tick);
        schedule.by_tick.insert(index, (tick, action));
    }
}

/// Totals over a batch of instances.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub instances: u64,
    pub steps: u64,
    pub delivered: u64,
    pub sent: u64,
    /// Events recorded (zero when recording is off).
    pub events: u64,
    /// Instances that ended without the learner learning: every Accepted and Decided to it
    /// was lost and nothing is left to retransmit (W1 has no client retries), or the step
    /// limit was hit.
    pub unlearned: u64,
    pub violations: u64,
    /// A fold of the trace hashes (zero unless hashing): pins the recorded runs.
    pub hash: u64,
}

impl Totals {
    pub fn add(&mut self, other: &Totals) {
        self.instances += other.instances;
        self.steps += other.steps;
        self.delivered += other.delivered;
        self.sent += other.sent;
        self.events += other.events;
        self.unlearned += other.unlearned;
        self.violations += other.violations;
        self.hash = self.hash.rotate_left(5) ^ other.hash;
    }
}

/// What happens to the events of an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recording {
    /// Thrown away (`()` sink): the simulator alone.
    Off,
    /// Every event pushed into a `Vec<Event>` (cleared between instances), as the page's
    /// history keeps the trace of the run it shows.
    On,
    /// As `On`, and the trace hash computed at the end of each instance.
    Hashed,
}

/// Runs W1 instances and keeps the buffers between them, as a long benchmark should.
pub struct Runner {
    world: World,
    schedule: Schedule,
    trace: Vec<Event>,
}

impl Default for Runner {
    fn default() -> Self {
        Runner::new()
    }
}

impl Runner {
    pub fn new() -> Runner {
        Runner { world: World::new(&config(), 0), schedule: Schedule::default(), trace: Vec::new() }
    }

    /// Runs instances `first..first + count` of base seed `base`.
    pub fn run(&mut self, base: u64, first: u64, count: u64, recording: Recording) -> Totals {
        let mut totals = Totals::default();
        for index in first..first + count {
            let one = match recording {
                Recording::Off => self.instance(instance_seed(base, index), &mut ()),
                Recording::On | Recording::Hashed => {
                    let mut trace = std::mem::take(&mut self.trace);
                    trace.clear();
                    let mut one = self.instance(instance_seed(base, index), &mut trace);
                    one.events = trace.len() as u64;
                    if recording == Recording::Hashed {
                        one.hash = crate::sim::trace_hash(&trace);
                    }
                    self.trace = trace;
                    one
                }
            };
            totals.add(&one);
        }
        totals
    }

    /// One instance, from a fresh world to the learner learning.
    pub fn instance(&mut self, seed: u64, sink: &mut impl Sink) -> Totals {
        fill_schedule(seed, &mut self.schedule);
        self.world.reset(seed);
        let world = &mut self.world;
        // W1's one learner learns once and never crashes, so it has learned exactly when the
        // world carried out a `Learned` output.
        world.run_until_learned(&self.schedule, sink, MAX_STEPS_PER_INSTANCE);
        Totals {
            instances: 1,
            steps: world.steps,
            delivered: world.stats().delivered,
            sent: world.stats().sent,
            events: 0,
            unlearned: u64::from(!world.all_learned()),
            violations: world.system.violations.len() as u64,
            hash: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Value;

    #[test]
    fn each_proposer_asks_for_its_own_value_within_the_first_ten_ticks() {
        let mut schedule = Schedule::default();
        let mut starts = std::collections::BTreeSet::new();
        for seed in 0..200 {
            fill_schedule(instance_seed(9, seed), &mut schedule);
            assert_eq!(schedule.by_tick.len(), PROPOSERS as usize);
            assert!(schedule.by_tick.windows(2).all(|w| w[0].0 <= w[1].0), "sorted by tick");
            let mut nodes: Vec<u8> = schedule
                .by_tick
                .iter()
                .map(|(tick, action)| match action {
                    Action::Propose { node, value } => {
                        assert!(*tick <= START_TICKS_MAX as u64);
                        assert_eq!(*value, Value(node.0 as u32));
                        starts.insert(*tick);
                        node.0
                    }
                    other => panic!("{other:?}"),
                })
                .collect();
            nodes.sort();
            assert_eq!(nodes, vec![0, 1, 2]);
        }
        assert_eq!(starts.len(), START_TICKS_MAX as usize + 1, "every start tick occurs");
    }

    #[test]
    fn instance_seeds_differ() {
        let seeds: std::collections::BTreeSet<u64> = (0..10_000).map(|i| instance_seed(1, i)).collect();
        assert_eq!(seeds.len(), 10_000);
    }

    /// The recorded W1 runs are pinned: a change of behaviour (or of the random stream) in
    /// the protocol or the simulator changes the fold of the trace hashes.
    #[test]
    fn w1_traces_are_pinned() {
        let totals = Runner::new().run(1, 0, 2_000, Recording::Hashed);
        assert_eq!((totals.steps, totals.delivered, totals.sent, totals.unlearned), (130_030, 108_408, 143_331, 8));
        assert_eq!(totals.hash, 0xd4d5_41ad_40e8_e33c);
    }

    /// Recording must not change the run: the same instances give the same counts with the
    /// trace kept or thrown away, and reusing one world gives what fresh worlds give.
    #[test]
    fn recording_and_reuse_do_not_change_the_runs() {
        let off = Runner::new().run(3, 0, 300, Recording::Off);
        let on = Runner::new().run(3, 0, 300, Recording::Hashed);
        assert_eq!((off.steps, off.delivered, off.sent), (on.steps, on.delivered, on.sent));
        assert!(on.events > on.steps && off.events == 0);
        assert_eq!(on.violations, 0);
        assert!(on.unlearned < 5, "{on:?}");
        let mut fresh = Totals::default();
        for i in 0..300 {
            let mut runner = Runner::new();
            fresh.add(&runner.run(3, i, 1, Recording::Hashed));
        }
        assert_eq!(fresh, on);
    }
}
