//! Lesson 11: the shortest run that breaks the "ignore accepted values" variant, as the model
//! checker found it. The scenario is what `check::replay::to_scenario` built from the checker's
//! counterexample (`paxos check --variant ignore-accepted --no-nack --rounds 1`), kept here as
//! data: the scenario layer does not depend on the checker. `tests/native/lessons_checker.rs` runs the
//! checker and asserts that it still finds exactly this run, so a change to the checker or the
//! protocol that moves it is noticed.
//!
//! How the scenario replays: the network and the timers are slowed to the limit, so nothing
//! happens by itself; each of the checker's 13 steps is an action at the exact simulator step
//! (a client request, or `DeliverNow` of one message in flight, by its id).

use super::library::{b, draft, n, A, B};
use super::{Cue, Draft, Expect};
use crate::protocol::{Broken, Timing};
use crate::scenario::Scenario;
use crate::sim::config::MAX_TICKS;
use crate::sim::{Action, At, Config, Invariant, MsgId, NetParams, Scheduled, Topology};

/// A client request: the proposer asked, and the value.
type Request = Option<(u8, crate::protocol::Value)>;

/// The checker's counterexample: (simulator step, a client request or, if `None`, the delivery
/// of message `msg`, msg).
const STEPS: [(u64, Request, u64); 13] = [
    (0, Some((0, A)), 0),
    (1, Some((1, B)), 0),
    (2, None, 1),
    (4, None, 2),
    (6, None, 4),
    (8, None, 7),
    (10, None, 9),
    (12, None, 8),
    (14, None, 11),
    (16, None, 12),
    (18, None, 5),
    (20, None, 17),
    (22, None, 18),
];

/// The configuration the checker explored (2 proposers that ignore accepted values, 3
/// acceptors, 1 learner, Nack off), slowed to the limit as the replay needs it.
fn config() -> Config {
    Config {
        topology: Topology::Separate { proposers: 2, acceptors: 3, learners: 1 },
        quorums: None,
        nack: false,
        timing: Timing {
            timeout_ticks_min: MAX_TICKS,
            timeout_ticks_max: MAX_TICKS,
            backoff_ticks_base: MAX_TICKS,
            backoff_ticks_max: MAX_TICKS,
            ..Timing::default()
        },
        broken: Broken { ignore_accepted_values: true, ..Broken::default() },
        network: NetParams { latency_ticks_min: MAX_TICKS, latency_ticks_max: MAX_TICKS, loss: 0.0, duplicate: 0.0 },
    }
}

/// The seed the replay uses (any seed works: nothing random happens before the last step).
const SEED: u64 = 1;

fn schedule() -> Vec<Scheduled> {
    STEPS
        .iter()
        .map(|&(step, propose, msg)| Scheduled {
            at: At::Step(step),
            action: match propose {
                Some((node, value)) => Action::Propose { node: n(node), value },
                None => Action::DeliverNow { msg: MsgId(msg) },
            },
        })
        .collect()
}

pub(super) fn shortest_break() -> Draft {
    let mut d = draft(
        "checker-shortest-break",
        "11. The model checker finds the shortest break",
        "Proposers that ignore the values reported in promises break Paxos, but how soon? The model checker tried every interleaving of 2 such proposers, 3 acceptors and 1 round each (Nack off), breadth-first, and found this run: 13 steps, and none shorter. Open Check… to find it yourself.",
        config(),
        schedule(),
    );
    d.scenario = Scenario { seed: SEED, ..d.scenario };
    d.captions = vec![
        (Cue::Start, "Found by the model checker: the shortest run that breaks this broken variant. Nothing happens by itself here: each step is one the checker chose. Press Next to follow its 13 steps (the checker counts requests and deliveries; the clock counts every event)."),
        (Cue::Phase1(b(1, 1)), "Checker steps 1-2: n0's client asks for \"A\" (ballot 1.0), n1's for \"B\" (ballot 1.1). Both send Prepare to the acceptors n2, n3 and n4."),
        (Cue::Promised(n(2), b(1, 1)), "Checker steps 3-5: n2 and n3 promise ballot 1.0 to n0; then n2 also promises the higher ballot 1.1 to n1."),
        (Cue::Phase2(b(1, 0)), "Checker steps 6-8: n0 hears from n2 and n3, a majority, and sends Accept(1.0, \"A\"). n1 has one promise so far."),
        (Cue::Chosen, "Checker steps 9-10: n3 and n4 accept (1.0, \"A\"): a majority of the three acceptors. \"A\" is chosen."),
        (Cue::Promised(n(3), b(1, 1)), "Checker step 11: n3 promises n1's ballot 1.1, and its promise reports what it accepted: (1.0, \"A\")."),
        (Cue::Phase2(b(1, 1)), "Checker step 12: n1 has promises from n2 and n3. Paxos says: propose the value of the highest accepted proposal reported, \"A\". This broken n1 ignores it and sends Accept(1.1, \"B\")."),
        (Cue::Violation(Invariant::ChosenStable), "Checker step 13: n2 accepts (1.1, \"B\") although \"A\" was chosen at 1.0: chosen value stable is broken (Paxos Made Simple, P2a). No run of 12 steps or fewer breaks it."),
    ];
    d.expect =
        vec![Expect::Chosen { value: A, step: 18 }, Expect::Violation { invariant: Invariant::ChosenStable, step: 24 }];
    d.end_tick = 0;
    d
}
