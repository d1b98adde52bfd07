//! The model checker on Multi-Paxos (`check::explore`): pinned unique-state counts for the
//! correct protocol (no violation anywhere within the bounds), and each broken variant's
//! shortest counterexample, its length pinned, its last step breaking a named property, and
//! replayed from scratch through the same `System::apply`.
//! Reference: Lamport, "Paxos Made Simple", section 3 (one instance of Paxos per slot; a new
//! leader must re-propose what its promises report), and Herlihy and Wing (linearizability).

use paxos_playground::check::explore::{multi, replay, Bounds, Ending, Explorer, Limits, Move, Space, State};
use paxos_playground::protocol::multi::{Multi, MultiBroken};
use paxos_playground::protocol::NodeId;
use paxos_playground::sim::{Invariant, Step};

/// Rounds, timer firings, drops, duplicates, crashes.
fn bounds(max_round: u32, timeouts: u8, drops: u8, duplicates: u8, crashes: u8) -> Bounds {
    Bounds {
        max_round,
        drops,
        duplicates,
        crashes,
        timeouts,
        retries: None,
        heartbeats: None,
        ticks: 0,
        forget_dead: false,
        symmetry: false,
        depth: None,
    }
}

/// The same, dead messages forgotten.
fn reduced(b: Bounds) -> Bounds {
    Bounds { forget_dead: true, ..b }
}

fn step(s: Step<paxos_playground::protocol::multi::Msg, paxos_playground::protocol::multi::KvOp>) -> Move<StepOf> {
    Move::Step(s)
}

type StepOf = paxos_playground::sim::StepOf<Multi>;

fn explore(
    broken: MultiBroken,
    clients: u8,
    ops: u8,
    b: Bounds,
    warm: bool,
) -> Explorer<paxos_playground::protocol::multi::Multi> {
    let space = multi::space(broken, clients, ops, b, warm).expect("a valid space");
    let mut e = Explorer::new(space, Limits::default());
    e.run(|_| true);
    e
}

const CORRECT: MultiBroken = MultiBroken { keep_only_chosen: false, no_at_most_once: false, lease_without_wait: false };

/// (name, clients, operations each, bounds, warm start, unique states).
fn pinned() -> Vec<(&'static str, u8, u8, Bounds, bool, u64)> {
    vec![
        ("1 client x 1 op, round 1, 1 timer firing", 1, 1, bounds(1, 1, 0, 0, 0), true, 239),
        ("the same from cold (the first election explored too)", 1, 1, bounds(1, 1, 0, 0, 0), false, 1_485),
        ("1 client x 1 op, one duplicate", 1, 1, bounds(1, 1, 0, 1, 0), true, 2_014),
        ("1 client x 1 op, one crash (and recovery)", 1, 1, bounds(1, 1, 0, 0, 1), true, 2_628),
        ("1 client x 2 ops (write, read)", 1, 2, bounds(1, 1, 0, 0, 0), true, 4_060),
    ]
}

#[test]
fn the_correct_protocol_breaks_nothing_with_pinned_state_counts() {
    for (name, clients, ops, b, warm, want) in pinned() {
        let e = explore(CORRECT, clients, ops, b, warm);
        assert_eq!(e.ending, Some(Ending::Complete), "{name}");
        assert!(e.violation.is_none(), "{name}: {:?}", e.violation.map(|t| t.violations));
        assert_eq!(e.counts.unique, want, "{name}");
        assert_eq!(e.counts.explored, want, "{name}: every state expanded");
    }
}

/// A second leader while one client runs two operations, explored to 18 steps: the smallest
/// space found where a follower that accepts below its promise (Phase 2's one rule, mutated
/// away by hand on 2026-12-02) breaks "a chosen entry stays", in 17 steps: replica 1 campaigns
/// at 2.1, then accepts the old leader's Accept 1.0 for slot 0 (the write) below its own
/// promise, which chooses the write; its campaign never counted that entry, and replica 2's
/// Promise reports only slot 1 (the read), so the new leader fills slot 0 with a no-op. With
/// only one operation there is no later slot to leave a gap below, and the round-2 spaces above
/// find nothing. The correct protocol: no violation, 3,713 states.
#[test]
fn a_second_leader_over_two_operations_breaks_nothing_to_depth_18() {
    let b = Bounds { heartbeats: Some(0), symmetry: true, depth: Some(18), ..reduced(bounds(2, 1, 0, 0, 0)) };
    let e = explore(CORRECT, 1, 2, b, true);
    assert!(e.violation.is_none(), "{:?}", e.violation.map(|t| t.violations));
    assert_eq!(e.ending, Some(Ending::Complete));
    assert_eq!(e.counts.unique, 3_713);
}

