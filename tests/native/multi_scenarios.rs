//! Named Multi-Paxos scenarios in the timed simulator (`World<Multi>` driven by `MultiRun`),
//! each with the fault that makes it happen and the exact thing it must show. The protocol's
//! own tests check the same rules message by message over a FIFO loop; these check them with
//! latencies, timers and the monitor, as the sweeps and the page run them.

use paxos_playground::lincheck::Verdict;
use paxos_playground::protocol::multi::{Key, KvOp, KvReply, Lease, Msg, Note, Val};
use paxos_playground::protocol::NodeId;
use paxos_playground::sim::multi::{MultiConfig, MultiEvent, MultiRun};
use paxos_playground::sim::{Action, At, Event, NetParams, Scheduled, Tick};

type Trace = Vec<Event<MultiEvent>>;

/// Runs `run` to the end; asserts it stayed safe, linearizable and finished every operation.
fn finish(run: &mut MultiRun, trace: &mut Trace) {
    run.run(trace, 500_000, 50_000);
    let o = run.outcome(true);
    assert!(o.violations.is_empty(), "{:?}", o.violations);
    assert_eq!(o.linearizable, Some(Verdict::Linearizable));
    assert!(o.finished, "{o:?}");
}

fn notes(trace: &Trace) -> Vec<(Tick, NodeId, Note)> {
    trace
        .iter()
        .filter_map(|e| match &e.kind {
            MultiEvent::Note { node, note } => Some((e.time, *node, *note)),
            _ => None,
        })
        .collect()
}

