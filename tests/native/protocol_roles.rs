//! Each role on its own: one input, and the exact vector of outputs it must produce. Effects are
//! data, so these tests pin the whole behaviour of a handler, including the order of outputs
//! (persist before reply). The quorum table lives beside the rule, in `src/protocol/quorum.rs`.
//!
//! The cluster used throughout: proposers n0 n1, acceptors n2 n3 n4, learner n5, majority
//! quorums (2 of 3), default timing (timeout 20..=40 ticks, backoff base 10, max 160, timeout
//! growth on).

use paxos_playground::protocol::*;
use paxos_playground::sim::{Config, Topology};

const P0: NodeId = NodeId(0);
const P1: NodeId = NodeId(1);
const A2: NodeId = NodeId(2);
const A3: NodeId = NodeId(3);
const A4: NodeId = NodeId(4);
const L5: NodeId = NodeId(5);

fn b(round: u32, node: u8) -> Ballot {
    Ballot::new(round, NodeId(node))
}

fn cluster_with(nack: bool, backoff: bool, broken: Broken) -> Cluster {
    cluster_timed(nack, Timing { backoff, ..Timing::default() }, broken)
}

fn cluster_timed(nack: bool, timing: Timing, broken: Broken) -> Cluster {
    let config = Config {
        topology: Topology::Separate { proposers: 2, acceptors: 3, learners: 1 },
        nack,
        timing,
        broken,
        ..Config::default()
    };
    config.cluster()
}

/// The default timing with timeout growth off: scenario format 1.
fn fixed_timeouts(backoff: bool) -> Cluster {
    cluster_timed(true, Timing { backoff, timeout_growth: false, ..Timing::default() }, Broken::default())
}

fn cluster() -> Cluster {
    cluster_with(true, true, Broken::default())
}

/// Runs one handler and returns what it emitted.
fn outputs(f: impl FnOnce(&mut Vec<Output>)) -> Vec<Output> {
    let mut out = Vec::new();
    f(&mut out);
    out
}

fn send(to: NodeId, msg: Msg) -> Output {
    Output::Send { to, msg }
}

fn retry_timer(min_ticks: u32, max_ticks: u32) -> Output {
    Output::SetTimer { timer: TimerKind::Retry, min_ticks, max_ticks }
}

fn persisted(promised: Ballot, accepted: Option<Proposal>) -> Output {
    Output::PersistAcceptor(AcceptorDurable { promised: Some(promised), accepted })
}

fn prepares(ballot: Ballot) -> Vec<Output> {
    [A2, A3, A4].map(|to| send(to, Msg::Prepare { ballot })).to_vec()
}

fn accepts(ballot: Ballot, value: Value) -> Vec<Output> {
    [A2, A3, A4].map(|to| send(to, Msg::Accept { ballot, value })).to_vec()
}

fn cat(parts: &[Vec<Output>]) -> Vec<Output> {
    parts.concat()
}

// ---------------------------------------------------------------- acceptor

#[test]
fn acceptor_promises_a_fresh_prepare_and_persists_first() {
    // Paxos Made Simple, 2.2, phase 1(b): respond with a promise not to accept anything lower.
    let c = cluster();
    let mut a = Acceptor::default();
    let out = outputs(|o| a.on_prepare(P0, b(1, 0), &c, o));
    assert_eq!(out, vec![persisted(b(1, 0), None), send(P0, Msg::Promise { ballot: b(1, 0), accepted: None })]);
    assert_eq!(a.durable.promised, Some(b(1, 0)));
}

#[test]
fn acceptor_promise_reports_its_highest_accepted_proposal() {
    // Paxos Made Simple, 2.2, phase 1(b): "... with the highest-numbered proposal it accepted".
    let c = cluster();
    let earlier = Proposal { ballot: b(1, 0), value: Value(0) };
    let mut a = Acceptor::recover(AcceptorDurable { promised: Some(b(1, 0)), accepted: Some(earlier) });
    let out = outputs(|o| a.on_prepare(P1, b(2, 1), &c, o));
    assert_eq!(
        out,
        vec![persisted(b(2, 1), Some(earlier)), send(P1, Msg::Promise { ballot: b(2, 1), accepted: Some(earlier) })]
    );
}

#[test]
fn acceptor_nacks_a_stale_prepare_with_its_promise() {
    let c = cluster();
    let mut a = Acceptor::recover(AcceptorDurable { promised: Some(b(2, 1)), accepted: None });
    let out = outputs(|o| a.on_prepare(P0, b(1, 0), &c, o));
    assert_eq!(out, vec![send(P0, Msg::Nack { ballot: b(1, 0), promised: b(2, 1) })]);
    assert_eq!(a.durable.promised, Some(b(2, 1)), "a rejection changes nothing");
}

