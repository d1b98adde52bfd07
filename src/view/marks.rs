//! Marks that tie the stage to the story, each derived from the trace up to the cursor (the
//! simulator records nothing extra for them, so its hot path is untouched):
//!
//! - the quorum that chose a value: the acceptors whose Accepted events for the chosen proposal
//!   came before its Chosen event (the monitor's own count: a phase-2 quorum at one ballot);
//! - a proposer that adopted a value it did not propose: its latest phase-2 note says
//!   `adopted`, while it still works on (or has finished with) that ballot's value;
//! - what the caption names: node names (`n3`) and message kinds (`Accept`, `Promises`);
//! - each proposer's retry timer: armed at its latest phase change (every `SetTimer` a proposer
//!   emits comes in the same step as a Phase1, Phase2 or Abandon note), due when the world says.

use super::nodes::{describe, NodeView};
use crate::protocol::{Ballot, MsgKind, NodeId, Note, Phase, Proposal, Value};
use crate::sim::{Event, EventKind, Tick, World};

/// For each node (by index), the value whose choice its acceptance was part of, if any: the
/// acceptors that accepted the chosen proposal before its Chosen event in `past` (the first
/// value, when agreement is broken and an acceptor was in two quorums).
pub fn chosen_by(past: &[Event], nodes: usize) -> Vec<Option<Value>> {
    let mut out = vec![None; nodes];
    for (i, e) in past.iter().enumerate() {
        let EventKind::Chosen { ballot, value } = e.kind else { continue };
        for a in &past[..i] {
            match a.kind {
                EventKind::Accepted { node, proposal } if proposal == (Proposal { ballot, value }) => {
                    out[node.index()].get_or_insert(value);
                }
                _ => {}
            }
        }
    }
    out
}

/// For each node (by index), the value it adopted from a promise, while the mark applies: the
/// node is up and its latest phase 2 (an adopted value) is still its phase, or it finished with
/// that value.
pub fn adopted(world: &World, past: &[Event]) -> Vec<Option<Value>> {
    let mut last: Vec<Option<(Ballot, Value, bool)>> = vec![None; world.system.nodes.len()];
    for e in past {
        if let EventKind::Proposer { node, note: Note::Phase2 { ballot, value, adopted } } = e.kind {
            last[node.index()] = Some((ballot, value, adopted));
        }
    }
    let nodes = world.system.nodes.iter().zip(last);
    nodes
        .map(|(slot, last)| {
            let (ballot, value, true) = last? else { return None };
            let phase = slot.node.proposer.as_ref().filter(|_| slot.up)?.phase;
            let still = match phase {
                Phase::Accepting { ballot: b, .. } => b == ballot,
                Phase::Done { value: v } => v == value,
                _ => false,
            };
            still.then_some(value)
        })
        .collect()
}

/// What a caption names: nodes and message kinds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Named {
    pub nodes: Vec<NodeId>,
    pub kinds: Vec<MsgKind>,
}

/// The nodes (`n0` .. one below `node_count`) and message kinds (`Prepare`, `Promises`, ...,
/// capitalised as the log writes them, so the verb "promises" is not the message) a caption's
/// text names, each once, in the order first named.
pub fn named(text: &str, node_count: usize) -> Named {
    let mut out = Named::default();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let node = word.strip_prefix('n').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
        if let Some(i) = node.and_then(|d| d.parse::<usize>().ok()).filter(|&i| i < node_count) {
            let id = NodeId(i as u8);
            if !out.nodes.contains(&id) {
                out.nodes.push(id);
            }
            continue;
        }
        let kind =
            MsgKind::ALL.into_iter().find(|k| word.strip_suffix('s').unwrap_or(word) == k.name() || word == k.name());
        if let Some(k) = kind.filter(|k| !out.kinds.contains(k)) {
            out.kinds.push(k);
        }
    }
    out
}

/// The node views at the cursor with the story's marks on them (and in their labels): the
/// chosen quorums, adoptions and what `caption` names.
pub fn marked_views(world: &World, past: &[Event], caption: &str) -> Vec<NodeView> {
    let mut views = super::nodes::node_views(world);
    for (v, value) in views.iter_mut().zip(chosen_by(past, world.system.nodes.len())) {
        v.quorum = value;
    }
    for (v, adopted) in views.iter_mut().zip(adopted(world, past)) {
        v.adopted = adopted;
    }
    for n in named(caption, views.len()).nodes {
        views[n.index()].named = true;
    }
    for v in &mut views {
        v.timer_due = world.timer_due(v.id).filter(|_| v.phase.is_some());
        v.label = describe(v);
    }
    views
}

/// The adoption badge of a node box (`adopted "A"`): its text, and its rectangle relative to
/// the box's top-left corner (x, y, width, height). It sits on the line below the box's last
/// line of text (inside a proposer's box; hanging off a server's, whose lines fill it), and
/// `labels::node_text` keeps message labels off it.
pub fn badge(v: &NodeView) -> Option<(String, [f64; 4])> {
    let value = v.adopted?;
    let lines = [&v.phase, &v.promised, &v.accepted, &v.learned].into_iter().flatten().count();
    let text = format!("adopted \"{value}\"");
    let width = text.chars().count() as f64 * 7.0 + 14.0;
    Some((text, [6.0, 19.0 + 17.0 * lines as f64 + 4.0, width, 18.0]))
}

/// A proposer's retry timer: armed at `armed`, due at `due`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimerArc {
    pub node: NodeId,
    pub armed: Tick,
    pub due: Tick,
}

impl TimerArc {
    /// How much of the wait is left at `clock`: 1 when armed, 0 at the deadline.
    pub fn left(&self, clock: f64) -> f64 {
        let span = self.due.saturating_sub(self.armed).max(1) as f64;
        ((self.due as f64 - clock) / span).clamp(0.0, 1.0)
    }
}

/// The armed retry timer of every proposer that has one, in node order.
pub fn timers(world: &World, past: &[Event]) -> Vec<TimerArc> {
    let cluster = &world.system.cluster;
    let mut out = Vec::new();
    for &node in &cluster.proposers {
        let Some(due) = world.timer_due(node) else { continue };
        let armed = past.iter().rev().find_map(|e| match e.kind {
            EventKind::Proposer { node: n, note: Note::Phase1 { .. } | Note::Phase2 { .. } | Note::Abandon { .. } }
                if n == node =>
            {
                Some(e.time)
            }
            _ => None,
        });
        out.push(TimerArc { node, armed: armed.unwrap_or(world.now), due });
    }
    out
}

#[cfg(test)]
mod tests;
