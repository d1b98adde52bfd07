//! The embedded Multi-Paxos mode's options, commands and events (`view::multi::embed`).

use super::*;
use crate::view::embed::Controls;
use crate::view::multi::link::multi_fragment;
use crate::view::multi::{default_scenario, encode_multi, multi_scenario};
use serde_json::{json, Value};

fn options(pairs: &[(&str, &str)]) -> Options {
    let o = Options::from_pairs(pairs.iter().copied());
    assert!(o.warnings.is_empty(), "{:?}", o.warnings);
    o
}

#[test]
fn the_query_names_the_run_and_its_moment_else_the_fragment_does() {
    let lesson = options(&[("embed", ""), ("mode", "multi"), ("lesson", "multi-leader-crash"), ("t", "40")]);
    assert_eq!(opening_fragment(&lesson, "#ignored"), "mode=multi&lesson=multi-leader-crash&at=40");
    let payload = encode_multi(&default_scenario());
    let shared = options(&[("embed", ""), ("mode", "multi"), ("scenario", &payload)]);
    assert_eq!(opening_fragment(&shared, ""), format!("mode=multi&m={payload}"));
    // The address's own fragment, its moment replaced by t=.
    let plain = options(&[("embed", "")]);
    assert_eq!(opening_fragment(&plain, "#mode=multi&lesson=x&at=3"), "mode=multi&lesson=x&at=3");
    assert_eq!(opening_fragment(&plain, ""), "mode=multi");
    let t = options(&[("t", "9")]);
    assert_eq!(opening_fragment(&t, "mode=multi&at=3"), "mode=multi&at=9");
    assert_eq!(moment("mode=multi&at=9"), Some(9));
    assert_eq!(moment("mode=multi&at=x"), None);
}

/// (query, reduced motion) -> (lesson's title?, step, playing, speed).
#[test]
fn the_embedded_run_opens_where_and_how_the_options_say() {
    let open = |pairs: &[(&str, &str)], reduced: bool| {
        let o = options(pairs);
        let p = initial_playground(&opening_fragment(&o, ""), &o, reduced);
        (p.scenario.title.clone(), p.history.cursor(), p.playing, p.speed, p.error.is_some())
    };
    let lesson = multi_scenario("multi-leader-crash").unwrap().scenario.title;
    let default = default_scenario().title;
    // A lesson waits for the person; autoplay=1 plays it; the default run plays.
    assert_eq!(open(&[("lesson", "multi-leader-crash")], false), (lesson.clone(), 0, false, 1.0, false));
    assert_eq!(
        open(&[("lesson", "multi-leader-crash"), ("autoplay", "1")], false),
        (lesson.clone(), 0, true, 1.0, false)
    );
    assert_eq!(open(&[], false), (default.clone(), 0, true, 1.0, false));
    // A start step is a shared moment: it waits unless told to play; never with reduced motion.
    assert_eq!(open(&[("t", "30"), ("speed", "2")], false), (default.clone(), 30, false, 2.0, false));
    assert_eq!(open(&[("autoplay", "1")], true), (default.clone(), 0, false, 1.0, false));
    // A lesson that does not exist: the default run, and why.
    assert_eq!(open(&[("lesson", "happy-path")], false), (default, 0, false, 1.0, true));
}

/// An embed draws the compact stage (a 720 x 480 frame draws it at about its own size), and
/// keeps it when the host loads another run; the full page, the wide one.
#[test]
fn an_embed_draws_the_compact_stage() {
    use crate::view::multi::shape::{COMPACT, WIDE};
    let o = options(&[("embed", ""), ("lesson", "multi-leader-crash")]);
    let mut p = initial_playground(&opening_fragment(&o, ""), &o, false);
    assert_eq!(p.frame().shape, COMPACT.fitted(5, 3));
    p.reduce(MultiAction::Load(Box::new(multi_scenario("multi-model-checker").unwrap().scenario)));
    assert_eq!(p.frame().shape, COMPACT.fitted(3, 2), "the loaded run's cluster, still compact");
    let page = options(&[("lesson", "multi-leader-crash")]);
    assert_eq!(initial_playground(&opening_fragment(&page, ""), &page, false).frame().shape, WIDE);
}

#[test]
fn the_snippet_opens_a_lesson_or_the_run_on_screen_at_its_step() {
    assert_eq!(
        iframe_src(Some("multi-steady-state"), &default_scenario(), 0, "minimal", true),
        "?embed&lesson=multi-steady-state&controls=minimal&autoplay=1#mode=multi"
    );
    let src = iframe_src(None, &default_scenario(), 12, "none", false);
    let (query, fragment) = src.split_once('#').unwrap();
    assert_eq!(fragment, "mode=multi");
    let query: Vec<(&str, &str)> =
        query.trim_start_matches('?').split('&').map(|p| p.split_once('=').unwrap_or((p, ""))).collect();
    let o = Options::from_pairs(query);
    assert!(o.embed && o.controls == Controls::None && o.autoplay == Some(false));
    let p = initial_playground(&opening_fragment(&o, fragment), &o, false);
    assert_eq!((p.scenario, p.history.cursor()), (default_scenario(), 12));
}