#[test]
fn acceptor_with_nack_off_ignores_a_stale_prepare_silently() {
    // The textbook acceptor simply ignores a request it may not answer (Paxos Made Simple, 2.2).
    let c = cluster_with(false, true, Broken::default());
    let mut a = Acceptor::recover(AcceptorDurable { promised: Some(b(2, 1)), accepted: None });
    assert_eq!(outputs(|o| a.on_prepare(P0, b(1, 0), &c, o)), vec![]);
    assert_eq!(outputs(|o| a.on_accept(P0, b(1, 0), Value(0), &c, o)), vec![]);
}

#[test]
fn acceptor_accepts_persists_then_tells_proposer_and_learners() {
    // Paxos Made Simple, 2.2, phase 2(b), and 2.3: acceptors tell the learners.
    let c = cluster();
    let mut a = Acceptor::recover(AcceptorDurable { promised: Some(b(1, 0)), accepted: None });
    let p = Proposal { ballot: b(1, 0), value: Value(0) };
    let out = outputs(|o| a.on_accept(P0, p.ballot, p.value, &c, o));
    let accepted = Msg::Accepted { ballot: p.ballot, value: p.value };
    assert_eq!(out, vec![persisted(b(1, 0), Some(p)), send(P0, accepted), send(L5, accepted)]);
}

#[test]
fn acceptor_accepting_above_its_promise_raises_the_promise() {
    let c = cluster();
    let mut a = Acceptor::recover(AcceptorDurable { promised: Some(b(1, 0)), accepted: None });
    let p = Proposal { ballot: b(3, 1), value: Value(1) };
    let out = outputs(|o| a.on_accept(P1, p.ballot, p.value, &c, o));
    assert_eq!(out[0], persisted(b(3, 1), Some(p)));
    let lower = outputs(|o| a.on_prepare(P0, b(2, 0), &c, o));
    assert_eq!(lower, vec![send(P0, Msg::Nack { ballot: b(2, 0), promised: b(3, 1) })]);
}

#[test]
fn acceptor_nacks_an_accept_below_its_promise() {
    // Paxos Made Simple, 2.2: an acceptor accepts a proposal unless it promised a higher number.
    let c = cluster();
    let mut a = Acceptor::recover(AcceptorDurable { promised: Some(b(2, 1)), accepted: None });
    let out = outputs(|o| a.on_accept(P0, b(1, 0), Value(0), &c, o));
    assert_eq!(out, vec![send(P0, Msg::Nack { ballot: b(1, 0), promised: b(2, 1) })]);
    assert_eq!(a.durable.accepted, None);
}

#[test]
fn acceptor_answers_a_duplicate_prepare_again_without_persisting() {
    let c = cluster();
    let mut a = Acceptor::default();
    let _ = outputs(|o| a.on_prepare(P0, b(1, 0), &c, o));
    let before = a;
    let again = outputs(|o| a.on_prepare(P0, b(1, 0), &c, o));
    assert_eq!(again, vec![send(P0, Msg::Promise { ballot: b(1, 0), accepted: None })]);
    assert_eq!(a, before, "a duplicate changes no state");
}

#[test]
fn acceptor_answers_a_duplicate_accept_again_without_persisting() {
    let c = cluster();
    let mut a = Acceptor::default();
    let _ = outputs(|o| a.on_accept(P0, b(1, 0), Value(0), &c, o));
    let again = outputs(|o| a.on_accept(P0, b(1, 0), Value(0), &c, o));
    let accepted = Msg::Accepted { ballot: b(1, 0), value: Value(0) };
    assert_eq!(again, vec![send(P0, accepted), send(L5, accepted)]);
}

