//! A recorded Multi-Paxos run with time travel, for the page: `sim::History`'s design (a
//! snapshot every `SNAPSHOT_EVERY` steps, the trace, exact seeks, acting in the past forks) for
//! a run whose clients are driven by a workload.
//!
//! A sibling of `History` rather than a generic version of it: the workload is driver state
//! (which clients are due an operation, the operations' own random stream) that must be in
//! every snapshot, and the person's actions include handing a client an operation and
//! switching the workload, which `sim::Action` cannot say. Every call to `PageRun::step` does
//! exactly one simulator step, so that seeking to step `k` lands on `k`.
//!
//! The person's actions are recorded by step (`MultiScheduled`): replaying (config, seed,
//! person's actions) gives the same run, step for step.

use super::drive::{OpSource, Workload};
use super::{LiveCheck, MultiEvent};
use crate::lincheck::{PartReport, Verdict};
use crate::protocol::multi::{KvOp, Multi, MultiCluster};
use crate::protocol::NodeId;
use crate::sim::history::SNAPSHOT_EVERY;
use crate::sim::{Action, At, Event, Invariant, NetParams, Schedule, Scheduled, Sink, Tick, World};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

/// Something a person did to the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PersonAction {
    /// A fault or a network change (crash, recover, drop, partition, heal, ...): one step.
    Act(Action),
    /// A client is handed an operation by hand: one step.
    Client { client: NodeId, op: KvOp },
    /// The automatic workload switched on or off: takes no step.
    Workload(bool),
}

/// A person's action and the step it happened at (after `step` steps).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MultiScheduled {
    pub step: u64,
    pub action: PersonAction,
}

/// A run in progress: the world and the workload's driver. A clone is a snapshot.
#[derive(Clone, Debug)]
pub struct PageRun {
    pub world: World<Multi>,
    /// The person's faults, each due at the step it was taken.
    schedule: Schedule,
    ops: OpSource,
    /// Whether the workload hands idle clients operations.
    pub workload: bool,
    /// Clients due an operation from the workload, in order.
    due: VecDeque<NodeId>,
    /// The person's actions carried out so far.
    person_done: usize,
    /// A scripted run (`paced`): the ticks each of the person's actions waits after the last
    /// step, and nothing happens by itself.
    pace: Option<Tick>,
}

impl PageRun {
    pub fn new(cluster: MultiCluster, network: NetParams, workload: Workload, on: bool, seed: u64) -> PageRun {
        let world = World::start(Arc::new(cluster), network, seed);
        let mut run = PageRun {
            world,
            schedule: Schedule::default(),
            ops: OpSource::new(workload, seed),
            workload: false,
            due: VecDeque::new(),
            person_done: 0,
            pace: None,
        };
        run.set_workload(on);
        run
    }

    /// A scripted run, for replaying a model checker's steps exactly: each of the person's
    /// actions happens `pace` ticks after the step before it (so that the page plays them one
    /// by one), and the world takes no step by itself unless it is due at once (a message the
    /// script delivers now). The caller holds every message and timer back (latency and
    /// timeouts far beyond the script's length); the run ends with the script.
    pub fn paced(mut self, pace: Tick) -> PageRun {
        self.pace = Some(pace);
        self
    }

    fn set_workload(&mut self, on: bool) {
        self.workload = on;
        if on {
            self.due = self.world.system.cluster.clients.iter().copied().filter(|c| self.is_idle(*c)).collect();
        }
    }

    /// Whether `client` is a client that is up and has no operation outstanding.
    pub fn is_idle(&self, client: NodeId) -> bool {
        let cluster = &self.world.system.cluster;
        let Some(slot) = self.world.system.nodes.get(client.index()) else { return false };
        cluster.is_client(client) && slot.up && slot.node.client().is_some_and(|c| c.pending.is_none())
    }

