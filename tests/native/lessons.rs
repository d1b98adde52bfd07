//! Every built-in lesson plays to its expected outcome: the value chosen, the violation found,
//! and the step each happens at. The expectations live with the lessons (they are shown on the
//! page); this file plays each lesson to its end and checks them, plus what a lesson needs to
//! be usable: captions that resolve, links that reopen the identical run.

use paxos_playground::scenario::lessons::{self, Expect};
use paxos_playground::scenario::link;
use paxos_playground::sim::Invariant;

#[test]
fn every_caption_cue_resolves() {
    let all = lessons::try_all().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.len(), 11);
    assert_eq!(lessons::all().len(), all.len());
}

#[test]
fn every_lesson_shows_its_expected_outcome() {
    for lesson in lessons::all() {
        let outcome = lesson.verify().unwrap_or_else(|e| panic!("{e}"));
        assert!(outcome.steps > 0, "{}", lesson.slug);
    }
}

#[test]
fn the_checks_can_fail() {
    // Negative control: the same lesson with its pinned step moved by one must not pass.
    let mut lesson = lessons::by_slug("happy-path").unwrap();
    let Expect::Chosen { step, .. } = &mut lesson.expect[0] else { panic!("happy path pins its chosen step") };
    *step += 1;
    assert!(lesson.verify().is_err());
}

#[test]
fn slugs_are_stable_unique_and_url_safe() {
    let slugs = lessons::slugs();
    assert_eq!(
        slugs,
        [
            "happy-path",
            "competing-proposers",
            "dueling-proposers",
            "dueling-backoff",
            "proposer-crash",
            "acceptor-crashes",
            "lossy-network",
            "partition",
            "forgetful-acceptor",
            "small-quorums",
            "checker-shortest-break",
        ]
    );
    for slug in slugs {
        assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{slug}");
        assert_eq!(lessons::by_slug(slug).map(|l| l.slug), Some(slug));
    }
    assert!(lessons::by_slug("no-such-lesson").is_none());
}

#[test]
fn captions_start_at_the_beginning_and_move_forward() {
    for lesson in lessons::all() {
        let c = &lesson.scenario.captions;
        assert!(c.len() >= 6, "{}: {} captions", lesson.slug, c.len());
        assert_eq!(c[0].step, 0, "{}", lesson.slug);
        assert!(c.windows(2).all(|w| w[0].step < w[1].step), "{}: two captions at one step", lesson.slug);
        assert!(c.iter().all(|c| !c.text.is_empty() && c.text.len() <= 300), "{}", lesson.slug);
        let s = &lesson.scenario;
        assert_eq!(s.next_caption_step(0), Some(c[1].step));
        assert_eq!(s.caption_at(c[1].step).map(|x| &x.text), Some(&c[1].text));
        assert_eq!(s.prev_caption_step(c[1].step), Some(0));
    }
}

#[test]
fn a_lesson_link_reopens_the_identical_run() {
    for lesson in lessons::all() {
        let decoded = link::decode(&link::encode(&lesson.scenario)).unwrap();
        assert_eq!(decoded, lesson.scenario, "{}", lesson.slug);
        let (mut a, mut b) = (lesson.scenario.history(), decoded.history());
        lessons::run_lesson(&lesson, &mut a);
        lessons::run_lesson(&lesson, &mut b);
        assert_eq!(a.trace_hash(), b.trace_hash(), "{}", lesson.slug);
        let opened = link::open(&format!("#{}", link::lesson_fragment(lesson.slug)), &Default::default());
        assert_eq!((opened.lesson, opened.error), (Some(lesson.slug), None));
    }
}

#[test]
fn the_broken_lessons_are_labelled_and_the_others_are_safe() {
    for lesson in lessons::all() {
        let violates = lesson.expect.iter().any(|e| matches!(e, Expect::Violation { .. }));
        let warned = !lesson.scenario.config.warnings().is_empty();
        assert_eq!(violates, warned, "{}", lesson.slug);
        assert_eq!(!violates, lesson.expect.contains(&Expect::Safe), "{}", lesson.slug);
    }
    let agreement = |slug| {
        lessons::by_slug(slug)
            .unwrap()
            .expect
            .iter()
            .any(|e| matches!(e, Expect::Violation { invariant: Invariant::Agreement, .. }))
    };
    assert!(agreement("forgetful-acceptor") && agreement("small-quorums"));
}