#[test]
fn every_acceptor_reply_that_depends_on_new_state_follows_its_persist() {
    // Durability: the reply may leave only once what it promises is on disk. Through a node, for
    // a sequence of inputs, each Promise/Accepted is preceded (in that same output vector) by a
    // persist carrying the state the reply reports, unless that state was already durable.
    let c = cluster();
    let mut node = Node::new(A2, &c);
    let mut disk = Durable::default();
    let inputs = [
        Input::Deliver { from: P0, msg: Msg::Prepare { ballot: b(1, 0) } },
        Input::Deliver { from: P0, msg: Msg::Accept { ballot: b(1, 0), value: Value(0) } },
        Input::Deliver { from: P1, msg: Msg::Prepare { ballot: b(2, 1) } },
        Input::Deliver { from: P0, msg: Msg::Prepare { ballot: b(1, 0) } },
        Input::Deliver { from: P1, msg: Msg::Accept { ballot: b(2, 1), value: Value(0) } },
    ];
    for input in inputs {
        let out = outputs(|o| node.handle(input, &c, o));
        for o in &out {
            disk.apply(o);
            if let Output::Send { msg: Msg::Promise { ballot, accepted }, .. } = o {
                assert_eq!(disk.acceptor.promised, Some(*ballot), "promise sent before it was persisted: {out:?}");
                assert_eq!(disk.acceptor.accepted, *accepted);
            }
            if let Output::Send { msg: Msg::Accepted { ballot, value }, .. } = o {
                let on_disk = disk.acceptor.accepted.expect("accepted sent before it was persisted");
                assert_eq!((on_disk.ballot, on_disk.value), (*ballot, *value));
            }
        }
    }
    assert_eq!(disk.acceptor, node.acceptor.as_ref().unwrap().durable);
}

#[test]
fn a_server_acceptor_tells_each_node_once() {
    // Every server is also a learner: the proposer gets one Accepted, every other node one too.
    let c = Config { topology: Topology::Servers { count: 3 }, ..Config::default() }.cluster();
    let mut a = Acceptor::default();
    let out = outputs(|o| a.on_accept(NodeId(0), b(1, 0), Value(2), &c, o));
    let accepted = Msg::Accepted { ballot: b(1, 0), value: Value(2) };
    let p = Proposal { ballot: b(1, 0), value: Value(2) };
    assert_eq!(
        out,
        vec![
            persisted(b(1, 0), Some(p)),
            send(NodeId(0), accepted),
            send(NodeId(1), accepted),
            send(NodeId(2), accepted)
        ]
    );
}

#[test]
fn recovery_restores_durable_acceptor_state_unless_broken() {
    let c = cluster();
    let p = Proposal { ballot: b(1, 0), value: Value(0) };
    let disk =
        Durable { acceptor: AcceptorDurable { promised: Some(b(2, 1)), accepted: Some(p) }, ..Durable::default() };
    let node = Node::recover(A2, &c, &disk);
    assert_eq!(node.acceptor.unwrap().durable, disk.acceptor);
    let forgetful = cluster_with(true, true, Broken { forgetful_acceptors: true, ..Broken::default() });
    let node = Node::recover(A2, &forgetful, &disk);
    assert_eq!(node.acceptor.unwrap().durable, AcceptorDurable::default(), "BROKEN: forgets");
}

// ---------------------------------------------------------------- proposer

/// A proposer n0 that has sent Prepare at `ballot`'s round (its durable round is one less).
fn preparing(c: &Cluster, round: u32, value: Value) -> Proposer {
    let mut p = Proposer::recover(P0, ProposerDurable { max_round: round - 1 });
    let _ = outputs(|o| p.on_propose(value, c, o));
    assert_eq!(p.phase.ballot(), Some(b(round, 0)));
    p
}

/// A proposer n0 in phase 2 at ballot 1.0 with value A.
fn accepting(c: &Cluster) -> Proposer {
    let mut p = preparing(c, 1, Value(0));
    let _ = outputs(|o| p.on_promise(A2, b(1, 0), None, c, o));
    let _ = outputs(|o| p.on_promise(A3, b(1, 0), None, c, o));
    assert!(matches!(p.phase, Phase::Accepting { .. }));
    p
}

#[test]
fn proposer_start_persists_its_round_then_prepares_and_sets_a_timeout() {
    // Paxos Made Simple, 2.2, phase 1(a), with a ballot never used before (persisted first).
    let c = cluster();
    let mut p = Proposer::recover(P0, ProposerDurable::default());
    let out = outputs(|o| p.on_propose(Value(0), &c, o));
    let ballot = b(1, 0);
    let expected = cat(&[
        vec![Output::PersistProposer(ProposerDurable { max_round: 1 }), Output::Note(Note::Phase1 { ballot })],
        prepares(ballot),
        vec![retry_timer(20, 40)],
    ]);
    assert_eq!(out, expected);
}

#[test]
fn proposer_with_a_quorum_of_empty_promises_proposes_its_own_value() {
    // Paxos Made Simple, 2.2, phase 2(a): no proposal reported, so any value, here its own.
    let c = cluster();
    let mut p = preparing(&c, 1, Value(0));
    assert_eq!(outputs(|o| p.on_promise(A2, b(1, 0), None, &c, o)), vec![]);
    let out = outputs(|o| p.on_promise(A3, b(1, 0), None, &c, o));
    let ballot = b(1, 0);
    let expected = cat(&[
        vec![Output::Note(Note::Phase2 { ballot, value: Value(0), adopted: false })],
        accepts(ballot, Value(0)),
        vec![retry_timer(20, 40)],
    ]);
    assert_eq!(out, expected);
}

