//! Prediction prompts (issue 11): each built-in prompt's stated answer is what the run actually
//! does after the caption that asks it (the value proposed, the invariant broken), and the check
//! fails when an answer is wrong.

use paxos_playground::protocol::{NodeId, Value};
use paxos_playground::scenario::lessons::{self, Fact};
use paxos_playground::sim::Invariant;

#[test]
fn every_prompt_answer_is_what_the_run_does() {
    let all = lessons::all();
    let prompts: usize = all.iter().map(|l| l.prompts.len()).sum();
    assert!(prompts >= 3, "{prompts} prompts");
    for lesson in &all {
        lesson.check_prompts().unwrap_or_else(|e| panic!("{e}"));
        for p in &lesson.prompts {
            // Asked before the answer is on screen: the next caption tells it.
            assert!(p.caption + 1 < lesson.scenario.captions.len(), "{}: {}", lesson.slug, p.question);
            assert!((2..=4).contains(&p.choices.len()) && p.answer < p.choices.len());
        }
    }
}

#[test]
fn a_wrong_answer_fails_the_check() {
    let mut lesson = lessons::by_slug("competing-proposers").unwrap();
    lesson.prompts[0].answer = 1;
    assert!(lesson.check_prompts().unwrap_err().contains("n1 proposes"));
    let mut lesson = lessons::by_slug("competing-proposers").unwrap();
    lesson.prompts[0].fact = Fact::Proposes(NodeId(1), Value(1));
    assert!(lesson.check_prompts().is_err(), "n1 proposes \"A\", not \"B\"");
    let mut lesson = lessons::by_slug("partition").unwrap();
    lesson.prompts[0].fact = Fact::Violated(Invariant::Agreement);
    assert!(lesson.check_prompts().unwrap_err().contains("never violated"));
    // Asked after the moment it is about: the fact is looked for after the caption only.
    let mut lesson = lessons::by_slug("proposer-crash").unwrap();
    lesson.prompts[0].caption = lesson.scenario.captions.len() - 1;
    assert!(lesson.check_prompts().is_err());
}

#[test]
fn the_prompts_are_where_the_lessons_teach_the_rules() {
    let at: Vec<(&str, usize)> =
        lessons::all().iter().flat_map(|l| l.prompts.iter().map(move |p| (l.slug, p.caption))).collect();
    assert_eq!(
        at,
        [
            ("competing-proposers", 6),
            ("proposer-crash", 9),
            ("acceptor-crashes", 7),
            ("partition", 7),
            ("small-quorums", 2)
        ]
    );
}
