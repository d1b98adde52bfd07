//! Lessons 5 to 9: crashed acceptors, a hostile network, a partition, and the two ways to
//! break Paxos on purpose (forgetful acceptors, quorums that do not intersect).

use super::library::{at, b, cluster, draft, drop_msg, n, propose, A, B};
use super::{Cue, Draft, Expect, Fact, Prompt};
use crate::protocol::{MsgKind, Quorums, Timing};
use crate::sim::{Action, DropReason, Invariant, NetParams};

pub(super) fn acceptor_crashes() -> Draft {
    let mut c = cluster(1, 5, 5);
    c.timing.timeout_ticks_min = 40;
    c.timing.timeout_ticks_max = 40;
    let crash = |t, i| at(t, Action::Crash { node: n(i) });
    let schedule =
        vec![crash(0, 1), crash(0, 2), propose(1, 0, A), crash(14, 3), at(150, Action::Recover { node: n(3) })];
    let mut d = draft(
        "acceptor-crashes",
        "5. Acceptors crash",
        "Five acceptors, so a majority is three. With two of them down Paxos goes on; when a third one crashes it blocks, safely, until that acceptor recovers.",
        c,
        schedule,
    );
    d.captions = vec![
        (Cue::Start, "Five acceptors (n1 to n5): a majority is 3. Two of them, n1 and n2, are down from the start."),
        (Cue::Phase1(b(1, 0)), "Proposer n0 proposes \"A\" with ballot 1.0. The Prepare messages to n1 and n2 will be lost."),
        (Cue::Promised(n(5), b(1, 0)), "n3, n4 and n5 promise: 3 of 5 is still a majority, so phase 1 succeeds with a minority crashed."),
        (Cue::Phase2(b(1, 0)), "n0 sends Accept(1.0, \"A\") to all five."),
        (Cue::Action, "Now n3 crashes too. Only 2 of 5 acceptors are up: no majority is left."),
        (Cue::Accepted(n(5), b(1, 0)), "n4 and n5 accept (1.0, \"A\"), but 2 is not a majority: nothing is chosen."),
        (Cue::Timeout(n(0)), "n0's timer fires and it retries with ballot 2.0. Only 2 promises can come back, never 3: the cluster is blocked, and it knows better than to guess."),
        (Cue::Action, "n3 recovers at t=150, with its promise read back from disk. A majority is up again."),
        (Cue::Phase2(b(5, 0)), "n0's next try, ballot 5.0, gets 3 promises; two of them report (1.0, \"A\"), so n0 proposes \"A\" again."),
        (Cue::Chosen, "\"A\" is chosen. Blocked is not broken: Paxos waits for a majority and never decides without one."),
        (Cue::Learned(n(6)), "The learner learns \"A\"."),
    ];
    d.expect = vec![
        Expect::NoneChosenBefore { tick: 150 },
        Expect::Chosen { value: A, step: 60 },
        Expect::AllLearned { value: A },
        Expect::Safe,
    ];
    d.prompts = vec![Prompt {
        caption: 7,
        question: "n4 and n5 accepted (1.0, \"A\"), but \"A\" was never chosen. Which value will n0 propose next?",
        choices: &["\"A\"", "Any value it likes", "Nothing: n0 gives up"],
        answer: 0,
        why: "Two of the promises report (1.0, \"A\"), so n0 must propose \"A\" again, even though it was never chosen: the proposer cannot tell.",
        fact: Fact::Proposes(n(0), A),
    }];
    d.end_tick = 250;
    d
}