#[test]
fn proposer_adopts_the_value_of_the_highest_numbered_accepted_proposal() {
    // Paxos Made Simple, 2.2, phase 2(a): "v is the value of the highest-numbered proposal among
    // the responses". Order of arrival must not matter: try the higher one first and last.
    let c = cluster();
    let low = Proposal { ballot: b(1, 1), value: Value(1) };
    let high = Proposal { ballot: b(2, 1), value: Value(2) };
    for (first, second) in [(low, high), (high, low)] {
        let mut p = preparing(&c, 3, Value(0));
        assert_eq!(outputs(|o| p.on_promise(A2, b(3, 0), Some(first), &c, o)), vec![]);
        let out = outputs(|o| p.on_promise(A4, b(3, 0), Some(second), &c, o));
        let ballot = b(3, 0);
        let expected = cat(&[
            vec![Output::Note(Note::Phase2 { ballot, value: Value(2), adopted: true })],
            accepts(ballot, Value(2)),
            vec![retry_timer(20, 40)],
        ]);
        assert_eq!(out, expected, "first {first}, second {second}");
    }
}

#[test]
fn broken_proposer_ignores_accepted_values_and_proposes_its_own() {
    // BROKEN variant: skips the rule of 2.2 phase 2(a); the negative controls rely on it.
    let c = cluster_with(true, true, Broken { ignore_accepted_values: true, ..Broken::default() });
    let mut p = preparing(&c, 3, Value(0));
    let reported = Proposal { ballot: b(2, 1), value: Value(2) };
    let _ = outputs(|o| p.on_promise(A2, b(3, 0), Some(reported), &c, o));
    let out = outputs(|o| p.on_promise(A3, b(3, 0), None, &c, o));
    assert_eq!(out[0], Output::Note(Note::Phase2 { ballot: b(3, 0), value: Value(0), adopted: false }));
    assert_eq!(out[1..4].to_vec(), accepts(b(3, 0), Value(0)));
}

#[test]
fn proposer_counts_each_acceptor_once_and_ignores_stale_promises() {
    let c = cluster();
    let mut p = preparing(&c, 2, Value(0));
    assert_eq!(outputs(|o| p.on_promise(A2, b(2, 0), None, &c, o)), vec![]);
    assert_eq!(outputs(|o| p.on_promise(A2, b(2, 0), None, &c, o)), vec![], "a duplicate is not a second vote");
    assert_eq!(outputs(|o| p.on_promise(A3, b(1, 0), None, &c, o)), vec![], "a promise for an old ballot");
    assert!(matches!(p.phase, Phase::Preparing { .. }));
}

#[test]
fn proposer_nacked_with_backoff_waits_a_random_doubling_delay() {
    let c = cluster();
    let mut p = preparing(&c, 1, Value(0));
    let out = outputs(|o| p.on_nack(b(1, 0), b(4, 1), &c, o));
    // First retry: window = base 10 * 2^1 = 20 ticks, drawn by the simulator from 0..=20.
    assert_eq!(out, vec![Output::Note(Note::Abandon { ballot: b(1, 0) }), retry_timer(0, 20)]);
    assert_eq!(p.phase, Phase::Backoff);
    // When the backoff ends, the next ballot jumps above the round the Nack reported.
    let out = outputs(|o| p.on_timer(&c, o));
    let ballot = b(5, 0);
    let expected = cat(&[
        vec![Output::PersistProposer(ProposerDurable { max_round: 5 }), Output::Note(Note::Phase1 { ballot })],
        prepares(ballot),
        vec![retry_timer(20, 40)],
    ]);
    assert_eq!(out, expected);
}

#[test]
fn proposer_nacked_without_backoff_retries_at_once_with_a_fixed_timeout() {
    let c = cluster_with(true, false, Broken::default());
    let mut p = preparing(&c, 1, Value(0));
    let out = outputs(|o| p.on_nack(b(1, 0), b(4, 1), &c, o));
    let ballot = b(5, 0);
    let expected = cat(&[
        vec![
            Output::Note(Note::Abandon { ballot: b(1, 0) }),
            Output::PersistProposer(ProposerDurable { max_round: 5 }),
            Output::Note(Note::Phase1 { ballot }),
        ],
        prepares(ballot),
        vec![retry_timer(20, 20)],
    ]);
    assert_eq!(out, expected);
}

