//! Multi-Paxos scenarios with captions: issue 10's lessons, each a run whose named moment
//! happens by a given step (`moment_by`; `view::multi::tests` asserts each one).

use super::{default_scenario, MultiPageConfig, MultiScenario, MultiScheduled, MultiVariantChoice, PersonAction};
use crate::protocol::multi::{Key, KvOp, Val};
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

/// An entry of the lessons list: what the page shows before the lesson is opened.
#[derive(Clone, Copy, Debug)]
pub struct MultiLessonEntry {
    /// The lesson's number in issue 10's list.
    pub number: u8,
    pub slug: &'static str,
    pub title: &'static str,
    /// One line saying what the lesson shows.
    pub summary: &'static str,
    build: fn() -> MultiLesson,
}

impl MultiLessonEntry {
    pub fn lesson(&self) -> MultiLesson {
        (self.build)()
    }
}

/// The Multi-Paxos lessons, in the order of issue 10's list (8, leases, and 10, the model
/// checker's counterexample, are not here yet).
pub const MULTI_LESSONS: [MultiLessonEntry; 8] = [
    MultiLessonEntry {
        number: 1,
        slug: "multi-electing-a-leader",
        title: "Electing a leader",
        summary: "Heartbeats, a timeout, and Phase 1 run once for the whole log.",
        build: electing,
    },
    MultiLessonEntry {
        number: 2,
        slug: "multi-steady-state",
        title: "The steady state",
        summary: "One round trip per command, with several slots in flight at once.",
        build: steady_state,
    },
    MultiLessonEntry {
        number: 3,
        slug: "multi-log-to-store",
        title: "From log to store",
        summary: "Slots applied in order, versions that grow, a compare-and-set that succeeds and one that fails.",
        build: log_to_store,
    },
    MultiLessonEntry {
        number: 4,
        slug: "multi-leader-crash",
        title: "The leader crashes mid-pipeline",
        summary: "The new leader re-proposes what was accepted, so nothing acknowledged is lost.",
        build: leader_crash,
    },
    MultiLessonEntry {
        number: 5,
        slug: "multi-catch-up",
        title: "A lagging replica catches up",
        summary: "A replica cut off falls behind, then installs a snapshot and catches up.",
        build: catch_up,
    },
    MultiLessonEntry {
        number: 6,
        slug: "multi-partitioned-leader",
        title: "A partitioned old leader",
        summary: "Cut off from the majority it cannot commit, and it steps down when it hears a higher ballot.",
        build: partitioned_leader,
    },
    MultiLessonEntry {
        number: 7,
        slug: "multi-retries-at-most-once",
        title: "Client retries and at-most-once",
        summary: "Broken on purpose: without the at-most-once table a retried write is applied twice.",
        build: retries,
    },
    MultiLessonEntry {
        number: 9,
        slug: "multi-dueling-leaders",
        title: "Dueling leaders",
        summary: "Four replicas campaign within a tick of each other; the highest ballot wins and one leader remains.",
        build: dueling,
    },
];

/// The Multi-Paxos lessons, in the list's order.
pub fn multi_scenarios() -> Vec<MultiLesson> {
    MULTI_LESSONS.iter().map(MultiLessonEntry::lesson).collect()
}

/// The lesson with this slug.
pub fn multi_scenario(slug: &str) -> Option<MultiLesson> {
    multi_scenarios().into_iter().find(|l| l.slug == slug)
}

fn at(step: u64, action: Action) -> MultiScheduled {
    MultiScheduled { step, action: PersonAction::Act(action) }
}