#[test]
fn a_lessons_run_is_known_by_its_scenario_however_it_was_opened() {
    let lesson = multi_scenario("multi-leader-crash").unwrap();
    assert_eq!(lesson_of_run(&lesson.scenario).map(|l| l.slug), Some("multi-leader-crash"));
    assert_eq!(lesson_of_run(&default_scenario()), None);
    let mut other = lesson.scenario;
    other.seed += 1;
    assert_eq!(lesson_of_run(&other), None);
}

fn raw(kind: &str, step: Option<u64>, scenario: Option<&str>) -> RawCommand {
    RawCommand { kind: Some(kind.into()), step, scenario: scenario.map(|s| ScenarioArg::Text(s.into())) }
}

#[test]
fn commands_are_read_and_checked() {
    assert_eq!(read_command(raw("play", None, None)), Ok(Ok(MultiCommand::Play)));
    assert_eq!(read_command(raw("pause", None, None)), Ok(Ok(MultiCommand::Pause)));
    assert_eq!(read_command(raw("step", None, None)), Ok(Ok(MultiCommand::Step)));
    assert_eq!(read_command(raw("seek", Some(7), None)), Ok(Ok(MultiCommand::Seek(7))));
    for (bad, why) in [
        (raw("seek", None, None), "seek needs"),
        (raw("fly", None, None), "unknown command type \"fly\""),
        (raw("load", None, None), "load needs"),
        (RawCommand::default(), "no \"type\""),
    ] {
        assert!(read_command(bad.clone()).unwrap_err().contains(why), "{bad:?}");
    }
}

#[test]
fn load_takes_a_lesson_a_link_or_a_payload_and_refuses_the_rest() {
    let lesson = multi_scenario("multi-catch-up").unwrap().scenario;
    let mut shared = default_scenario();
    shared.seed = 42;
    let payload = encode_multi(&shared);
    let loads = |text: &str| match read_command(raw("load", None, Some(text))) {
        Ok(Ok(MultiCommand::Load { scenario, at })) => Ok((*scenario, at)),
        Ok(Ok(other)) => panic!("{other:?}"),
        Ok(Err(e)) => Err(e),
        Err(e) => panic!("ignored: {e}"),
    };
    assert_eq!(loads("lesson=multi-catch-up"), Ok((lesson.clone(), None)));
    assert_eq!(loads("mode=multi&lesson=multi-catch-up"), Ok((lesson, None)));
    assert_eq!(loads(&payload), Ok((shared.clone(), None)));
    assert_eq!(loads(&format!("m={payload}&at=5")), Ok((shared.clone(), Some(5))));
    let link = format!("https://example.org/paxos/#{}&at=8", multi_fragment(&shared));
    assert_eq!(loads(&link), Ok((shared, Some(8))));
    assert_eq!(loads("mode=multi"), Ok((default_scenario(), None)));
    // A single-decree lesson or link, a damaged payload: a reason to show.
    assert!(loads("lesson=happy-path").unwrap_err().contains("no Multi-Paxos lesson named \"happy-path\""));
    assert!(loads("s=AAAA").unwrap_err().contains("names no Multi-Paxos run"));
    assert!(loads("AAAA").is_err());
    let object = RawCommand { scenario: Some(ScenarioArg::Object("{}".into())), ..raw("load", None, None) };
    assert!(read_command(object).unwrap().unwrap_err().contains("not from a scenario object"));
}

/// The default run, `steps` steps in.
fn run(steps: u64) -> MultiPlayground {
    let mut p = MultiPlayground::new(default_scenario());
    p.reduce(MultiAction::Seek(steps));
    p
}

#[test]
fn passing_steps_posts_their_chosen_slots_and_answered_operations_once_each() {
    let p = run(400);
    let all = passed_events(&p, 0);
    let slots: Vec<u32> =
        all.iter().filter_map(|e| if let MultiHostEvent::Slot { slot, .. } = e { Some(*slot) } else { None }).collect();
    assert!(slots.len() >= 10, "{} slots chosen", slots.len());
    let mut distinct = slots.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), slots.len(), "a slot posted twice");
    // Each answer as the history shows it: client, operation, result, version.
    let mut answered: Vec<_> =
        p.history.world().system.monitor.history.iter().filter(|o| o.complete.is_some()).collect();
    answered.sort_by_key(|o| o.complete.map(|c| c.0));
    let ops: Vec<&MultiHostEvent> = all.iter().filter(|e| matches!(e, MultiHostEvent::Operation { .. })).collect();
    assert_eq!(ops.len(), answered.len());
    assert!(ops.len() >= 5, "{} operations", ops.len());
    for (e, o) in ops.iter().zip(&answered) {
        let MultiHostEvent::Operation { step, client, op, result, version } = e else { unreachable!() };
        let (at, _, reply) = o.complete.unwrap();
        assert_eq!((*step, op.as_str()), (at, o.op.to_string().as_str()));
        assert_eq!(*client, crate::view::multi::name(&p.history.world().system.cluster, o.client));
        match reply {
            KvReply::Written { version: v } => assert_eq!((result.as_str(), *version), ("ok", Some(v))),
            KvReply::Value { value, version: v } => {
                assert_eq!((result.clone(), *version), (value.to_string(), Some(v)))
            }
            _ => assert_eq!(*version, None),
        }
    }
    assert!(ops.iter().any(|e| matches!(e, MultiHostEvent::Operation { version: Some(v), .. } if *v >= 1)));
    // In order of step; split anywhere, the two stretches give the same events.
    assert!(all.windows(2).all(|w| step_of(&w[0]) <= step_of(&w[1])));
    let mut split = passed_events(&run(150), 0);
    split.extend(passed_events(&p, 150));
    assert_eq!(split, all);
    // Standing still or going back posts nothing.
    assert_eq!(passed_events(&p, 400), Vec::new());
    assert_eq!(passed_events(&run(100), 400), Vec::new());
}

