//! A whole Multi-Paxos run: closed-loop clients handed operations from a seeded workload,
//! faults from a schedule and, optionally, the current leader crashed at a fixed period; at the
//! end, the clients' history checked for linearizability.
//!
//! Why the driver and not the schedule hands clients their operations: a closed-loop client
//! asks for the next operation only when the last one completed, which no schedule fixed in
//! advance can say. The driver reads completions from the monitor after every step and hands
//! the client its next operation at once, as a step of its own (`World::request`). Everything
//! is drawn from the run's seed, so a seed reproduces the run exactly.

use super::monitor::HistoryOp;
use super::MultiEvent;
use crate::lincheck;
use crate::protocol::multi::{Key, KvOp, KvReply, Multi, MultiCluster, Val};
use crate::sim::{Action, At, NetParams, Schedule, Scheduled, SimRng, Sink, Tick, Violation, World};
use std::sync::Arc;

/// What the clients ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workload {
    /// Operations each client runs, one after another.
    pub ops_per_client: u32,
    /// Keys `0..keys`.
    pub keys: u8,
    /// Percent of reads and of writes; the rest are compare-and-sets.
    pub read_percent: u32,
    pub write_percent: u32,
}

impl Default for Workload {
    /// Issue 9's W2 mix: half reads, a third writes, the rest compare-and-sets, over 10 keys.
    fn default() -> Workload {
        Workload { ops_per_client: 20, keys: 10, read_percent: 50, write_percent: 33 }
    }
}

/// A Multi-Paxos run's configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiConfig {
    pub cluster: MultiCluster,
    pub network: NetParams,
    pub workload: Workload,
    /// Faults at ticks or steps (crashes, recoveries, partitions, network changes).
    pub faults: Vec<Scheduled>,
    /// Crash the current leader every this many ticks (until `faults_end`), bringing it back
    /// `leader_down_ticks` later.
    pub leader_crash_every: Option<Tick>,
    pub leader_down_ticks: Tick,
    /// When the faults stop: no leader crash is started after it (liveness is measured from
    /// here).
    pub faults_end: Tick,
}

impl MultiConfig {
    /// `replicas` replicas and `clients` clients on a network with 1..=10 ticks of latency.
    pub fn new(replicas: u8, clients: u8) -> MultiConfig {
        MultiConfig {
            cluster: MultiCluster::new(replicas, clients),
            network: NetParams { latency_ticks_min: 1, latency_ticks_max: 10, loss: 0.0, duplicate: 0.0 },
            workload: Workload::default(),
            faults: Vec::new(),
            leader_crash_every: None,
            leader_down_ticks: 200,
            faults_end: 0,
        }
    }