    fn invoke(&mut self, client: NodeId, op: KvOp, sink: &mut impl Sink<MultiEvent>) {
        let (step, now) = (self.world.steps, self.world.now);
        sink.record(step, now, || MultiEvent::Invoke { client, op });
        self.world.request(client, op, sink);
    }

    /// The person's actions that come next, if one is due at this step.
    fn person_due<'p>(&self, person: &'p [MultiScheduled]) -> Option<&'p MultiScheduled> {
        person.get(self.person_done).filter(|p| p.step <= self.world.steps)
    }

    /// Whether the next step happens now, without time passing (a person's action or a
    /// workload hand-out).
    fn acts_now(&self, person: &[MultiScheduled]) -> bool {
        self.person_due(person).is_some() || (self.workload && self.due.iter().any(|c| self.is_idle(*c)))
    }

    /// The time of the next step, if any.
    pub fn next_time(&mut self, person: &[MultiScheduled]) -> Option<Tick> {
        if let (Some(pace), Some(_)) = (self.pace, self.person_due(person)) {
            return Some(self.world.now + pace);
        }
        if self.acts_now(person) {
            return Some(self.world.now);
        }
        let next = self.world.next_time(&self.schedule);
        match self.pace {
            Some(_) => next.filter(|t| *t <= self.world.now),
            None => next,
        }
    }

    /// Exactly one step: a person's action due now, else an operation for a client the
    /// workload owes one, else the world's next delivery or timer. False when nothing is left.
    pub fn step(&mut self, person: &[MultiScheduled], sink: &mut impl Sink<MultiEvent>) -> bool {
        if let Some(pace) = self.pace {
            if self.person_due(person).is_some() {
                self.world.now += pace;
            } else if self.next_time(person).is_none() {
                return false;
            }
        }
        while let Some(p) = self.person_due(person) {
            self.person_done += 1;
            match &p.action {
                PersonAction::Workload(on) => self.set_workload(*on),
                PersonAction::Client { client, op } => {
                    // (A link may name a busy client: the operation is refused, as by the page.)
                    if self.is_idle(*client) {
                        self.invoke(*client, *op, sink);
                        self.collect();
                        return true;
                    }
                }
                PersonAction::Act(action) => {
                    let at = At::Step(self.world.steps);
                    self.schedule.push(Scheduled { at, action: action.clone() });
                    let moved = self.world.step(&self.schedule, sink);
                    self.collect();
                    return moved;
                }
            }
        }
        if self.workload {
            while let Some(client) = self.due.pop_front() {
                if self.is_idle(client) {
                    let op = self.ops.draw();
                    self.invoke(client, op, sink);
                    self.collect();
                    return true;
                }
            }
        }
        let moved = self.world.step(&self.schedule, sink);
        self.collect();
        moved
    }

    /// Clients whose operation completed are due their next one.
    fn collect(&mut self) {
        for client in self.world.system.monitor.take_completed() {
            if !self.due.contains(&client) {
                self.due.push_back(client);
            }
        }
    }
}

/// Most snapshots a recorded run keeps. A Multi-Paxos world grows with its log (every replica
/// holds its entries until it compacts, the monitor every slot's votes and the clients'
/// history), so past this many the snapshots are thinned out to every other one and the
/// spacing doubles: memory stays bounded while a seek replays at most `spacing` steps.
pub const MAX_SNAPSHOTS: usize = 128;

/// How the clients' history stands at a step.
#[derive(Clone, Debug, PartialEq)]
pub struct VerdictAt {
    pub step: u64,
    pub verdict: Verdict,
}

