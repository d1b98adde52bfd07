//! Multi-step sequences: election, the steady state, a crash mid-pipeline, catch-up,
//! snapshots, a partitioned old leader, dueling candidates, retries.

use super::fifo::*;
use super::*;

#[test]
fn election_from_cold() {
    // Paxos Made Simple, section 3: the leader runs phase 1 once, for every instance.
    let mut net = Net::new(MultiCluster::new(3, 1));
    let prepare = Msg::Prepare { ballot: b(1, 0), from_slot: Slot(0) };
    assert_eq!(
        net.input(R0, Input::Timer),
        vec![
            Output::PersistPromise(b(1, 0)),
            Output::Note(Note::Campaign { ballot: b(1, 0), from_slot: Slot(0) }),
            Output::Send { to: R1, msg: prepare.clone() },
            Output::Send { to: R2, msg: prepare },
            Output::SetTimer { min_ticks: 40, max_ticks: 80 },
        ]
    );
    net.run();
    assert_eq!(
        net.take_delivered(),
        lines(&[
            "n0→n1 Prepare 1.0 from s0",
            "n0→n2 Prepare 1.0 from s0",
            "n1→n0 Promise 1.0, 0 accepted",
            "n2→n0 Promise 1.0, 0 accepted",
            "n0→n1 Heartbeat 1.0, chosen below s0",
            "n0→n2 Heartbeat 1.0, chosen below s0",
        ])
    );
    assert_eq!(net.outputs_of(R0, |o| matches!(o, Output::Leader { .. })), vec![Output::Leader { ballot: b(1, 0) }]);
    assert_eq!(net.leaders(), vec![R0]);
    for r in [R1, R2] {
        assert_eq!((net.replica(r).leader, net.replica(r).promised()), (Some(R0), b(1, 0)));
    }
}

#[test]
fn steady_state_takes_one_round_trip_per_command() {
    let mut net = elected(MultiCluster::new(3, 1));
    net.client(C3, write(X, 5));
    assert_eq!(
        net.take_delivered(),
        lines(&[
            "n3→n0 Request #1 write x=5",
            "n0→n1 Accept 1.0 s0 write x=5",
            "n0→n2 Accept 1.0 s0 write x=5",
            "n1→n0 Accepted 1.0 s0",
            "n2→n0 Accepted 1.0 s0",
            "n0→n3 Reply #1 ok v1",
        ])
    );
    assert_eq!(
        net.completions(C3),
        vec![Output::Complete { seq: 1, op: write(X, 5), reply: KvReply::Written { version: 1 } }]
    );
    assert_eq!(net.applied(R1), vec![], "the followers have not heard the commit point yet");
    // The next Accept carries it: the followers apply slot 0 then.
    net.client(C3, read(X));
    assert_eq!(net.take_delivered().len(), 6, "a read through the log: the same one round trip");
    let s0 = applied(0, op(C3, 1, write(X, 5)), Some(KvReply::Written { version: 1 }));
    assert_eq!(net.applied(R1), vec![s0.clone()]);
    assert_eq!(
        net.applied(R0),
        vec![s0, applied(1, op(C3, 2, read(X)), Some(KvReply::Value { value: Val(5), version: 1 }))]
    );
    assert_eq!(
        net.completions(C3)[1],
        Output::Complete { seq: 2, op: read(X), reply: KvReply::Value { value: Val(5), version: 1 } }
    );
}

/// Leader 0 gets three writes into slots 0, 1, 2 from three clients. Everything between
/// replicas 0 and 2 is lost, the Accept of slot 1 to replica 1 is lost, and so is replica 1's
/// Accepted for slot 2. So slot 0 is chosen and acknowledged to client 3, slot 2 is accepted
/// by replicas 0 and 1 (chosen, but nobody knows), slot 1 only by replica 0. Then 0 crashes
/// and replica 1 takes over.
fn crash_mid_pipeline(cluster: MultiCluster) -> Net {
    let mut net = elected(cluster);
    net.drop = Box::new(|from, to, msg| {
        let pair = [from, to];
        pair.contains(&R0) && pair.contains(&R2)
            || matches!(msg, Msg::Accept { slot: Slot(1), .. })
            || matches!(msg, Msg::Accepted { slot: Slot(2), .. })
    });
    net.input(C3, Input::Request(write(X, 1)));
    net.input(C4, Input::Request(write(Y, 2)));
    net.input(C5, Input::Request(write(Z, 3)));
    net.run();
    assert_eq!(
        net.completions(C3),
        vec![Output::Complete { seq: 1, op: write(X, 1), reply: KvReply::Written { version: 1 } }]
    );
    assert_eq!(net.replica(R1).durable.accepted.keys().collect::<Vec<_>>(), vec![Slot(0), Slot(2)]);
    assert_eq!(net.replica(R1).commit, Slot(0), "the commit point never reached replica 1");
    net.crash(R0);
    net.drop = Box::new(|_, _, _| false);
    net.outputs.clear();
    net.fire(R1);
    assert_eq!(net.leaders(), vec![R1]);
    net
}

