//! A model checker's Multi-Paxos run as a scenario of this mode (lesson 10): each of the
//! checker's steps becomes one of the person's actions in a scripted run (`MultiScenario::
//! script_pace`), where every message and timer is held back and only the script moves: a
//! client handed an operation as itself, a delivery as `DeliverNow` (the message arrives in the
//! step after), a loss as `Drop`, a copy as `Duplicate`, a timer as `FireTimer`, a crash or a
//! recovery as itself. As single-decree's conversion (`check::replay`), it replays the scenario
//! as it builds it and compares every node with the checker's after every step, so a scenario
//! it returns is known to replay the checker's run exactly.

use super::{MultiPageConfig, MultiScenario, MultiScheduled, MultiVariantChoice, PersonAction};
use crate::check::explore::{Move, MoveOf, Space, State};
use crate::protocol::multi::{Msg, Multi};
use crate::protocol::NodeId;
use crate::sim::multi::MultiEvent;
use crate::sim::{Action, Event, MsgId, Step};

/// Ticks between two of the checker's steps as the page plays them.
pub const PACE: u32 = 4;

/// A scripted scenario that replays `moves` (a trail of `space`, from its first move), and the
/// step count at which each move is done in it.
pub fn to_scenario(
    space: &Space<Multi>,
    moves: &[MoveOf<Multi>],
    title: &str,
) -> Result<(MultiScenario, Vec<u64>), String> {
    let cluster = &space.cluster;
    let b = cluster.broken;
    let variant = match (b.keep_only_chosen, b.no_at_most_once, b.lease_without_wait) {
        (false, false, false) => MultiVariantChoice::Correct,
        (true, false, false) => MultiVariantChoice::KeepOnlyChosen,
        (false, true, false) => MultiVariantChoice::NoAtMostOnce,
        _ => return Err("only the correct protocol and one broken variant at a time convert".into()),
    };
    if cluster.lease.is_some() || cluster.compaction.is_some() {
        return Err("a run with leases or compaction does not convert (its clock is the checker's own)".into());
    }
    let keys = space.clients.iter().flat_map(|(_, ops)| ops.iter().map(|op| op.key().0)).max().unwrap_or(0) + 1;
    let config = MultiPageConfig {
        replicas: cluster.replicas.len() as u8,
        clients: cluster.clients.len() as u8,
        window: cluster.window.min(16) as u8,
        variant,
        keys,
        loss_percent: 0,
        ..MultiPageConfig::default()
    };
    let mut scenario = MultiScenario {
        title: title.chars().take(super::MAX_TITLE).collect(),
        config,
        seed: 1,
        schedule: Vec::new(),
        workload: false,
        script_pace: Some(PACE),
        captions: Vec::new(),
    };
    let mut page = scenario.history().run().clone();
    let same = |c: &crate::protocol::multi::MultiCluster| {
        (c.replicas == cluster.replicas && c.clients == cluster.clients && c.quorum == cluster.quorum)
            && (c.phase1_quorum == cluster.phase1_quorum && c.window == cluster.window && c.broken == cluster.broken)
    };
    if !same(&page.world.system.cluster) {
        return Err("the page cannot configure the checker's cluster".into());
    }
    let mut state = State::initial(space);
    let mut trace: Vec<Event<MultiEvent>> = Vec::new();
    let mut ends = Vec::new();
    for (i, m) in moves.iter().enumerate() {
        let Move::Step(step) = m else { return Err(format!("step {}: the clock's tick has no page action", i + 1)) };
        let world = &page.world;
        let action = match step {
            Step::Propose { node, value } => PersonAction::Client { client: *node, op: *value },
            Step::Deliver { from, to, msg } => {
                PersonAction::Act(Action::DeliverNow { msg: find(world, *from, *to, msg)? })
            }
            Step::Drop { from, to, msg } => PersonAction::Act(Action::Drop { msg: find(world, *from, *to, msg)? }),
            Step::Duplicate { from, to, msg } => {
                PersonAction::Act(Action::Duplicate { msg: find(world, *from, *to, msg)? })
            }
            Step::Timer { node } => PersonAction::Act(Action::FireTimer { node: *node }),
            Step::Crash { node } => PersonAction::Act(Action::Crash { node: *node }),
            Step::Recover { node } => PersonAction::Act(Action::Recover { node: *node }),
        };
        let delivery = match &action {
            PersonAction::Act(Action::DeliverNow { msg }) => Some(*msg),
            _ => None,
        };
        scenario.schedule.push(MultiScheduled { step: page.world.steps, action });
        if !page.step(&scenario.schedule, &mut trace) {
            return Err(format!("step {}: the page's run did not move", i + 1));
        }
        if let Some(id) = delivery {
            let before = trace.len();
            page.step(&scenario.schedule, &mut trace);
            let arrived =
                trace[before..].iter().any(|e| matches!(&e.kind, MultiEvent::Deliver { id: d, .. } if *d == id));
            if !arrived {
                return Err(format!("step {}: another event came before message #{}", i + 1, id.0));
            }
        }
        state.apply(space, m.clone());
        if page.world.system.nodes != state.system.nodes {
            return Err(format!("step {}: the page's nodes differ from the checker's", i + 1));
        }
        ends.push(page.world.steps);
    }
    Ok((scenario, ends))
}

/// The lowest id of a message in flight from `from` to `to` carrying `msg`.
fn find(world: &crate::sim::World<Multi>, from: NodeId, to: NodeId, msg: &Msg) -> Result<MsgId, String> {
    world
        .in_flight()
        .iter()
        .filter(|m| m.from == from && m.to == to && &m.msg == msg)
        .map(|m| m.id)
        .min()
        .ok_or_else(|| format!("no message {from} -> {to} {msg} in flight"))
}