/// A recorded run: snapshots, the trace, the cursor; the live linearizability verdict as the
/// recorded history grew.
#[derive(Clone, Debug)]
pub struct MultiHistory {
    /// The person's actions, by step.
    pub person: Vec<MultiScheduled>,
    /// `snapshots[i]` is the run after `i * spacing` steps.
    snapshots: Vec<PageRun>,
    /// Steps between snapshots: `SNAPSHOT_EVERY`, doubled each time the snapshots are thinned.
    spacing: u64,
    /// Every event of the recorded run, in order.
    pub trace: Vec<Event<MultiEvent>>,
    head: PageRun,
    view: Option<PageRun>,
    /// The incremental check of the history at the frontier.
    live: LiveCheck,
    /// Every change of the verdict as the run was recorded, by the step after which it held.
    verdicts: Vec<VerdictAt>,
    /// The first key found not linearizable, and from which step.
    pub failure: Option<(u64, PartReport)>,
    /// Every invariant violation of the recorded run: the step it was found at, and which.
    pub violations: Vec<(u64, Invariant)>,
}

/// One step of a stretch whose events are recorded already.
fn replay_step(run: &mut PageRun, person: &[MultiScheduled]) -> bool {
    run.step(person, &mut ())
}

impl MultiHistory {
    pub fn new(start: PageRun, person: Vec<MultiScheduled>) -> MultiHistory {
        let mut person = person;
        person.sort_by_key(|p| p.step);
        MultiHistory {
            person,
            snapshots: vec![start.clone()],
            spacing: SNAPSHOT_EVERY,
            trace: Vec::new(),
            head: start,
            view: None,
            live: LiveCheck::default(),
            verdicts: vec![VerdictAt { step: 0, verdict: Verdict::Linearizable }],
            failure: None,
            violations: Vec::new(),
        }
    }

    /// The run at the cursor.
    pub fn run(&self) -> &PageRun {
        self.view.as_ref().unwrap_or(&self.head)
    }

    pub fn world(&self) -> &World<Multi> {
        &self.run().world
    }

    pub fn cursor(&self) -> u64 {
        self.world().steps
    }

    pub fn frontier(&self) -> u64 {
        self.head.world.steps
    }

    /// Moves the cursor one step forward, computing a new step at the frontier.
    pub fn forward(&mut self) -> bool {
        if let Some(view) = &mut self.view {
            let moved = replay_step(view, &self.person);
            if view.world.steps >= self.head.world.steps {
                self.view = None;
            }
            return moved;
        }
        self.extend_one()
    }

    fn extend_one(&mut self) -> bool {
        let before = self.trace.len();
        if !self.head.step(&self.person, &mut self.trace) {
            return false;
        }
        let new = &self.trace[before..];
        for e in new {
            if let MultiEvent::Violation { invariant, .. } = e.kind {
                self.violations.push((e.step, invariant));
            }
        }
        if new.iter().any(|e| matches!(e.kind, MultiEvent::Invoke { .. } | MultiEvent::Complete { .. })) {
            self.check_history();
        }
        if self.head.world.steps.is_multiple_of(self.spacing) {
            self.snapshots.push(self.head.clone());
            if self.snapshots.len() > MAX_SNAPSHOTS {
                let mut i = 0;
                self.snapshots.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                self.spacing *= 2;
            }
        }
        true
    }

    /// Steps between the snapshots kept (at most what a seek replays).
    pub fn spacing(&self) -> u64 {
        self.spacing
    }

    /// Brings the live check up to the frontier's history, noting a change of verdict.
    fn check_history(&mut self) {
        let report = self.live.update(&self.head.world.system.monitor.history);
        let step = self.head.world.steps;
        if self.failure.is_none() {
            if let Some(part) = report.parts.iter().find(|p| p.verdict == Verdict::NotLinearizable) {
                self.failure = Some((step, part.clone()));
            }
        }
        if self.verdicts.last().is_none_or(|v| v.verdict != report.verdict) {
            self.verdicts.push(VerdictAt { step, verdict: report.verdict });
        }
    }

    /// Computes up to `steps` more steps at the frontier without moving the cursor.
    pub fn extend(&mut self, steps: u64) -> u64 {
        let at = self.cursor();
        let behind = self.view.is_some();
        let mut done = 0;
        while done < steps && self.extend_one() {
            done += 1;
        }
        if !behind && done > 0 {
            self.seek(at);
        }
        done
    }

