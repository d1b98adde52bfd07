//! The acceptor side of a replica, its leases, and campaigning: one input, the whole output.

use super::*;

// ---------------------------------------------------------------- acceptor

#[test]
fn a_prepare_is_promised_persisted_first_with_the_entries_from_its_slot() {
    // Paxos Made Simple, section 3: one Prepare for every instance from the first unchosen one.
    let c = cluster();
    let mut r = with_disk(R1, Some(b(1, 0)), &[(0, b(1, 0), Command::Noop), (2, b(1, 0), w(C3, 1, 5))]);
    let out = deliver(&mut r, R2, Msg::Prepare { ballot: b(2, 2), from_slot: Slot(1) }, &c);
    let promise =
        Msg::Promise { ballot: b(2, 2), accepted: vec![(Slot(2), b(1, 0), w(C3, 1, 5))], snapshot_point: Slot(0) };
    assert_eq!(out, vec![Output::PersistPromise(b(2, 2)), send(R2, promise), ELECTION]);
    assert_eq!(r.durable.promised, Some(b(2, 2)));
}

#[test]
fn a_stale_prepare_gets_a_nack_with_the_promise() {
    let c = cluster();
    let mut r = with_disk(R1, Some(b(2, 2)), &[]);
    let out = deliver(&mut r, R0, Msg::Prepare { ballot: b(1, 0), from_slot: Slot(0) }, &c);
    assert_eq!(out, vec![send(R0, Msg::Nack { ballot: b(1, 0), promised: b(2, 2) })]);
}

#[test]
fn a_leader_that_hears_a_higher_prepare_steps_down_and_promises() {
    let c = cluster();
    let mut r = leader(&c);
    let out = deliver(&mut r, R2, Msg::Prepare { ballot: b(2, 2), from_slot: Slot(0) }, &c);
    let promise = Msg::Promise { ballot: b(2, 2), accepted: vec![], snapshot_point: Slot(0) };
    assert_eq!(
        out,
        vec![
            Output::Note(Note::StepDown { ballot: b(1, 0) }),
            Output::PersistPromise(b(2, 2)),
            send(R2, promise),
            ELECTION
        ]
    );
    assert_eq!((r.role.clone(), r.leader), (Role::Follower, None));
}

#[test]
fn an_accept_is_persisted_then_acknowledged_to_the_leader_only() {
    let c = cluster();
    let mut r = with_disk(R1, Some(b(1, 0)), &[]);
    let out =
        deliver(&mut r, R0, Msg::Accept { ballot: b(1, 0), slot: Slot(0), cmd: w(C3, 1, 5), commit: Slot(0) }, &c);
    assert_eq!(
        out,
        vec![
            Output::PersistAccept { slot: Slot(0), ballot: b(1, 0), cmd: w(C3, 1, 5) },
            send(R0, Msg::Accepted { ballot: b(1, 0), slot: Slot(0) }),
        ]
    );
    assert_eq!(r.leader, Some(R0));
}

#[test]
fn a_stale_accept_gets_a_nack() {
    let c = cluster();
    let mut r = with_disk(R1, Some(b(2, 2)), &[]);
    let out =
        deliver(&mut r, R0, Msg::Accept { ballot: b(1, 0), slot: Slot(0), cmd: Command::Noop, commit: Slot(0) }, &c);
    assert_eq!(out, vec![send(R0, Msg::Nack { ballot: b(1, 0), promised: b(2, 2) })]);
    assert!(r.durable.accepted.is_empty());
}

#[test]
fn the_commit_point_on_an_accept_applies_entries_accepted_at_that_ballot() {
    let c = cluster();
    let mut r = with_disk(R1, Some(b(1, 0)), &[(0, b(1, 0), w(C3, 1, 5))]);
    let out =
        deliver(&mut r, R0, Msg::Accept { ballot: b(1, 0), slot: Slot(1), cmd: Command::Noop, commit: Slot(1) }, &c);
    assert_eq!(
        out,
        vec![
            Output::PersistAccept { slot: Slot(1), ballot: b(1, 0), cmd: Command::Noop },
            send(R0, Msg::Accepted { ballot: b(1, 0), slot: Slot(1) }),
            Output::Applied { slot: Slot(0), cmd: w(C3, 1, 5), reply: Some(KvReply::Written { version: 1 }) },
        ]
    );
    assert_eq!((r.commit, r.applied), (Slot(1), Slot(1)));
}

#[test]
fn a_heartbeat_does_not_vouch_for_an_entry_of_an_older_ballot_so_the_replica_asks_to_catch_up() {
    // Why (5): the entry accepted at 1.0 may have lost slot 0 to another value.
    let c = cluster();
    let mut r = with_disk(R1, Some(b(1, 0)), &[(0, b(1, 0), w(C3, 1, 5))]);
    let out = deliver(&mut r, R2, Msg::Heartbeat { ballot: b(2, 2), commit: Slot(1), lease_from: None }, &c);
    assert_eq!(out, vec![ELECTION, send(R2, Msg::CatchUpRequest { from: Slot(0) })]);
    assert_eq!((r.commit, r.leader), (Slot(0), Some(R2)));
}

