//! Lesson 11 ("The model checker finds the shortest break") is the checker's counterexample,
//! stored as data in `src/scenario/lessons/checker.rs` (the scenario layer does not import the
//! checker). This runs the checker today and asserts that the lesson's scenario is exactly what
//! it finds and `check::replay::to_scenario` builds: if the checker, the replay or the protocol
//! changes the shortest run, this test says so.
//!
//! Reproduce: `paxos check --variant ignore-accepted --no-nack --rounds 1`.

use paxos_playground::check::{replay, Bounds, Ending, Model, Options, Report, Search};
use paxos_playground::protocol::Broken;
use paxos_playground::scenario::lessons;
use paxos_playground::sim::{Config, Invariant};

#[test]
fn the_lesson_is_the_shortest_counterexample_the_checker_finds_today() {
    let config = Config {
        nack: false,
        broken: Broken { ignore_accepted_values: true, ..Broken::default() },
        ..Config::default()
    };
    let model = Model::new(config, Bounds { rounds: 1, ..Bounds::default() }).unwrap();
    let mut search = Search::new(model.clone(), Options::default());
    assert_eq!(search.run(|_| true), Ending::Violation);
    let report = Report::of(&search);
    let trail = report.violation.expect("a counterexample");
    assert_eq!(trail.steps.len(), 13, "breadth-first: the shortest run breaks it in 13 steps");
    assert_eq!(trail.violations.iter().map(|v| v.invariant).collect::<Vec<_>>(), [Invariant::ChosenStable]);
    let found = replay::to_scenario(&model, &trail, "Counterexample").unwrap().scenario;

    let lesson = lessons::by_slug("checker-shortest-break").expect("lesson 11 builds");
    let s = &lesson.scenario;
    assert_eq!(s.config, found.config, "the configuration the checker's run replays in");
    assert_eq!(s.seed, found.seed);
    assert_eq!(s.schedule, found.schedule, "the lesson's steps are the checker's counterexample");
    // The story's captions sit where the checker's steps end: the last one at the violation.
    let ends: Vec<u64> = found.captions.iter().map(|c| c.step).collect();
    assert_eq!(found.cursor, ends.last().copied());
    assert!(s.captions.iter().skip(1).all(|c| ends.contains(&c.step)), "{:?} vs {ends:?}", s.captions);
    assert_eq!(s.captions.last().map(|c| c.step), found.cursor, "the last caption is at the violating step");
}
