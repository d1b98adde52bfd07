use super::*;
use crate::protocol::{Ballot, NodeId, Value};
use crate::scenario::lessons::by_slug;
use crate::view::state::default_scenario;
use crate::view::{Playground, UiAction};

const A: Value = Value(0);

fn lesson_at(slug: &str, step: u64) -> Playground {
    let mut p = Playground::new(by_slug(slug).unwrap().scenario);
    p.reduce(UiAction::Seek(step));
    p
}

/// The step of a lesson's caption whose text starts with `start`.
fn caption_step(slug: &str, start: &str) -> u64 {
    let lesson = by_slug(slug).unwrap();
    lesson.scenario.captions.iter().find(|c| c.text.starts_with(start)).unwrap().step
}

fn views(p: &Playground, caption: &str) -> Vec<NodeView> {
    marked_views(p.history.world(), p.history.past(), caption)
}

fn quorum(p: &Playground) -> Vec<(NodeId, Value)> {
    let marks = chosen_by(p.history.past(), p.history.world().system.nodes.len());
    marks.into_iter().enumerate().filter_map(|(i, v)| Some((NodeId(i as u8), v?))).collect()
}

/// Competing proposers: two of n0's three Accepts are dropped, so n2 alone accepts (1.0, "A");
/// then n1's ballot 1.1 adopts "A" and is chosen by the acceptors that answered it first. The
/// quorum is exactly the acceptors that accepted (1.1, "A") by the Chosen event: a phase-2
/// majority, each holding that proposal at the moment it was chosen.
#[test]
fn the_chosen_quorum_is_the_acceptors_whose_accepts_chose_the_value() {
    let chosen = caption_step("competing-proposers", "\"A\" is chosen at ballot 1.1");
    let before = lesson_at("competing-proposers", chosen - 1);
    assert_eq!(quorum(&before), [], "nothing is chosen a step before");
    assert!(views(&before, "").iter().all(|v| v.quorum.is_none()));
    let p = lesson_at("competing-proposers", chosen);
    assert_eq!(quorum(&p), [(NodeId(2), A), (NodeId(3), A)], "a majority of three");
    let world = p.history.world();
    let ballot = Ballot::new(1, NodeId(1));
    for (a, _) in quorum(&p) {
        let accepted = world.slot(a).node.acceptor.as_ref().unwrap().durable.accepted;
        assert_eq!(accepted, Some(Proposal { ballot, value: A }), "{a}");
    }
    let v = views(&p, "");
    let marked: Vec<_> = v.iter().filter_map(|v| Some((v.id, v.quorum?))).collect();
    assert_eq!(marked, quorum(&p));
    assert!(v[2].label.ends_with("in the quorum that chose \"A\""), "{}", v[2].label);
    // The mark stays after the choice, though n4 accepts (1.1, "A") too by then.
    let later = lesson_at("competing-proposers", chosen + 6);
    assert_eq!(quorum(&later), quorum(&p));
}

/// With agreement broken (forgetful acceptor) two quorums chose two values: both show.
#[test]
fn a_broken_run_shows_each_quorum_that_chose() {
    let p = lesson_at("forgetful-acceptor", 40);
    let q = quorum(&p);
    assert!(q.len() >= 3, "{q:?}");
    let first = q[0].1;
    assert!(q.iter().any(|&(_, v)| v != first), "{q:?}");
}

/// n1 proposes "A", not its own "B": the badge appears at the step it starts phase 2 (the
/// caption that explains the rule) and is not on n0, which proposed its own value.
#[test]
fn adoption_is_marked_on_the_proposer_from_the_step_it_happens() {
    let step = caption_step("competing-proposers", "n1 has a majority of promises");
    let p = lesson_at("competing-proposers", step);
    let v = views(&p, "");
    assert_eq!((v[0].adopted, v[1].adopted), (None, Some(A)));
    assert!(v[1].label.contains("adopted \"A\" (a value from a promise, not its own)"), "{}", v[1].label);
    let before = lesson_at("competing-proposers", step - 1);
    assert_eq!(adopted(before.history.world(), before.history.past())[1], None);
    // The default run: both proposers use their own values (no adoption there).
    let mut d = Playground::new(default_scenario());
    d.reduce(UiAction::Seek(200));
    assert!(adopted(d.history.world(), d.history.past()).iter().all(Option::is_none));
}

