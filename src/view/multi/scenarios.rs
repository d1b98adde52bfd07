//! Multi-Paxos scenarios with captions: three of issue 10's lessons, each a run whose named
//! moment happens by a given step (`moment_by`; the tests below assert it).

use super::{default_scenario, MultiPageConfig, MultiScenario, MultiScheduled, PersonAction};
use crate::protocol::NodeId;
use crate::sim::Action;

/// A scenario with captions, by step.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiLesson {
    pub slug: &'static str,
    pub scenario: MultiScenario,
    /// Captions shown from their cursor on (a step's events show once the cursor is past it).
    pub captions: Vec<(u64, &'static str)>,
    /// The cursor by which the lesson's moment has happened (its step is below this one).
    pub moment_by: u64,
}

impl MultiLesson {
    /// The caption in force at `step`.
    pub fn caption_at(&self, step: u64) -> Option<&'static str> {
        self.captions.iter().rev().find(|(at, _)| *at <= step).map(|(_, text)| *text)
    }
}

/// The Multi-Paxos lessons so far.
pub fn multi_scenarios() -> Vec<MultiLesson> {
    vec![electing(), leader_crash(), catch_up()]
}

/// The lesson with this slug.
pub fn multi_scenario(slug: &str) -> Option<MultiLesson> {
    multi_scenarios().into_iter().find(|l| l.slug == slug)
}

fn at(step: u64, action: Action) -> MultiScheduled {
    MultiScheduled { step, action: PersonAction::Act(action) }
}

fn electing() -> MultiLesson {
    MultiLesson {
        slug: "multi-electing-a-leader",
        scenario: MultiScenario { title: "Electing a leader".into(), ..default_scenario() },
        captions: vec![
            (0, "No replica leads yet. Each waits for a leader's heartbeat; the first whose timeout runs out starts Phase 1, once, for the whole log."),
            (10, "r2's timeout runs out first: it sends Prepare 1.2 to every replica, for every slot from the first it does not know chosen."),
            (11, "A moment later r4's runs out too: its Prepare 1.4 is higher than 1.2, so replicas that hear it promise r4 and refuse r2."),
            (25, "A majority promised: r4 leads with ballot 1.4. From now on each command costs one round trip, Accept out and Accepted back, and heartbeats keep the others from campaigning."),
        ],
        moment_by: 25,
    }
}

fn leader_crash() -> MultiLesson {
    MultiLesson {
        slug: "multi-leader-crash",
        scenario: MultiScenario {
            title: "The leader crashes mid-pipeline".into(),
            schedule: vec![at(190, Action::Crash { node: NodeId(4) })],
            ..default_scenario()
        },
        captions: vec![
            (0, "r4 becomes leader and pipelines the clients' commands, several slots in flight at once."),
            (191, "r4 crashes with three slots (6, 7 and 8) proposed and not yet chosen. The followers stop hearing heartbeats."),
            (214, "r3's timeout runs out first: it campaigns with ballot 2.3 for every slot from 6 on. r0 and r1 campaign too, with lower ballots."),
            (233, "r3 leads with 2.3. The promises reported what r4 had got accepted in slots 6, 7 and 8: r3 re-proposes those commands there, not new ones (a hole would get a no-op), so nothing r4 may have acknowledged is lost, and the history stays linearizable."),
        ],
        moment_by: 233,
    }
}

fn catch_up() -> MultiLesson {
    MultiLesson {
        slug: "multi-catch-up",
        scenario: MultiScenario {
            title: "A lagging replica catches up".into(),
            config: MultiPageConfig { compaction: Some(8), ..MultiPageConfig::default() },
            schedule: vec![
                at(200, Action::Partition { groups: vec![vec![NodeId(1)]] }),
                at(700, Action::Heal),
            ],
            ..default_scenario()
        },
        captions: vec![
            (0, "Every replica takes a snapshot of its store every 8 applied slots and drops its log below it."),
            (201, "r1 is cut off. The others still form a majority and go on choosing slots without it; r1's log and store fall behind."),
            (293, "Alone, r1 hears no heartbeat and campaigns, again and again with higher ballots; without a majority it cannot lead."),
            (701, "The network heals. r1's higher ballot reaches the others and unsettles the leader: a short election follows, and each new leader re-proposes the slots in flight."),
            (823, "r1 asked for the entries it misses, but the others had compacted them: it installs a snapshot of the store below slot 32 and the entries after it, and its store matches the others' again."),
        ],
        moment_by: 900,
    }
}
