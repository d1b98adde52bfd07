//! Named Multi-Paxos scenarios in the timed simulator (`World<Multi>` driven by `MultiRun`),
//! each with the fault that makes it happen and the exact thing it must show. The protocol's
//! own tests check the same rules message by message over a FIFO loop; these check them with
//! latencies, timers and the monitor, as the sweeps and the page run them.

use paxos_playground::lincheck::Verdict;
use paxos_playground::protocol::multi::{Msg, Note};
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
