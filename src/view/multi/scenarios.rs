//! Multi-Paxos scenarios with captions: issue 10's lessons, each a run whose named moment
//! happens by a given step (`moment_by`; `view::multi::tests` asserts each one).

use super::prompt::{MultiPrompt, Observe};
use super::{default_scenario, MultiPageConfig, MultiScenario, MultiScheduled, MultiVariantChoice, PersonAction};
use crate::protocol::multi::{Key, KvOp, Val};
use crate::protocol::NodeId;
use crate::scenario::Caption;
use crate::sim::{Action, MsgId};

/// A scenario with captions, by step.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiLesson {
    pub slug: &'static str,
    pub scenario: MultiScenario,
    /// Captions shown from their cursor on (a step's events show once the cursor is past it).
    pub captions: Vec<(u64, &'static str)>,
    /// The cursor by which the lesson's moment has happened (its step is below this one).
    pub moment_by: u64,
    /// Questions asked at some captions, before the run shows the answer (`prompt`).
    pub prompts: Vec<MultiPrompt>,
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
    /// The lesson, its scenario carrying its captions (so a link to its run carries them too).
    pub fn lesson(&self) -> MultiLesson {
        let mut lesson = (self.build)();
        let caption = |&(step, text): &(u64, &str)| Caption { step, text: text.to_string() };
        lesson.scenario.captions = lesson.captions.iter().map(caption).collect();
        lesson
    }
}

/// The Multi-Paxos lessons, in the order of issue 10's list.
pub const MULTI_LESSONS: [MultiLessonEntry; 10] = [
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
        number: 8,
        slug: "multi-leases",
        title: "Leases and a stale read",
        summary: "Reads answered at the leader without a round trip; broken on purpose, a cut-off leader reads stale.",
        build: leases,
    },
    MultiLessonEntry {
        number: 9,
        slug: "multi-dueling-leaders",
        title: "Dueling leaders",
        summary: "Four replicas campaign within a tick of each other; the highest ballot wins and one leader remains.",
        build: dueling,
    },
    MultiLessonEntry {
        number: 10,
        slug: "multi-model-checker",
        title: "The model checker finds a lost write",
        summary: "Broken on purpose: the checker's shortest run in which a new leader overwrites a chosen write, replayed step by step.",
        build: model_checker,
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
        prompts: Vec::new(),
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
        prompts: vec![MultiPrompt {
            caption: 2,
            question: "r4 had write z=6 accepted in slot 7 by some followers, not yet chosen, when it crashed. Once r3 leads, what will it put in slot 7?",
            choices: &["write z=6 again, r4's command", "A no-op, to close the gap", "The next client's new command"],
            answer: 0,
            why: "r3's promises report what each replica accepted: a new leader must re-propose, in each slot, the command with the highest ballot reported, since it may have been chosen and acknowledged. Only a slot no promise reports gets a no-op.",
            observe: Observe::Proposed { node: NodeId(3), slot: 7 },
            shown_by: 233,
        }],
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
        prompts: Vec::new(),
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
        prompts: Vec::new(),
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
        prompts: vec![MultiPrompt {
            caption: 5,
            question: "x is 2 now, at version 2. Will c2's compare-and-set from 1 to 3 succeed?",
            choices: &["Yes: c2 is told it was written, and x becomes 3", "No: c2 is told precondition failed, and x stays 2"],
            answer: 1,
            why: "A compare-and-set is applied in its slot's turn, against the store as it is then: x is 2, not 1, so it changes nothing. It still takes a slot, so every replica fails it the same way.",
            observe: Observe::Told(NodeId(7)),
            shown_by: 197,
        }],
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
        prompts: vec![MultiPrompt {
            caption: 4,
            question: "The network heals: r4 still thinks it leads at 1.4, and r3 leads at 2.3. Which replica will lead a moment later?",
            choices: &["r3 alone: r4 steps down", "r4 alone: it led first", "Both, as during the partition"],
            answer: 0,
            why: "A replica that hears a ballot higher than its own stops leading: r4's 1.4 is below 2.3, so r4 becomes r3's follower and catches up on the slots it missed.",
            observe: Observe::Leaders,
            shown_by: 408,
        }],
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
        prompts: Vec::new(),
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
            (13, "Within the next tick r0, r1 and r4 campaign too: four would-be leaders ask for promises at once."),
            (39, "r4's ballot 1.4 is the highest, and a replica promises only a ballot above any it has seen: the lower campaigns lose their votes, and r4 gathers a majority and leads. Its heartbeats reset everyone's timer, and each replica draws a new random timeout, so no second duel follows."),
        ],
        moment_by: 39,
        prompts: vec![MultiPrompt {
            caption: 2,
            question: "Four replicas campaign within a tick: r0 with 1.0, r1 with 1.1, r2 with 1.2 and r4 with 1.4. Which will lead?",
            choices: &["r2: it campaigned first", "r4: its ballot is the highest", "No replica: they keep dueling"],
            answer: 1,
            why: "Each replica promises only a ballot higher than any it has seen, so every lower campaign loses votes to 1.4, and r4 gathers a majority. The random timeouts keep the next duel unlikely.",
            observe: Observe::Leaders,
            shown_by: 39,
        }],
    }
}

