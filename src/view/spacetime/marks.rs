//! What the diagram draws besides arrows: the time axis, the stretches a node was down, and
//! what a chosen marker says.

use super::{zoom, Geometry, Lane, LOOKBACK_TICKS};
use crate::protocol::{Ballot, Proposal, Value};
use crate::sim::{Event, EventKind, Tick};

/// Shades each lane where its node was down; a node still down is shaded to the end of the
/// window (the clip at the clock cuts it).
pub(super) fn down_stretches(lanes: &mut [Lane], events: &[Event], g: &Geometry, index: &[Option<usize>]) {
    let mut since: Vec<Option<f64>> = vec![None; lanes.len()];
    let mut seen = vec![false; lanes.len()];
    let edge = g.start - LOOKBACK_TICKS;
    for e in events {
        let (node, down) = match e.kind {
            EventKind::Crash { node } => (node, true),
            EventKind::Recover { node } => (node, false),
            _ => continue,
        };
        let Some(&Some(i)) = index.get(node.index()) else { continue };
        let t = e.time as f64;
        match (down, since[i].take()) {
            (true, _) => since[i] = Some(t),
            (false, Some(from)) => lanes[i].down.push((from, t)),
            // Recovered without a crash in the scan: it was down since before it.
            (false, None) if !seen[i] => lanes[i].down.push((edge, t)),
            (false, None) => {}
        }
        seen[i] = true;
    }
    for (i, lane) in lanes.iter_mut().enumerate() {
        match since[i] {
            Some(from) => lane.down.push((from, g.end())),
            None if !seen[i] && !lane.up => lane.down.push((edge, g.end())),
            None => {}
        }
        lane.down.retain(|&(_, to)| to >= g.start);
        for d in lane.down.iter_mut() {
            *d = (g.x(d.0.max(g.start)), g.x(d.1.min(g.end())));
        }
    }
}

/// What a chosen marker says, whether it breaks agreement, and whether it is the value chosen
/// before, chosen again by a quorum at a later ballot (after a partition heals, say): that is
/// no new decision, and reads "still".
pub fn chosen_label(first: Option<Proposal>, ballot: Ballot, value: Value) -> (String, bool, bool) {
    match first {
        Some(f) if f.value != value => (format!("\"{value}\" chosen at {ballot}: agreement violated"), true, false),
        Some(f) if f.ballot != ballot => (format!("still \"{value}\" (quorum at {ballot})"), false, true),
        _ => (format!("\"{value}\" chosen at {ballot}"), false, false),
    }
}

pub(super) fn axis_ticks(g: &Geometry) -> Vec<(f64, Tick)> {
    let every = zoom::axis_every(g.span) as Tick;
    let first = (g.start / every as f64).ceil() as Tick * every;
    (0..).map(|i| first + i * every).take_while(|t| (*t as f64) <= g.end()).map(|t| (g.x(t as f64), t)).collect()
}
