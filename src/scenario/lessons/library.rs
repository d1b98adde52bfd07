//! The lessons themselves. Each is written for students: what to watch, then one caption per
//! moment that matters, saying what just happened and why it matters.

use super::{basics, checker, faults, Draft};
use crate::protocol::{Ballot, NodeId, Timing, Value};
use crate::scenario::Scenario;
use crate::sim::{Action, At, Config, MsgId, NetParams, Scheduled, Topology};

pub(super) fn n(i: u8) -> NodeId {
    NodeId(i)
}

pub(super) fn at(t: u64, action: Action) -> Scheduled {
    Scheduled { at: At::Tick(t), action }
}

pub(super) fn propose(t: u64, node: u8, value: Value) -> Scheduled {
    at(t, Action::Propose { node: n(node), value })
}

pub(super) const A: Value = Value(0);
pub(super) const B: Value = Value(1);
pub(super) const C: Value = Value(2);

/// Separate proposers, acceptors and learners; every message takes exactly `latency` ticks, so
/// the story reads the same every time; proposers wait long before retrying unless a lesson
/// is about retries. Timeouts do not grow: the captions tell each run tick by tick and ballot
/// by ballot as it was written, with the timing of scenario format 1, and links to a lesson
/// people shared replay it exactly.
pub(super) fn cluster(proposers: u8, acceptors: u8, latency: u32) -> Config {
    Config {
        topology: Topology::Separate { proposers, acceptors, learners: 1 },
        network: NetParams { latency_ticks_min: latency, latency_ticks_max: latency, loss: 0.0, duplicate: 0.0 },
        timing: Timing { timeout_ticks_min: 100, timeout_ticks_max: 100, timeout_growth: false, ..Timing::default() },
        ..Config::default()
    }
}

/// A lesson with its texts; captions and expectations are added by the caller.
pub(super) fn draft(
    slug: &'static str,
    title: &str,
    description: &str,
    config: Config,
    schedule: Vec<Scheduled>,
) -> Draft {
    let scenario = Scenario {
        title: title.to_string(),
        description: description.to_string(),
        config,
        seed: 1,
        schedule,
        ..Scenario::default()
    };
    Draft { slug, scenario, captions: Vec::new(), expect: Vec::new(), end_tick: 300, prompts: Vec::new() }
}

pub(super) fn drafts() -> Vec<Draft> {
    vec![
        basics::happy_path(),
        basics::competing(),
        basics::dueling(false),
        basics::dueling(true),
        basics::proposer_crash(),
        faults::acceptor_crashes(),
        faults::lossy(),
        faults::partition(),
        faults::forgetful(),
        faults::small_quorums(),
        checker::shortest_break(),
    ]
}

pub(super) fn drop_msg(t: u64, m: u64) -> Scheduled {
    at(t, Action::Drop { msg: MsgId(m) })
}

pub(super) fn b(round: u32, node: u8) -> Ballot {
    Ballot::new(round, NodeId(node))
}
