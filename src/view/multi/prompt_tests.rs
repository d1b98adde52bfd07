//! Prompts and teachers' captions in the Multi-Paxos mode (issue 10: "everything the
//! single-decree page has works in this mode too").

use super::*;
use crate::view::lesson::prompt_markup;
use crate::view::multi::link::{decode_multi, encode_multi, from_fragment};
use crate::view::multi::{default_scenario, multi_scenario, multi_scenarios, MultiAction, MultiScenario};

/// Each prompt's stated answer is what its run shows at the step named: read off the model
/// after seeking there (the leader, a client's answer, what the new leader proposed).
#[test]
fn every_prompt_answer_is_what_the_run_does() {
    let all = multi_scenarios();
    let at: Vec<(&str, usize)> = all.iter().flat_map(|l| l.prompts.iter().map(move |p| (l.slug, p.caption))).collect();
    assert_eq!(
        at,
        [
            ("multi-log-to-store", 5),
            ("multi-leader-crash", 2),
            ("multi-partitioned-leader", 4),
            ("multi-leases", 9),
            ("multi-dueling-leaders", 2)
        ]
    );
    for lesson in &all {
        check_prompts(lesson).unwrap_or_else(|e| panic!("{e}"));
    }
    // What each one reads, at the question and at the answer.
    let read = |slug: &str, observe: Observe, step: u64| {
        let mut h = multi_scenario(slug).unwrap().scenario.history();
        h.extend(step);
        h.seek(step);
        observe.read(&h)
    };
    let r3_slot_7 = Observe::Proposed { node: NodeId(3), slot: 7 };
    assert_eq!(read("multi-leader-crash", r3_slot_7, 214), "nothing");
    assert_eq!(read("multi-leader-crash", r3_slot_7, 233), "write z=6");
    assert_eq!(read("multi-leader-crash", Observe::Proposed { node: NodeId(4), slot: 7 }, 190), "write z=6");
    assert_eq!(read("multi-partitioned-leader", Observe::Leaders, 401), "r3 and r4");
    assert_eq!(read("multi-partitioned-leader", Observe::Leaders, 408), "r3");
    assert_eq!(read("multi-leases", Observe::Told(NodeId(7)), 381), "no answer yet");
    assert_eq!(read("multi-leases", Observe::Told(NodeId(7)), 409), "x=1");
    assert_eq!(read("multi-log-to-store", Observe::Told(NodeId(7)), 197), "precondition failed");
    assert_eq!(read("multi-dueling-leaders", Observe::Leaders, 13), "no replica");
}

#[test]
fn a_wrong_answer_fails_the_check() {
    let broken = |slug: &str, change: fn(&mut MultiPrompt)| {
        let mut lesson = multi_scenario(slug).unwrap();
        change(&mut lesson.prompts[0]);
        check_prompts(&lesson).unwrap_err()
    };
    let e = broken("multi-leader-crash", |p| p.answer = 1);
    assert!(e.contains("shows \"write z=6\" at step 233; the choices naming it: [0]"), "{e}");
    let e = broken("multi-dueling-leaders", |p| p.observe = Observe::Told(NodeId(5)));
    assert!(e.contains("the run already shows \"no answer yet\""), "{e}");
    // Asked once the answer is on screen: nothing left to predict.
    let e = broken("multi-partitioned-leader", |p| p.shown_by = 401);
    assert!(e.contains("not after the question"), "{e}");
    let e = broken("multi-leases", |p| p.caption = 10);
    assert!(e.contains("not asked at a caption before the last"), "{e}");
    let e = broken("multi-log-to-store", |p| p.choices = &["precondition failed"]);
    assert!(e.contains("2 to 4 choices"), "{e}");
    // The other slot's command is not r4's re-proposed one.
    let e = broken("multi-leader-crash", |p| p.observe = Observe::Proposed { node: NodeId(3), slot: 8 });
    assert!(e.contains("shows \"write x=7\""), "{e}");
}