    /// Workload W2 (issue 9): 5 replicas, 3 clients each issuing 1,000 operations over 10 keys,
    /// 10% loss, latency 1..=10 ticks, the leader crashed every 2,000 ticks.
    pub fn w2() -> MultiConfig {
        let mut c = MultiConfig::new(5, 3);
        c.network.loss = 0.1;
        c.workload.ops_per_client = 1000;
        c.leader_crash_every = Some(2000);
        c.faults_end = Tick::MAX;
        c
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiOutcome {
    pub seed: u64,
    pub steps: u64,
    pub time: Tick,
    pub violations: Vec<Violation>,
    /// Operations completed, and still open at the end.
    pub completed: u64,
    pub open: u64,
    /// Slots chosen (commands and no-ops).
    pub chosen: u64,
    pub delivered: u64,
    /// Every client ran every operation.
    pub finished: bool,
    /// The longest any operation took to complete once the faults had stopped, counted from
    /// its invocation or the end of the faults, whichever came later.
    pub slowest_after_faults: Tick,
    /// The history's verdict (`None`: not checked).
    pub linearizable: Option<lincheck::Verdict>,
}

impl MultiOutcome {
    pub fn is_safe(&self) -> bool {
        self.violations.is_empty() && self.linearizable != Some(lincheck::Verdict::NotLinearizable)
    }
}

/// A Multi-Paxos run in progress.
pub struct MultiRun {
    pub world: World<Multi>,
    pub schedule: Schedule,
    config: MultiConfig,
    seed: u64,
    ops: OpSource,
    /// Per client, operations handed out so far.
    issued: Vec<u32>,
    next_leader_crash: Option<Tick>,
}

/// The workload's operations, drawn from a stream of their own, so that changing the workload
/// leaves the network's alone.
#[derive(Clone, Debug, PartialEq)]
pub struct OpSource {
    workload: Workload,
    rng: SimRng,
    /// Values written so far (writes and cas write fresh values, so a read names its write).
    next_value: u32,
    /// The last value the workload wrote to each key (what a cas expects).
    last_written: Vec<Option<Val>>,
}

impl OpSource {
    pub fn new(workload: Workload, seed: u64) -> OpSource {
        OpSource {
            workload,
            rng: SimRng::new(seed ^ 0x5157_4f52_4b4c_4f41),
            next_value: 0,
            last_written: vec![None; workload.keys as usize],
        }
    }

    /// The next operation: a read, a write of a fresh value, or a cas from the last value
    /// written to the key.
    pub fn draw(&mut self) -> KvOp {
        let w = self.workload;
        let key = Key(self.rng.range(0, w.keys.max(1) as u32 - 1) as u8);
        let r = self.rng.range(0, 99);
        if r < w.read_percent {
            return KvOp::Read { key };
        }
        self.next_value += 1;
        let value = Val(self.next_value);
        let last = &mut self.last_written[key.0 as usize];
        let op = match *last {
            Some(from) if r >= w.read_percent + w.write_percent => KvOp::Cas { key, from, to: value },
            // A cas of a key never written would only fail: write it first.
            _ => KvOp::Write { key, value },
        };
        *last = Some(value);
        op
    }
}

impl MultiRun {
    pub fn new(config: &MultiConfig, seed: u64) -> MultiRun {
        let cluster = Arc::new(config.cluster.clone());
        let clients = cluster.clients.len();
        MultiRun {
            world: World::start(cluster, config.network, seed),
            schedule: Schedule::new(&config.faults),
            config: config.clone(),
            seed,
            ops: OpSource::new(config.workload, seed),
            issued: vec![0; clients],
            next_leader_crash: config.leader_crash_every,
        }
    }

    /// Hands every client its first operation (step 0 onwards).
    pub fn start(&mut self, sink: &mut impl Sink<MultiEvent>) {
        for i in 0..self.issued.len() {
            self.next_op(i, sink);
        }
    }

    fn next_op(&mut self, i: usize, sink: &mut impl Sink<MultiEvent>) {
        if self.issued[i] >= self.config.workload.ops_per_client {
            return;
        }
        self.issued[i] += 1;
        let op = self.ops.draw();
        let client = self.world.system.cluster.clients[i];
        let (step, now) = (self.world.steps, self.world.now);
        sink.record(step, now, || MultiEvent::Invoke { client, op });
        self.world.request(client, op, sink);
    }

    /// Whether every client ran every operation.
    pub fn finished(&self) -> bool {
        let n = self.config.workload.ops_per_client;
        self.issued.iter().all(|i| *i >= n) && self.world.system.monitor.all_complete()
    }

    /// One step: the next scheduled fault, delivery or timer; then the next operation of every
    /// client whose operation completed, and the periodic leader crash when due.
    pub fn step(&mut self, sink: &mut impl Sink<MultiEvent>) -> bool {
        if let Some(due) = self.next_leader_crash {
            if self.world.now >= due {
                self.crash_leader();
            }
        }
        if !self.world.step(&self.schedule, sink) {
            return false;
        }
        let completed = self.world.system.monitor.take_completed();
        for &client in &completed {
            let i = self.world.system.cluster.clients.iter().position(|c| *c == client).unwrap_or(0);
            self.next_op(i, sink);
        }
        self.world.system.monitor.recycle_completed(completed);
        true
    }

    fn crash_leader(&mut self) {
        let now = self.world.now;
        let every = self.config.leader_crash_every.unwrap_or(Tick::MAX);
        self.next_leader_crash = now.checked_add(every).filter(|t| *t < self.config.faults_end);
        let Some((leader, _)) = self.world.system.monitor.last_leader else { return };
        if !self.world.system.nodes[leader.index()].up {
            return;
        }
        let steps = self.world.steps;
        self.schedule.push(Scheduled { at: At::Step(steps), action: Action::Crash { node: leader } });
        let back = now + self.config.leader_down_ticks;
        self.schedule.push(Scheduled { at: At::Tick(back), action: Action::Recover { node: leader } });
    }

    /// Runs until every client is done, `max_steps` steps, or the time passes `max_time`.
    pub fn run(&mut self, sink: &mut impl Sink<MultiEvent>, max_steps: u64, max_time: Tick) {
        if self.world.steps == 0 {
            self.start(sink);
        }
        while !self.finished() && self.world.steps < max_steps && self.world.now <= max_time && self.step(sink) {}
    }

    /// The clients' history as the linearizability checker reads it (positions are steps).
    pub fn history(&self) -> lincheck::History {
        history(&self.world.system.monitor.history)
    }

    pub fn outcome(&self, check_linearizable: bool) -> MultiOutcome {
        let monitor = &self.world.system.monitor;
        let completed = monitor.history.iter().filter(|h| h.complete.is_some()).count() as u64;
        let linearizable =
            check_linearizable.then(|| lincheck::check(&self.history(), &lincheck::Options::default()).verdict);
        let faults_end = self.config.faults_end;
        let slowest_after_faults = monitor
            .history
            .iter()
            .filter_map(|h| h.complete.as_ref().map(|c| (h.invoke.1.max(faults_end), c.1)))
            .filter(|(from, done)| done >= from)
            .map(|(from, done)| done - from)
            .max()
            .unwrap_or(0);
        MultiOutcome {
            seed: self.seed,
            slowest_after_faults,
            steps: self.world.steps,
            time: self.world.now,
            violations: self.world.system.violations.clone(),
            completed,
            open: monitor.history.len() as u64 - completed,
            chosen: monitor.chosen_count() as u64,
            delivered: self.world.stats().delivered,
            finished: self.finished(),
            linearizable,
        }
    }
}

/// A history of the simulator's clients in the checker's terms.
pub fn history(ops: &[HistoryOp]) -> lincheck::History {
    lincheck::History::new(ops.iter().map(history_op).collect())
}

/// The linearizability of a running simulation's history, kept up to date as it grows
/// (`lincheck::Incremental`: only the keys that changed are searched again).
///
/// Two facts spare most searches. An invocation alone cannot change the verdict: the new
/// operation is open (it may never take effect) and can take effect only after it was called,
/// after every answer seen so far, so it neither breaks an order that fitted nor mends one
/// that did not. And a red verdict stays red (`lincheck::incremental`). So the keys are
/// searched only when an operation completed and the history is not red yet; otherwise the
/// last report stands (`tests` pin that the verdict equals the whole history's at every step).
#[derive(Clone, Debug, Default)]
pub struct LiveCheck {
    pub check: lincheck::Incremental,
    /// Operations of the monitor's history seen so far, and those of them not yet seen
    /// complete (in index order): a call looks at these, not at the whole history.
    seen: usize,
    open: Vec<usize>,
    /// The last report.
    last: Option<lincheck::Report>,
    /// How many times the keys were searched (for tests).
    pub searches: u64,
}

impl LiveCheck {
    /// Takes in what the monitor's history gained since the last call and checks the keys that
    /// changed.
    pub fn update(&mut self, ops: &[HistoryOp]) -> lincheck::Report {
        for (i, h) in ops.iter().enumerate().skip(self.seen) {
            let mut op = history_op(h);
            op.outcome = lincheck::Outcome::Info;
            op.complete = None;
            self.check.invoke(op);
            self.open.push(i);
        }
        self.seen = self.seen.max(ops.len());
        let check = &mut self.check;
        let mut completed = false;
        self.open.retain(|&i| match ops.get(i) {
            Some(h) if h.complete.is_some() => {
                let op = history_op(h);
                check.complete(i, op.outcome, op.complete.unwrap_or(0));
                completed = true;
                false
            }
            _ => true,
        });
        if let Some(last) = &self.last {
            if !completed || last.verdict == lincheck::Verdict::NotLinearizable {
                self.check.rechecked = 0;
                return last.clone();
            }
        }
        let report = self.check.check();
        self.searches += 1;
        self.last = Some(report.clone());
        report
    }
}

/// One operation of the simulator's clients in the checker's terms.
pub fn history_op(h: &HistoryOp) -> lincheck::Op {
    use lincheck::{Call, KvError, Op, Outcome, Value};
    let int = |v: Val| Value::Int(v.0 as i64);
    let (key, call) = match h.op {
        KvOp::Read { key } => (key, Call::Read),
        KvOp::Write { key, value } => (key, Call::Write(int(value))),
        KvOp::Cas { key, from, to } => (key, Call::Cas { from: int(from), to: int(to) }),
    };
    let outcome = match &h.complete {
        None => Outcome::Info,
        Some((_, _, KvReply::Value { value, version })) => {
            Outcome::Ok { value: Some(int(*value)), version: Some(*version) }
        }
        Some((_, _, KvReply::Written { version })) => Outcome::Ok { value: None, version: Some(*version) },
        Some((_, _, KvReply::KeyDoesNotExist)) => Outcome::Error(KvError::KeyDoesNotExist),
        Some((_, _, KvReply::PreconditionFailed)) => Outcome::Error(KvError::PreconditionFailed),
    };
    Op {
        process: h.client.0 as u64,
        key: Some(Value::Int(key.0 as i64)),
        call,
        outcome,
        invoke: h.invoke.0,
        complete: h.complete.as_ref().map(|c| c.0),
        lines: (0, None),
    }
}