    /// Moves the cursor to `step` (clamped to the frontier) with the exact past state.
    pub fn seek(&mut self, step: u64) {
        let step = step.min(self.frontier());
        if step == self.frontier() {
            self.view = None;
            return;
        }
        if let Some(view) = &mut self.view {
            if view.world.steps <= step && step - view.world.steps < self.spacing {
                while view.world.steps < step && replay_step(view, &self.person) {}
                return;
            }
        }
        self.view = Some(self.run_at(step));
    }

    /// The run after `step` steps, rebuilt from the snapshot before it.
    pub fn run_at(&self, step: u64) -> PageRun {
        let step = step.min(self.frontier());
        let index = ((step / self.spacing) as usize).min(self.snapshots.len() - 1);
        let mut run = self.snapshots[index].clone();
        while run.world.steps < step && replay_step(&mut run, &self.person) {}
        run
    }

    /// Does a person's action now, at the cursor. Behind the frontier this forks: the recorded
    /// future and the actions recorded in it are discarded first. An action that is a step
    /// (all but a workload switch) is carried out at once. Returns whether it forked.
    pub fn act(&mut self, action: PersonAction) -> bool {
        let at = self.cursor();
        let forked = self.view.is_some();
        if let Some(view) = self.view.take() {
            self.head = view;
            self.trace.truncate(self.trace.partition_point(|e| e.step < at));
            self.snapshots.truncate((at / self.spacing) as usize + 1);
            self.person.retain(|p| p.step < at);
            self.verdicts.retain(|v| v.step <= at);
            self.violations.retain(|(step, _)| *step < at);
            if self.failure.as_ref().is_some_and(|(step, _)| *step > at) {
                self.failure = None;
            }
            // The live check starts again from the history at the fork.
            self.live = LiveCheck::default();
            self.live.update(&self.head.world.system.monitor.history);
        }
        let steps = !matches!(action, PersonAction::Workload(_));
        // In step order, ahead of the scenario's own actions still to come (a lesson's later
        // partition and heal): pushed after them, it would wait until they had run.
        let place = self.person.partition_point(|p| p.step <= at);
        self.person.insert(place, MultiScheduled { step: at, action });
        if steps {
            self.forward();
        }
        forked
    }

    /// Whether the workload is on at the cursor (counting a switch made at the cursor).
    pub fn workload_on(&self) -> bool {
        let run = self.run();
        let pending = self.person[run.person_done.min(self.person.len())..]
            .iter()
            .take_while(|p| p.step <= run.world.steps)
            .filter_map(|p| match p.action {
                PersonAction::Workload(on) => Some(on),
                _ => None,
            })
            .last();
        pending.unwrap_or(run.workload)
    }

    /// The events of step `step`.
    pub fn events_of(&self, step: u64) -> &[Event<MultiEvent>] {
        let start = self.trace.partition_point(|e| e.step < step);
        let end = self.trace.partition_point(|e| e.step <= step);
        &self.trace[start..end]
    }

    /// The events up to the cursor.
    pub fn past(&self) -> &[Event<MultiEvent>] {
        let end = self.trace.partition_point(|e| e.step < self.cursor());
        &self.trace[..end]
    }

    /// The time of the last step done at the cursor.
    pub fn time(&self) -> Tick {
        self.world().now
    }

    /// The time of the step after the cursor, if any.
    pub fn next_time(&mut self) -> Option<Tick> {
        match &mut self.view {
            Some(view) => view.next_time(&self.person),
            None => self.head.next_time(&self.person),
        }
    }

    /// The linearizability verdict of the history up to the cursor (as recorded).
    pub fn verdict(&self) -> Verdict {
        let at = self.cursor();
        let i = self.verdicts.partition_point(|v| v.step <= at);
        self.verdicts[i.saturating_sub(1)].verdict
    }