#[test]
fn proposer_ignores_a_nack_for_a_ballot_it_already_left() {
    let c = cluster();
    let mut p = preparing(&c, 2, Value(0));
    assert_eq!(outputs(|o| p.on_nack(b(1, 0), b(4, 1), &c, o)), vec![]);
    assert_eq!(p.phase.ballot(), Some(b(2, 0)));
}

#[test]
fn proposer_timeout_without_growth_retries_at_once_with_a_higher_ballot() {
    // Paxos Made Simple, 2.4 (progress): a proposer may abandon a proposal and start a higher one.
    // Format 1's timing: at once, and with the same timeout as before.
    let c = fixed_timeouts(true);
    let mut p = accepting(&c);
    let out = outputs(|o| p.on_timer(&c, o));
    let ballot = b(2, 0);
    let expected = cat(&[
        vec![
            Output::Note(Note::Abandon { ballot: b(1, 0) }),
            Output::PersistProposer(ProposerDurable { max_round: 2 }),
            Output::Note(Note::Phase1 { ballot }),
        ],
        prepares(ballot),
        vec![retry_timer(20, 40)],
    ]);
    assert_eq!(out, expected);
}

/// Times out the phase `p` is in, then, if it backed off, ends the backoff: the outputs of both
/// timer firings, and the retry timer the new phase 1 set.
fn time_out(p: &mut Proposer, c: &Cluster) -> (Vec<Output>, Vec<Output>) {
    let timed_out = outputs(|o| p.on_timer(c, o));
    let restarted = if p.phase == Phase::Backoff { outputs(|o| p.on_timer(c, o)) } else { Vec::new() };
    (timed_out, restarted)
}

#[test]
fn proposer_timeout_with_growth_backs_off_and_doubles_the_next_timeout() {
    // A retry after a timeout grows like one after a Nack: a random backoff first (10 * 2^attempt,
    // at most 160), then a new ballot whose timeout is doubled per timeout so far.
    let c = cluster();
    let mut p = preparing(&c, 1, Value(0));
    let mut got = Vec::new();
    for _ in 0..5 {
        let ballot = p.phase.ballot().unwrap();
        let (timed_out, restarted) = time_out(&mut p, &c);
        assert_eq!(timed_out[0], Output::Note(Note::Abandon { ballot }));
        let next = b(ballot.round + 1, 0);
        assert_eq!(
            restarted[..3],
            [
                Output::PersistProposer(ProposerDurable { max_round: next.round }),
                Output::Note(Note::Phase1 { ballot: next }),
                send(A2, Msg::Prepare { ballot: next })
            ]
        );
        got.push((timed_out[1], *restarted.last().unwrap()));
    }
    let expected = [
        (retry_timer(0, 20), retry_timer(40, 80)),
        (retry_timer(0, 40), retry_timer(80, 160)),
        (retry_timer(0, 80), retry_timer(160, 320)),
        (retry_timer(0, 160), retry_timer(320, 640)),
        (retry_timer(0, 160), retry_timer(640, 1280)),
    ];
    assert_eq!(got, expected);
    // Phase 2 waits as long as phase 1 of the same attempt.
    let ballot = p.phase.ballot().unwrap();
    let _ = outputs(|o| p.on_promise(A2, ballot, None, &c, o));
    let out = outputs(|o| p.on_promise(A3, ballot, None, &c, o));
    assert_eq!(out.last(), Some(&retry_timer(640, 1280)));
}

#[test]
fn a_nack_does_not_grow_the_timeout_and_a_crash_forgets_the_growth() {
    // A Nack proves the round trip fits in the timeout: only timeouts double it.
    let c = cluster();
    let mut p = preparing(&c, 1, Value(0));
    let _ = time_out(&mut p, &c);
    let ballot = p.phase.ballot().unwrap();
    assert_eq!(outputs(|o| p.on_nack(ballot, b(4, 1), &c, o))[1], retry_timer(0, 40), "backoff 10 * 2^2");
    let out = outputs(|o| p.on_timer(&c, o));
    assert_eq!(out.last(), Some(&retry_timer(40, 80)), "still one timeout: doubled once");
    // The count is volatile, like the client's value.
    let mut p = Proposer::recover(P0, p.durable);
    let out = outputs(|o| p.on_propose(Value(0), &c, o));
    assert_eq!(out.last(), Some(&retry_timer(20, 40)));
}

#[test]
fn proposer_timeout_with_growth_and_no_backoff_retries_at_once_with_a_doubled_fixed_timeout() {
    let c = cluster_with(true, false, Broken::default());
    let mut p = preparing(&c, 1, Value(0));
    let mut timers = Vec::new();
    for _ in 0..3 {
        let (timed_out, restarted) = time_out(&mut p, &c);
        assert_eq!(restarted, vec![], "no backoff phase");
        assert_eq!(timed_out[1], Output::PersistProposer(ProposerDurable { max_round: p.durable.max_round }));
        timers.push(*timed_out.last().unwrap());
    }
    assert_eq!(timers, [retry_timer(40, 40), retry_timer(80, 80), retry_timer(160, 160)]);
}

