//! Random-fault sweeps of Multi-Paxos: each seed draws a configuration (replicas, clients,
//! pipeline window, leases, compaction), a workload and faults (message loss and duplication,
//! replica crashes and recoveries, partitions, and the leader crashed mid-pipeline), runs it
//! with every invariant checked after every step, and at the end checks the clients' history
//! for linearizability and that, once the faults stopped, every operation completed.
//!
//! As for single-decree (`sweep`), a seed regenerates its whole run, so a failure is one line
//! that reproduces it (`repro_command`).

use crate::lincheck::Verdict;
use crate::protocol::multi::{Lease, MultiBroken};
use crate::protocol::NodeId;
use crate::sim::multi::{MultiConfig, MultiOutcome, MultiRun, Workload};
use crate::sim::{Action, At, MsgId, NetParams, Scheduled, SimRng, Tick};
use std::fmt;

/// Most steps one run may take (a correct run of the largest drawn workload takes a few
/// tens of thousands).
pub const MAX_STEPS: u64 = 400_000;
/// The liveness bound: once the faults stop, every operation completes within this many ticks.
pub const SETTLE_TICKS: Tick = 5_000;
/// The liveness bound: once the faults have stopped, every operation completes within this
/// many ticks of its invocation (or of the end of the faults, if it was invoked before).
pub const OP_TICKS_AFTER_FAULTS: Tick = 2_500;
/// The faults happen in the first `0..FAULT_WINDOW_TICKS_MAX` ticks.
pub const FAULT_WINDOW_TICKS_MIN: u32 = 100;
pub const FAULT_WINDOW_TICKS_MAX: u32 = 1_500;

/// The protocol a sweep runs: the correct one or a broken variant (the negative controls).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MultiVariant {
    Correct,
    /// BROKEN: a new leader keeps only the entries it knows chosen.
    KeepOnlyChosen,
    /// BROKEN: no at-most-once table: a retried request is applied again.
    NoAtMostOnce,
    /// BROKEN: a new leader serves lease reads without waiting out the old leader's lease.
    LeaseWithoutWait,
}

impl MultiVariant {
    pub const ALL: [MultiVariant; 4] = [
        MultiVariant::Correct,
        MultiVariant::KeepOnlyChosen,
        MultiVariant::NoAtMostOnce,
        MultiVariant::LeaseWithoutWait,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MultiVariant::Correct => "correct",
            MultiVariant::KeepOnlyChosen => "keep-only-chosen",
            MultiVariant::NoAtMostOnce => "no-at-most-once",
            MultiVariant::LeaseWithoutWait => "lease-without-wait",
        }
    }

    pub fn parse(name: &str) -> Option<MultiVariant> {
        MultiVariant::ALL.into_iter().find(|v| v.name() == name)
    }

    fn broken(self) -> MultiBroken {
        MultiBroken {
            keep_only_chosen: self == MultiVariant::KeepOnlyChosen,
            no_at_most_once: self == MultiVariant::NoAtMostOnce,
            lease_without_wait: self == MultiVariant::LeaseWithoutWait,
        }
    }
}