#[test]
fn a_new_leader_reproposes_accepted_entries_and_fills_gaps_with_noops() {
    // Paxos Made Simple, section 3: the new leader finds instances 135-137 and 139 chosen
    // and proposes no-ops for the gaps (138).
    let mut net = crash_mid_pipeline(MultiCluster::new(3, 3));
    let notes = net.outputs_of(R1, |o| {
        matches!(o, Output::Leader { .. } | Output::Note(Note::Adopted { .. } | Note::Filled { .. }))
    });
    assert_eq!(
        notes,
        vec![
            Output::Leader { ballot: b(2, 1) },
            Output::Note(Note::Adopted { slot: Slot(0), cmd: op(C3, 1, write(X, 1)) }),
            Output::Note(Note::Filled { slot: Slot(1) }),
            Output::Note(Note::Adopted { slot: Slot(2), cmd: op(C5, 1, write(Z, 3)) }),
        ]
    );
    assert_eq!(
        net.applied(R1),
        vec![
            applied(0, op(C3, 1, write(X, 1)), Some(KvReply::Written { version: 1 })),
            applied(1, Command::Noop, None),
            applied(2, op(C5, 1, write(Z, 3)), Some(KvReply::Written { version: 1 })),
        ]
    );
    assert_eq!(
        net.completions(C5),
        vec![Output::Complete { seq: 1, op: write(Z, 3), reply: KvReply::Written { version: 1 } }]
    );
    // Client 3 still believes replica 0 leads; its request is lost, it times out and retries.
    net.client(C3, read(X));
    net.fire(C3);
    assert_eq!(
        net.completions(C3),
        vec![Output::Complete { seq: 2, op: read(X), reply: KvReply::Value { value: Val(1), version: 1 } }]
    );
    // Client 4's write was never accepted by a quorum: its retry lands in a fresh slot.
    net.fire(C4);
    net.fire(C4);
    assert_eq!(
        net.completions(C4),
        vec![Output::Complete { seq: 1, op: write(Y, 2), reply: KvReply::Written { version: 1 } }]
    );
}

#[test]
fn keeping_only_chosen_entries_loses_an_acknowledged_write() {
    // BROKEN variant keep_only_chosen, the same run: the new leader treats slot 0 as free.
    let mut cluster = MultiCluster::new(3, 3);
    cluster.broken.keep_only_chosen = true;
    let mut net = crash_mid_pipeline(cluster);
    assert_eq!(net.outputs_of(R1, |o| matches!(o, Output::Note(Note::Adopted { .. } | Note::Filled { .. }))), vec![]);
    net.client(C3, read(X));
    net.fire(C3);
    // Client 3's write of x=1 was acknowledged, and now x does not exist.
    assert_eq!(net.completions(C3), vec![Output::Complete { seq: 2, op: read(X), reply: KvReply::KeyDoesNotExist }]);
    assert_eq!(net.applied(R1), vec![applied(0, op(C3, 2, read(X)), Some(KvReply::KeyDoesNotExist))]);
}

/// Replica 2 is cut off while client 3 writes x three times, then the network heals and the
/// leader's next heartbeat shows replica 2 how far behind it is.
fn lagging_replica(cluster: MultiCluster) -> Net {
    let mut net = elected(cluster);
    net.drop = Box::new(|from, to, _| from == R2 || to == R2);
    for v in 1..=3 {
        net.client(C3, write(X, v));
    }
    assert_eq!(net.replica(R2).applied, Slot(0));
    net.drop = Box::new(|_, _, _| false);
    net.take_delivered();
    net.outputs.clear();
    net.fire(R0);
    net
}

#[test]
fn a_lagging_replica_catches_up() {
    let mut net = lagging_replica(MultiCluster::new(3, 1));
    assert_eq!(
        net.take_delivered(),
        lines(&[
            "n0→n1 Heartbeat 1.0, chosen below s3",
            "n0→n2 Heartbeat 1.0, chosen below s3",
            "n2→n0 Catch-up request from s0",
            "n0→n2 Catch-up s0 to s2",
        ])
    );
    let writes: Vec<Output> =
        (1..=3).map(|v| applied(v - 1, op(C3, v, write(X, v)), Some(KvReply::Written { version: v as u64 }))).collect();
    assert_eq!(net.applied(R2), writes);
    assert_eq!(net.replica(R2).store, net.replica(R0).store);
    assert_eq!(net.replica(R2).store.get(X), Some((Val(3), 3)));
}

