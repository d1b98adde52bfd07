//! The default pace is one a person can follow: at the default speed a typical message's flight
//! across the stage (the median) lasts about a second, 0.8 to 1.2 s, in the default run and in
//! every lesson. The lesson on a bad network varies its delays from 1 to 12 ticks on purpose, so
//! its flights are uneven: there, only that they are not too fast to read. The checker's lesson
//! has no flights of its own (its network is slowed to the limit and each message is delivered
//! by the schedule, step by step), so it is not timed. Speed only maps wall time to simulated time (`view::state`), so this pins no step,
//! seed or hash: runs replay the same, only slower or faster on screen.

use paxos_playground::scenario::lessons;
use paxos_playground::scenario::Scenario;
use paxos_playground::sim::config::MAX_TICKS;
use paxos_playground::view::state::default_scenario;
use paxos_playground::view::{Playground, TICKS_PER_SECOND};
use std::collections::BTreeMap;

/// Seconds a person has to read a typical flight at the default speed: the median over every
/// message sent in the first `steps` steps, from its send to its arrival. The median, not the
/// mean: a lesson may hold one message back for a long time on purpose.
fn median_flight_seconds(scenario: Scenario, steps: u64) -> f64 {
    let mut p = Playground::new(scenario);
    let speed = p.speed;
    let mut ticks = BTreeMap::new();
    while p.history.cursor() < steps && p.history.forward() {
        for m in p.history.world().in_flight() {
            ticks.insert(m.id, m.arrive - m.sent_at);
        }
    }
    assert!(ticks.len() >= 5, "too few messages to judge the pace: {}", ticks.len());
    let mut sorted: Vec<u64> = ticks.into_values().collect();
    sorted.sort_unstable();
    sorted[sorted.len() / 2] as f64 / (TICKS_PER_SECOND * speed)
}

/// The runs whose flights are too fast or too slow to follow, each with its seconds.
fn unreadable<'a>(runs: impl IntoIterator<Item = (&'a str, f64)>) -> Vec<String> {
    let mut bad = Vec::new();
    for (what, seconds) in runs {
        eprintln!("{what}: {seconds:.2} s per message flight at the default speed");
        let uneven_on_purpose = what == "lossy-network";
        if seconds < 0.8 || (seconds > 1.2 && !uneven_on_purpose) {
            bad.push(format!("{what}: {seconds:.2} s"));
        }
    }
    bad
}

#[test]
fn the_default_run_flies_at_a_readable_pace() {
    let bad = unreadable([("the default run", median_flight_seconds(default_scenario(), 200))]);
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn every_lesson_flies_at_a_readable_pace() {
    let all = lessons::all();
    let flying: Vec<_> = all.iter().filter(|l| l.scenario.config.network.latency_ticks_min < MAX_TICKS).collect();
    assert_eq!(flying.len(), all.len() - 1, "only the checker's lesson is not timed");
    let bad = unreadable(flying.iter().map(|l| (l.slug, median_flight_seconds(l.scenario.clone(), 200))));
    assert!(bad.is_empty(), "{bad:?}");
}