impl fmt::Display for MultiVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Seed `seed`'s configuration, workload and faults.
pub fn random_config(seed: u64, variant: MultiVariant) -> MultiConfig {
    let mut rng = SimRng::new(seed ^ 0x4d55_4c54_4950_4158);
    let replicas = if rng.range(0, 3) == 0 { rng.range(3, 9) } else { rng.range(3, 5) } as u8;
    let clients = rng.range(1, 3) as u8;
    let mut c = MultiConfig::new(replicas, clients);
    c.cluster.window = rng.range(1, 4);
    c.cluster.broken = variant.broken();
    if rng.range(0, 1) == 0 || variant == MultiVariant::LeaseWithoutWait {
        // Half the leases outlast an election timeout: then only the followers' promise not to
        // elect anyone while a lease they granted runs keeps a deposed leader's reads fresh.
        let ticks = if rng.range(0, 1) == 0 { Lease::default().ticks } else { rng.range(100, 600) };
        c.cluster.lease = Some(Lease { ticks, ..Lease::default() });
    }
    if rng.range(0, 1) == 0 {
        c.cluster.compaction = Some(rng.range(2, 8));
    }
    // Up to nine reads in ten: a client cut off with a deposed leader runs into a write it
    // cannot finish soon, and only reads after another client's write can show a stale read.
    let read_percent = rng.range(20, 90);
    c.workload = Workload {
        ops_per_client: rng.range(4, 12),
        keys: rng.range(1, 3) as u8,
        read_percent,
        write_percent: rng.range(5, (100 - read_percent).max(5)),
    };
    let latency_max = rng.range(1, 10);
    let base = NetParams { latency_ticks_min: 1, latency_ticks_max: latency_max, loss: 0.0, duplicate: 0.0 };
    let window = rng.range(FAULT_WINDOW_TICKS_MIN, FAULT_WINDOW_TICKS_MAX) as Tick;
    c.network = NetParams {
        loss: [0.0, 0.05, 0.1, 0.2][rng.range(0, 3) as usize],
        duplicate: [0.0, 0.0, 0.05, 0.1][rng.range(0, 3) as usize],
        ..base
    };
    let mut faults = Vec::new();
    let mut crashed = Vec::new();
    let at = |t: Tick| At::Tick(t);
    for _ in 0..rng.range(0, 6) {
        let t = rng.range(0, window as u32 - 1) as Tick;
        match rng.range(0, 2) {
            0 => {
                let node = NodeId(rng.range(0, replicas as u32 - 1) as u8);
                faults.push(Scheduled { at: at(t), action: Action::Crash { node } });
                let back = t + rng.range(10, 400) as Tick;
                if back < window {
                    faults.push(Scheduled { at: at(back), action: Action::Recover { node } });
                } else {
                    crashed.push(node);
                }
            }
            1 => {
                // Clients too: a client cut off with a deposed leader is how a stale read shows.
                let nodes = replicas + clients;
                let cut: Vec<NodeId> = (0..nodes).filter(|_| rng.range(0, 2) == 0).map(NodeId).collect();
                if !cut.is_empty() && cut.len() < nodes as usize {
                    faults.push(Scheduled { at: at(t), action: Action::Partition { groups: vec![cut] } });
                    let heal = t + rng.range(10, 900) as Tick;
                    faults.push(Scheduled { at: at(heal.min(window)), action: Action::Heal });
                }
            }
            _ => {
                let net = NetParams { loss: 0.3, duplicate: 0.1, ..base };
                faults.push(Scheduled { at: at(t), action: Action::SetNetwork { params: net } });
                // Back to the run's own loss and duplication within the window (at its end, the
                // calm network below is set after this).
                let back = (t + rng.range(10, 200) as Tick).min(window);
                faults.push(Scheduled { at: at(back), action: Action::SetNetwork { params: c.network } });
            }
        }
    }
    if rng.range(0, 1) == 0 || variant == MultiVariant::KeepOnlyChosen {
        c.leader_crash_every = Some(rng.range(60, 400) as Tick);
        c.leader_down_ticks = rng.range(20, 300) as Tick;
    }
    // Links cut one way or both, and by-hand faults on messages: dropped, duplicated, delivered
    // at once or delayed (single-decree's `cut`, `msg-drop`, `msg-dup` and `reorder`).
    let nodes = (replicas + clients) as u32;
    for _ in 0..rng.range(0, 4) {
        let t = rng.range(0, window as u32 - 1) as Tick;
        if rng.range(0, 1) == 0 {
            let from = NodeId(rng.range(0, nodes - 1) as u8);
            let to = NodeId(((from.0 as u32 + rng.range(1, nodes - 1)) % nodes) as u8);
            let both = rng.range(0, 1) == 0;
            faults.push(Scheduled { at: at(t), action: Action::Cut { from, to, both } });
            let back = (t + rng.range(10, 600) as Tick).min(window);
            faults.push(Scheduled { at: at(back), action: Action::Restore { from, to, both } });
        } else {
            // Ids are handed out in order from 1; a replica sends a heartbeat to each other
            // replica every 10 ticks, so around tick t the ids in flight are near t * nodes / 2.
            let first = rng.range(1, (t as u32 * nodes / 2).max(1) + 10) as u64;
            let kind = rng.range(0, 3);
            for id in first..first + rng.range(1, 5) as u64 {
                let msg = MsgId(id);
                let action = match kind {
                    0 => Action::Drop { msg },
                    1 => Action::Duplicate { msg },
                    2 => Action::DeliverNow { msg },
                    _ => Action::Delay { msg, ticks: rng.range(1, 50) },
                };
                faults.push(Scheduled { at: at(t), action });
            }
        }
    }
    // The end of the window: the network calm and whole, every replica up.
    faults.push(Scheduled { at: at(window), action: Action::Heal });
    faults.push(Scheduled { at: at(window), action: Action::SetNetwork { params: base } });
    crashed.sort();
    crashed.dedup();
    for node in crashed {
        faults.push(Scheduled { at: at(window), action: Action::Recover { node } });
    }
    // Recover whatever the leader crashes left down (a recovery of an up replica does nothing).
    for node in 0..replicas {
        faults.push(Scheduled { at: at(window + 1), action: Action::Recover { node: NodeId(node) } });
    }
    c.faults = faults;
    c.faults_end = window + 1;
    c
}