#[test]
fn a_stale_heartbeat_gets_a_nack_so_an_old_leader_learns_it_was_replaced() {
    let c = cluster();
    let mut r = with_disk(R1, Some(b(2, 2)), &[]);
    let out = deliver(&mut r, R0, Msg::Heartbeat { ballot: b(1, 0), commit: Slot(0), lease_from: None }, &c);
    assert_eq!(out, vec![send(R0, Msg::Nack { ballot: b(1, 0), promised: b(2, 2) })]);
}

// ---------------------------------------------------------------- leases (follower side)

#[test]
fn a_heartbeat_with_leases_on_is_acked_and_guarded() {
    let c = leased();
    let mut r = with_disk(R1, Some(b(1, 0)), &[]);
    let out = handle(
        &mut r,
        Input::Deliver { from: R0, msg: Msg::Heartbeat { ballot: b(1, 0), commit: Slot(0), lease_from: Some(7) } },
        9,
        &c,
    );
    assert_eq!(out, vec![ELECTION, send(R0, Msg::HeartbeatAck { ballot: b(1, 0), lease_from: 7 })]);
    assert_eq!(r.lease_guard, Some((Some(R0), 39)), "30 ticks from when it arrived");
}

#[test]
fn a_granted_lease_refuses_other_would_be_leaders_until_it_ran_out() {
    // Why (8). The BROKEN variant lease_without_wait promises at once.
    let prepare = Input::Deliver { from: R2, msg: Msg::Prepare { ballot: b(2, 2), from_slot: Slot(0) } };
    let mut c = leased();
    let mut r = with_disk(R1, Some(b(1, 0)), &[]);
    r.lease_guard = Some((Some(R0), 39));
    assert_eq!(handle(&mut r, prepare.clone(), 38, &c), vec![Output::Note(Note::LeaseHeld { until: 39 })]);
    assert_eq!(handle(&mut r, prepare.clone(), 39, &c)[0], Output::PersistPromise(b(2, 2)));
    c.broken.lease_without_wait = true;
    let mut r = with_disk(R1, Some(b(1, 0)), &[]);
    r.lease_guard = Some((Some(R0), 39));
    assert_eq!(handle(&mut r, prepare, 10, &c)[0], Output::PersistPromise(b(2, 2)));
}

#[test]
fn a_replica_restarted_with_leases_on_waits_a_lease_from_its_first_input() {
    // It forgot which leases it granted before the crash, so it assumes one was.
    let c = leased();
    let MultiNode::Replica(mut r) = MultiNode::recover(R1, &c, &MultiDurable::default()) else { panic!() };
    assert_eq!(
        handle(&mut r, Input::Timer, 100, &c),
        vec![Output::Note(Note::LeaseHeld { until: 130 }), Output::SetTimer { min_ticks: 30, max_ticks: 30 }]
    );
    let MultiNode::Replica(fresh) = MultiNode::new(R1, &c) else { panic!() };
    assert!(!fresh.guard_on_first_input, "a first start granted nothing");
}

#[test]
fn a_crash_and_a_restart_in_place_keep_exactly_the_disk_as_a_fresh_node_would() {
    // A leader with a log, a store, a table and a pipeline crashes: in place (keeping its
    // buffers, as the simulator does) it must be the very node `restore` builds from the disk,
    // and back up the very node `recover` builds, lease guard included.
    let c = cluster();
    let mut r = leader(&c);
    for (seq, value) in [(1, 5), (2, 6)] {
        deliver(&mut r, C3, Msg::Request { seq, op: KvOp::Write { key: X, value: Val(value) } }, &c);
        deliver(&mut r, R1, Msg::Accepted { ballot: b(1, 0), slot: Slot(seq - 1) }, &c);
    }
    deliver(&mut r, C3, Msg::Request { seq: 3, op: KvOp::Write { key: X, value: Val(7) } }, &c);
    assert_eq!(r.store.get(X), Some((Val(6), 2)));
    assert_eq!((r.log.len(), r.durable.accepted.len()), (2, 3), "two chosen, one in the pipeline");
    let disk = r.durable.clone();
    let mut node = MultiNode::Replica(r);
    node.restore_in_place(R0, &c, &disk);
    assert_eq!(node, MultiNode::restore(R0, &c, &disk));
    let MultiNode::Replica(down) = &node else { panic!() };
    assert_eq!((down.log.len(), down.store.get(X), down.durable.accepted.len()), (0, None, 3));
    let leased = leased();
    node.recover_in_place(R0, &leased, &disk);
    assert_eq!(node, MultiNode::recover(R0, &leased, &disk));
    assert!(node.replica().is_some_and(|r| r.guard_on_first_input), "with leases on, the restart's guard");
    // A node that is not a replica of that id is rebuilt outright.
    let mut client = MultiNode::new(C3, &c);
    client.restore_in_place(R0, &c, &disk);
    assert_eq!(client, MultiNode::restore(R0, &c, &disk));
}