    /// The failing key's report, if the history up to the cursor is not linearizable.
    pub fn failure_at_cursor(&self) -> Option<&PartReport> {
        self.failure.as_ref().filter(|(step, _)| *step <= self.cursor()).map(|(_, p)| p)
    }

    /// The hash of the recorded trace up to the frontier.
    pub fn trace_hash(&self) -> u64 {
        super::trace_hash(&self.trace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::multi::Key;

    fn start(seed: u64) -> PageRun {
        let workload = Workload { ops_per_client: u32::MAX, keys: 3, read_percent: 40, write_percent: 40 };
        let net = NetParams { latency_ticks_min: 2, latency_ticks_max: 8, loss: 0.0, duplicate: 0.0 };
        PageRun::new(MultiCluster::new(5, 3), net, workload, true, seed)
    }

    /// A fresh run of `person` to `steps`, its trace hash and the world's nodes.
    fn fresh(seed: u64, person: &[MultiScheduled], steps: u64) -> (u64, PageRun) {
        let mut run = start(seed);
        let mut trace = Vec::new();
        while run.world.steps < steps && run.step(person, &mut trace) {}
        (super::super::trace_hash(&trace), run)
    }

    /// The live check's verdict after every step equals the batch check's of the whole history
    /// so far, in broken runs that turn red and in correct ones; and it searches only when an
    /// operation completed and the history was not red yet.
    #[test]
    fn the_live_verdict_equals_the_batch_verdict_at_every_step() {
        use crate::lincheck::{check, Options, Verdict as V};
        let mut reds = 0;
        for (seed, broken) in [(1, true), (2, true), (3, true), (4, true), (5, false)] {
            let mut cluster = MultiCluster::new(5, 3);
            cluster.broken.no_at_most_once = broken;
            let workload = Workload { ops_per_client: u32::MAX, keys: 2, read_percent: 40, write_percent: 40 };
            let net = NetParams { latency_ticks_min: 2, latency_ticks_max: 8, loss: 0.2, duplicate: 0.0 };
            let mut run = PageRun::new(cluster, net, workload, true, seed);
            let mut live = LiveCheck::default();
            let (mut completions, mut updates, mut red_at) = (0, 0, None);
            for step in 0..3000u64 {
                let mut events = Vec::new();
                assert!(run.step(&[], &mut events));
                if !events.iter().any(|e| matches!(e.kind, MultiEvent::Invoke { .. } | MultiEvent::Complete { .. })) {
                    continue;
                }
                completions += events.iter().filter(|e| matches!(e.kind, MultiEvent::Complete { .. })).count();
                updates += 1;
                let ops = &run.world.system.monitor.history;
                let verdict = live.update(ops).verdict;
                let batch = check(&super::super::drive::history(ops), &Options::default()).verdict;
                assert_eq!(verdict, batch, "seed {seed}, step {step}");
                if verdict == V::NotLinearizable && red_at.is_none() {
                    red_at = Some(live.searches);
                }
            }
            assert!(broken || red_at.is_none(), "the correct protocol stays green");
            reds += usize::from(red_at.is_some());
            assert!(live.searches as usize <= completions + 1 && live.searches < updates, "seed {seed}");
            if let Some(searches) = red_at {
                assert_eq!(live.searches, searches, "seed {seed}: no search once red");
            }
        }
        assert!(reds >= 2, "{reds} broken runs turned red");
    }

    #[test]
    fn every_call_is_one_step_and_the_workload_completes_operations() {
        let mut run = start(3);
        for i in 0..2000 {
            assert_eq!(run.world.steps, i);
            assert!(run.step(&[], &mut ()));
        }
        let history = &run.world.system.monitor.history;
        assert!(history.iter().filter(|h| h.complete.is_some()).count() > 20, "{}", history.len());
        assert!(run.world.system.violations.is_empty());
    }

    #[test]
    fn seeking_gives_the_state_of_a_fresh_run_to_that_step() {
        let mut h = MultiHistory::new(start(5), Vec::new());
        h.extend(700);
        for k in [0, 1, 63, 64, 65, 300, 699, 123] {
            h.seek(k);
            let (_, run) = fresh(5, &[], k);
            assert_eq!(h.cursor(), k);
            assert_eq!(h.world().system.nodes, run.world.system.nodes, "step {k}");
            assert_eq!(h.world().now, run.world.now);
            assert_eq!(h.world().in_flight(), run.world.in_flight());
        }
        let (hash, _) = fresh(5, &[], 700);
        assert_eq!(h.trace_hash(), hash);
    }

    #[test]
    fn acting_in_the_past_forks_and_the_fork_replays_from_the_person_actions() {
        let mut h = MultiHistory::new(start(7), Vec::new());
        h.extend(400);
        h.seek(150);
        assert!(h.act(PersonAction::Act(Action::Crash { node: NodeId(0) })));
        assert_eq!(h.frontier(), 151);
        assert!(!h.world().system.nodes[0].up);
        h.act(PersonAction::Workload(false));
        assert!(!h.workload_on());
        h.extend(300);
        // A client by hand once the workload is off and the client idle.
        h.seek(h.frontier());
        let client = NodeId(5);
        while !h.run().is_idle(client) {
            h.forward();
        }
        let at = h.cursor();
        assert!(!h.act(PersonAction::Client { client, op: KvOp::Read { key: Key(1) } }));
        assert_eq!(h.frontier(), at + 1);
        h.extend(200);
        let person = h.person.clone();
        assert_eq!(person.len(), 3);
        let (hash, run) = fresh(7, &person, h.frontier());
        assert_eq!(h.trace_hash(), hash, "the fork replays from (seed, person's actions)");
        h.seek(h.frontier());
        assert_eq!(h.world().system.nodes, run.world.system.nodes);
        let ops = &run.world.system.monitor.history;
        assert!(ops.iter().any(|o| o.client == client && o.op == KvOp::Read { key: Key(1) }));
    }

    #[test]
    fn long_runs_thin_their_snapshots_and_still_seek_exactly() {
        let mut h = MultiHistory::new(start(11), Vec::new());
        let steps = (MAX_SNAPSHOTS as u64 + 8) * SNAPSHOT_EVERY;
        h.extend(steps);
        assert_eq!(h.spacing(), 2 * SNAPSHOT_EVERY);
        assert!(h.snapshots.len() <= MAX_SNAPSHOTS);
        for (i, s) in h.snapshots.iter().enumerate() {
            assert_eq!(s.world.steps, i as u64 * h.spacing());
        }
        let mut fresh_run = start(11);
        for k in [steps - 1, 5000, 129, 128, 127] {
            h.seek(k);
            let mut run = fresh_run.clone();
            while run.world.steps < k && run.step(&[], &mut ()) {}
            assert_eq!(h.world().system.nodes, run.world.system.nodes, "step {k}");
            assert_eq!(h.world().in_flight(), run.world.in_flight());
            fresh_run = start(11);
        }
        // A fork after thinning keeps the snapshots before it.
        h.seek(3000);
        h.act(PersonAction::Act(Action::Crash { node: NodeId(1) }));
        assert_eq!(h.frontier(), 3001);
        h.seek(2000);
        let mut run = start(11);
        while run.world.steps < 2000 && run.step(&[], &mut ()) {}
        assert_eq!(h.world().system.nodes, run.world.system.nodes);
    }

    #[test]
    fn the_verdict_follows_the_cursor() {
        let mut h = MultiHistory::new(start(9), Vec::new());
        h.extend(1500);
        assert_eq!(h.verdict(), Verdict::Linearizable);
        assert!(h.failure.is_none());
        h.seek(10);
        assert_eq!(h.verdict(), Verdict::Linearizable);
    }
}