fn leases() -> MultiLesson {
    let x = Key(0);
    MultiLesson {
        slug: "multi-leases",
        scenario: MultiScenario {
            title: "Leases and a stale read (broken)".into(),
            config: MultiPageConfig {
                lease: true,
                lease_ticks: 200,
                variant: MultiVariantChoice::LeaseWithoutWait,
                ..MultiPageConfig::default()
            },
            schedule: vec![
                client(40, 5, KvOp::Write { key: x, value: Val(1) }),
                client(100, 6, KvOp::Read { key: x }),
                client(130, 7, KvOp::Read { key: x }),
                at(170, Action::Partition { groups: vec![vec![NodeId(4), NodeId(7)]] }),
                client(175, 5, KvOp::Write { key: x, value: Val(2) }),
                client(380, 7, KvOp::Read { key: x }),
            ],
            workload: false,
            ..default_scenario()
        },
        captions: vec![
            (0, "Leases are on, 200 ticks long. While a majority keeps acknowledging its heartbeats, the leader answers reads from its own store, and each follower that acknowledged promises no other leader until the lease it granted runs out. Broken on purpose: here the followers do not wait it out."),
            (41, "c0 writes x=1. A write still goes through the log: r4 puts it in slot 0 and waits for a majority."),
            (101, "c1 reads x. Under its lease r4 answers from its own store at once: no Accept, no slot, the log does not grow."),
            (126, "c1 is told x=1. A read costs one message each way instead of a round trip to a majority. The trade: the answer is right only if no other leader can commit a write while the lease runs."),
            (131, "c2 reads x too, and r4 answers it the same way."),
            (171, "r4 and c2 are cut off from everyone else. r4's lease still runs, and it still believes it leads."),
            (199, "The others hear no heartbeat and campaign. A correct follower would refuse to promise until r4's lease ran out; these promise at once."),
            (231, "r3 leads with ballot 2.3 while r4's lease still runs: two replicas now answer as leader."),
            (366, "c0's write x=2 is chosen in slot 1 through r3 and acknowledged: x is 2 at version 2."),
            (381, "c2, cut off with r4, reads x. r4's lease has not run out yet."),
            (409, "c2 is told x=1, version 1, after x=2 was acknowledged: a stale read. No order of the operations explains it, and the history turns red. With the correct protocol no replica would have promised r3 before r4's lease ran out."),
        ],
        moment_by: 409,
        prompts: vec![MultiPrompt {
            caption: 9,
            question: "c2, cut off with r4, reads x after c0's write x=2 was acknowledged. What will c2 be told?",
            choices: &["x=2, the value last acknowledged", "x=1, from r4's own store", "Nothing: r4 cannot reach a majority"],
            answer: 1,
            why: "Under its lease r4 answers reads from its own store without asking anyone, and its store has not seen slot 1, where x=2 was chosen. With the correct protocol no replica would have promised r3 before r4's lease ran out.",
            observe: Observe::Told(NodeId(7)),
            shown_by: 409,
        }],
    }
}