#[test]
fn a_prompt_asks_at_its_caption_then_says_whether_the_pick_was_right_and_why() {
    let lesson = multi_scenario("multi-leader-crash").unwrap();
    assert_eq!(prompt_at(&lesson, 213, None), None, "caption 1 asks nothing");
    let asked = prompt_at(&lesson, 214, None).unwrap();
    assert_eq!((asked.question, asked.picked, asked.reveal.clone()), (lesson.prompts[0].question, None, None));
    let right = prompt_at(&lesson, 214, Some((2, Some(0)))).unwrap().reveal.unwrap();
    assert_eq!(right.0, Some(true));
    assert!(right.1.starts_with("Right: write z=6 again, r4's command. r3's promises report"), "{}", right.1);
    let wrong = prompt_at(&lesson, 214, Some((2, Some(1)))).unwrap();
    assert_eq!((wrong.picked, wrong.reveal.as_ref().map(|r| r.0)), (Some(1), Some(Some(false))));
    assert!(wrong.reveal.unwrap().1.starts_with("Not quite: the answer is write z=6 again"));
    // An answer given at another caption is not this one's; going on without one reveals it.
    assert_eq!(prompt_at(&lesson, 214, Some((1, Some(0)))).unwrap().reveal, None);
    let on = prompt_at(&lesson, 220, None).unwrap().reveal.unwrap();
    assert_eq!(on.0, None);
    assert!(on.1.starts_with("The answer: write z=6 again"), "{}", on.1);
    assert_eq!(prompt_at(&lesson, 233, None), None, "the next caption tells, and asks nothing");
    let markup = prompt_markup(&prompt_at(&lesson, 214, Some((2, Some(2)))).unwrap());
    assert!(markup.contains("Predict: r4 had write z=6 accepted in slot 7"), "{markup}");
    assert!(markup.contains("data-edit=\"2\" aria-pressed=\"true\" disabled>The next client&#39;s new command"));
    assert!(markup.contains("data-state=\"wrong\""), "{markup}");
}

/// Play in a lesson pauses at the prompt's caption, and the status line says a question waits.
#[test]
fn play_pauses_at_a_question_and_says_so() {
    let lesson = multi_scenario("multi-dueling-leaders").unwrap();
    let mut p = MultiPlayground::new(lesson.scenario.clone());
    let mut stops = Vec::new();
    for _ in 0..2 {
        p.reduce(MultiAction::Play);
        for _ in 0..10_000 {
            if !p.playing {
                break;
            }
            p.reduce(MultiAction::Frame(50.0));
        }
        stops.push((p.history.cursor(), p.frame().status.unwrap_or_default()));
    }
    assert_eq!(stops[0].0, 10);
    assert!(stops[0].1.starts_with("Paused at caption 2 of 4"), "{stops:?}");
    assert_eq!(stops[1].0, 13);
    assert_eq!(stops[1].1, "Paused at caption 3 of 4, a question: pick an answer, then press Play (or Step) to go on.");
}

/// Once the person has picked an answer, the status line no longer asks for one: it says what
/// single-decree's says at any caption (`view::status`), read it and go on. An answer to
/// another caption's question changes nothing.
#[test]
fn an_answered_question_is_not_asked_again_by_the_status_line() {
    let lesson = multi_scenario("multi-dueling-leaders").unwrap();
    let mut p = MultiPlayground::new(lesson.scenario.clone());
    p.reduce(MultiAction::Seek(12));
    p.reduce(MultiAction::Play);
    while p.playing {
        p.reduce(MultiAction::Frame(50.0));
    }
    assert_eq!(p.history.cursor(), 13);
    let asked = "Paused at caption 3 of 4, a question: pick an answer, then press Play (or Step) to go on.";
    assert_eq!(p.frame().status.as_deref(), Some(asked));
    p.answered(1);
    assert_eq!(p.frame().status.as_deref(), Some(asked), "another caption's answer");
    p.answered(2);
    let line = p.frame().status.unwrap();
    assert_eq!(line, "Paused at caption 3 of 4: read it, then press Play (or Step) to go on.");
    // Single-decree's status line at a caption (view::status) says the same, with its own buttons.
    let single = crate::scenario::lessons::by_slug("competing-proposers").unwrap();
    let mut s = crate::view::state::Playground::new(single.scenario.clone());
    s.stopped = Some(crate::view::status::Stopped::Caption(6));
    let theirs = crate::view::status::status_line(&s).unwrap();
    assert_eq!(theirs, "Paused at caption 7 of 10: read it, then press Next (or Play) to go on.");
    // Going on clears it; the run's own stops are unaffected.
    p.reduce(MultiAction::Play);
    assert_eq!(p.frame().status, None);
}

