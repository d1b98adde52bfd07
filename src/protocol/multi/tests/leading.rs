//! A leader: requests, the pipeline, heartbeats, stepping down, catch-up and compaction.

use super::*;

// ---------------------------------------------------------------- leading

#[test]
fn a_request_at_a_follower_is_redirected_to_the_leader_it_knows() {
    let c = cluster();
    let mut r = with_disk(R1, None, &[]);
    let req = Msg::Request { seq: 1, op: KvOp::Read { key: X } };
    assert_eq!(deliver(&mut r, C3, req.clone(), &c), vec![send(C3, Msg::Redirect { seq: 1, leader: None })]);
    r.leader = Some(R0);
    assert_eq!(deliver(&mut r, C3, req, &c), vec![send(C3, Msg::Redirect { seq: 1, leader: Some(R0) })]);
}

#[test]
fn the_leader_proposes_a_request_in_the_next_slot_within_the_window() {
    let c = MultiCluster { window: 1, ..cluster() };
    let mut r = leader(&c);
    let out = deliver(&mut r, C3, Msg::Request { seq: 1, op: KvOp::Write { key: X, value: Val(5) } }, &c);
    assert_eq!(out, propose(b(1, 0), 0, w(C3, 1, 5), 0));
    let out = deliver(&mut r, NodeId(4), Msg::Request { seq: 1, op: KvOp::Write { key: X, value: Val(6) } }, &c);
    assert_eq!(out, vec![], "the window is full: queued");
    let out = deliver(&mut r, C3, Msg::Request { seq: 1, op: KvOp::Write { key: X, value: Val(5) } }, &c);
    assert_eq!(out, vec![], "a retry of a request in flight is not proposed again");
    let out = deliver(&mut r, R1, Msg::Accepted { ballot: b(1, 0), slot: Slot(0) }, &c);
    let expected = [
        vec![
            Output::Note(Note::Chosen { slot: Slot(0) }),
            Output::Applied { slot: Slot(0), cmd: w(C3, 1, 5), reply: Some(KvReply::Written { version: 1 }) },
            send(C3, Msg::Reply { seq: 1, reply: KvReply::Written { version: 1 } }),
        ],
        propose(b(1, 0), 1, w(NodeId(4), 1, 6), 1),
    ]
    .concat();
    assert_eq!(out, expected, "chosen, applied, answered; the queued request goes out with the new commit point");
    assert_eq!(deliver(&mut r, R2, Msg::Accepted { ballot: b(1, 0), slot: Slot(0) }, &c), vec![], "already chosen");
}

#[test]
fn the_leader_answers_a_retry_of_an_applied_request_from_the_table() {
    let c = cluster();
    let mut r = leader(&c);
    r.sessions.record(C3, 2, KvReply::Written { version: 4 });
    let retry = Msg::Request { seq: 2, op: KvOp::Write { key: X, value: Val(5) } };
    assert_eq!(
        deliver(&mut r, C3, retry.clone(), &c),
        vec![
            Output::Note(Note::Duplicate { client: C3, seq: 2 }),
            send(C3, Msg::Reply { seq: 2, reply: KvReply::Written { version: 4 } })
        ]
    );
    let older = Msg::Request { seq: 1, op: KvOp::Read { key: X } };
    assert_eq!(deliver(&mut r, C3, older, &c), vec![], "an older request is stale");
    // BROKEN variant no_at_most_once: the retry goes into the log again.
    let broken = MultiCluster { broken: MultiBroken { no_at_most_once: true, ..MultiBroken::default() }, ..cluster() };
    assert_eq!(deliver(&mut r, C3, retry, &broken), propose(b(1, 0), 0, w(C3, 2, 5), 0));
}

#[test]
fn the_leader_timer_sends_heartbeats_with_the_commit_point() {
    let c = leased();
    let mut r = leader(&c);
    let hb = Msg::Heartbeat { ballot: b(1, 0), commit: Slot(0), lease_from: Some(15) };
    assert_eq!(handle(&mut r, Input::Timer, 15, &c), vec![send(R1, hb.clone()), send(R2, hb), HEARTBEAT]);
    assert_eq!(r.lease_until(&c), None, "no follower acked yet");
    handle(&mut r, Input::Deliver { from: R2, msg: Msg::HeartbeatAck { ballot: b(1, 0), lease_from: 15 } }, 17, &c);
    assert_eq!(r.lease_until(&c), Some(42), "15 + 30 - 3");
    assert!(r.lease_read_ok(41, &c) && !r.lease_read_ok(42, &c));
}

#[test]
fn a_nack_or_a_higher_accept_makes_the_leader_step_down() {
    let c = cluster();
    let mut r = leader(&c);
    let out = deliver(&mut r, R1, Msg::Nack { ballot: b(1, 0), promised: b(2, 2) }, &c);
    assert_eq!(
        out,
        vec![Output::Note(Note::StepDown { ballot: b(1, 0) }), Output::SetTimer { min_ticks: 40, max_ticks: 160 }]
    );
    let mut r = leader(&c);
    let out =
        deliver(&mut r, R2, Msg::Accept { ballot: b(2, 2), slot: Slot(0), cmd: Command::Noop, commit: Slot(0) }, &c);
    assert_eq!(
        out,
        vec![
            Output::Note(Note::StepDown { ballot: b(1, 0) }),
            Output::PersistAccept { slot: Slot(0), ballot: b(2, 2), cmd: Command::Noop },
            send(R2, Msg::Accepted { ballot: b(2, 2), slot: Slot(0) }),
            ELECTION,
        ]
    );
    assert_eq!(r.leader, Some(R2));
}

// ---------------------------------------------------------------- catch-up and compaction