/// Larger configurations (about 25 s together in a debug build: run with `--ignored`).
#[test]
#[ignore]
fn the_correct_protocol_breaks_nothing_in_larger_configurations() {
    for (name, clients, ops, b, want) in [
        ("1 client x 1 op, round 2 (a second leader)", 1, 1, bounds(2, 1, 0, 0, 0), 57_129),
        ("2 clients x 1 op", 2, 1, bounds(1, 1, 0, 0, 0), 73_237),
    ] {
        let e = explore(CORRECT, clients, ops, b, true);
        assert_eq!((e.ending, e.counts.unique), (Some(Ending::Complete), want), "{name}");
    }
}

/// The shortest counterexample: its length, the property its last step breaks, and a replay
/// from scratch that breaks it at that same last step.
fn counterexample(e: &Explorer<paxos_playground::protocol::multi::Multi>, steps: usize, broken: Invariant) {
    assert_eq!(e.ending, Some(Ending::Violation));
    let trail = e.violation.as_ref().expect("a counterexample");
    assert_eq!(trail.steps.len(), steps, "shortest counterexample: {:#?}", trail.steps);
    assert!(trail.violations.iter().any(|v| v.invariant == broken), "{:?}", trail.violations);
    let r = replay(&e.space, &trail.steps);
    assert_eq!(r.error, None);
    assert_eq!(r.violated_at, Some(steps), "the replay breaks it at the last step, not before");
    assert!(r.violations.iter().any(|v| v.invariant == broken));
    // Without its last step, the run breaks nothing.
    let r = replay(&e.space, &trail.steps[..steps - 1]);
    assert_eq!((r.error, r.violated_at), (None, None));
}

#[test]
fn keep_only_chosen_loses_a_chosen_write_in_16_steps() {
    let broken = MultiBroken { keep_only_chosen: true, ..CORRECT };
    let e = explore(broken, 2, 2, bounds(2, 2, 0, 0, 0), true);
    counterexample(&e, 16, Invariant::SlotStable);
    assert_eq!(e.counts.unique, 35_430);
    let trail = e.violation.as_ref().unwrap();
    // The story: replica 1 accepted client 3's write, which (with the leader's own vote) was
    // chosen in slot 0; replica 1 campaigns, ignores what its promises report, and puts
    // client 4's write in slot 0.
    assert!(trail.steps.contains(&step(Step::Timer { node: NodeId(1) })), "a second election");
    let Some(Move::Step(last)) = trail.steps.last() else { panic!("the last move is a step") };
    let last = multi::describe(last);
    assert_eq!(last, "n4 -> n1: Request #1 write x=2 delivered");
    assert!(trail.violations[0].detail.contains("although write x=1 was chosen there at 1.0"));
    // The correct protocol under the same bounds: the same first steps break nothing.
    let r = replay(&multi::space(CORRECT, 2, 2, bounds(2, 2, 0, 0, 0), true).unwrap(), &trail.steps);
    assert_eq!((r.error, r.violated_at), (None, None));
}

#[test]
fn no_at_most_once_applies_a_duplicated_write_twice_in_16_steps() {
    let broken = MultiBroken { no_at_most_once: true, ..CORRECT };
    let e = explore(broken, 1, 2, bounds(1, 0, 0, 1, 0), true);
    counterexample(&e, 16, Invariant::Linearizable);
    assert_eq!(e.counts.unique, 358);
    let trail = e.violation.as_ref().unwrap();
    assert!(trail.steps.iter().any(|s| matches!(s, Move::Step(Step::Duplicate { .. }))), "the request was duplicated");
    assert!(trail.violations[0].detail.contains("reported version 2 but the version would be 1"));
}