/// What one seed did, with the liveness verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiSeed {
    pub variant: MultiVariant,
    pub outcome: MultiOutcome,
    pub faults_end: Tick,
}

impl MultiSeed {
    pub fn is_safe(&self) -> bool {
        self.outcome.is_safe()
    }

    /// Every operation completed, each within `OP_TICKS_AFTER_FAULTS` once the faults stopped.
    pub fn is_live(&self) -> bool {
        self.outcome.finished && self.outcome.slowest_after_faults <= OP_TICKS_AFTER_FAULTS
    }

    /// What went wrong first, in words, or `None`.
    pub fn failure(&self) -> Option<String> {
        if let Some(v) = self.outcome.violations.first() {
            return Some(format!("{}: {}", v.invariant.name(), v.detail));
        }
        if self.outcome.linearizable == Some(Verdict::NotLinearizable) {
            return Some("the clients' history is not linearizable".to_string());
        }
        (!self.is_live()).then(|| {
            format!(
                "{} of {} operations completed {} ticks after the faults stopped",
                self.outcome.completed,
                self.outcome.completed + self.outcome.open,
                self.outcome.time.saturating_sub(self.faults_end)
            )
        })
    }
}

/// Runs seed `seed` of a sweep of `variant`.
pub fn check_seed(seed: u64, variant: MultiVariant) -> MultiSeed {
    let config = random_config(seed, variant);
    let mut run = MultiRun::new(&config, seed);
    run.run(&mut (), MAX_STEPS, config.faults_end + SETTLE_TICKS);
    MultiSeed { variant, outcome: run.outcome(true), faults_end: config.faults_end }
}

/// The command that reruns one seed.
pub fn repro_command(seed: u64, variant: MultiVariant) -> String {
    match variant {
        MultiVariant::Correct => format!("paxos run --protocol multi --seed {seed}"),
        v => format!("paxos run --protocol multi --variant {v} --seed {seed}"),
    }
}

/// The trace hash of seed `seed` of the correct protocol's sweep, run as the sweep runs it
/// with every event recorded: the same natively and in the browser (`tests/native/multi.rs`,
/// `tests/wasm_determinism.rs`).
pub fn pinned_trace_hash(seed: u64) -> u64 {
    let config = random_config(seed, MultiVariant::Correct);
    let mut run = MultiRun::new(&config, seed);
    let mut trace = Vec::new();
    run.run(&mut trace, MAX_STEPS, config.faults_end + SETTLE_TICKS);
    crate::sim::multi::trace_hash(&trace)
}

/// Pinned (seed, trace hash) pairs of Multi-Paxos sweep runs.
pub const PINNED_TRACE_HASHES: &[(u64, u64)] = &[
    (0, 0x9be7_cb71_24d7_2c72),  // 5 replicas, 3 clients, 527 steps
    (5, 0x036d_7346_89dc_b009),  // 4 leaders, 1,153 steps
    (7, 0x1c4c_bfad_085e_99c5),  // 9 replicas, 2,091 steps
    (11, 0x2f8b_0764_ab09_6cb4), // 4 leaders, 555 steps
    (17, 0xc080_6de3_fbb9_f047), // 11 leaders, 1,352 steps
    (21, 0x04d7_2d02_6054_ec11), // 7 leaders, 827 steps
];