#[test]
fn a_catch_up_request_gets_the_chosen_entries_and_the_snapshot_below_them() {
    let c = MultiCluster { compaction: Some(2), ..cluster() };
    let mut r = leader(&c);
    for (seq, slot) in [(1, 0), (2, 1), (3, 2)] {
        deliver(&mut r, C3, Msg::Request { seq, op: KvOp::Write { key: X, value: Val(seq) } }, &c);
        deliver(&mut r, R1, Msg::Accepted { ballot: b(1, 0), slot: Slot(slot) }, &c);
    }
    assert_eq!((r.commit, r.durable.snapshot_point()), (Slot(3), Slot(2)));
    let snapshot = r.durable.snapshot.clone();
    assert_eq!(
        deliver(&mut r, R2, Msg::CatchUpRequest { from: Slot(1) }, &c),
        vec![send(R2, Msg::CatchUp { entries: vec![(Slot(2), w(C3, 3, 3))], snapshot })]
    );
    assert_eq!(
        deliver(&mut r, R2, Msg::CatchUpRequest { from: Slot(2) }, &c),
        vec![send(R2, Msg::CatchUp { entries: vec![(Slot(2), w(C3, 3, 3))], snapshot: None })]
    );
    assert_eq!(deliver(&mut r, R2, Msg::CatchUpRequest { from: Slot(3) }, &c), vec![], "nothing to give");
}

#[test]
fn applying_a_multiple_of_the_compaction_interval_persists_a_snapshot() {
    let c = MultiCluster { compaction: Some(1), ..cluster() };
    let mut r = with_disk(R1, Some(b(1, 0)), &[(0, b(1, 0), w(C3, 1, 5))]);
    let out = deliver(&mut r, R0, Msg::Heartbeat { ballot: b(1, 0), commit: Slot(1), lease_from: None }, &c);
    let mut store = Store::default();
    store.apply(&KvOp::Write { key: X, value: Val(5) });
    let mut sessions = Sessions::default();
    sessions.record(C3, 1, KvReply::Written { version: 1 });
    assert_eq!(
        out,
        vec![
            ELECTION,
            Output::Applied { slot: Slot(0), cmd: w(C3, 1, 5), reply: Some(KvReply::Written { version: 1 }) },
            Output::PersistSnapshot(Box::new(Snapshot { upto: Slot(1), store, sessions })),
        ]
    );
    assert!(r.durable.accepted.is_empty() && r.log.is_empty(), "the log below the snapshot is gone");
}

#[test]
fn a_new_leader_serves_no_lease_read_before_it_applied_what_it_reproposed() {
    // An entry re-proposed at election may be a write an earlier leader acknowledged.
    let c = leased();
    let mut r = with_disk(R0, Some(b(1, 1)), &[(0, b(1, 1), w(C3, 1, 5))]);
    handle(&mut r, Input::Timer, 0, &c);
    deliver(&mut r, R1, Msg::Promise { ballot: b(2, 0), accepted: vec![], snapshot_point: Slot(0) }, &c);
    deliver(&mut r, R1, Msg::HeartbeatAck { ballot: b(2, 0), lease_from: 0 }, &c);
    assert_eq!(r.lease_until(&c), Some(27));
    let read = |seq| Msg::Request { seq, op: KvOp::Read { key: X } };
    let read_cmd = Command::Op { client: NodeId(4), seq: 1, op: KvOp::Read { key: X } };
    let out = handle(&mut r, Input::Deliver { from: NodeId(4), msg: read(1) }, 1, &c);
    assert_eq!(out, propose(b(2, 0), 1, read_cmd, 0), "slot 0 is not applied yet: through the log");
    deliver(&mut r, R1, Msg::Accepted { ballot: b(2, 0), slot: Slot(0) }, &c);
    let out = handle(&mut r, Input::Deliver { from: C3, msg: read(2) }, 2, &c);
    let value = KvReply::Value { value: Val(5), version: 1 };
    assert_eq!(out, vec![Output::Note(Note::LeaseRead { key: X }), send(C3, Msg::Reply { seq: 2, reply: value })]);
}

#[test]
fn a_slot_in_flight_for_a_whole_heartbeat_is_sent_again_to_those_that_did_not_accept() {
    // Why (11): a lost Accept or Accepted would hold the slot, and every slot after it.
    let c = MultiCluster::new(5, 1);
    let client = NodeId(5);
    let mut r = Replica::restore(R0, &MultiDurable::default());
    handle(&mut r, Input::Timer, 0, &c);
    for from in [R1, R2] {
        deliver(&mut r, from, Msg::Promise { ballot: b(1, 0), accepted: vec![], snapshot_point: Slot(0) }, &c);
    }
    deliver(&mut r, client, Msg::Request { seq: 1, op: KvOp::Write { key: X, value: Val(5) } }, &c);
    deliver(&mut r, R1, Msg::Accepted { ballot: b(1, 0), slot: Slot(0) }, &c);
    let hb = Msg::Heartbeat { ballot: b(1, 0), commit: Slot(0), lease_from: None };
    let heartbeats: Vec<Output> = (1..5).map(|n| send(NodeId(n), hb.clone())).collect();
    assert_eq!(
        handle(&mut r, Input::Timer, 10, &c),
        [heartbeats.clone(), vec![HEARTBEAT]].concat(),
        "just sent: not yet"
    );
    let accept = Msg::Accept { ballot: b(1, 0), slot: Slot(0), cmd: w(client, 1, 5), commit: Slot(0) };
    let again: Vec<Output> = (2..5).map(|n| send(NodeId(n), accept.clone())).collect();
    assert_eq!(handle(&mut r, Input::Timer, 20, &c), [heartbeats, again, vec![HEARTBEAT]].concat());
}
