//! Lessons 1 to 4: the protocol when things go right, competing and dueling proposers, and a
//! proposer that crashes halfway.

use super::library::{at, b, cluster, draft, drop_msg, n, propose, A, B, C};
use super::{Cue, Draft, Expect, Fact, Prompt};
use crate::protocol::{MsgKind, Timing};
use crate::sim::Action;

pub(super) fn happy_path() -> Draft {
    let mut d = draft(
        "happy-path",
        "1. The happy path",
        "One proposer, three acceptors, one learner, a perfect network. Follow one value from a client's request to the moment every node knows it is chosen: prepare, promise, accept, accepted, chosen, learned.",
        cluster(1, 3, 5),
        vec![propose(0, 0, A)],
    );
    d.captions = vec![
        (Cue::Start, "Welcome! Proposer n0, acceptors n1, n2 and n3, and learner n4. Every message takes exactly 5 ticks. Press Next to follow one value from request to decision."),
        (Cue::Action, "A client asks proposer n0 to propose \"A\". n0 picks ballot 1.0 (round 1, node 0) and sends Prepare 1.0 to every acceptor: phase 1 begins."),
        (Cue::Promised(n(1), b(1, 0)), "Acceptor n1 promises ballot 1.0. It writes the promise to disk first, then replies: from now on it refuses any ballot lower than 1.0."),
        (Cue::Promised(n(3), b(1, 0)), "n2 and n3 promise too. None of them has accepted anything yet, so their promises report no earlier value."),
        (Cue::Phase2(b(1, 0)), "n0 has promises from a majority (2 of 3): phase 2 begins. No promise reported an accepted value, so n0 may propose its own: Accept(1.0, \"A\")."),
        (Cue::Accepted(n(1), b(1, 0)), "Acceptor n1 accepts (1.0, \"A\"), stores it, and tells both the proposer and the learner."),
        (Cue::Chosen, "\"A\" is chosen: a majority (n1 and n2) accepted it at the same ballot. No node knows it yet: only the simulator, which sees every acceptor at once, does (the \"Chosen\" status on this page)."),
        (Cue::Done(n(0)), "n0 has counted Accepted from a majority, so it knows \"A\" is chosen. It tells every node with Decided, so that nodes that missed an Accepted still learn."),
        (Cue::Learned(n(4)), "Learner n4 has counted Accepted for ballot 1.0 from a majority of acceptors: it learns \"A\"."),
        (Cue::Deliver(n(4), MsgKind::Decided), "Every node has heard. The decision is final: no later ballot can change it. Now it is your turn: crash an acceptor or propose another value and watch \"A\" stay chosen."),
    ];
    d.expect = vec![Expect::Chosen { value: A, step: 9 }, Expect::AllLearned { value: A }, Expect::Safe];
    d.end_tick = 100;
    d
}

pub(super) fn competing() -> Draft {
    let mut d = draft(
        "competing-proposers",
        "2. Competing proposers",
        "n0 wants \"A\", n1 wants \"B\". n1 comes later with a higher ballot and wins the acceptors over, but it must carry the value an acceptor already accepted. This is the rule that makes Paxos safe.",
        cluster(2, 3, 5),
        vec![propose(0, 0, A), drop_msg(12, 8), drop_msg(12, 9), propose(16, 1, B)],
    );
    d.captions = vec![
        (Cue::Start, "Two proposers want different values: n0 wants \"A\", n1 wants \"B\". Acceptors are n2, n3 and n4; n5 is the learner. Only one value may be chosen."),
        (Cue::Phase1(b(1, 0)), "n0 starts phase 1 with ballot 1.0."),
        (Cue::Phase2(b(1, 0)), "All three acceptors promised 1.0, so n0 sends Accept(1.0, \"A\") to each of them."),
        (Cue::Action, "Two of those Accept messages are lost (dropped by hand, here): only n2 will receive one."),
        (Cue::Accepted(n(2), b(1, 0)), "n2 accepts (1.0, \"A\"). One acceptor of three is not a majority: \"A\" is not chosen yet, and n0 waits for more Accepted."),
        (Cue::Phase1(b(1, 1)), "Now n1 proposes \"B\" with ballot 1.1. It is higher than 1.0: the same round, and the node id breaks the tie."),
        (Cue::Promised(n(2), b(1, 1)), "n2 promises 1.1, and its promise reports what it already accepted: (1.0, \"A\")."),
        (Cue::Phase2(b(1, 1)), "n1 has a majority of promises, one reporting (1.0, \"A\"). The rule: propose the value of the highest-ballot proposal reported. So n1 proposes \"A\", not its own \"B\"."),
        (Cue::Chosen, "\"A\" is chosen at ballot 1.1. Why the rule? n1 hears from only a majority, so it cannot tell whether \"A\" was already chosen; adopting it is always safe."),
        (Cue::Learned(n(5)), "The learner learns \"A\". The higher ballot won the acceptors, and the earlier value won the decision."),
    ];
    d.expect = vec![Expect::Chosen { value: A, step: 21 }, Expect::AllLearned { value: A }, Expect::Safe];
    d.prompts = vec![Prompt {
        caption: 6,
        question: "n1 wants \"B\", but n2's promise reports (1.0, \"A\"). Which value will n1 propose?",
        choices: &["\"A\", the value n2 reported", "\"B\", its own value"],
        answer: 0,
        why: "A proposer must propose the value of the highest-ballot proposal its promises report; only if none reports one may it propose its own.",
        fact: Fact::Proposes(n(1), A),
    }];
    d.end_tick = 100;
    d
}