/// The model checker's shortest run of the broken variant "a new leader keeps only what it
/// knows chosen" (`paxos check --protocol multi --variant keep-only-chosen --clients 2 --ops 2
/// --max-round 2 --timeouts 2`), as `checked::to_scenario` converts it: each action is one of
/// the checker's steps (`tests` runs the checker and asserts this is its output).
fn model_checker() -> MultiLesson {
    let deliver = |step: u64, id: u64| at(step, Action::DeliverNow { msg: MsgId(id) });
    let fire = |step: u64, node: u8| at(step, Action::FireTimer { node: NodeId(node) });
    let x = Key(0);
    MultiLesson {
        slug: "multi-model-checker",
        scenario: MultiScenario {
            title: "The model checker finds a lost write (broken)".into(),
            config: MultiPageConfig {
                replicas: 3,
                clients: 2,
                keys: 1,
                variant: MultiVariantChoice::KeepOnlyChosen,
                ..MultiPageConfig::default()
            },
            seed: 1,
            schedule: vec![
                fire(0, 0),
                deliver(1, 1),
                deliver(3, 2),
                deliver(5, 3),
                deliver(7, 5),
                deliver(9, 6),
                deliver(11, 4),
                client(13, 3, KvOp::Write { key: x, value: Val(1) }),
                client(14, 4, KvOp::Write { key: x, value: Val(2) }),
                deliver(15, 7),
                deliver(17, 9),
                fire(19, 1),
                deliver(20, 12),
                deliver(22, 14),
                fire(24, 4),
                deliver(25, 17),
            ],
            workload: false,
            script_pace: Some(super::checked::PACE),
            captions: Vec::new(),
        },
        captions: vec![
            (0, "Found by the model checker, which tries every order of every step on three replicas and two clients: the shortest run, 16 steps, in which this broken variant loses a chosen write. Broken on purpose: a new leader keeps only the entries it knows chosen and ignores the accepted ones its promises report. Each step is the checker's; nothing else happens."),
            (1, "Step 1: r0's election timer fires, and r0 campaigns with ballot 1.0."),
            (5, "Steps 2 and 3: r1 and r2 get r0's Prepare."),
            (7, "Step 4: r1's promise reaches r0: with its own, a majority of the three. r0 leads at 1.0."),
            (11, "Steps 5 to 7: r0's heartbeats reach r1 and r2, and r2's late promise arrives."),
            (15, "Steps 8 and 9: c0 is handed write x=1 and c1 write x=2. Each sends its request to r0."),
            (17, "Step 10: c0's request reaches r0, which puts write x=1 in slot 0 and sends Accept to r1 and r2."),
            (19, "Step 11: r1 accepts x=1 in slot 0. With r0's own vote, 2 of 3 accepted it: x=1 is chosen in slot 0, though no replica knows it yet, as r1's answer is still on its way."),
            (20, "Step 12: r1's election timer fires (the checker lets a timer fire at any moment): r1 campaigns with ballot 2.1."),
            (22, "Step 13: r0 gets r1's Prepare 2.1 and promises; its promise reports x=1 accepted in slot 0."),
            (24, "Step 14: r0's promise reaches r1, a majority with its own: r1 leads at 2.1. The broken r1 keeps only what it knows chosen, which is nothing: it treats slot 0 as free, although r0 and r1 itself accepted x=1 there."),
            (25, "Step 15: c1's retry timer fires, and it sends write x=2 again, this time to r1."),
            (27, "Step 16: r1 puts x=2 in slot 0, where x=1 was chosen: a chosen entry changed, and the safety panel turns red. Had r0 already told c0 its write succeeded, that write would now be lost. The correct r1 re-proposes x=1 in slot 0, the highest-ballot entry its promises report, and gives x=2 slot 1."),
        ],
        moment_by: 27,
        prompts: Vec::new(),
    }
}
