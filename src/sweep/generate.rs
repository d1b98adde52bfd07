//! The random run generator: one seed gives a topology, network, timing, client proposals and
//! a fault schedule, all drawn from `SimRng` so that a seed names the same run forever.
//!
//! Every run has a *fault window*. Inside it, faults come at random ticks; at its end the
//! generator heals the network, sets loss and duplication to zero, recovers every node it
//! crashed and re-issues every client request. Why the last step: a proposer's client value is
//! volatile, so a proposer that crashed lost it; a real client that got no answer asks again.
//! After the window, every correct run should therefore decide and every learner learn.

use super::mix::{Fault, FaultMix, Variant};
use crate::protocol::{Broken, NodeId, Quorums, Timing, Value};
use crate::scenario::Scenario;
use crate::sim::{Action, At, Config, MsgId, NetParams, Scheduled, SimRng, Topology};

/// Mixed into the seed for the generator's own stream, so that it does not mirror the stream
/// the world draws from the same seed.
const GENERATOR_SALT: u64 = 0x9E37_79B9_7F4A_7C15;

/// The fault window lasts `FAULT_WINDOW_TICKS_MIN..=FAULT_WINDOW_TICKS_MAX` ticks.
pub const FAULT_WINDOW_TICKS_MIN: u32 = 40;
pub const FAULT_WINDOW_TICKS_MAX: u32 = 400;
/// Most faults drawn in one window (each may bring its own undo, e.g. a recover).
pub const FAULTS_MAX: u32 = 12;

/// What the generator knows about a run besides the scenario itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The tick at which faults stop (heal, recover, loss 0, clients retry).
    pub faults_end: u64,
    /// Whether the proposers back off; without backoff dueling proposers may livelock for a
    /// long time even after the faults stop, so liveness is only expected with it.
    pub backoff: bool,
}

/// A random scenario for `seed`: see the module documentation.
pub fn random_scenario(seed: u64, mix: &FaultMix) -> Scenario {
    plan_scenario(seed, mix).0
}

pub(crate) fn plan_scenario(seed: u64, mix: &FaultMix) -> (Scenario, Plan) {
    let mut rng = SimRng::new(seed ^ GENERATOR_SALT);
    let config = random_config(&mut rng, mix);
    plan_with(rng, seed, mix, config)
}

/// A random run of `config` as it is (a person's configuration): the client requests and faults
/// of `seed`, drawn as `random_scenario` draws them after its configuration.
pub fn scenario_for_config(seed: u64, mix: &FaultMix, config: Config) -> (Scenario, Plan) {
    plan_with(SimRng::new(seed ^ GENERATOR_SALT), seed, mix, config)
}

fn plan_with(mut rng: SimRng, seed: u64, mix: &FaultMix, config: Config) -> (Scenario, Plan) {
    let nodes = config.roles().len() as u8;
    let proposers: Vec<NodeId> = config.cluster().proposers;
    let window = rng.range(FAULT_WINDOW_TICKS_MIN, FAULT_WINDOW_TICKS_MAX) as u64;
    let mut g = Gen { rng, mix, nodes, window, busy: Vec::new(), schedule: Vec::new(), crashed: Vec::new() };
    let requests = g.client_requests(&proposers);
    for &(at, node, value) in &requests {
        g.push(at, Action::Propose { node, value });
    }
    g.busy = requests.iter().map(|r| r.0).collect();
    g.faults(&config.network);
    g.end_of_window(&config.network, &requests);
    let plan = Plan { faults_end: window, backoff: config.timing.backoff };
    let scenario = Scenario {
        title: format!("random run {seed}"),
        description: match mix.timeout_growth {
            true => format!("faults: {}; variant: {}", mix.faults_arg(), mix.variant),
            false => format!("faults: {}; variant: {}; timeouts: fixed", mix.faults_arg(), mix.variant),
        },
        config,
        seed,
        schedule: g.schedule,
        ..Scenario::default()
    };
    (scenario, plan)
}