#[test]
fn no_at_most_once_applies_a_retried_write_twice_in_18_steps() {
    // No fault at all: the client's timer fires while the first reply is still on its way
    // (time is abstract), it retries through a redirect, and the leader proposes it again.
    let broken = MultiBroken { no_at_most_once: true, ..CORRECT };
    let e = explore(broken, 1, 2, bounds(1, 1, 0, 0, 0), true);
    counterexample(&e, 18, Invariant::Linearizable);
    assert_eq!(e.counts.unique, 875);
    let trail = e.violation.as_ref().unwrap();
    assert!(trail.steps.contains(&step(Step::Timer { node: NodeId(3) })), "the client retries");
    assert!(!trail.steps.iter().any(|s| matches!(s, Move::Step(Step::Drop { .. } | Step::Duplicate { .. }))));
}

#[test]
fn equal_states_have_equal_keys_whatever_the_order_of_independent_steps() {
    let space = multi::space(CORRECT, 1, 1, bounds(1, 1, 0, 0, 0), true).unwrap();
    let mut s = State::start(&space);
    let mut steps = Vec::new();
    s.steps(&space, &mut steps);
    s.apply(&space, steps[0].clone()); // the client is handed its write
    s.steps(&space, &mut steps);
    let request =
        steps.iter().find(|st| matches!(st, Move::Step(Step::Deliver { to: NodeId(0), .. }))).unwrap().clone();
    s.apply(&space, request); // the leader sends Accept to n1 and n2
    s.steps(&space, &mut steps);
    let to = |n: u8| {
        steps.iter().find(|st| matches!(st, Move::Step(Step::Deliver { to, .. }) if *to == NodeId(n))).unwrap().clone()
    };
    let (a1, a2) = (to(1), to(2));
    let (mut x, mut y) = (s.clone(), s.clone());
    x.apply(&space, a1.clone());
    x.apply(&space, a2.clone());
    y.apply(&space, a2);
    y.apply(&space, a1);
    assert_eq!(x.key(), y.key());
    assert_ne!(x.key(), s.key());
}

#[test]
fn the_state_limit_ends_the_search_incomplete() {
    let space = multi::space(CORRECT, 1, 2, bounds(1, 1, 0, 0, 0), true).unwrap();
    let mut e = Explorer::new(space, Limits { max_states: 1_000, ..Limits::default() });
    assert_eq!(e.run(|_| true), Ending::StateLimit);
    assert_eq!(e.counts.unique, 1_000);
    assert!(Ending::StateLimit.describe(&e.counts).starts_with("limit reached (states), incomplete"));
    let space = multi::space(CORRECT, 1, 2, bounds(1, 1, 0, 0, 0), true).unwrap();
    let mut e = Explorer::new(space, Limits { max_bytes: 256 << 10, ..Limits::default() });
    assert_eq!(e.run(|_| true), Ending::MemoryLimit);
}

fn paxos(args: &[&str]) -> (Option<i32>, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_paxos")).args(args).output().expect("paxos runs");
    (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr))
}