// ---------------------------------------------------------------- campaigning

#[test]
fn an_election_timeout_starts_phase_1_above_every_round_seen() {
    let c = cluster();
    let mut r = with_disk(R1, Some(b(3, 2)), &[]);
    let prepare = Msg::Prepare { ballot: b(4, 1), from_slot: Slot(0) };
    assert_eq!(
        handle(&mut r, Input::Timer, 0, &c),
        vec![
            Output::PersistPromise(b(4, 1)),
            Output::Note(Note::Campaign { ballot: b(4, 1), from_slot: Slot(0) }),
            send(R0, prepare.clone()),
            send(R2, prepare),
            ELECTION,
        ]
    );
}

#[test]
fn a_quorum_of_promises_makes_a_leader_that_reproposes_the_highest_and_fills_gaps() {
    // Paxos Made Simple, section 3 (no-ops for gaps); single-decree's rule per slot.
    let c = cluster();
    let mut r = with_disk(R0, Some(b(1, 1)), &[(1, b(1, 1), w(C3, 1, 1))]);
    handle(&mut r, Input::Timer, 0, &c);
    let accepted = vec![(Slot(1), b(1, 2), w(C3, 1, 2)), (Slot(3), b(1, 2), w(C3, 2, 3))];
    let out = deliver(&mut r, R1, Msg::Promise { ballot: b(2, 0), accepted, snapshot_point: Slot(0) }, &c);
    let bal = b(2, 0);
    let heartbeat = Msg::Heartbeat { ballot: bal, commit: Slot(0), lease_from: None };
    let expected = [
        vec![Output::Leader { ballot: bal }, Output::Note(Note::Filled { slot: Slot(0) })],
        propose(bal, 0, Command::Noop, 0),
        vec![Output::Note(Note::Adopted { slot: Slot(1), cmd: w(C3, 1, 2) })],
        propose(bal, 1, w(C3, 1, 2), 0),
        vec![Output::Note(Note::Filled { slot: Slot(2) })],
        propose(bal, 2, Command::Noop, 0),
        vec![Output::Note(Note::Adopted { slot: Slot(3), cmd: w(C3, 2, 3) })],
        propose(bal, 3, w(C3, 2, 3), 0),
        vec![send(R1, heartbeat.clone()), send(R2, heartbeat), HEARTBEAT],
    ]
    .concat();
    assert_eq!(out, expected);
    assert_eq!(
        deliver(&mut r, R2, Msg::Promise { ballot: bal, accepted: vec![], snapshot_point: Slot(0) }, &c),
        vec![],
        "late promise"
    );
}

#[test]
fn a_promise_from_beyond_a_snapshot_makes_the_candidate_catch_up_first() {
    // Why (6).
    let c = cluster();
    let mut r = Replica::restore(R0, &MultiDurable::default());
    handle(&mut r, Input::Timer, 0, &c);
    let out = deliver(&mut r, R1, Msg::Promise { ballot: b(1, 0), accepted: vec![], snapshot_point: Slot(4) }, &c);
    assert_eq!(out, vec![send(R1, Msg::CatchUpRequest { from: Slot(0) })]);
    assert!(!r.is_leader());
    let snapshot = Box::new(Snapshot { upto: Slot(4), ..Snapshot::default() });
    let out = deliver(&mut r, R1, Msg::CatchUp { entries: vec![], snapshot: Some(snapshot.clone()) }, &c);
    assert_eq!(
        out[..3],
        [
            Output::Note(Note::Installed { upto: Slot(4) }),
            Output::PersistSnapshot(snapshot),
            Output::Leader { ballot: b(1, 0) }
        ]
    );
    assert_eq!(r.commit, Slot(4));
}

#[test]
fn a_nack_makes_a_candidate_step_down_and_back_off() {
    let c = cluster();
    let mut r = Replica::restore(R0, &MultiDurable::default());
    handle(&mut r, Input::Timer, 0, &c);
    let out = deliver(&mut r, R1, Msg::Nack { ballot: b(1, 0), promised: b(5, 2) }, &c);
    assert_eq!(
        out,
        vec![Output::Note(Note::StepDown { ballot: b(1, 0) }), Output::SetTimer { min_ticks: 40, max_ticks: 160 }]
    );
    assert_eq!(
        handle(&mut r, Input::Timer, 0, &c)[0],
        Output::PersistPromise(b(6, 0)),
        "the next ballot goes above the Nack's"
    );
    assert_eq!(deliver(&mut r, R1, Msg::Nack { ballot: b(1, 0), promised: b(5, 2) }, &c), vec![], "stale");
}