/// Three proposers starting 10 ticks apart; acceptors reject in silence (no Nack), so a
/// preempted proposer only notices when its timer fires. Without randomness every proposer's
/// retry lands just before the previous one's Accept: a livelock, exactly periodic.
///
/// Both lessons keep the timing they were written with, without timeout growth: their
/// captions tell the duel tick by tick. (With growth, in 3b, n0 backs off after its timeout at
/// t=32 and hears the decision before it tries ballot 2.0, so the adoption is never shown.)
pub(super) fn dueling(backoff: bool) -> Draft {
    let mut c = cluster(3, 3, 5);
    c.nack = false;
    c.timing =
        Timing { timeout_ticks_min: 20, timeout_ticks_max: 40, backoff, timeout_growth: false, ..Timing::default() };
    let schedule = vec![propose(0, 0, A), propose(10, 1, B), propose(20, 2, C)];
    if backoff {
        dueling_backoff(c, schedule)
    } else {
        dueling_livelock(c, schedule)
    }
}

fn dueling_livelock(c: crate::sim::Config, schedule: Vec<crate::sim::Scheduled>) -> Draft {
    let mut d = draft(
        "dueling-proposers",
        "3a. Dueling proposers: no progress",
        "Three proposers keep interrupting each other: each new ballot arrives just before the previous proposer's Accept. Acceptors reject in silence and every retry waits exactly 20 ticks. Nothing wrong is ever chosen, but nothing is chosen at all.",
        c,
        schedule,
    );
    d.captions = vec![
        (Cue::Start, "Three proposers (n0, n1, n2) start 10 ticks apart. Acceptors reject stale ballots silently (no Nack), and there is no randomness: a proposer that hears nothing retries after exactly 20 ticks."),
        (Cue::Phase2(b(1, 0)), "n0 has its promises and sends Accept(1.0, \"A\"). But n1 started ballot 1.1 a moment earlier, and its Prepare will arrive first."),
        (Cue::Promised(n(3), b(1, 1)), "The acceptors promise 1.1 just before n0's Accept(1.0) arrives, so they refuse it. n0 hears nothing and waits for its timer."),
        (Cue::Phase2(b(1, 1)), "n1 sends Accept(1.1, \"B\"), but n2 has just started ballot 1.2: the same thing happens to n1."),
        (Cue::Phase1(b(2, 0)), "n0's timer fires and it retries with ballot 2.0, which will overtake n2's Accept. Each proposer in turn cancels the one before."),
        (Cue::Phase1(b(3, 0)), "Round 3, the same pattern, to the tick. This is a livelock: safety holds (nothing wrong is chosen), but there is no progress."),
        (Cue::Time(300), "Still nothing chosen at t=300, and it never will be. In an asynchronous system where even one process may crash, no deterministic protocol can guarantee progress in every schedule (the FLP result); the next lesson breaks the symmetry with randomness."),
    ];
    d.expect = vec![Expect::NoneChosenBefore { tick: 300 }, Expect::Safe];
    d
}