#[test]
fn captions_are_added_replaced_and_removed_in_step_order() {
    let mut p = MultiPlayground::new(default_scenario());
    assert_eq!(p.frame().status, None);
    p.edit_caption(30, "  thirty <b>bold</b>\u{202E} ").unwrap();
    p.edit_caption(5, "five").unwrap();
    p.edit_caption(12, "twelve").unwrap();
    let all: Vec<(u64, &str)> = p.scenario.captions.iter().map(|c| (c.step, c.text.as_str())).collect();
    assert_eq!(all, [(5, "five"), (12, "twelve"), (30, "thirty <b>bold</b>")]);
    assert_eq!(caption_at(&p.scenario.captions, 4), None);
    assert_eq!(caption_at(&p.scenario.captions, 29), Some((1, "twelve")));
    assert_eq!(caption_text_at(&p.scenario.captions, 30), "thirty <b>bold</b>");
    assert_eq!(caption_text_at(&p.scenario.captions, 31), "");
    p.edit_caption(12, "twelve, again").unwrap();
    p.edit_caption(5, "   ").unwrap();
    p.edit_caption(7, "").unwrap();
    let steps: Vec<u64> = p.scenario.captions.iter().map(|c| c.step).collect();
    assert_eq!(steps, [12, 30]);
    assert_eq!(p.scenario.validate(), Ok(()));
    // Play pauses at the teacher's captions as at a lesson's.
    p.reduce(MultiAction::Play);
    for _ in 0..1_000 {
        p.reduce(MultiAction::Frame(50.0));
    }
    assert_eq!(p.history.cursor(), 12);
    assert_eq!(
        p.frame().status.as_deref(),
        Some("Paused at caption 1 of 2: read it, then press Play (or Step) to go on.")
    );
}

#[test]
fn caption_edits_keep_single_decrees_limits() {
    let mut p = MultiPlayground::new(default_scenario());
    let long = "x".repeat(MAX_TEXT + 1);
    let e = p.edit_caption(2, &long).unwrap_err();
    assert_eq!(e, "A caption can be at most 2000 bytes long; this one is 2001.");
    p.edit_caption(2, &long[1..]).unwrap();
    assert!(p.edit_caption(MAX_STEPS + 1, "late").is_err());
    p.scenario.captions = (0..MAX_CAPTIONS as u64).map(|step| Caption { step, text: "c".into() }).collect();
    assert!(p.edit_caption(500, "one more").unwrap_err().contains("at most 200 captions"));
    p.edit_caption(7, "replaced").unwrap();
    assert_eq!(caption_text_at(&p.scenario.captions, 7), "replaced");
    assert_eq!(p.scenario.validate(), Ok(()));
}

/// Editing a lesson's captions makes its run the teacher's: its prompts stay with the lesson.
#[test]
fn an_edited_lesson_is_the_teachers_scenario() {
    let lesson = multi_scenario("multi-dueling-leaders").unwrap();
    assert!(asks_at(&lesson.scenario, 2));
    let mut p = MultiPlayground::new(lesson.scenario.clone());
    p.edit_caption(20, "Watch r4's promises.").unwrap();
    assert_eq!(p.scenario.captions.len(), lesson.captions.len() + 1);
    assert!(!asks_at(&p.scenario, 2));
    assert_eq!(crate::view::multi::embed::lesson_of_run(&p.scenario), None);
}