pub(super) fn lossy() -> Draft {
    let mut c = cluster(2, 3, 1);
    c.network = NetParams { latency_ticks_min: 1, latency_ticks_max: 12, loss: 0.3, duplicate: 0.2 };
    // The default timeouts, without growth (see `library::cluster`).
    c.timing = Timing { timeout_growth: false, ..Timing::default() };
    let mut d = draft(
        "lossy-network",
        "6. Lost, late, duplicated and reordered messages",
        "A bad network: 30% of messages are lost, 20% are delivered twice, and delays from 1 to 12 ticks let messages overtake each other. Paxos never relies on any message arriving, once, or in order; the safety line under each caption stays green.",
        c,
        vec![propose(0, 0, A), propose(3, 1, B)],
    );
    d.captions = vec![
        (Cue::Start, "A bad network: 30% of messages lost, 20% duplicated, delays from 1 to 12 ticks. n0 wants \"A\", n1 wants \"B\". Keep an eye on the safety line below this caption."),
        (Cue::Dropped(MsgKind::Prepare, DropReason::Lost), "n0's Prepare 1.0 to n4 is lost. Paxos never assumes a message arrives: a proposer that hears too little just retries."),
        (Cue::Duplicated(MsgKind::Prepare), "n1's Prepare 1.1 to n2 is duplicated. n2 will answer both copies the same way: promising the same ballot twice promises nothing new."),
        (Cue::Promised(n(3), b(1, 0)), "Reordering: n0's Prepare 1.0 was sent first, but reaches n3 only now, after n1's later Prepare 1.1 reached n2 and n4."),
        (Cue::Send(n(2), MsgKind::Nack), "n2 promised 1.1, so it rejects n0's late Prepare 1.0 with a Nack, telling n0 which ballot to beat."),
        (Cue::Phase2(b(1, 1)), "n1 has promises from a majority and sends Accept(1.1, \"B\")."),
        (Cue::Chosen, "\"B\" is chosen: n2 and n3 accepted (1.1, \"B\"). n3 got its Accept from the duplicate, after the original was lost."),
        (Cue::Phase2(b(2, 0)), "n0, retrying with ballot 2.0, hears (1.1, \"B\") in a promise and proposes \"B\". Loss and duplication cannot make it forget."),
        (Cue::Learned(n(5)), "The learner learns \"B\" at last: some Accepted messages to it were lost, and the Decided messages fill the gap."),
    ];
    d.expect = vec![Expect::Chosen { value: B, step: 22 }, Expect::AllLearned { value: B }, Expect::Safe];
    d.end_tick = 200;
    d
}

pub(super) fn partition() -> Draft {
    let schedule = vec![
        at(0, Action::Partition { groups: vec![vec![n(0), n(2), n(3)]] }),
        propose(1, 0, A),
        propose(10, 1, B),
        at(150, Action::Heal),
    ];
    let mut d = draft(
        "partition",
        "7. A network partition, and healing",
        "The network splits: a proposer and two acceptors on one side, a proposer, three acceptors and the learner on the other. Only the majority side can choose; after healing, the minority side adopts its decision.",
        cluster(2, 5, 5),
        schedule,
    );
    d.captions = vec![
        (Cue::Start, "Five acceptors (n2 to n6). At t=0 the network splits: {n0, n2, n3} on one side, {n1, n4, n5, n6, n7} on the other."),
        (Cue::Phase1(b(1, 0)), "n0 proposes \"A\". Its Prepare reaches n2 and n3 ..."),
        (Cue::Dropped(MsgKind::Prepare, DropReason::Partitioned), "... but the partition blocks the others. 2 promises of 5 is not a majority, so n0 is stuck."),
        (Cue::Phase1(b(1, 1)), "n1, on the majority side, proposes \"B\"."),
        (Cue::Chosen, "\"B\" is chosen by n4, n5 and n6: 3 of 5, all on n1's side."),
        (Cue::Learned(n(7)), "The learner, also on the majority side, learns \"B\"."),
        (Cue::Timeout(n(0)), "n0 retries with ballot 2.0 and still reaches only 2 acceptors. The minority side can never choose anything, which is exactly why the majority side could go ahead safely."),
        (Cue::Action, "The partition heals at t=150."),
        (Cue::Phase2(b(3, 0)), "n0's next ballot, 3.0, reaches all five. Three promises report (1.1, \"B\"), so n0 proposes \"B\": the minority side adopts the majority's decision."),
        (Cue::Done(n(0)), "n0 knows \"B\" is chosen. One value, everywhere."),
    ];
    d.expect = vec![Expect::Chosen { value: B, step: 23 }, Expect::AllLearned { value: B }, Expect::Safe];
    d.prompts = vec![Prompt {
        caption: 7,
        question: "n0 wanted \"A\" and has not given up. Now that it reaches every acceptor, which value will it propose?",
        choices: &["\"A\", its own value", "\"B\", the majority side's value"],
        answer: 1,
        why: "A majority of acceptors accepted (1.1, \"B\"), so any majority n0 hears from includes one that reports it, and n0 must propose \"B\".",
        fact: Fact::Proposes(n(0), B),
    }];
    d.end_tick = 250;
    d
}