#[test]
fn a_caption_names_nodes_and_message_kinds() {
    let n = named("n1 has a majority of promises; n0 sends Accept(1.0, \"A\") to n2, n12 and n3's peers.", 6);
    assert_eq!(n.nodes, [NodeId(1), NodeId(0), NodeId(2), NodeId(3)]);
    assert_eq!(n.kinds, [MsgKind::Accept], "the verb 'promises' is not a Promise message");
    let n = named("Prepares go out; the Accepted replies and a Nack. No Decided yet, no nodes (sn3, n, nx1).", 6);
    assert_eq!(n.kinds, [MsgKind::Prepare, MsgKind::Accepted, MsgKind::Nack, MsgKind::Decided]);
    assert_eq!(n.nodes, []);
    let p = lesson_at("competing-proposers", 3);
    let v = views(&p, "n2 promises 1.1");
    assert!(v[2].named && v.iter().filter(|v| v.named).count() == 1);
    assert!(v[2].label.ends_with("named in the caption"));
}

#[test]
fn a_timer_arc_empties_from_armed_to_due() {
    let t = TimerArc { node: NodeId(0), armed: 10, due: 30 };
    assert_eq!(t.left(10.0), 1.0);
    assert_eq!(t.left(20.0), 0.5);
    assert_eq!(t.left(25.0), 0.25);
    assert_eq!(t.left(30.0), 0.0);
    assert_eq!(t.left(45.0), 0.0);
    assert_eq!(t.left(2.0), 1.0);
    assert_eq!(TimerArc { node: NodeId(0), armed: 5, due: 5 }.left(5.0), 0.0);
}

/// The armed time derived from the trace matches the simulator's states: walking the dueling
/// lesson step by step, a proposer arms its timer exactly when it enters a new phase that waits
/// (preparing or accepting a new ballot, or backing off), so the timer derived at each step was
/// armed at the time of the proposer's latest such change; and its wait contains the present.
/// (A changed deadline is no oracle: a re-armed timer can draw the same deadline.) The default
/// run, and one where its proposers collide, add Nacks and backoff.
#[test]
fn timers_are_armed_where_the_simulator_set_them() {
    let mut competing = default_scenario();
    competing.schedule[1].at = crate::sim::At::Tick(1); // closer: the two collide, Nack and back off
    let (mut checked, mut backoffs) = (0, 0);
    for scenario in [by_slug("dueling-backoff").unwrap().scenario, default_scenario(), competing] {
        let (c, b) = check_timers(Playground::new(scenario));
        checked += c;
        backoffs += b;
    }
    assert!(checked > 50 && backoffs > 0, "only {checked} timers and {backoffs} backoffs seen");
}

fn check_timers(mut p: Playground) -> (usize, usize) {
    let proposers = p.history.world().system.cluster.proposers.clone();
    let waiting = |phase: &Phase| match *phase {
        Phase::Preparing { ballot, .. } => Some((1, ballot)),
        Phase::Accepting { ballot, .. } => Some((2, ballot)),
        Phase::Backoff => Some((3, Ballot::ZERO)),
        _ => None,
    };
    let mut phase_before = vec![None; 16];
    let mut armed_at = vec![None; 16];
    let (mut checked, mut backoffs) = (0, 0);
    while p.history.cursor() < 400 {
        let at = p.history.cursor();
        p.reduce(UiAction::StepForward);
        if p.history.cursor() == at {
            break; // the run is over
        }
        let world = p.history.world();
        for &n in &proposers {
            let phase = world.slot(n).node.proposer.as_ref().map(|pr| pr.phase);
            let wait = phase.as_ref().and_then(waiting);
            if wait.is_some() && wait != phase_before[n.index()] {
                armed_at[n.index()] = Some(world.now);
                backoffs += usize::from(phase == Some(Phase::Backoff));
            }
            phase_before[n.index()] = wait;
        }
        let arcs = timers(world, p.history.past());
        let with: Vec<_> = proposers.iter().filter(|n| world.timer_due(**n).is_some()).copied().collect();
        assert_eq!(arcs.iter().map(|a| a.node).collect::<Vec<_>>(), with);
        for a in arcs {
            assert_eq!(Some(a.armed), armed_at[a.node.index()], "{} at step {}", a.node, p.history.cursor());
            assert!(a.armed <= world.now && world.now <= a.due);
            checked += 1;
        }
    }
    (checked, backoffs)
}