fn step_of(e: &MultiHostEvent) -> u64 {
    match e {
        MultiHostEvent::Slot { step, .. }
        | MultiHostEvent::Operation { step, .. }
        | MultiHostEvent::Violation { step, .. }
        | MultiHostEvent::Time { step, .. } => *step,
        MultiHostEvent::Ready => 0,
    }
}

/// Lesson 7 (no at-most-once table): the history turns red at the step the safety panel
/// names, and the host hears it once, with the explanation the page shows.
#[test]
fn a_red_history_is_posted_as_a_linearizability_violation_at_its_step() {
    let lesson = multi_scenario("multi-retries-at-most-once").unwrap();
    let mut p = MultiPlayground::new(lesson.scenario);
    p.reduce(MultiAction::Seek(lesson.moment_by));
    let (red_at, _) = p.history.failure.clone().expect("the lesson's history turns red");
    let violations: Vec<MultiHostEvent> =
        passed_events(&p, 0).into_iter().filter(|e| matches!(e, MultiHostEvent::Violation { .. })).collect();
    let linear: Vec<&MultiHostEvent> =
        violations.iter().filter(|e| matches!(e, MultiHostEvent::Violation { property: "linearizable", .. })).collect();
    assert_eq!(linear.len(), 1, "{violations:?}");
    let MultiHostEvent::Violation { step, detail, .. } = linear[0] else { unreachable!() };
    assert_eq!(*step, red_at);
    assert_eq!(*detail, p.frame().history.explanation);
    assert!(detail.starts_with("Not linearizable"), "{detail}");
    let row = p.frame().safety.into_iter().find(|r| r.invariant == crate::sim::Invariant::Linearizable).unwrap();
    assert_eq!(row.broke_at, Some(red_at));
    // Posted by the stretch that reaches it, not by the one before.
    let mut before = MultiPlayground::new(multi_scenario("multi-retries-at-most-once").unwrap().scenario);
    before.reduce(MultiAction::Seek(red_at - 1));
    assert!(!passed_events(&before, 0).iter().any(|e| matches!(e, MultiHostEvent::Violation { .. })));
    assert!(passed_events(&p, red_at - 1).contains(linear[0]));
    assert!(!passed_events(&p, red_at).contains(linear[0]));
}

#[test]
fn events_as_json_carry_their_fields_sorted() {
    let cases = [
        (MultiHostEvent::Ready, json!({ "type": "ready" })),
        (MultiHostEvent::Time { step: 3, time: 20 }, json!({ "type": "time", "step": 3, "time": 20 })),
        (
            MultiHostEvent::Slot { step: 9, slot: 2, command: "write x=5".into() },
            json!({ "type": "slot", "step": 9, "slot": 2, "command": "write x=5" }),
        ),
        (
            MultiHostEvent::Operation {
                step: 40,
                client: "c1".into(),
                op: "cas y 1→2".into(),
                result: "ok".into(),
                version: Some(3),
            },
            json!({ "type": "operation", "step": 40, "client": "c1", "op": "cas y 1→2", "result": "ok", "version": 3 }),
        ),
        (
            MultiHostEvent::Operation {
                step: 41,
                client: "c0".into(),
                op: "read z".into(),
                result: "no such key".into(),
                version: None,
            },
            json!({ "type": "operation", "step": 41, "client": "c0", "op": "read z", "result": "no such key" }),
        ),
        (
            MultiHostEvent::Violation { step: 7, property: "linearizable", detail: "a \"quoted\"\nline".into() },
            json!({ "type": "violation", "step": 7, "property": "linearizable", "detail": "a \"quoted\"\nline" }),
        ),
    ];
    for (event, fields) in cases {
        for id in [None, Some("lesson <1>")] {
            let text = event.to_json(id);
            let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let mut want = fields.clone();
            want["source"] = json!("paxos-playground");
            want["mode"] = json!("multi");
            if let Some(id) = id {
                want["id"] = json!(id);
            }
            assert_eq!(v, want);
            assert_eq!(text, v.to_string(), "keys not sorted");
        }
    }
}