#[test]
fn a_grown_timeout_stops_at_its_cap() {
    // 2^18 ticks: longer than any round trip the simulator allows (two delays of 100,000).
    let huge = Timing { timeout_ticks_min: 90_000, timeout_ticks_max: 100_000, ..Timing::default() };
    for (timing, last) in [(Timing::default(), retry_timer(1 << 18, 1 << 18)), (huge, retry_timer(1 << 18, 1 << 18))] {
        let c = cluster_timed(true, timing, Broken::default());
        let mut p = preparing(&c, 1, Value(0));
        let mut timer = None;
        for _ in 0..40 {
            timer = time_out(&mut p, &c).1.last().copied();
        }
        assert_eq!(timer, Some(last));
    }
    // A configured timeout above the cap is never shortened.
    let long = Timing { timeout_ticks_min: 300_000, timeout_ticks_max: 400_000, ..Timing::default() };
    let c = cluster_timed(true, long, Broken::default());
    let mut p = preparing(&c, 1, Value(0));
    assert_eq!(time_out(&mut p, &c).1.last(), Some(&retry_timer(300_000, 400_000)));
}

#[test]
fn proposer_with_a_quorum_of_accepted_announces_decided_and_cancels_its_timer() {
    let c = cluster();
    let mut p = accepting(&c);
    assert_eq!(outputs(|o| p.on_accepted(A4, b(1, 0), &c, o)), vec![]);
    assert_eq!(outputs(|o| p.on_accepted(A4, b(1, 0), &c, o)), vec![], "a duplicate is not a second vote");
    let out = outputs(|o| p.on_accepted(A2, b(1, 0), &c, o));
    let decided = Msg::Decided { value: Value(0) };
    let expected = cat(&[
        vec![Output::CancelTimer { timer: TimerKind::Retry }, Output::Note(Note::Done { value: Value(0) })],
        [P1, A2, A3, A4, L5].map(|to| send(to, decided)).to_vec(),
    ]);
    assert_eq!(out, expected);
    assert_eq!(p.phase, Phase::Done { value: Value(0) });
    assert_eq!(outputs(|o| p.on_timer(&c, o)), vec![], "a done proposer never retries");
}

#[test]
fn proposer_told_decided_stops() {
    let c = cluster();
    let mut p = accepting(&c);
    let out = outputs(|o| p.on_decided(Value(7), o));
    assert_eq!(
        out,
        vec![Output::CancelTimer { timer: TimerKind::Retry }, Output::Note(Note::Done { value: Value(7) })]
    );
    assert_eq!(outputs(|o| p.on_decided(Value(7), o)), vec![]);
}

#[test]
fn a_busy_proposer_ignores_a_second_client_value() {
    let c = cluster();
    let mut p = preparing(&c, 1, Value(0));
    assert_eq!(outputs(|o| p.on_propose(Value(1), &c, o)), vec![Output::Note(Note::Ignored { value: Value(1) })]);
    assert_eq!(p.value, Some(Value(0)));
}

#[test]
fn a_done_proposer_asked_again_announces_the_decision_again() {
    // A learner keeps nothing durable: a client retry is how one that missed Decided catches up.
    let c = cluster();
    let mut p = accepting(&c);
    let _ = outputs(|o| p.on_accepted(A2, b(1, 0), &c, o));
    let _ = outputs(|o| p.on_accepted(A3, b(1, 0), &c, o));
    let out = outputs(|o| p.on_propose(Value(1), &c, o));
    let decided = Msg::Decided { value: Value(0) };
    let expected = cat(&[
        vec![Output::Note(Note::Ignored { value: Value(1) })],
        [P1, A2, A3, A4, L5].map(|to| send(to, decided)).to_vec(),
    ]);
    assert_eq!(out, expected);
}

// ---------------------------------------------------------------- learner

fn accepted_from(l: &mut Learner, c: &Cluster, from: NodeId, ballot: Ballot, value: Value) -> Vec<Output> {
    outputs(|o| l.on_accepted(from, ballot, value, c, o))
}