fn client(step: u64, client: u8, op: KvOp) -> MultiScheduled {
    MultiScheduled { step, action: PersonAction::Client { client: NodeId(client), op } }
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

fn steady_state() -> MultiLesson {
    MultiLesson {
        slug: "multi-steady-state",
        scenario: MultiScenario { title: "The steady state".into(), ..default_scenario() },
        captions: vec![
            (0, "Five replicas, three clients sending commands without pause. First a leader is elected."),
            (25, "r4 leads with 1.4. From now on a command costs one round trip: r4 gives it the next free slot, sends Accept to every follower, and the slot is chosen when a majority answered Accepted."),
            (74, "Three commands are in flight at once, each in its own slot: with a pipeline window of 4 the leader does not wait for one slot to be chosen before it proposes the next. Each follower gets one Accept per command."),
        ],
        moment_by: 74,
    }
}

fn log_to_store() -> MultiLesson {
    let x = Key(0);
    MultiLesson {
        slug: "multi-log-to-store",
        scenario: MultiScenario {
            title: "From log to store".into(),
            schedule: vec![
                client(40, 5, KvOp::Write { key: x, value: Val(1) }),
                client(100, 6, KvOp::Cas { key: x, from: Val(1), to: Val(2) }),
                client(160, 7, KvOp::Cas { key: x, from: Val(1), to: Val(3) }),
                client(220, 5, KvOp::Read { key: x }),
            ],
            workload: false,
            ..default_scenario()
        },
        captions: vec![
            (0, "The automatic workload is off: four operations on key x are sent one after another. Watch the log and the store of each replica."),
            (41, "c0 asks to write x=1. The leader puts the write in slot 0."),
            (76, "Slot 0 is chosen and applied: x is 1 at version 1, and c0 is told \"ok, version 1\". Each replica applies its slots in order, one after another."),
            (101, "c1 asks to set x from 1 to 2 (a compare-and-set)."),
            (134, "Slot 1 is applied: x was 1, so the compare-and-set succeeds and x is 2 at version 2."),
            (161, "c2 asks to set x from 1 to 3. It goes through the log like any command."),
            (197, "Slot 2 is applied: x is 2, not 1, so this compare-and-set fails with \"precondition failed\" and the version stays 2."),
            (221, "c0 reads x. A read goes through the log too, in slot 3."),
            (252, "c0 reads x=2 at version 2: every replica that applied slots 0 to 3 holds exactly this."),
        ],
        moment_by: 252,
    }
}

fn partitioned_leader() -> MultiLesson {
    MultiLesson {
        slug: "multi-partitioned-leader",
        scenario: MultiScenario {
            title: "A partitioned old leader".into(),
            schedule: vec![
                at(100, Action::Partition { groups: vec![vec![NodeId(4)]] }),
                at(400, Action::Heal),
            ],
            ..default_scenario()
        },
        captions: vec![
            (0, "r4 becomes leader with ballot 1.4 and serves the clients."),
            (101, "r4 is cut off from everyone. It still believes it leads and sends Accepts, but none reaches a majority: nothing is chosen at 1.4 from now on."),
            (138, "The others hear no heartbeat: r2, r3 and r0 campaign with round 2."),
            (169, "r3 leads with 2.3. The majority goes on choosing slots without r4, and the clients, after timeouts, find the new leader."),
            (401, "The network heals. r4's messages carry its old ballot 1.4."),
            (408, "r4 hears ballot 2.3, higher than its own: it steps down, follows r3 and catches up on the slots it missed."),
        ],
        moment_by: 408,
    }
}

fn retries() -> MultiLesson {
    MultiLesson {
        slug: "multi-retries-at-most-once",
        scenario: MultiScenario {
            title: "Client retries and at-most-once (broken)".into(),
            config: MultiPageConfig {
                variant: MultiVariantChoice::NoAtMostOnce,
                loss_percent: 10,
                ..MultiPageConfig::default()
            },
            seed: 3,
            ..default_scenario()
        },
        captions: vec![
            (0, "Broken on purpose: the replicas keep no at-most-once table, and the network loses one message in ten. A client that hears nothing in time sends its request again."),
            (121, "c0's write y=1 is chosen and the replicas apply it, but no answer reaches c0 in time."),
            (170, "c0's timeout runs out and it sends the same request again."),
            (309, "With no table to say this request was done already, the retry is proposed as a new command: slot 8 applies y=1 a second time, and y's version moves past what it should be."),
            (314, "c0 is told version 3. No order of the operations explains that version: the history turns red. With the table, the retry would have been answered from it, not applied again."),
        ],
        moment_by: 315,
    }
}

fn dueling() -> MultiLesson {
    MultiLesson {
        slug: "multi-dueling-leaders",
        scenario: MultiScenario {
            title: "Dueling leaders".into(),
            config: MultiPageConfig { latency_min: 1, ..MultiPageConfig::default() },
            seed: 8,
            ..default_scenario()
        },
        captions: vec![
            (0, "No replica leads yet. Each waits a random time, between 12 and 24 ticks, for a heartbeat before it campaigns."),
            (10, "r2's timeout runs out at tick 16: it campaigns with ballot 1.2."),
            (13, "Within the next tick r0, r1 and r4 campaign too: four would-be leaders ask for promises at once. A replica promises only the highest ballot it has seen, so the lower campaigns lose their votes."),
            (39, "r4's ballot 1.4 is the highest: it gathers a majority and leads. Its heartbeats reset everyone's timer, and each replica draws a new random timeout, so no second duel follows."),
        ],
        moment_by: 39,
    }
}