/// The share link and the scenario file carry a teacher's captions (link format 3), and the
/// caption shows at the link's step in the page that opens it.
#[test]
fn captions_travel_in_links_and_files() {
    let mut p = MultiPlayground::new(default_scenario());
    p.reduce(MultiAction::Seek(40));
    p.edit_caption(40, "Look: <i>r4</i> leads & \"pipelines\".").unwrap();
    let shared = MultiScenario { schedule: p.history.person.clone(), ..p.scenario.clone() };
    let payload = encode_multi(&shared);
    assert_eq!(crate::scenario::link::from_base64url(&payload).unwrap()[0], 3);
    let back = decode_multi(&payload).unwrap();
    assert_eq!(back, shared);
    let opened = from_fragment(&format!("mode=multi&m={payload}&at=40")).unwrap().unwrap();
    assert_eq!(caption_at(&opened.captions, 40), Some((0, "Look: <i>r4</i> leads & \"pipelines\".")));
    let json = crate::view::multi::files::scenario_json(&p);
    let file: MultiScenario = serde_json::from_str(&json).unwrap();
    assert_eq!(file.captions, p.scenario.captions);
    // A file written before captions (no field) reads as a run without any.
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value.as_object_mut().unwrap().remove("captions");
    let old: MultiScenario = serde_json::from_value(value).unwrap();
    assert_eq!((old.captions.len(), old.validate()), (0, Ok(())));
}

/// Links of format 2, recorded before captions existed (at main 19897e0): each opens the very
/// run it opened, and the one of a lesson's run opens as that lesson, its captions included.
#[test]
fn links_of_format_2_open_as_before() {
    const HANDS: &str =
        "Anjakw_JSFXISU1MSS1SSC5KLM5ILVbIzUzRLcgsSM3JzEtlZWZhYGBgZmACUiw8Eho8TBoajEz7GBkYWdYwMTAyMTIAAGMUDfA";
    const LESSON: &str =
        "AnjaE3Qrys9VyMlPVyjJVyguyS9KZWVmYWBgYGZgAlIsPBIaPEwaGowsGoysjAyMKYxsTAyMTAsYGdmBNPMdRkZWoFoGALjGCVI";
    let hash = |s: &MultiScenario| {
        let mut h = s.history();
        h.extend(1_500);
        h.trace_hash()
    };
    let hands = decode_multi(HANDS).unwrap();
    assert_eq!(hash(&hands), 0x116d_fee3_9b75_cc95, "the leader-crash run with r2 crashed by hand at 300");
    assert!(hands.captions.is_empty(), "not the lesson's run any more: no captions, as before");
    let lesson = multi_scenario("multi-log-to-store").unwrap();
    let opened = decode_multi(LESSON).unwrap();
    assert_eq!(hash(&opened), 0x7898_6e5a_c86f_4cdb);
    assert_eq!(opened, lesson.scenario, "the lesson, its captions included");
    assert_eq!(crate::view::multi::embed::lesson_of_run(&opened).map(|l| l.slug), Some(lesson.slug));
}

/// A link's captions are checked like the rest of it: none of these opens, and each says why.
#[test]
fn malformed_captions_in_a_link_are_refused() {
    let with = |captions: Vec<Caption>| encode_multi(&MultiScenario { captions, ..default_scenario() });
    let c = |step, text: &str| Caption { step, text: text.into() };
    let cases = [
        (vec![c(9, "b"), c(3, "a")], "not in step order"),
        (vec![c(3, "a"), c(3, "b")], "one per step"),
        (vec![c(3, "a\u{1b}[31m")], "control characters"),
        (vec![c(3, "   ")], "empty"),
        (vec![c(3, &"x".repeat(MAX_TEXT + 1))], "longer than 2000 bytes"),
        (vec![c(MAX_STEPS + 1, "late")], "beyond the last step"),
        ((0..=MAX_CAPTIONS as u64).map(|s| c(s, "c")).collect(), "at most 200"),
    ];
    for (captions, why) in cases {
        let e = decode_multi(&with(captions)).unwrap_err();
        assert!(e.contains(why), "{why}: {e}");
    }
    // A format-3 payload cut short (its captions missing) is damaged, not a format-2 run.
    let full = crate::scenario::link::from_base64url(&with(vec![c(3, "a")])).unwrap();
    let body = crate::scenario::zlib::inflate(&full[1..], 1 << 20).unwrap();
    let mut cut = vec![3u8];
    cut.extend(crate::scenario::zlib::deflate(&body[..body.len() - 3]));
    assert!(decode_multi(&crate::scenario::link::base64url(&cut)).is_err());
}