fn random_config(rng: &mut SimRng, mix: &FaultMix) -> Config {
    let mut topology = if rng.range(0, 1) == 0 {
        Topology::Servers { count: rng.range(1, 7) as u8 }
    } else {
        Topology::Separate {
            proposers: rng.range(1, 4) as u8,
            acceptors: rng.range(1, 7) as u8,
            learners: rng.range(1, 3) as u8,
        }
    };
    let mut quorums = None;
    if mix.variant != Variant::Correct {
        // A broken configuration can only show itself with two proposers and two acceptors;
        // flexible quorums need two acceptors to differ from a majority.
        topology = match topology {
            Topology::Servers { count } => Topology::Servers { count: count.max(2) },
            Topology::Separate { proposers, acceptors, learners } => {
                Topology::Separate { proposers: proposers.max(2), acceptors: acceptors.max(2), learners }
            }
        };
    }
    let n = match topology {
        Topology::Servers { count } => count,
        Topology::Separate { acceptors, .. } => acceptors,
    } as u32;
    if mix.variant == Variant::UnsafeQuorums {
        let phase1 = rng.range(1, n - 1) as u8;
        quorums = Some(Quorums { phase1, phase2: n as u8 - phase1 });
    }
    if mix.variant == Variant::FlexibleQuorums {
        let phase1 = rng.range(1, n) as u8;
        quorums = Some(Quorums { phase1, phase2: n as u8 + 1 - phase1 });
    }
    let broken = Broken {
        ignore_accepted_values: mix.variant == Variant::IgnoreAcceptedValues,
        forgetful_acceptors: mix.variant == Variant::ForgetfulAcceptors,
    };
    let nack = rng.range(0, 3) != 0;
    let network = random_network(rng, mix);
    let timing = random_timing(rng, network.latency_ticks_max, mix.timeout_growth);
    Config { topology, quorums, nack, timing, broken, network }
}

/// Why the timeout exceeds a phase's round trip (two message delays; each phase sets its own
/// timer): with fixed timeouts, a proposer whose phase always times out before its replies
/// arrive never decides. Growing timeouts get past that, and past proposers that keep timing
/// each other out, which fixed ones (format 1's) do not always (seed 35332852).
fn random_timing(rng: &mut SimRng, latency_ticks_max: u32, timeout_growth: bool) -> Timing {
    let timeout_ticks_min = 2 * latency_ticks_max + rng.range(1, 25);
    let backoff_ticks_base = rng.range(4, 20);
    Timing {
        timeout_ticks_min,
        timeout_ticks_max: timeout_ticks_min + rng.range(0, 40),
        backoff: rng.range(0, 7) != 0,
        backoff_ticks_base,
        backoff_ticks_max: backoff_ticks_base * rng.range(4, 16),
        // Not drawn (the mix says), so the rest of the run is what format 1 generated.
        timeout_growth,
    }
}

/// Network parameters using only the enabled faults (latency is always random).
fn random_network(rng: &mut SimRng, mix: &FaultMix) -> NetParams {
    let latency_ticks_min = rng.range(1, 3);
    let spread = if mix.has(Fault::Reorder) { rng.range(0, 20) } else { rng.range(0, 4) };
    let loss = if mix.has(Fault::Loss) { rng.range(0, 40) as f64 / 100.0 } else { 0.0 };
    let duplicate = if mix.has(Fault::Dup) { rng.range(0, 30) as f64 / 100.0 } else { 0.0 };
    NetParams { latency_ticks_min, latency_ticks_max: latency_ticks_min + spread, loss, duplicate }
}

/// The state of one generation.
struct Gen<'a> {
    rng: SimRng,
    mix: &'a FaultMix,
    nodes: u8,
    window: u64,
    /// Ticks at which clients ask: the protocol is busiest just after them.
    busy: Vec<u64>,
    schedule: Vec<Scheduled>,
    /// Every node crashed at some point (recovered at the end of the window).
    crashed: Vec<NodeId>,
}