fn leaders(trace: &Trace) -> Vec<(Tick, NodeId)> {
    trace
        .iter()
        .filter_map(|e| match &e.kind {
            MultiEvent::Leader { node, .. } => Some((e.time, *node)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_leader_crash_mid_pipeline_is_repaired_by_the_next_leader() {
    // Paxos Made Simple, 3: a new leader re-proposes what phase 1 reports and fills the gaps.
    let mut config = MultiConfig::new(3, 3);
    config.workload.ops_per_client = 15;
    let mut run = MultiRun::new(&config, 4);
    let mut trace = Trace::new();
    run.start(&mut trace);
    // Crash the leader the moment it has sent Accepts for a slot that is not chosen yet.
    let mut crashed = None;
    while crashed.is_none() && run.step(&mut trace) {
        let Some((leader, _)) = run.world.system.monitor.last_leader else { continue };
        let chosen = run.world.system.monitor.chosen_prefix();
        let pending = trace.iter().rev().take(20).any(|e| {
            matches!(&e.kind, MultiEvent::Send { from, msg: Msg::Accept { slot, .. }, .. }
                if *from == leader && slot.0 > chosen + 1)
        });
        if chosen >= 3 && pending {
            let steps = run.world.steps;
            run.schedule.push(Scheduled { at: At::Step(steps), action: Action::Crash { node: leader } });
            crashed = Some((leader, run.world.now));
        }
    }
    let (old, at) = crashed.expect("the leader had slots in flight");
    finish(&mut run, &mut trace);
    let next = leaders(&trace).into_iter().find(|(t, n)| *t > at && *n != old).expect("a new leader");
    let repairs = notes(&trace)
        .into_iter()
        .filter(|(t, n, note)| {
            *t >= next.0 && *n == next.1 && matches!(note, Note::Adopted { .. } | Note::Filled { .. })
        })
        .count();
    assert!(repairs >= 1, "the new leader re-proposed nothing of the old one's pipeline");
}

#[test]
fn a_lagging_replica_installs_a_snapshot_and_catches_up() {
    let mut config = MultiConfig::new(3, 1);
    config.cluster.compaction = Some(4);
    config.workload.ops_per_client = 40;
    // Replica 2 cut off from everyone for a while, then back.
    config.faults = vec![
        Scheduled { at: At::Tick(60), action: Action::Partition { groups: vec![vec![NodeId(2)]] } },
        Scheduled { at: At::Tick(700), action: Action::Heal },
    ];
    let mut run = MultiRun::new(&config, 2);
    let mut trace = Trace::new();
    run.start(&mut trace);
    finish(&mut run, &mut trace);
    let leader = leaders(&trace)[0].1;
    assert_ne!(leader, NodeId(2), "this seed elects a replica that stays connected");
    assert!(
        notes(&trace).iter().any(|(t, n, note)| *t >= 700 && *n == NodeId(2) && matches!(note, Note::Installed { .. })),
        "replica 2 never installed a snapshot"
    );
    // And applies what the others applied: its store equals the leader's once both applied as
    // far (the run ends when the clients are done; a follower may be a commit point behind).
    let (lagger, leading) =
        (run.world.system.nodes[2].node.replica(), run.world.system.nodes[leader.index()].node.replica());
    let (lagger, leading) = (lagger.expect("a replica"), leading.expect("a replica"));
    assert!(
        lagger.applied.0 + 8 >= leading.applied.0,
        "replica 2 applied {:?}, the leader {:?}",
        lagger.applied,
        leading.applied
    );
}

#[test]
fn a_partitioned_old_leader_steps_down_when_it_hears_the_higher_ballot() {
    let mut config = MultiConfig::new(3, 2);
    config.workload.ops_per_client = 30;
    let mut run = MultiRun::new(&config, 1);
    let mut trace = Trace::new();
    run.start(&mut trace);
    while run.world.system.monitor.last_leader.is_none() && run.step(&mut trace) {}
    let (old, _) = run.world.system.monitor.last_leader.expect("a leader");
    let now = run.world.now;
    run.schedule.push(Scheduled { at: At::Tick(now + 20), action: Action::Partition { groups: vec![vec![old]] } });
    run.schedule.push(Scheduled { at: At::Tick(now + 500), action: Action::Heal });
    finish(&mut run, &mut trace);
    let next = leaders(&trace).into_iter().find(|(_, n)| *n != old).expect("the others elect a new leader");
    assert!(next.0 < now + 500, "elected while the old leader was cut off");
    // No slot is chosen at the old leader's ballot while it is cut off: the monitor would have
    // seen a quorum; and once healed it steps down.
    assert!(
        notes(&trace).iter().any(|(t, n, note)| *t >= now + 500 && *n == old && matches!(note, Note::StepDown { .. })),
        "the old leader never stepped down"
    );
}

#[test]
fn a_retried_write_is_applied_once() {
    // Heavy loss makes clients retry requests the leader already applied.
    let mut config = MultiConfig::new(3, 2);
    config.workload.ops_per_client = 30;
    config.network = NetParams { loss: 0.25, ..config.network };
    let mut run = MultiRun::new(&config, 3);
    let mut trace = Trace::new();
    run.start(&mut trace);
    finish(&mut run, &mut trace);
    let answered_from_table = notes(&trace).iter().filter(|(_, _, n)| matches!(n, Note::Duplicate { .. })).count();
    assert!(answered_from_table >= 1, "no retry of an applied request happened");
    // The store applied each (client, sequence) once: linearizability (checked in `finish`)
    // sees every write's version exactly once; the broken variant fails this very seed.
    let mut broken = config.clone();
    broken.cluster.broken.no_at_most_once = true;
    let mut run = MultiRun::new(&broken, 3);
    run.run(&mut (), 500_000, 50_000);
    assert_eq!(run.outcome(true).linearizable, Some(Verdict::NotLinearizable), "the table mattered here");
}

/// A run with no workload, on a quiet network of fixed latency `latency`, whose operations
/// the test hands out itself ([`by_hand`]).
fn quiet(replicas: u8, latency: u32, seed: u64, shape: impl FnOnce(&mut MultiConfig)) -> MultiRun {
    let mut config = MultiConfig::new(replicas, 1);
    config.workload.ops_per_client = 0;
    config.network = NetParams { latency_ticks_min: latency, latency_ticks_max: latency, loss: 0.0, duplicate: 0.0 };
    shape(&mut config);
    MultiRun::new(&config, seed)
}

/// Hands the run's only client `op` and runs until it completes (at most `max_ticks` later);
/// returns the reply and the ticks it took.
fn by_hand(run: &mut MultiRun, trace: &mut Trace, op: KvOp, max_ticks: Tick) -> (KvReply, Tick) {
    let client = run.world.system.cluster.clients[0];
    run.world.request(client, op, trace);
    let start = run.world.now;
    loop {
        let last = run.world.system.monitor.history.last().expect("the operation is in the history");
        if let Some((_, at, reply)) = last.complete {
            run.world.system.monitor.take_completed();
            return (reply, at - start);
        }
        assert!(run.world.now <= start + max_ticks, "{op:?} did not complete within {max_ticks} ticks");
        assert!(run.step(trace), "the run stopped with {op:?} open");
    }
}

/// Runs until a leader is elected and the first slot it proposes is applied everywhere it can be.
fn until_leader(run: &mut MultiRun, trace: &mut Trace) -> NodeId {
    while run.world.system.monitor.last_leader.is_none() {
        assert!(run.step(trace), "no leader was elected");
    }
    run.world.system.monitor.last_leader.expect("a leader").0
}

fn sends_between(trace: &Trace, from_time: Tick, to_time: Tick) -> Vec<(NodeId, NodeId, Msg)> {
    trace
        .iter()
        .filter(|e| e.time >= from_time && e.time <= to_time)
        .filter_map(|e| match &e.kind {
            MultiEvent::Send { from, to, msg, .. } => Some((*from, *to, msg.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_steady_state_takes_one_round_trip_per_command() {
    // Paxos Made Simple, 3: with a stable leader, Phase 1 is done once for the whole log, so a
    // command costs one Phase 2 round trip: client -> leader, Accept -> followers, Accepted ->
    // leader, leader -> client: four one-way latencies, and no Prepare.
    const L: Tick = 5;
    let mut run = quiet(5, L as u32, 1, |_| {});
    let mut trace = Trace::new();
    let leader = until_leader(&mut run, &mut trace);
    let x = Key(0);
    // The first operation may go to a replica that redirects the client; every later one goes
    // straight to the leader.
    by_hand(&mut run, &mut trace, KvOp::Write { key: x, value: Val(1) }, 500);
    let ops = [
        KvOp::Write { key: x, value: Val(2) },
        KvOp::Read { key: x },
        KvOp::Cas { key: x, from: Val(2), to: Val(3) },
        KvOp::Write { key: Key(1), value: Val(4) },
        KvOp::Read { key: Key(1) },
    ];
    for op in ops {
        let start = run.world.now;
        let (_, took) = by_hand(&mut run, &mut trace, op, 500);
        assert_eq!(took, 4 * L, "{op:?} took {took} ticks, not one round trip through the leader");
        let sends = sends_between(&trace, start, start + took);
        let accepts: Vec<_> =
            sends.iter().filter(|(f, _, m)| *f == leader && matches!(m, Msg::Accept { .. })).collect();
        assert_eq!(accepts.len(), 4, "one Accept to each of the four followers: {accepts:?}");
        assert!(!sends.iter().any(|(_, _, m)| matches!(m, Msg::Prepare { .. })), "no Phase 1 in the steady state");
    }
    assert_eq!(run.world.system.monitor.last_leader.map(|l| l.0), Some(leader), "one leader throughout");
    let o = run.outcome(true);
    assert!(o.violations.is_empty() && o.linearizable == Some(Verdict::Linearizable), "{o:?}");
}

#[test]
fn cas_succeeds_and_fails_with_the_right_version() {
    // Maelstrom's lin-kv: every successful write or cas increments the key's version; a cas
    // whose `from` is not the value fails, and one of a key never written finds no key.
    let mut run = quiet(3, 3, 2, |_| {});
    let mut trace = Trace::new();
    until_leader(&mut run, &mut trace);
    let (x, y) = (Key(0), Key(1));
    let mut ask = |op| by_hand(&mut run, &mut trace, op, 500).0;
    assert_eq!(ask(KvOp::Cas { key: y, from: Val(1), to: Val(2) }), KvReply::KeyDoesNotExist);
    assert_eq!(ask(KvOp::Read { key: y }), KvReply::KeyDoesNotExist);
    assert_eq!(ask(KvOp::Write { key: x, value: Val(1) }), KvReply::Written { version: 1 });
    assert_eq!(ask(KvOp::Cas { key: x, from: Val(1), to: Val(2) }), KvReply::Written { version: 2 });
    assert_eq!(ask(KvOp::Cas { key: x, from: Val(1), to: Val(3) }), KvReply::PreconditionFailed);
    assert_eq!(ask(KvOp::Read { key: x }), KvReply::Value { value: Val(2), version: 2 });
    assert_eq!(ask(KvOp::Cas { key: x, from: Val(2), to: Val(2) }), KvReply::Written { version: 3 });
    assert_eq!(ask(KvOp::Write { key: x, value: Val(7) }), KvReply::Written { version: 4 });
    assert_eq!(ask(KvOp::Read { key: x }), KvReply::Value { value: Val(7), version: 4 });
    // Every replica applied the same versions.
    for _ in 0..200 {
        run.step(&mut trace);
    }
    for slot in &run.world.system.nodes[..3] {
        let r = slot.node.replica().expect("a replica");
        assert_eq!(r.store.get(x), Some((Val(7), 4)), "replica {:?}", slot.node.id());
    }
    let o = run.outcome(true);
    assert!(o.violations.is_empty() && o.linearizable == Some(Verdict::Linearizable), "{o:?}");
}

#[test]
fn a_lease_read_after_the_lease_has_run_out_goes_through_the_log() {
    // While a quorum's heartbeat acks keep its lease, the leader answers a read from its own
    // store (no log slot: one client round trip). When the acks stop, the lease runs out and a
    // read must be ordered through the log like any command.
    const L: Tick = 3;
    let lease = Lease::default();
    let mut run = quiet(3, L as u32, 3, |c| c.cluster.lease = Some(lease));
    let mut trace = Trace::new();
    until_leader(&mut run, &mut trace);
    let x = Key(0);
    by_hand(&mut run, &mut trace, KvOp::Write { key: x, value: Val(1) }, 500);
    // Let heartbeat acks grant the lease (the first leader may have been replaced by then).
    let settle = run.world.now + 4 * L;
    while run.world.now < settle && run.step(&mut trace) {}
    let leader = run.world.system.monitor.last_leader.expect("a leader").0;
    let before = trace.len();
    let (reply, took) = by_hand(&mut run, &mut trace, KvOp::Read { key: x }, 500);
    assert_eq!(reply, KvReply::Value { value: Val(1), version: 1 });
    assert_eq!(took, 2 * L, "a lease read is one client round trip");
    let lease_reads = |from: usize, trace: &Trace| {
        notes(&trace[from..].to_vec())
            .iter()
            .filter(|(_, n, note)| *n == leader && matches!(note, Note::LeaseRead { .. }))
            .count()
    };
    assert_eq!(lease_reads(before, &trace), 1, "the read was answered under the lease");

    // Cut the followers' messages to the leader (its own still arrive, so no one campaigns):
    // no acks, so the lease runs out.
    let followers: Vec<NodeId> = run.world.system.cluster.replicas.iter().copied().filter(|r| *r != leader).collect();
    let step = run.world.steps;
    for f in &followers {
        run.schedule.push(Scheduled { at: At::Step(step), action: Action::Cut { from: *f, to: leader, both: false } });
    }
    let cut_at = run.world.now;
    let expired = cut_at + (lease.ticks + 2 * run.world.system.cluster.heartbeat_ticks) as Tick;
    while run.world.now < expired && run.step(&mut trace) {}
    let before = trace.len();
    let client = run.world.system.cluster.clients[0];
    run.world.request(client, KvOp::Read { key: x }, &mut trace);
    // Give the read time to reach the leader and be proposed, then heal the links.
    let heal = run.world.now + 6 * L;
    while run.world.now < heal && run.step(&mut trace) {}
    let step = run.world.steps;
    for f in &followers {
        run.schedule
            .push(Scheduled { at: At::Step(step), action: Action::Restore { from: *f, to: leader, both: false } });
    }
    while run.world.system.monitor.history.last().is_some_and(|h| h.complete.is_none()) {
        assert!(run.world.now < heal + 500 && run.step(&mut trace), "the read never completed");
    }
    assert_eq!(lease_reads(before, &trace), 0, "no lease read once the lease ran out");
    let read_in_log = trace[before..].iter().any(|e| {
        matches!(&e.kind, MultiEvent::Send { from, msg: Msg::Accept { cmd, .. }, .. }
            if *from == leader && format!("{cmd:?}").contains("Read"))
    });
    assert!(read_in_log, "the leader proposed the read in a log slot");
    let last = run.world.system.monitor.history.last().and_then(|h| h.complete).map(|c| c.2);
    assert_eq!(last, Some(KvReply::Value { value: Val(1), version: 1 }));
    let o = run.outcome(true);
    assert!(o.violations.is_empty() && o.linearizable == Some(Verdict::Linearizable), "{o:?}");
}
