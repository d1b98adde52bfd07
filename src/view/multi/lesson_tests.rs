//! Lessons 8 (leases) and 10 (the model checker's lost write): their asserted outcomes, and
//! lesson 10's scenario checked against the model checker's real output.

use super::checked::to_scenario;
use super::*;
use crate::check::explore::{multi, Bounds, Ending, Explorer, Limits, Move};
use crate::lincheck::Verdict;
use crate::protocol::multi::{Key, KvReply, Msg, MultiBroken, Note, Role, Val};
use crate::sim::multi::MultiEvent;
use crate::sim::Invariant;

type History = crate::sim::multi::MultiHistory;

fn lease_reads_by(h: &History, node: NodeId, upto: u64) -> Vec<u64> {
    h.trace
        .iter()
        .filter(|e| e.step < upto && e.kind == MultiEvent::Note { node, note: Note::LeaseRead { key: Key(0) } })
        .map(|e| e.step)
        .collect()
}

/// Lesson 8: two reads answered by r4 under its lease without a slot; the broken variant lets
/// r3 lead while r4's lease runs, and c2's read at r4 is stale: red at step 409, not before.
pub(super) fn leases(lesson: &MultiLesson, h: &mut History) {
    assert_eq!(h.failure.as_ref().map(|f| f.0), Some(409), "the history turns red at step 409");
    h.seek(408);
    assert_eq!(h.verdict(), Verdict::Linearizable);
    h.seek(409);
    assert_eq!(h.verdict(), Verdict::NotLinearizable);
    assert_eq!(lease_reads_by(h, NodeId(4), 409), vec![120, 149, 396], "three reads at r4 under its lease");
    // Before the partition the reads took no slot: only the write's slot 0 was chosen.
    h.seek(170);
    let r4 = h.world().system.nodes[4].node.replica().expect("r4");
    assert!(matches!(r4.role, Role::Leader(_)), "r4 leads");
    assert_eq!(r4.applied.0, 1, "one slot applied: the write; the two reads went around the log");
    let completes: Vec<(u64, NodeId, KvReply)> = h
        .trace
        .iter()
        .filter(|e| e.step < 409)
        .filter_map(|e| match e.kind {
            MultiEvent::Complete { client, reply, .. } => Some((e.step, client, reply)),
            _ => None,
        })
        .collect();
    let v = |value, version| KvReply::Value { value: Val(value), version };
    assert_eq!(
        completes,
        vec![
            (95, NodeId(5), KvReply::Written { version: 1 }),
            (125, NodeId(6), v(1, 1)),
            (159, NodeId(7), v(1, 1)),
            (365, NodeId(5), KvReply::Written { version: 2 }),
            (408, NodeId(7), v(1, 1)),
        ],
        "x=2 acknowledged at 365, then c2 reads x=1"
    );
    let leaders: Vec<(u64, NodeId)> = h
        .trace
        .iter()
        .filter(|e| e.step < 409)
        .filter_map(|e| match e.kind {
            MultiEvent::Leader { node, .. } => Some((e.step, node)),
            _ => None,
        })
        .collect();
    assert_eq!(leaders, vec![(14, NodeId(4)), (230, NodeId(3))], "r3 leads while r4's lease runs");
    // The correct protocol on the same run: nobody promises r3 before r4's lease ran out, and
    // the history stays green.
    let mut correct = lesson.scenario.clone();
    correct.config.variant = MultiVariantChoice::Correct;
    let mut c = correct.history();
    c.extend(900);
    assert!(c.failure.is_none() && c.violations.is_empty());
    let held = c.trace.iter().any(|e| matches!(e.kind, MultiEvent::Note { note: Note::LeaseHeld { .. }, .. }));
    assert!(held, "followers hold their promise while the lease runs");
    let second = c.trace.iter().find_map(|e| match e.kind {
        MultiEvent::Leader { node, .. } if node != NodeId(4) => Some(e.time),
        _ => None,
    });
    assert!(second.is_none_or(|t| t > 79 + 200 - 2), "no new leader before r4's lease ran out: {second:?}");
}

/// The search lesson 10 replays: the broken variant, 2 clients with 2 operations each, a
/// second ballot round and two timer firings (`tests/native/check_multi.rs` pins its 16 steps).
fn space() -> crate::check::explore::Space<crate::protocol::multi::Multi> {
    let bounds = Bounds {
        max_round: 2,
        drops: 0,
        duplicates: 0,
        crashes: 0,
        timeouts: 2,
        retries: None,
        heartbeats: None,
        ticks: 0,
        forget_dead: false,
        symmetry: false,
        depth: None,
    };
    let broken = MultiBroken { keep_only_chosen: true, ..MultiBroken::default() };
    multi::space(broken, 2, 2, bounds, true).expect("a valid space")
}