impl Gen<'_> {
    fn push(&mut self, tick: u64, action: Action) {
        self.schedule.push(Scheduled { at: At::Tick(tick), action });
    }

    fn tick_in_window(&mut self) -> u64 {
        self.rng.range(0, self.window as u32 - 1) as u64
    }

    fn node(&mut self) -> NodeId {
        NodeId(self.rng.range(0, self.nodes as u32 - 1) as u8)
    }

    /// 1..=4 client requests with distinct values, in the first half of the window.
    fn client_requests(&mut self, proposers: &[NodeId]) -> Vec<(u64, NodeId, Value)> {
        let count = self.rng.range(1, 4);
        let first_value = self.rng.range(0, 20);
        let mut requests: Vec<(u64, NodeId, Value)> = (0..count)
            .map(|i| {
                let at = self.rng.range(0, self.window as u32 / 2) as u64;
                let node = proposers[self.rng.range(0, proposers.len() as u32 - 1) as usize];
                (at, node, Value(first_value + i))
            })
            .collect();
        requests.sort_by_key(|r| r.0);
        requests
    }

    fn faults(&mut self, base: &NetParams) {
        let enabled: Vec<Fault> = self.mix.faults.iter().copied().filter(|f| self.is_scheduled(*f)).collect();
        if enabled.is_empty() {
            return;
        }
        for _ in 0..self.rng.range(0, FAULTS_MAX) {
            let fault = enabled[self.rng.range(0, enabled.len() as u32 - 1) as usize];
            let at = self.fault_tick();
            self.fault(fault, at, base);
        }
    }

    /// Half the faults land anywhere in the window, half while a round is likely in flight:
    /// within a few latencies of a client request (faults on an idle cluster test little).
    fn fault_tick(&mut self) -> u64 {
        if self.rng.range(0, 1) == 0 {
            return self.tick_in_window();
        }
        let request = self.busy[self.rng.range(0, self.busy.len() as u32 - 1) as usize];
        (request + self.rng.range(0, 30) as u64).min(self.window - 1)
    }

    /// Loss and duplication are network parameters (set at the start, changed by `Net`); the
    /// other faults are scheduled actions.
    fn is_scheduled(&self, fault: Fault) -> bool {
        !matches!(fault, Fault::Loss | Fault::Dup) && (fault != Fault::Cut || self.nodes >= 2)
    }

    fn fault(&mut self, fault: Fault, at: u64, base: &NetParams) {
        match fault {
            Fault::Crash => {
                let node = self.node();
                self.push(at, Action::Crash { node });
                self.crashed.push(node);
                self.maybe_undo(at, Action::Recover { node });
            }
            Fault::Partition => {
                let groups = self.random_groups();
                self.push(at, Action::Partition { groups });
                self.maybe_undo(at, Action::Heal);
            }
            Fault::Cut => {
                let from = self.node();
                let to = NodeId((from.0 + self.rng.range(1, self.nodes as u32 - 1) as u8) % self.nodes);
                let both = self.rng.range(0, 1) == 0;
                self.push(at, Action::Cut { from, to, both });
                self.maybe_undo(at, Action::Restore { from, to, both });
            }
            Fault::Net => {
                let params = random_network(&mut self.rng, self.mix);
                self.push(at, Action::SetNetwork { params });
                self.maybe_undo(at, Action::SetNetwork { params: *base });
            }
            Fault::MsgDrop | Fault::MsgDup | Fault::Reorder => self.message_faults(fault, at),
            Fault::Loss | Fault::Dup => {}
        }
    }

    /// A burst of by-hand faults on messages with consecutive ids, so that some are in flight.
    fn message_faults(&mut self, fault: Fault, at: u64) {
        let first = self.msg_id().0;
        for id in first..first + self.rng.range(1, 6) as u64 {
            let msg = MsgId(id);
            let action = match fault {
                Fault::MsgDrop => Action::Drop { msg },
                Fault::MsgDup => Action::Duplicate { msg },
                _ if self.rng.range(0, 1) == 0 => Action::DeliverNow { msg },
                _ => Action::Delay { msg, ticks: self.rng.range(1, 50) },
            };
            self.push(at, action);
        }
    }

    /// Half the time, undoes a fault at a later tick inside the window.
    fn maybe_undo(&mut self, at: u64, undo: Action) {
        if self.rng.range(0, 1) == 0 && at + 1 < self.window {
            let later = self.rng.range(at as u32 + 1, self.window as u32 - 1) as u64;
            self.push(later, undo);
        }
    }

    /// Two or three groups: each node lands in group 0, 1 or the unnamed rest.
    fn random_groups(&mut self) -> Vec<Vec<NodeId>> {
        let mut groups = vec![Vec::new(), Vec::new()];
        for n in 0..self.nodes {
            let g = self.rng.range(0, 2) as usize;
            if g < 2 {
                groups[g].push(NodeId(n));
            }
        }
        groups
    }

    /// A message id that may be in flight: ids are handed out in order from 1, and a round
    /// sends a few messages per node, so early rounds use small ids. An id that is not in
    /// flight when the action comes makes it do nothing, which is fine.
    fn msg_id(&mut self) -> MsgId {
        MsgId(self.rng.range(1, 12 * self.nodes as u32) as u64)
    }

    /// The end of the window: heal, calm the network, recover, and let every client retry.
    fn end_of_window(&mut self, base: &NetParams, requests: &[(u64, NodeId, Value)]) {
        let end = self.window;
        self.push(end, Action::Heal);
        let calm = NetParams { loss: 0.0, duplicate: 0.0, ..*base };
        self.push(end, Action::SetNetwork { params: calm });
        let mut crashed = std::mem::take(&mut self.crashed);
        crashed.sort();
        crashed.dedup();
        for node in crashed {
            self.push(end, Action::Recover { node });
        }
        for &(_, node, value) in requests {
            self.push(end, Action::Propose { node, value });
        }
    }
}