#[test]
fn the_command_line_prints_counts_verdicts_and_the_counterexample() {
    let (code, text) = paxos(&["check", "--protocol", "multi", "--quiet"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("complete: no violation in any state within the bounds"), "{text}");
    assert!(text.contains("239 unique states, 239 explored"), "{text}");

    let args = ["check", "--protocol", "multi", "--variant", "no-at-most-once", "--ops", "2", "--dups", "1"];
    let (code, text) = paxos(&[&args[..], &["--timeouts", "0", "--quiet"]].concat());
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("Counterexample: a shortest run that breaks a property (16 steps):"), "{text}");
    assert!(text.contains("  9. n3 -> n0: Request #1 write x=1 duplicated"), "{text}");
    assert!(text.contains("16. n0 -> n3: Reply #1 ok v2 delivered"), "{text}");
    assert!(text.contains("=> linearizability violated: "), "{text}");
    assert!(text.contains("replayed from scratch: the same property breaks at step 16"), "{text}");
    assert!(text.contains("reproduce: paxos check --protocol multi --variant no-at-most-once"), "{text}");

    let (code, text) = paxos(&["check", "--protocol", "multi", "--ops", "2", "--max-states", "500", "--quiet"]);
    assert_eq!(code, Some(3), "{text}");
    assert!(text.contains("limit reached (states), incomplete: 500 states explored"), "{text}");

    // Leases: the clock and the lease are printed (the counterexample itself is pinned in
    // lease_without_wait_reads_stale_..., too slow for a debug binary here).
    let args =
        ["check", "--protocol", "multi", "--variant", "lease-without-wait", "--clients", "2", "--max-round", "2"];
    let (code, text) = paxos(&[&args[..], &["--retries", "0", "--max-states", "500", "--quiet"]].concat());
    assert_eq!(code, Some(3), "{text}");
    assert!(text.contains("leases of 2 ticks, drift bound 1, clock ticks <= 0"), "{text}");
    assert!(text.contains("client retries <= 0"), "{text}");
    let (code, text) = paxos(&["check", "--protocol", "multi", "--ticks", "1"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("a clock (ticks) is for leases only"), "{text}");
    let args = ["check", "--protocol", "multi", "--leases", "--ops", "2", "--ticks", "1", "--timeouts", "0"];
    let (code, text) = paxos(&[&args[..], &["--retries", "0", "--forget-dead", "--quiet"]].concat());
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("84 unique states"), "{text}");
    assert!(text.contains("dead messages forgotten"), "{text}");
    let (code, _) = paxos(&["check", "--protocol", "multi", "--clients", "3"]);
    assert_eq!(code, Some(2));

    let (code, text) = paxos(&["check", "--protocol", "multi", "--ops", "2", "--strategy", "dfs", "--quiet"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("4060 unique states, 4060 explored"), "{text}");
    let (code, text) = paxos(&["check", "--protocol", "multi", "--strategy", "dfs", "--depth", "9"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("--depth cuts a depth-first search short"), "{text}");
    // The heartbeats' own bound and the symmetry reduction are printed with the bounds.
    let args = ["check", "--protocol", "multi", "--max-round", "2", "--heartbeats", "0", "--symmetry"];
    let (code, text) = paxos(&[&args[..], &["--forget-dead", "--quiet"]].concat());
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("timer firings (elections, client retries) <= 1, heartbeats <= 0"), "{text}");
    assert!(text.contains("symmetry: replica 2's timer never fires"), "{text}");
    assert!(text.contains("3024 unique states"), "{text}");
    let (code, text) = paxos(&["check", "--protocol", "multi", "--symmetry", "--cold"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("symmetry needs the warm start"), "{text}");
}

#[test]
fn depth_first_visits_exactly_the_states_breadth_first_does() {
    // Depth-first keeps a stack instead of a level, for configurations whose frontier would not
    // fit; it must still visit every state within the bounds: the same count, pinned above.
    for (name, clients, ops, b, warm, want) in pinned() {
        let space = multi::space(CORRECT, clients, ops, b, warm).expect("a valid space");
        let mut e = Explorer::new(space, Limits { depth_first: true, ..Limits::default() });
        assert_eq!(e.run(|_| true), Ending::Complete, "{name}");
        assert_eq!(e.counts.unique, want, "{name}: depth-first found another number of states");
    }
    // It finds the write applied twice too, on a run that replays (not necessarily shortest).
    let broken = MultiBroken { no_at_most_once: true, ..CORRECT };
    let space = multi::space(broken, 1, 2, bounds(1, 0, 0, 1, 0), true).expect("a valid space");
    let mut e = Explorer::new(space.clone(), Limits { depth_first: true, ..Limits::default() });
    assert_eq!(e.run(|_| true), Ending::Violation);
    let trail = e.violation.expect("a counterexample");
    assert!(trail.steps.len() >= 16, "shorter than the shortest: {}", trail.steps.len());
    let r = replay(&space, &trail.steps);
    assert_eq!(r.error, None);
    assert_eq!(r.violated_at, Some(trail.steps.len()), "{r:?}");
}

/// (name, clients, operations each, bounds, warm start, unique states with dead messages
/// forgotten): the configurations of `pinned`, and round 2 (about 0.2 s in release).
fn pinned_reduced() -> Vec<(&'static str, u8, u8, Bounds, bool, u64)> {
    let mut v: Vec<_> = pinned()
        .into_iter()
        .map(|(n, c, o, b, w, _)| (n, c, o, reduced(b), w))
        .zip([165, 669, 1_195, 1_929, 1_584])
        .map(|((n, c, o, b, w), want)| (n, c, o, b, w, want))
        .collect();
    v.push(("1 client x 1 op, round 2 (a second leader)", 1, 1, reduced(bounds(2, 1, 0, 0, 0)), true, 6_103));
    v
}

#[test]
fn forgetting_dead_messages_keeps_every_verdict_with_fewer_states() {
    for ((name, clients, ops, b, warm, want), full) in
        pinned_reduced().into_iter().zip(pinned().iter().map(|p| p.5).chain([57_129]))
    {
        for depth_first in [false, true] {
            let space = multi::space(CORRECT, clients, ops, b, warm).expect("a valid space");
            let mut e = Explorer::new(space, Limits { depth_first, ..Limits::default() });
            assert_eq!(e.run(|_| true), Ending::Complete, "{name}");
            assert_eq!(e.counts.unique, want, "{name}, depth-first {depth_first}");
            assert!(want < full, "{name}: {want} states, {full} without the reduction");
        }
    }
    // Each broken variant: the same counterexample after the warm start (one step shorter in
    // all: the warm start leaves out the second Promise, dead once n0 leads), with fewer
    // states, and it replays (in the reduced space and in the full one: its runs are the
    // protocol's).
    let kept = MultiBroken { keep_only_chosen: true, ..CORRECT };
    let twice = MultiBroken { no_at_most_once: true, ..CORRECT };
    for (broken, clients, ops, b, steps, states, invariant) in [
        (kept, 2, 2, bounds(2, 2, 0, 0, 0), 15, 27_530, Invariant::SlotStable),
        (twice, 1, 2, bounds(1, 0, 0, 1, 0), 15, 244, Invariant::Linearizable),
        (twice, 1, 2, bounds(1, 1, 0, 0, 0), 17, 615, Invariant::Linearizable),
    ] {
        let e = explore(broken, clients, ops, reduced(b), true);
        counterexample(&e, steps, invariant);
        assert_eq!(e.counts.unique, states);
        let full = multi::space(broken, clients, ops, b, true).unwrap();
        let mut moves = full.prefix.clone();
        moves.extend(e.violation.as_ref().unwrap().steps[e.space.prefix.len()..].iter().cloned());
        let r = replay(&full, &moves);
        assert_eq!((r.error, r.violated_at), (None, Some(steps + 1)));
    }
}

#[test]
fn client_retries_are_bounded_apart_from_elections_and_heartbeats() {
    // One timer firing shared by all (4,060 states, pinned above), one for the replicas and
    // none for the clients, none for the replicas and one client retry.
    let retries = |timeouts: u8, retries: u8| Bounds { retries: Some(retries), ..bounds(1, timeouts, 0, 0, 0) };
    for (b, want) in [(retries(1, 0), 3_118), (retries(0, 1), 1_202)] {
        let e = explore(CORRECT, 1, 2, b, true);
        assert_eq!((e.ending, e.counts.unique), (Some(Ending::Complete), want));
    }
    // The retried write applied twice needs the client's timer: found with one retry and no
    // replica firing, not with a replica firing and no retry.
    let twice = MultiBroken { no_at_most_once: true, ..CORRECT };
    let e = explore(twice, 1, 2, retries(0, 1), true);
    counterexample(&e, 18, Invariant::Linearizable);
    assert_eq!(e.counts.unique, 427);
    let e = explore(twice, 1, 2, retries(1, 0), true);
    assert_eq!((e.ending, e.counts.unique), (Some(Ending::Complete), 3_118));
}

fn lease_bounds(timeouts: u8, ticks: u8) -> Bounds {
    Bounds { retries: Some(0), ticks, forget_dead: true, ..bounds(2, timeouts, 0, 0, 0) }
}

/// Applies `moves` from the search's start, each checked enabled where it comes.
fn walk(space: &Space<Multi>, moves: &[Move<StepOf>]) -> State<Multi> {
    let mut s = State::start(space);
    let mut enabled = Vec::new();
    for m in moves {
        s.steps(space, &mut enabled);
        assert!(enabled.contains(m), "{m:?} not enabled: {enabled:?}");
        s.apply(space, m.clone());
    }
    s
}

#[test]
fn with_leases_a_new_leader_waits_out_the_old_lease() {
    let space = multi::lease_space(CORRECT, 1, 2, lease_bounds(2, 2), true).unwrap();
    let start = State::start(&space);
    assert_eq!(start.now, 2, "the warm start waits out a lease first");
    let leader = |s: &State<Multi>, n: usize| s.system.nodes[n].node.replica().unwrap().is_leader();
    assert!(leader(&start, 0));
    // n1's timer fires at once: the guard it granted holds, so it only waits.
    let s = walk(&space, &[step(Step::Timer { node: NodeId(1) })]);
    assert!(s.net.is_empty() && !leader(&s, 1));
    // Two ticks later the guards ran out: n1 campaigns, n2 promises, n1 leads at 2.1.
    let prepare = |to: u8| Step::Deliver { from: NodeId(1), to: NodeId(to), msg: prepare_msg(&space, to) };
    let s = walk(&space, &[Move::Tick, Move::Tick, step(Step::Timer { node: NodeId(1) }), step(prepare(2))]);
    let promise = s.net.iter().find(|(f, t, _)| (*f, *t) == (NodeId(2), NodeId(1))).expect("n2 promised").clone();
    let mut s2 = s.clone();
    s2.apply(&space, step(Step::Deliver { from: promise.0, to: promise.1, msg: promise.2 }));
    assert!(leader(&s2, 1), "one leader change");
    // One tick is not enough: the guard n1 granted n0 still holds, so n1 only waits.
    let s = walk(&space, &[Move::Tick, step(Step::Timer { node: NodeId(1) })]);
    assert!(s.net.is_empty() && !leader(&s, 1) && leader(&s, 0));
}

fn prepare_msg(space: &Space<Multi>, _to: u8) -> paxos_playground::protocol::multi::Msg {
    let s = walk(space, &[Move::Tick, Move::Tick, step(Step::Timer { node: NodeId(1) })]);
    s.net.iter().find(|(f, _, _)| *f == NodeId(1)).expect("a Prepare").2.clone()
}

#[test]
fn lease_without_wait_reads_stale_in_20_steps_and_the_correct_protocol_does_not() {
    let broken = MultiBroken { lease_without_wait: true, ..CORRECT };
    let space = multi::space(broken, 2, 1, lease_bounds(1, 0), true).expect("leases implied");
    let mut e = Explorer::new(space, Limits::default());
    e.run(|_| true);
    counterexample(&e, 20, Invariant::Linearizable);
    assert_eq!(e.counts.unique, 39_398);
    let trail = e.violation.as_ref().unwrap();
    // The story: n1 campaigns while n0's lease runs; n2 promises at once (no wait); n1
    // commits client n3's write; n0, still leading in its own eyes, answers n4's read from its
    // store under its lease: the key does not exist.
    assert!(trail.steps.contains(&step(Step::Timer { node: NodeId(1) })));
    let Some(Move::Step(last)) = trail.steps.last() else { panic!("the last move is a step") };
    assert_eq!(multi::describe(last), "n0 -> n4: Reply #1 no such key delivered");
    assert!(trail.violations[0].detail.contains("said the key does not exist but it held 1"));
    // The same moves in the correct protocol: n2 does not promise, so the run stops short.
    let correct = multi::lease_space(CORRECT, 2, 1, lease_bounds(1, 0), true).unwrap();
    let r = replay(&correct, &trail.steps);
    assert_eq!(r.violated_at, None);
    assert!(r.error.is_some(), "the new leader cannot be elected while the lease holds");
}

/// The correct protocol with leases, a write then a read, one leader change (two ticks, one
/// replica firing): complete, 426,093 states (dead messages forgotten), 8 s in release, too
/// long for a debug build.
#[test]
#[ignore]
fn with_leases_the_correct_protocol_reads_nothing_stale() {
    let space = multi::lease_space(CORRECT, 1, 2, lease_bounds(1, 2), true).unwrap();
    let mut e = Explorer::new(space, Limits { depth_first: true, ..Limits::default() });
    assert_eq!(e.run(|_| true), Ending::Complete);
    assert_eq!(e.counts.unique, 426_093);
}

/// The timers enabled at the search's start, by node.
fn firing_nodes(space: &Space<Multi>) -> Vec<u8> {
    let mut enabled = Vec::new();
    State::start(space).steps(space, &mut enabled);
    enabled
        .iter()
        .filter_map(|m| match m {
            Move::Step(Step::Timer { node }) => Some(node.0),
            _ => None,
        })
        .collect()
}

#[test]
fn heartbeats_may_be_bounded_apart_from_elections() {
    // At the warm start n0 leads (its timer is a heartbeat), n1 and n2 follow (theirs are
    // elections), the clients' timers are not armed.
    let b = |timeouts: u8, heartbeats: Option<u8>| Bounds { heartbeats, ..reduced(bounds(2, timeouts, 0, 0, 0)) };
    let nodes = |b: Bounds| firing_nodes(&multi::space(CORRECT, 1, 1, b, true).unwrap());
    assert_eq!(nodes(b(1, None)), [0, 1, 2], "one firing shared by all");
    assert_eq!(nodes(b(1, Some(0))), [1, 2], "one election, no heartbeat");
    assert_eq!(nodes(b(0, Some(1))), [0], "one heartbeat, no election");
    // Its counts (round 2, an election only: 5,993 states instead of 6,103) are pinned in
    // symmetry_keeps_every_verdict_... below.
}

/// The same bounds with the symmetry reduction on (`check::explore::multi`, "Symmetry").
fn mirrored(b: Bounds) -> Bounds {
    Bounds { symmetry: true, ..b }
}

#[test]
fn symmetry_keeps_every_verdict_and_shortest_length_with_about_half_the_states() {
    // Replica 2's timer never fires; replica 1's still does.
    let one = reduced(bounds(2, 1, 0, 0, 0));
    assert_eq!(firing_nodes(&multi::space(CORRECT, 1, 1, mirrored(one), true).unwrap()), [0, 1]);
    // The correct protocol, a second leader: complete both ways, about half the states (the
    // runs without an election by n1 or n2 are kept whole: 6,103 = 3,134 x 2 - 165).
    let elections_only = Bounds { heartbeats: Some(0), ..one };
    for (b, full, half) in [(one, 6_103, 3_134), (elections_only, 5_993, 3_024)] {
        for depth_first in [false, true] {
            let mut counts = Vec::new();
            for b in [b, mirrored(b)] {
                let space = multi::space(CORRECT, 1, 1, b, true).unwrap();
                let mut e = Explorer::new(space, Limits { depth_first, ..Limits::default() });
                assert_eq!(e.run(|_| true), Ending::Complete, "{b:?}");
                counts.push(e.counts.unique);
            }
            assert_eq!(counts, [full, half], "{b:?}, depth-first {depth_first}");
        }
    }
    // Each broken variant: a counterexample of the same shortest length both ways, the
    // reduced one replaying in the full space too (its runs are the protocol's).
    let kept = MultiBroken { keep_only_chosen: true, ..CORRECT };
    let twice = MultiBroken { no_at_most_once: true, ..CORRECT };
    for (broken, clients, ops, b, steps, states, invariant) in [
        (kept, 2, 2, Bounds { retries: Some(0), ..elections_only }, 17, [17_239, 9_370], Invariant::SlotStable),
        (twice, 1, 2, bounds(1, 1, 0, 0, 0), 18, [875, 875], Invariant::Linearizable),
    ] {
        for (b, want) in [b, mirrored(b)].into_iter().zip(states) {
            let e = explore(broken, clients, ops, b, true);
            counterexample(&e, steps, invariant);
            assert_eq!(e.counts.unique, want, "{b:?}");
            let full = multi::space(broken, clients, ops, Bounds { symmetry: false, ..b }, true).unwrap();
            let r = replay(&full, &e.violation.as_ref().unwrap().steps);
            assert_eq!((r.error, r.violated_at), (None, Some(steps)));
        }
    }
}

#[test]
fn symmetry_is_refused_where_it_is_not_argued() {
    let sym = mirrored(bounds(2, 1, 0, 0, 0));
    let refused = |b: Bounds, warm: bool| multi::space(CORRECT, 1, 1, b, warm).is_err();
    assert!(!refused(sym, true));
    assert!(!refused(Bounds { retries: Some(0), heartbeats: Some(2), ..sym }, true), "heartbeats apart are fine");
    assert!(refused(sym, false), "from cold any replica may campaign");
    assert!(refused(Bounds { timeouts: 2, ..sym }, true), "two elections: ballots 2.1 and 2.2 compare");
    assert!(refused(Bounds { retries: Some(1), ..sym }, true), "a client's retry moves to the next replica");
    assert!(multi::lease_space(CORRECT, 1, 1, Bounds { retries: Some(0), ..sym }, true).is_err(), "leases");
}