pub(super) fn forgetful() -> Draft {
    let mut c = cluster(2, 3, 5);
    c.broken.forgetful_acceptors = true;
    let schedule = vec![
        at(0, Action::Cut { from: n(0), to: n(1), both: true }),
        propose(0, 0, A),
        drop_msg(12, 9),
        at(30, Action::Crash { node: n(2) }),
        at(35, Action::Recover { node: n(2) }),
        at(40, Action::Crash { node: n(3) }),
        propose(45, 1, B),
    ];
    let mut d = draft(
        "forgetful-acceptor",
        "8. Why acceptors must persist (BROKEN variant)",
        "BROKEN on purpose: acceptors forget their promise and accepted value when they recover. One forgetful acceptor is enough for two different values to be chosen; the safety line under each caption shows where.",
        c,
        schedule,
    );
    d.captions = vec![
        (Cue::Start, "BROKEN variant: acceptors forget their promises and accepted values when they recover. Everything else is correct Paxos. Watch the safety line below this caption."),
        (Cue::Action, "The link between n0 and n1 is cut, so n1 will not hear about n0's decision."),
        (Cue::Phase2(b(1, 0)), "n0 got its promises and sends Accept(1.0, \"A\")."),
        (Cue::Action, "The Accept to n4 is dropped: only n2 and n3 will accept."),
        (Cue::Chosen, "\"A\" is chosen by n2 and n3."),
        (Cue::Learned(n(5)), "The learner learns \"A\"."),
        (Cue::Action, "n2 crashes."),
        (Cue::Violation(Invariant::PromiseMonotonic), "n2 recovers, but comes back empty: it forgot its promise of 1.0 and its accepted (1.0, \"A\"). The safety line below turns red at once: a promise went down."),
        (Cue::Action, "n3, the other acceptor that remembers \"A\", crashes."),
        (Cue::Phase1(b(1, 1)), "n1 proposes \"B\" with ballot 1.1. Its majority will be n2 (which forgot) and n4 (which never accepted)."),
        (Cue::Phase2(b(1, 1)), "Neither promise reports an accepted value, so n1 proposes \"B\". A correct n2 would have reported (1.0, \"A\")."),
        (Cue::Violation(Invariant::Agreement), "\"B\" is chosen after \"A\" was: agreement is broken. This is why an acceptor writes its promise and accepted value to disk before it replies."),
    ];
    d.expect = vec![
        Expect::Chosen { value: A, step: 11 },
        Expect::Violation { invariant: Invariant::PromiseMonotonic, step: 22 },
        Expect::Violation { invariant: Invariant::ChosenStable, step: 30 },
        Expect::Violation { invariant: Invariant::Agreement, step: 32 },
        Expect::Chosen { value: B, step: 32 },
    ];
    d.end_tick = 100;
    d
}

pub(super) fn small_quorums() -> Draft {
    let mut c = cluster(2, 4, 5);
    c.quorums = Some(Quorums { phase1: 2, phase2: 2 });
    let schedule =
        vec![at(0, Action::Partition { groups: vec![vec![n(0), n(2), n(3)]] }), propose(1, 0, A), propose(1, 1, B)];
    let mut d = draft(
        "small-quorums",
        "9. Quorum sizes as a lever (UNSAFE)",
        "Four acceptors with phase-1 and phase-2 quorums of 2: since 2 + 2 is not more than 4, two quorums can miss each other, and two values get chosen. Flexible Paxos needs only q1 + q2 > n.",
        c,
        schedule,
    );
    d.captions = vec![
        (Cue::Start, "UNSAFE configuration: 4 acceptors (n2 to n5), phase-1 quorum 2, phase-2 quorum 2. Since 2 + 2 is not more than 4, two quorums can have no acceptor in common."),
        (Cue::Action, "A partition splits the acceptors into two pairs: n2 and n3 with n0; n4 and n5 with n1 and the learner."),
        (Cue::Phase2(b(1, 0)), "n0 has 2 promises, a full phase-1 quorum here, and proposes \"A\"."),
        (Cue::Phase2(b(1, 1)), "n1 also has 2 promises, from n4 and n5, which never heard of \"A\": it proposes \"B\"."),
        (Cue::Chosen, "\"A\" is chosen by n2 and n3, a phase-2 quorum."),
        (Cue::Violation(Invariant::Agreement), "\"B\" is chosen by n4 and n5: two values chosen. With q1 + q2 > n, every phase-1 quorum meets every phase-2 quorum, and n1 would have heard of \"A\"."),
        (Cue::Learned(n(6)), "The learner learns \"B\" while n0 believes \"A\". Try q1 = 3, q2 = 2: larger phase-1 quorums buy smaller phase-2 quorums, safely."),
    ];
    d.expect = vec![
        Expect::Chosen { value: A, step: 17 },
        Expect::Violation { invariant: Invariant::ChosenStable, step: 22 },
        Expect::Violation { invariant: Invariant::Agreement, step: 23 },
        Expect::Chosen { value: B, step: 23 },
    ];
    d.prompts = vec![Prompt {
        caption: 2,
        question: "n1, on the other side, gets promises from n4 and n5. Can \"B\" be chosen as well as \"A\"?",
        choices: &["No: Paxos never chooses two values", "Yes: the two quorums share no acceptor"],
        answer: 1,
        why: "With 2 + 2 not more than 4, n1's phase-1 quorum (n4, n5) misses n0's phase-2 quorum (n2, n3): nobody tells n1 about \"A\".",
        fact: Fact::Violated(Invariant::Agreement),
    }];
    d.end_tick = 100;
    d
}
