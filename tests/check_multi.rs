//! The model checker on Multi-Paxos (`check::explore`): pinned unique-state counts for the
//! correct protocol (no violation anywhere within the bounds), and each broken variant's
//! shortest counterexample, its length pinned, its last step breaking a named property, and
//! replayed from scratch through the same `System::apply`.
//! Reference: Lamport, "Paxos Made Simple", section 3 (one instance of Paxos per slot; a new
//! leader must re-propose what its promises report), and Herlihy and Wing (linearizability).

use paxos_playground::check::explore::{multi, replay, Bounds, Ending, Explorer, Limits, State};
use paxos_playground::protocol::multi::MultiBroken;
use paxos_playground::protocol::NodeId;
use paxos_playground::sim::{Invariant, Step};

/// Rounds, timer firings, drops, duplicates, crashes.
fn bounds(max_round: u32, timeouts: u8, drops: u8, duplicates: u8, crashes: u8) -> Bounds {
    Bounds { max_round, drops, duplicates, crashes, timeouts, depth: None }
}

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
    assert!(trail.steps.contains(&Step::Timer { node: NodeId(1) }), "a second election");
    let last = multi::describe(trail.steps.last().unwrap());
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
    assert!(trail.steps.iter().any(|s| matches!(s, Step::Duplicate { .. })), "the request was duplicated");
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
    assert!(trail.steps.contains(&Step::Timer { node: NodeId(3) }), "the client retries");
    assert!(!trail.steps.iter().any(|s| matches!(s, Step::Drop { .. } | Step::Duplicate { .. })));
}

#[test]
fn equal_states_have_equal_keys_whatever_the_order_of_independent_steps() {
    let space = multi::space(CORRECT, 1, 1, bounds(1, 1, 0, 0, 0), true).unwrap();
    let mut s = State::start(&space);
    let mut steps = Vec::new();
    s.steps(&space, &mut steps);
    s.apply(&space, steps[0].clone()); // the client is handed its write
    s.steps(&space, &mut steps);
    let request = steps.iter().find(|st| matches!(st, Step::Deliver { to: NodeId(0), .. })).unwrap().clone();
    s.apply(&space, request); // the leader sends Accept to n1 and n2
    s.steps(&space, &mut steps);
    let to =
        |n: u8| steps.iter().find(|st| matches!(st, Step::Deliver { to, .. } if *to == NodeId(n))).unwrap().clone();
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

    let (code, text) = paxos(&["check", "--protocol", "multi", "--variant", "lease-without-wait"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("the checker's time is abstract"), "{text}");
    let (code, _) = paxos(&["check", "--protocol", "multi", "--clients", "3"]);
    assert_eq!(code, Some(2));

    let (code, text) = paxos(&["check", "--protocol", "multi", "--ops", "2", "--strategy", "dfs", "--quiet"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("4060 unique states, 4060 explored"), "{text}");
    let (code, text) = paxos(&["check", "--protocol", "multi", "--strategy", "dfs", "--depth", "9"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("--depth cuts a depth-first search short"), "{text}");
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