#[test]
fn learner_learns_once_a_quorum_accepted_one_ballot() {
    // Paxos Made Simple, 2.3: a value is chosen when a majority of acceptors accepted it.
    let c = cluster();
    let mut l = Learner::default();
    assert_eq!(accepted_from(&mut l, &c, A2, b(1, 0), Value(0)), vec![]);
    assert_eq!(accepted_from(&mut l, &c, A2, b(1, 0), Value(0)), vec![], "a duplicate is not a second vote");
    assert_eq!(accepted_from(&mut l, &c, A4, b(1, 0), Value(0)), vec![Output::Learned { value: Value(0) }]);
    assert_eq!(accepted_from(&mut l, &c, A3, b(1, 0), Value(0)), vec![], "learned once");
}

#[test]
fn learner_does_not_add_up_acceptances_from_different_ballots() {
    // Chosen means one proposal (one ballot) accepted by a quorum; the same value accepted at
    // two ballots by two different acceptors is not a quorum for either.
    let c = cluster();
    let mut l = Learner::default();
    assert_eq!(accepted_from(&mut l, &c, A2, b(1, 0), Value(0)), vec![]);
    assert_eq!(accepted_from(&mut l, &c, A3, b(2, 1), Value(0)), vec![]);
    assert_eq!(l.learned, None);
    assert_eq!(accepted_from(&mut l, &c, A4, b(2, 1), Value(0)), vec![Output::Learned { value: Value(0) }]);
}

#[test]
fn learner_ignores_accepted_from_a_node_that_is_no_acceptor() {
    let c = cluster();
    let mut l = Learner::default();
    assert_eq!(accepted_from(&mut l, &c, P0, b(1, 0), Value(0)), vec![]);
    assert_eq!(accepted_from(&mut l, &c, P1, b(1, 0), Value(0)), vec![]);
    assert!(l.tallies.is_empty());
}

#[test]
fn learner_learns_from_decided_once() {
    let mut l = Learner::default();
    assert_eq!(outputs(|o| l.on_decided(Value(3), o)), vec![Output::Learned { value: Value(3) }]);
    assert_eq!(outputs(|o| l.on_decided(Value(3), o)), vec![]);
    assert_eq!(l.learned, Some(Value(3)));
}

#[test]
fn a_server_node_routes_accepted_to_its_proposer_and_its_learner() {
    // One Accepted input reaches both roles of a server: the proposer completes phase 2 and the
    // learner learns, in the same output vector.
    let c = Config { topology: Topology::Servers { count: 3 }, ..Config::default() }.cluster();
    let mut node = Node::new(NodeId(0), &c);
    let _ = outputs(|o| node.handle(Input::Propose(Value(0)), &c, o));
    for from in [NodeId(0), NodeId(1)] {
        let _ = outputs(|o| {
            node.handle(Input::Deliver { from, msg: Msg::Promise { ballot: b(1, 0), accepted: None } }, &c, o)
        });
    }
    let accepted = Msg::Accepted { ballot: b(1, 0), value: Value(0) };
    let _ = outputs(|o| node.handle(Input::Deliver { from: NodeId(1), msg: accepted }, &c, o));
    let out = outputs(|o| node.handle(Input::Deliver { from: NodeId(2), msg: accepted }, &c, o));
    let decided = Msg::Decided { value: Value(0) };
    assert_eq!(
        out,
        vec![
            Output::CancelTimer { timer: TimerKind::Retry },
            Output::Note(Note::Done { value: Value(0) }),
            send(NodeId(1), decided),
            send(NodeId(2), decided),
            Output::Learned { value: Value(0) },
        ]
    );
    assert_eq!(node.learned(), Some(Value(0)));
}

// ---------------------------------------------------------------- flexible quorums

/// Proposers n0 n1, acceptors n2 n3 n4 n5, learner n6, and asymmetric quorums: Flexible Paxos
/// (Howard, Malkhi, Spiegelman 2016) needs only q1 + q2 > n, so with 4 acceptors 3/2 and 2/3
/// are both safe. A proposer or learner that mixed up the two sizes passes every majority test.
fn flexible(phase1: u8, phase2: u8) -> Cluster {
    let config = Config {
        topology: Topology::Separate { proposers: 2, acceptors: 4, learners: 1 },
        quorums: Some(Quorums { phase1, phase2 }),
        ..Config::default()
    };
    assert!(config.validate().is_ok() && config.is_safe());
    config.cluster()
}

const FOUR: [NodeId; 4] = [NodeId(2), NodeId(3), NodeId(4), NodeId(5)];
const L6: NodeId = NodeId(6);