#[test]
fn a_replica_behind_the_compaction_point_installs_a_snapshot() {
    let mut cluster = MultiCluster::new(3, 1);
    cluster.compaction = Some(2);
    let mut net = lagging_replica(cluster);
    assert_eq!(
        net.take_delivered()[2..],
        lines(&["n2→n0 Catch-up request from s0", "n0→n2 Catch-up snapshot below s2 + s2"])
    );
    let snapshot = net.replica(R0).durable.snapshot.clone().expect("the leader compacted");
    assert_eq!((snapshot.upto, snapshot.store.get(X)), (Slot(2), Some((Val(2), 2))));
    assert_eq!(
        net.outputs_of(R2, |o| !matches!(o, Output::Send { .. } | Output::SetTimer { .. })),
        vec![
            Output::Note(Note::Installed { upto: Slot(2) }),
            Output::PersistSnapshot(snapshot),
            applied(2, op(C3, 3, write(X, 3)), Some(KvReply::Written { version: 3 })),
        ]
    );
    assert_eq!(net.replica(R2).store, net.replica(R0).store);
    assert_eq!(net.replica(R0).log.keys().collect::<Vec<_>>(), vec![Slot(2)], "the log below s2 is gone");
    // A replica restarting from its disk starts from its snapshot.
    net.crash(R2);
    net.recover(R2);
    assert_eq!((net.replica(R2).applied, net.replica(R2).store.get(X)), (Slot(2), Some((Val(2), 2))));
}

#[test]
fn a_partitioned_old_leader_cannot_commit_and_steps_down_on_the_higher_ballot() {
    let mut net = elected(MultiCluster::new(3, 1));
    net.drop = Box::new(|from, to, _| (from == R0 || to == R0) && from != C3 && to != C3);
    net.client(C3, write(X, 1));
    assert_eq!(net.applied(R0), vec![], "no quorum: nothing is chosen");
    net.fire(R1);
    assert_eq!(net.leaders(), vec![R0, R1], "the old leader does not know yet");
    net.drop = Box::new(|_, _, _| false);
    net.take_delivered();
    net.fire(R0);
    assert_eq!(
        net.take_delivered(),
        lines(&[
            "n0→n1 Heartbeat 1.0, chosen below s0",
            "n0→n2 Heartbeat 1.0, chosen below s0",
            "n1→n0 Nack 1.0 (promised 2.1)",
            "n2→n0 Nack 1.0 (promised 2.1)",
        ])
    );
    assert_eq!(net.leaders(), vec![R1]);
    assert_eq!(
        net.outputs_of(R0, |o| matches!(o, Output::Note(Note::StepDown { .. }))),
        vec![Output::Note(Note::StepDown { ballot: b(1, 0) })]
    );
    // The client's timeout sends the same request to replica 1, which commits it once.
    net.fire(C3);
    net.fire(R1);
    assert_eq!(
        net.completions(C3),
        vec![Output::Complete { seq: 1, op: write(X, 1), reply: KvReply::Written { version: 1 } }]
    );
    assert_eq!(net.replica(R0).leader, Some(R1));
    assert_eq!(net.applied(R0), vec![applied(0, op(C3, 1, write(X, 1)), Some(KvReply::Written { version: 1 }))]);
}

#[test]
fn two_would_be_leaders_resolve_to_one() {
    let mut net = Net::new(MultiCluster::new(3, 1));
    net.input(R0, Input::Timer);
    net.input(R1, Input::Timer);
    net.run();
    assert_eq!(net.leaders(), vec![R1], "ballot 1.1 beats 1.0");
    assert_eq!(
        net.outputs_of(R0, |o| matches!(o, Output::Note(Note::StepDown { .. }))),
        vec![Output::Note(Note::StepDown { ballot: b(1, 0) })]
    );
    assert_eq!(net.replica(R0).leader, Some(R1));
}

#[test]
fn a_retried_write_is_applied_once() {
    // The reply to client 3 is lost; its retry reaches the leader after the write applied.
    let mut net = elected(MultiCluster::new(3, 1));
    net.drop = Box::new(|_, to, msg| to == C3 && matches!(msg, Msg::Reply { .. }));
    net.client(C3, write(X, 1));
    net.drop = Box::new(|_, _, _| false);
    net.input(C3, Input::Timer); // to replica 1, which redirects to replica 0
    net.run();
    assert_eq!(
        net.completions(C3),
        vec![Output::Complete { seq: 1, op: write(X, 1), reply: KvReply::Written { version: 1 } }]
    );
    assert_eq!(net.replica(R0).store.get(X), Some((Val(1), 1)));
    assert_eq!(
        net.outputs_of(R0, |o| matches!(o, Output::Note(Note::Duplicate { .. }))),
        vec![Output::Note(Note::Duplicate { client: C3, seq: 1 })]
    );
}

#[test]
fn without_the_table_a_retried_write_is_applied_twice() {
    // BROKEN variant no_at_most_once: the same run writes twice (version 2).
    let mut cluster = MultiCluster::new(3, 1);
    cluster.broken.no_at_most_once = true;
    let mut net = elected(cluster);
    net.drop = Box::new(|_, to, msg| to == C3 && matches!(msg, Msg::Reply { .. }));
    net.client(C3, write(X, 1));
    net.drop = Box::new(|_, _, _| false);
    net.input(C3, Input::Timer);
    net.run();
    assert_eq!(
        net.completions(C3),
        vec![Output::Complete { seq: 1, op: write(X, 1), reply: KvReply::Written { version: 2 } }]
    );
    assert_eq!(net.replica(R0).store.get(X), Some((Val(1), 2)));
}
