//! A checker's run as a scenario of the simulator: a share link and a JSON file that replay it
//! step for step in the page, with the safety panel turning red at the same step.
//!
//! How: the network and the timers are slowed so far (latency and timeouts at the limit,
//! `MAX_TICKS`) that nothing happens by itself during the run, and each of the checker's steps
//! becomes an action scheduled at the exact step it must happen: a client request, a crash or a
//! recovery as themselves; a delivery as `DeliverNow` (the message arrives in the next step); a
//! loss as `Drop`; a copy as `Duplicate`; a timer as `FireTimer`. The conversion replays the
//! scenario as it builds it and compares every node with the checker's state after every step,
//! so a scenario it returns is known to replay exactly.

use super::model::Model;
use super::report::{describe, Trail};
use super::state::State;
use crate::protocol::{Msg, NodeId};
use crate::scenario::{Caption, Scenario, MAX_CAPTIONS};
use crate::sim::config::MAX_TICKS;
use crate::sim::{Action, At, Event, EventKind, MsgId, NetParams, Schedule, Scheduled, Step, World};

/// A scenario that replays a trail, and where each of the trail's steps ends in it.
#[derive(Clone, Debug)]
pub struct Replay {
    pub scenario: Scenario,
    /// `ends[i]`: the simulator's step count once the trail's step `i` is done.
    pub ends: Vec<u64>,
    /// The trace of the replay (up to the end of the trail).
    pub trace: Vec<Event>,
}

/// Seeds tried: only a timer drawn to fire at once (a backoff drawn as 0 ticks) could get in
/// the way, and the conversion notices and takes the next seed.
const SEEDS: u64 = 64;

pub fn to_scenario(model: &Model, trail: &Trail, title: &str) -> Result<Replay, String> {
    let mut config = model.config.clone();
    config.network =
        NetParams { latency_ticks_min: MAX_TICKS, latency_ticks_max: MAX_TICKS, loss: 0.0, duplicate: 0.0 };
    config.timing.timeout_ticks_min = MAX_TICKS;
    config.timing.timeout_ticks_max = MAX_TICKS;
    config.timing.backoff_ticks_base = MAX_TICKS;
    config.timing.backoff_ticks_max = MAX_TICKS;
    let mut last = String::new();
    for seed in 1..=SEEDS {
        match attempt(model, &config, seed, trail) {
            Ok((schedule, ends, trace)) => {
                let captions = captions(trail, &ends);
                let scenario = Scenario {
                    title: title.chars().take(200).collect(),
                    description: format!(
                        "Found by the model checker: {} steps. Each step is scheduled; nothing else happens while they play.",
                        trail.steps.len()
                    ),
                    config,
                    seed,
                    schedule,
                    cursor: ends.last().copied(),
                    captions,
                    ..Scenario::default()
                };
                return Ok(Replay { scenario, ends, trace });
            }
            Err(e) => last = e,
        }
    }
    Err(format!("the run could not be replayed in the simulator: {last}"))
}

type Built = (Vec<Scheduled>, Vec<u64>, Vec<Event>);

fn attempt(model: &Model, config: &crate::sim::Config, seed: u64, trail: &Trail) -> Result<Built, String> {
    let mut world = World::new(config, seed);
    let mut entries: Vec<Scheduled> = Vec::new();
    let mut schedule = Schedule::default();
    let mut trace = Vec::new();
    let mut ends = Vec::new();
    let mut state = State::initial(model);
    for (i, &step) in trail.steps.iter().enumerate() {
        let action = match step {
            Step::Propose { node, value } => Action::Propose { node, value },
            Step::Crash { node } => Action::Crash { node },
            Step::Recover { node } => Action::Recover { node },
            Step::Timer { node } => Action::FireTimer { node },
            Step::Deliver { from, to, msg } => Action::DeliverNow { msg: find(&world, from, to, msg)? },
            Step::Drop { from, to, msg } => Action::Drop { msg: find(&world, from, to, msg)? },
            Step::Duplicate { from, to, msg } => Action::Duplicate { msg: find(&world, from, to, msg)? },
        };
        let entry = Scheduled { at: At::Step(world.steps), action };
        schedule.push(entry.clone());
        entries.push(entry);
        world.step(&schedule, &mut trace);
        if let (Step::Deliver { .. }, Action::DeliverNow { msg }) = (step, &entries[entries.len() - 1].action) {
            let before = trace.len();
            world.step(&schedule, &mut trace);
            let delivered = trace[before..].iter().any(|e| match &e.kind {
                EventKind::Deliver { id, .. } | EventKind::Drop { id, .. } => id == msg,
                _ => false,
            });
            if !delivered {
                return Err(format!("step {i}: another event came before message #{}", msg.0));
            }
        }
        state.apply(model, step);
        if world.system.nodes != state.system.nodes {
            return Err(format!("step {i} ({}): the simulator's nodes differ from the checker's", describe(&step)));
        }
        ends.push(world.steps);
    }
    let got: Vec<_> = world.system.violations.iter().map(|v| v.invariant).collect();
    let want: Vec<_> = trail.violations.iter().map(|v| v.invariant).collect();
    if got != want {
        return Err(format!("the replay broke {got:?}, the checker's run {want:?}"));
    }
    Ok((entries, ends, trace))
}

/// The lowest id of a message in flight from `from` to `to` carrying `msg`.
fn find(world: &World, from: NodeId, to: NodeId, msg: Msg) -> Result<MsgId, String> {
    world
        .in_flight()
        .iter()
        .filter(|m| m.from == from && m.to == to && m.msg == msg)
        .map(|m| m.id)
        .min()
        .ok_or_else(|| format!("no message {from} -> {to} {msg} in flight"))
}

/// One caption per step, shown once it has happened ("Checker step 3 of 9: ..."; the checker's
/// steps are requests and deliveries, fewer than the events the clock counts).
fn captions(trail: &Trail, ends: &[u64]) -> Vec<Caption> {
    let n = trail.steps.len();
    let mut out: Vec<Caption> = trail
        .steps
        .iter()
        .zip(ends)
        .take(MAX_CAPTIONS)
        .enumerate()
        .map(|(i, (step, &end))| Caption {
            step: end,
            text: format!("Checker step {} of {n}: {}.", i + 1, describe(step)),
        })
        .collect();
    if let (Some(last), false) = (out.last_mut(), trail.violations.is_empty()) {
        let v = &trail.violations[0];
        last.text.push_str(&format!(
            " {} is violated: {}.",
            v.invariant.single_decree_name().unwrap_or_default(),
            v.detail
        ));
    }
    out
}