#[test]
fn a_proposer_goes_to_phase_2_after_exactly_q1_promises_and_finishes_after_exactly_q2_accepts() {
    // Flexible Paxos, section 3: phase 1 waits for a phase-1 quorum, phase 2 for a phase-2 one.
    for (q1, q2) in [(3u8, 2u8), (2, 3)] {
        let c = flexible(q1, q2);
        let mut p = Proposer::recover(P0, ProposerDurable::default());
        let _ = outputs(|o| p.on_propose(Value(0), &c, o));
        let ballot = b(1, 0);
        for &a in &FOUR[..q1 as usize - 1] {
            assert_eq!(outputs(|o| p.on_promise(a, ballot, None, &c, o)), vec![], "q1={q1}: too early");
        }
        let out = outputs(|o| p.on_promise(FOUR[q1 as usize - 1], ballot, None, &c, o));
        let expected = cat(&[
            vec![Output::Note(Note::Phase2 { ballot, value: Value(0), adopted: false })],
            FOUR.map(|to| send(to, Msg::Accept { ballot, value: Value(0) })).to_vec(),
            vec![retry_timer(20, 40)],
        ]);
        assert_eq!(out, expected, "q1={q1} q2={q2}");
        for &a in &FOUR[..q2 as usize - 1] {
            assert_eq!(outputs(|o| p.on_accepted(a, ballot, &c, o)), vec![], "q2={q2}: too early");
        }
        let out = outputs(|o| p.on_accepted(FOUR[q2 as usize - 1], ballot, &c, o));
        let decided = Msg::Decided { value: Value(0) };
        let expected = cat(&[
            vec![Output::CancelTimer { timer: TimerKind::Retry }, Output::Note(Note::Done { value: Value(0) })],
            [P1, FOUR[0], FOUR[1], FOUR[2], FOUR[3], L6].map(|to| send(to, decided)).to_vec(),
        ]);
        assert_eq!(out, expected, "q1={q1} q2={q2}");
    }
}

#[test]
fn a_learner_learns_after_exactly_q2_acceptances() {
    for (q1, q2) in [(3u8, 2u8), (2, 3)] {
        let c = flexible(q1, q2);
        let mut l = Learner::default();
        for &a in &FOUR[..q2 as usize - 1] {
            assert_eq!(accepted_from(&mut l, &c, a, b(1, 0), Value(0)), vec![], "q2={q2}: too early");
        }
        let out = accepted_from(&mut l, &c, FOUR[q2 as usize - 1], b(1, 0), Value(0));
        assert_eq!(out, vec![Output::Learned { value: Value(0) }], "q1={q1} q2={q2}");
    }
}

#[test]
fn with_q1_of_3_a_proposer_hears_of_a_value_chosen_by_any_2() {
    // Why 3/2 is safe with 4 acceptors: any 3 promises include one of any 2 acceptors that
    // accepted, so a value a phase-2 quorum chose is always reported and adopted. Every phase-1
    // quorum (all but one acceptor) against every phase-2 quorum (any two).
    let c = flexible(3, 2);
    let chosen = Proposal { ballot: b(1, 1), value: Value(1) };
    let mut cases = 0;
    for skipped in FOUR {
        for (x, y) in [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)] {
            let mut p = preparing(&c, 2, Value(0));
            let mut last = Vec::new();
            for a in FOUR.into_iter().filter(|&a| a != skipped) {
                let accepted = (a == FOUR[x] || a == FOUR[y]).then_some(chosen);
                last = outputs(|o| p.on_promise(a, b(2, 0), accepted, &c, o));
            }
            let adopted = Output::Note(Note::Phase2 { ballot: b(2, 0), value: Value(1), adopted: true });
            assert_eq!(last[0], adopted, "promises from all but {skipped}, accepted by {x} and {y}");
            cases += 1;
        }
    }
    assert_eq!(cases, 24);
}

#[test]
fn replacing_a_node_keeps_only_the_learners_buffer() {
    // A crash replaces a server with what its disk restores; the learner's tallies are gone
    // (only their buffer is kept for reuse), whatever they held.
    let c = Config { topology: Topology::Servers { count: 3 }, ..Config::default() }.cluster();
    let mut node = Node::new(NodeId(0), &c);
    let learner = node.learner.as_mut().unwrap();
    learner.learned = Some(Value(1));
    for round in 1..=5 {
        learner.tallies.push(paxos_playground::protocol::learner::Tally {
            ballot: b(round, 1),
            value: Value(1),
            acceptors: AcceptorSet(0b11),
        });
    }
    let disk = Durable::default();
    node.replace_keeping_buffers(Node::restore(NodeId(0), &c, &disk));
    assert_eq!(node, Node::restore(NodeId(0), &c, &disk));
    let learner = node.learner.as_ref().unwrap();
    assert!(learner.tallies.is_empty() && learner.tallies.capacity() >= 5, "the buffer is kept, emptied");
}
