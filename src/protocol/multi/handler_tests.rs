//! Each replica handler on its own: one input, and the exact vector of outputs it must
//! produce, order included (persist before the reply that depends on it). Client handlers
//! are tested in `client.rs`.
//!
//! The cluster throughout: replicas n0 n1 n2, client n3, quorum 2, window 4, heartbeat every
//! 10 ticks, election timeout 40..=80 ticks.

use super::*;
use crate::protocol::types::{Ballot, NodeId};

const R0: NodeId = NodeId(0);
const R1: NodeId = NodeId(1);
const R2: NodeId = NodeId(2);
const C3: NodeId = NodeId(3);
const X: Key = Key(0);
const ELECTION: Output = Output::SetTimer { min_ticks: 40, max_ticks: 80 };
const HEARTBEAT: Output = Output::SetTimer { min_ticks: 10, max_ticks: 10 };

fn b(round: u32, node: u8) -> Ballot {
    Ballot::new(round, NodeId(node))
}

fn w(client: NodeId, seq: u32, value: u32) -> Command {
    Command::Op { client, seq, op: KvOp::Write { key: X, value: Val(value) } }
}

fn cluster() -> MultiCluster {
    MultiCluster::new(3, 1)
}

fn send(to: NodeId, msg: Msg) -> Output {
    Output::Send { to, msg }
}

fn deliver(r: &mut Replica, from: NodeId, msg: Msg, c: &MultiCluster) -> Vec<Output> {
    handle(r, Input::Deliver { from, msg }, 0, c)
}

fn handle(r: &mut Replica, input: Input, now: u64, c: &MultiCluster) -> Vec<Output> {
    let mut out = Vec::new();
    r.handle(input, now, c, &mut out);
    out
}

/// A replica whose disk holds `promised` and `accepted`.
fn with_disk(id: NodeId, promised: Option<Ballot>, accepted: &[(u32, Ballot, Command)]) -> Replica {
    let accepted = accepted.iter().map(|&(s, b, c)| (Slot(s), (b, c))).collect();
    Replica::restore(id, &MultiDurable { promised, accepted, snapshot: None })
}

/// Replica 0 leading at ballot 1.0 with an empty log (its election outputs dropped).
fn leader(c: &MultiCluster) -> Replica {
    let mut r = Replica::restore(R0, &MultiDurable::default());
    handle(&mut r, Input::Timer, 0, c);
    deliver(&mut r, R1, Msg::Promise { ballot: b(1, 0), accepted: vec![], snapshot_point: Slot(0) }, c);
    assert!(r.is_leader());
    r
}

fn accepts(ballot: Ballot, slot: u32, cmd: Command, commit: u32) -> Vec<Output> {
    let msg = Msg::Accept { ballot, slot: Slot(slot), cmd, commit: Slot(commit) };
    vec![send(R1, msg.clone()), send(R2, msg)]
}

fn propose(ballot: Ballot, slot: u32, cmd: Command, commit: u32) -> Vec<Output> {
    let mut out = vec![Output::PersistAccept { slot: Slot(slot), ballot, cmd }];
    out.extend(accepts(ballot, slot, cmd, commit));
    out
}

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

fn leased() -> MultiCluster {
    MultiCluster { lease: Some(Lease { ticks: 30, drift: 3 }), ..cluster() }
}

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
    let snapshot = Snapshot { upto: Slot(4), ..Snapshot::default() };
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
            Output::PersistSnapshot(Snapshot { upto: Slot(1), store, sessions }),
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
