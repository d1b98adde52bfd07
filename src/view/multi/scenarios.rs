//! Multi-Paxos scenarios with captions: the first of issue 10's lessons, each a run whose
//! named moment happens by a given step (tests/multi_view.rs asserts it).

use super::{default_scenario, MultiScenario};

/// A scenario with captions, by step.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiLesson {
    pub slug: &'static str,
    pub scenario: MultiScenario,
    /// Captions shown from their step on.
    pub captions: Vec<(u64, &'static str)>,
    /// The step by which the lesson's moment has happened.
    pub moment_by: u64,
}

/// The Multi-Paxos lessons so far.
pub fn multi_scenarios() -> Vec<MultiLesson> {
    vec![electing()]
}

fn electing() -> MultiLesson {
    MultiLesson {
        slug: "multi-electing-a-leader",
        scenario: MultiScenario { title: "Electing a leader".into(), ..default_scenario() },
        captions: vec![(0, "No replica leads yet. Each waits for a heartbeat; the first whose timeout runs out starts Phase 1 for the whole log.")],
        moment_by: 200,
    }
}