fn dueling_backoff(c: crate::sim::Config, schedule: Vec<crate::sim::Scheduled>) -> Draft {
    let mut d = draft(
        "dueling-backoff",
        "3b. Dueling proposers: randomized backoff",
        "The same three proposers and start times, now with randomized timeouts and backoff. One retry comes a little later than the others, one proposer gets through, and the rest adopt its value.",
        c,
        schedule,
    );
    d.captions = vec![
        (Cue::Start, "The same duel as before, with one change: a proposer's timeout is drawn at random between 20 and 40 ticks, and rejected proposers back off for a random time."),
        (Cue::Phase1(b(1, 2)), "At first the pattern repeats: n1's ballot 1.1 overtook n0, and now n2's ballot 1.2 overtakes n1."),
        (Cue::Phase2(b(1, 2)), "n2 sends Accept(1.2, \"C\"). Without randomness n0 would interrupt it now; but n0's timer was drawn a little longer."),
        (Cue::Chosen, "\"C\" is chosen at t=35: n0 retried at t=32 instead of t=30, just late enough for n2's Accept to land first."),
        (Cue::Learned(n(6)), "The learner learns \"C\"."),
        (Cue::Phase2(b(2, 0)), "n0's ballot 2.0 finds (1.2, \"C\") in its promises and proposes \"C\": the value chosen stays chosen. Randomized timeouts (or a single leader) end a duel with probability 1."),
    ];
    d.expect = vec![Expect::Chosen { value: C, step: 30 }, Expect::AllLearned { value: C }, Expect::Safe];
    d.end_tick = 100;
    d
}

pub(super) fn proposer_crash() -> Draft {
    let schedule = vec![
        propose(0, 0, A),
        at(8, Action::Crash { node: n(0) }),
        propose(20, 1, B),
        at(50, Action::Recover { node: n(0) }),
        propose(60, 0, A),
    ];
    let mut d = draft(
        "proposer-crash",
        "4. A proposer crashes halfway",
        "n0 crashes after sending Prepare and before sending Accept. Another proposer finishes the job, and when n0 comes back and tries again, the chosen value stays safe.",
        cluster(2, 3, 5),
        schedule,
    );
    d.captions = vec![
        (Cue::Start, "n0 will crash in the middle of its proposal. Can its half-finished work break anything?"),
        (Cue::Phase1(b(1, 0)), "n0 proposes \"A\" and sends Prepare 1.0."),
        (Cue::Promised(n(4), b(1, 0)), "All three acceptors promise 1.0 to n0."),
        (Cue::Action, "n0 crashes at t=8, after Prepare and before any Accept. Its volatile state (the value \"A\", the promises it counted) is gone; only the highest round it used is on disk."),
        (Cue::Dropped(MsgKind::Promise, crate::sim::DropReason::NodeDown), "The promises reach a node that is down and are lost."),
        (Cue::Phase1(b(1, 1)), "n1 proposes \"B\" with ballot 1.1. The acceptors promised only 1.0, and 1.1 is higher, so they promise again."),
        (Cue::Phase2(b(1, 1)), "No acceptor ever accepted anything, so n1 is free to propose its own \"B\"."),
        (Cue::Chosen, "\"B\" is chosen. n0's unfinished ballot did no harm: acceptors only accept what a proposer sends in phase 2, and n0 never got there."),
        (Cue::Action, "n0 recovers at t=50 from its disk: it remembers it used round 1, but not the value."),
        (Cue::Phase1(b(2, 0)), "A client asks n0 for \"A\" again. n0 uses ballot 2.0, not 1.0 again: a proposer must never send two different proposals under one ballot."),
        (Cue::Phase2(b(2, 0)), "The promises report (1.1, \"B\"), so n0 proposes \"B\", not \"A\"."),
        (Cue::Done(n(0)), "n0 sees \"B\" chosen. A crashed proposer can delay a decision, never corrupt one."),
    ];
    d.expect = vec![Expect::Chosen { value: B, step: 17 }, Expect::AllLearned { value: B }, Expect::Safe];
    d.prompts = vec![Prompt {
        caption: 9,
        question: "n0 wants \"A\" again, with ballot 2.0. Which value will it propose?",
        choices: &["\"A\", its client's value", "\"B\", the value already chosen"],
        answer: 1,
        why: "The promises for 2.0 report (1.1, \"B\"), so n0 must propose \"B\": a later ballot always carries a chosen value on.",
        fact: Fact::Proposes(n(0), B),
    }];
    d.end_tick = 120;
    d
}