#[test]
fn lesson_10_is_the_model_checkers_counterexample_converted() {
    let space = space();
    let mut e = Explorer::new(space.clone(), Limits::default());
    assert_eq!(e.run(|_| true), Ending::Violation);
    let trail = e.violation.expect("a counterexample");
    assert_eq!(trail.steps.len(), 16);
    let (scenario, ends) = to_scenario(&space, &trail.steps, "The model checker finds a lost write (broken)")
        .expect("the checker's run converts");
    let lesson = multi_scenario("multi-model-checker").expect("lesson 10");
    let run = MultiScenario { captions: Vec::new(), ..lesson.scenario.clone() };
    assert_eq!(scenario, run, "the lesson's stored scenario is the checker's output, with captions");
    assert_eq!(ends.last(), Some(&lesson.moment_by));
    // One caption per point the lesson explains, each at the end of a checker step.
    assert!(lesson.captions.iter().skip(1).all(|(at, _)| ends.contains(at)), "{ends:?}");
    // The conversion refuses what it cannot replay: a message delivered twice.
    let mut bad = trail.steps.clone();
    bad.insert(2, trail.steps[1].clone());
    let err = to_scenario(&space, &bad, "x").expect_err("not in flight any more");
    assert!(err.starts_with("no message n0 -> n1 Prepare 1.0"), "{err}");
    assert!(to_scenario(&space, &[Move::Tick], "x").is_err(), "the clock's tick has no page action");
}

/// Lesson 10: the scripted run is exactly the 16 steps; nothing breaks before the last, which
/// puts write x=2 in the slot where write x=1 was chosen.
pub(super) fn model_checker(lesson: &MultiLesson, h: &mut History) {
    assert_eq!(h.extend(1_000), 0, "the run ends with the script");
    assert_eq!(h.frontier(), lesson.moment_by);
    assert_eq!(h.violations, vec![(lesson.moment_by - 1, Invariant::SlotStable)], "red at the last step only");
    let detail = h.trace.iter().find_map(|e| match &e.kind {
        MultiEvent::Violation { detail, .. } => Some(detail.clone()),
        _ => None,
    });
    assert_eq!(detail.as_deref(), Some("slot 0 accepted write x=2 at 2.1 although write x=1 was chosen there at 1.0"));
    let chosen = h.trace.iter().find_map(|e| match &e.kind {
        MultiEvent::Chosen { slot, .. } => Some((e.step, slot.0)),
        _ => None,
    });
    assert_eq!(chosen, Some((18, 0)), "x=1 chosen in slot 0 at step 11 (page step 18)");
    // c1 sent its first request to r0, and it was never delivered.
    h.seek(15);
    let to_r0 = h
        .world()
        .in_flight()
        .iter()
        .any(|m| (m.from, m.to) == (NodeId(4), NodeId(0)) && matches!(m.msg, Msg::Request { .. }));
    assert!(to_r0, "c1's request to r0 is in flight");
    // The page plays it step by step: each action PACE ticks after the step before.
    h.seek(lesson.moment_by);
    assert_eq!(h.time(), 16 * u64::from(super::checked::PACE));
    // The correct protocol on the same steps: the last one puts x=2 elsewhere, nothing breaks.
    let mut correct = lesson.scenario.clone();
    correct.config.variant = MultiVariantChoice::Correct;
    let mut c = correct.history();
    c.extend(1_000);
    assert!(c.violations.is_empty() && c.failure.is_none());
    // And the playground pauses on the red step when played (Play pressed again at each
    // caption, where it pauses too).
    let mut p = MultiPlayground::new(lesson.scenario.clone());
    let mut frames = 0;
    while p.history.cursor() < lesson.moment_by && frames < 10_000 {
        p.reduce(MultiAction::Play);
        while p.playing && frames < 10_000 {
            p.reduce(MultiAction::Frame(16.0));
            frames += 1;
        }
        if p.stopped.is_none() {
            break; // paused by the red step, not at a caption
        }
    }
    assert_eq!(p.history.cursor(), lesson.moment_by);
    assert!(p.notice.as_deref().is_some_and(|n| n.contains("a safety property broke")), "{:?}", p.notice);
    assert!(frames > 60, "played over time, not at once: {frames} frames");
}
