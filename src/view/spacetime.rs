//! The space-time (sequence) diagram as data: one lane per node, time running left to right,
//! an arrow per message from its send (time, sender's lane) to where it ended (delivery on the
//! receiver's lane, or the point where it died). A message in flight is drawn all the way to
//! its arrival and the plot is clipped at the clock, so it shows exactly how far it got.
//!
//! Why a window: the diagram draws only `WINDOW_TICKS` of time around the clock, found by
//! scanning the trace from a little before the window (a binary search on time), so a
//! 10,000-step run costs the same per frame as a short one. The window moves in jumps of
//! `WINDOW_STEP_TICKS` rather than every frame, and nothing in `SpaceTime` depends on the clock
//! between two steps (the clip and the cursor line do, see `cursor_x`): while the animation
//! runs between events the diagram stays the same and the page redraws only the cursor.
//!
//! A person can also zoom out (up to the whole run, which keeps one arrow per look and pixel:
//! see `zoom`) and scroll back; the window then stays where they put it (`Viewport`).
//!
//! Coordinates are SVG user units in a `WIDTH` x `height` view box; the page scales it.

use super::state::{Playground, Selection};
use crate::decimal::fixed;
use crate::protocol::{Msg, MsgKind, NodeId, Proposal, Roles};
use crate::sim::{Event, EventKind, MsgId, Tick};
use std::collections::HashMap;

mod marks;

pub mod export;
pub mod paths;
pub mod zoom;
pub use marks::chosen_label;
use marks::{axis_ticks, down_stretches};
pub use paths::{Span, Stroke};
pub use zoom::Viewport;

/// Ticks of time shown at once: with the default latencies (a few ticks) an arrow spans about a
/// tenth of the width, enough to read its slope and label.
pub const WINDOW_TICKS: f64 = 48.0;
/// The window moves by this much at a time (and the time axis is labelled this often).
pub const WINDOW_STEP_TICKS: f64 = 8.0;
/// The clock sits at most this far into the window (a fraction of its width).
const CLOCK_AT_MOST: f64 = 0.9;
/// How far before the window the trace is scanned for the sends of arrows that enter it.
/// An arrow sent earlier still than this (a very long latency) starts at this edge.
const LOOKBACK_TICKS: f64 = 400.0;

pub const WIDTH: f64 = 640.0;
pub const LABEL_WIDTH: f64 = 84.0;
const RIGHT_PAD: f64 = 16.0;
pub const TOP: f64 = 20.0;
pub const LANE_HEIGHT: f64 = 28.0;
/// Room under the last lane for the labels of chosen values.
pub const BOTTOM: f64 = 18.0;
/// What the plot shows in x (right of the lane labels); arrows are cut to it.
pub const PLOT_SPAN: Span = Span { from: LABEL_WIDTH, to: WIDTH };

/// Maps time to x and lanes to y: `span` ticks from `start` fill the plot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    pub start: f64,
    pub span: f64,
}

impl Default for Geometry {
    fn default() -> Geometry {
        Geometry { start: 0.0, span: WINDOW_TICKS }
    }
}

impl Geometry {
    /// The window that shows `clock`: the clock stays within the window, and the window only
    /// moves in whole `WINDOW_STEP_TICKS`.
    pub fn around(clock: f64) -> Geometry {
        Geometry::around_span(clock, WINDOW_TICKS)
    }

    /// The same for a window `span` ticks wide, moving in sixths of it.
    pub fn around_span(clock: f64, span: f64) -> Geometry {
        let step = zoom::step_of(span);
        let lead = clock - span * CLOCK_AT_MOST;
        let start = if lead <= 0.0 { 0.0 } else { (lead / step).ceil() * step };
        Geometry { start, span }
    }

    pub fn end(&self) -> f64 {
        self.start + self.span
    }

    fn plot_width() -> f64 {
        WIDTH - LABEL_WIDTH - RIGHT_PAD
    }

    pub fn x(&self, t: f64) -> f64 {
        LABEL_WIDTH + (t - self.start) / self.span * Self::plot_width()
    }

    /// The tick under `x` (what a click there seeks to), never before time 0.
    pub fn time_at(&self, x: f64) -> Tick {
        let t = self.start + (x - LABEL_WIDTH) / Self::plot_width() * self.span;
        t.round().max(0.0) as Tick
    }

    pub fn lane_y(index: usize) -> f64 {
        TOP + (index as f64 + 0.5) * LANE_HEIGHT
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub node: NodeId,
    /// "proposer", "acceptor", "learner", "server" or "node".
    pub role: &'static str,
    pub label: String,
    pub y: f64,
    pub up: bool,
    pub selected: bool,
    pub violating: bool,
    /// Stretches (x from, x to) when the node was down.
    pub down: Vec<(f64, f64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fate {
    InFlight,
    Delivered,
    Dropped,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub id: MsgId,
    pub kind: MsgKind,
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub fate: Fate,
    /// A copy made by duplication.
    pub twin: bool,
    pub selected: bool,
    pub msg: Msg,
    pub from: NodeId,
    pub to: NodeId,
}

impl Arrow {
    /// What the arrow carries, e.g. `#12 Prepare 3.1 n0 -> n4` (made on demand: only the
    /// selected arrow shows it, and a step rebuilds hundreds of arrows).
    pub fn label(&self) -> String {
        format!("#{} {} {} -> {}", self.id.0, self.msg, self.from, self.to)
    }
}

/// A labelled point: a learned value on a lane, or a chosen value across all lanes.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub x: f64,
    /// On a lane; for a chosen value, where its label's baseline is.
    pub y: f64,
    pub label: String,
    /// A second value chosen: agreement is violated (drawn red).
    pub violated: bool,
    /// The value chosen before, chosen again at a later ballot: not a new decision.
    pub still: bool,
    /// The label ends at the marker (it would run off the right edge).
    pub left: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SpaceTime {
    pub geometry: Geometry,
    pub height: f64,
    pub lanes: Vec<Lane>,
    pub arrows: Vec<Arrow>,
    /// The arrows as drawn: one path per look, cut to the window (see `paths`).
    pub strokes: Vec<Stroke>,
    /// Where dropped messages died, and the same as one path of crosses.
    pub drops: Vec<(f64, f64)>,
    pub drop_path: String,
    pub learned: Vec<Mark>,
    /// Vertical markers where a value became chosen.
    pub chosen: Vec<Mark>,
    /// Time axis labels: (x, tick).
    pub ticks: Vec<(f64, Tick)>,
    /// Events of the past before the window, and after it (when scrolled back).
    pub earlier: usize,
    pub later: usize,
    /// The whole run is shown.
    pub whole: bool,
    /// A one-line description for screen readers.
    pub summary: String,
}

/// A message sent in the scanned part of the trace, waiting for its end.
#[derive(Clone, Copy)]
struct Sent {
    from: NodeId,
    to: NodeId,
    msg: Msg,
    at: f64,
    arrive: f64,
    twin: bool,
}

/// The lane order: grouped by role, then by id.
fn role_rank(roles: Roles) -> u8 {
    match roles.label() {
        "proposer" => 0,
        "acceptor" => 1,
        "learner" => 2,
        "server" => 3,
        _ => 4,
    }
}

/// Where the cursor line (and the clip of the plot) is: the clock, in the diagram's window.
pub fn cursor_x(p: &Playground, g: &Geometry) -> f64 {
    // Not `clamp`: its panic message formats floats, which costs the page's wasm core's float
    // formatting (src/decimal.rs). The same value for a clock that is a number.
    g.x(p.clock.max(g.start).min(g.end()))
}

/// The diagram at the cursor, in the window that shows the playground's clock.
pub fn build(p: &Playground) -> SpaceTime {
    build_in(p, Viewport::default())
}

/// The diagram at the cursor as `view` shows it.
pub fn build_in(p: &Playground, view: Viewport) -> SpaceTime {
    let run = zoom::run_ticks(p);
    let g = view.geometry(p.clock, run);
    let world = p.history.world();
    let mut lanes = lanes(p);
    // Lane by node id (ids are 0..lanes.len()).
    let mut index: Vec<Option<usize>> = vec![None; lanes.len()];
    for (i, l) in lanes.iter().enumerate() {
        if let Some(slot) = index.get_mut(l.node.index()) {
            *slot = Some(i);
        }
    }
    let y = |n: NodeId| Geometry::lane_y(index.get(n.index()).copied().flatten().unwrap_or(0));
    let past = p.history.past();
    let from = past.partition_point(|e| (e.time as f64) < g.start - LOOKBACK_TICKS);
    let first_chosen = world.system.monitor.chosen.first().copied();
    let decimate = g.span > WINDOW_TICKS;
    let mut d = Drawing { g, selected: selected_msg(p), first_chosen, decimate, ..Drawing::default() };
    d.scan(&past[from..], &y);
    for m in world.in_flight() {
        let twin = d.pending.get(&m.id).is_some_and(|s| s.twin);
        let s = Sent { from: m.from, to: m.to, msg: m.msg, at: m.sent_at as f64, arrive: m.arrive as f64, twin };
        d.arrow(m.id, &s, s.arrive, Fate::InFlight, &y);
    }
    down_stretches(&mut lanes, &past[from..], &g, &index);
    let height = TOP + lanes.len() as f64 * LANE_HEIGHT + BOTTOM;
    let height = height + zoom::place_labels(&mut d.chosen, height) * zoom::LABEL_ROW;
    let earlier = past.partition_point(|e| (e.time as f64) < g.start);
    let later = past.len() - past.partition_point(|e| (e.time as f64) <= g.end());
    let summary = format!(
        "Space-time diagram: {} lanes, time {} to {}, {} messages shown, step {} at t={}",
        lanes.len(),
        fixed(g.start, 0),
        fixed(g.end(), 0),
        d.arrows.len(),
        p.history.cursor(),
        p.history.time()
    );
    SpaceTime {
        geometry: g,
        height,
        lanes,
        strokes: paths::strokes(&d.arrows, PLOT_SPAN),
        arrows: d.arrows,
        drop_path: paths::drop_marks(&d.drops),
        drops: d.drops,
        learned: d.learned,
        chosen: d.chosen,
        ticks: axis_ticks(&g),
        earlier,
        later,
        whole: view.zoom == zoom::WHOLE,
        summary,
    }
}

fn selected_msg(p: &Playground) -> Option<MsgId> {
    match p.selection {
        Selection::Message(id) => Some(id),
        _ => None,
    }
}

fn lanes(p: &Playground) -> Vec<Lane> {
    let world = p.history.world();
    let cluster = &world.system.cluster;
    let violating: Vec<NodeId> = world.system.violations.iter().flat_map(|v| v.nodes.iter().copied()).collect();
    // By role, then by id: one pass per rank over the nodes in id order (a stable sort would
    // link another copy of the standard library's sort, about 3 KB of wasm, for a handful of lanes).
    let nodes: Vec<NodeId> =
        (0..=4).flat_map(|rank| cluster.nodes().filter(move |n| role_rank(cluster.roles[n.index()]) == rank)).collect();
    let lane = |(i, n): (usize, NodeId)| {
        let role = cluster.roles[n.index()].label();
        Lane {
            node: n,
            role,
            label: format!("{n} {role}"),
            y: Geometry::lane_y(i),
            up: world.slot(n).up,
            selected: p.selection == Selection::Node(n),
            violating: violating.contains(&n),
            down: Vec::new(),
        }
    };
    nodes.into_iter().enumerate().map(lane).collect()
}

/// The arrows and marks found while scanning the trace.
#[derive(Default)]
struct Drawing {
    g: Geometry,
    selected: Option<MsgId>,
    /// Sent and not yet delivered or dropped. Only looked up by id, never iterated, so a hash map
    /// (hashbrown is in the wasm anyway) rather than a BTreeMap, whose node code would be one
    /// more copy of the standard library's B-tree in the page's wasm.
    pending: HashMap<MsgId, Sent>,
    arrows: Vec<Arrow>,
    drops: Vec<(f64, f64)>,
    learned: Vec<Mark>,
    chosen: Vec<Mark>,
    /// The first proposal chosen in the run (at the cursor): another value chosen later breaks
    /// agreement; the same value chosen again at another ballot is "still" that value.
    first_chosen: Option<Proposal>,
    /// Keep one arrow per look, lanes and column (`zoom::pixel_key`): a zoomed-out view
    /// of a long run draws what a screen can show, not every message.
    /// The scan meets arrows in the order they end, so only the keys of the column the last one
    /// ended in are kept (a short list rather than a set: the page's wasm has no `HashSet<u64>`).
    decimate: bool,
    column: u64,
    drawn: Vec<u64>,
}

impl Drawing {
    fn scan(&mut self, events: &[Event], y: &impl Fn(NodeId) -> f64) {
        let horizon = self.g.start - LOOKBACK_TICKS;
        for e in events {
            let t = e.time as f64;
            match &e.kind {
                EventKind::Send { id, from, to, msg, arrive } => {
                    self.sent(
                        *id,
                        Sent { from: *from, to: *to, msg: *msg, at: t, arrive: *arrive as f64, twin: false },
                    );
                }
                EventKind::Duplicate { id, from, to, msg, arrive, .. } => {
                    self.sent(*id, Sent { from: *from, to: *to, msg: *msg, at: t, arrive: *arrive as f64, twin: true });
                }
                EventKind::Reschedule { id, arrive } => {
                    if let Some(s) = self.pending.get_mut(id) {
                        s.arrive = *arrive as f64;
                    }
                }
                EventKind::Deliver { id, from, to, msg } | EventKind::Drop { id, from, to, msg, .. } => {
                    let s = self.pending.remove(id);
                    let s = s.unwrap_or(Sent { from: *from, to: *to, msg: *msg, at: horizon, arrive: t, twin: false });
                    if t >= self.g.start {
                        let fate =
                            if matches!(e.kind, EventKind::Drop { .. }) { Fate::Dropped } else { Fate::Delivered };
                        self.arrow(*id, &s, t, fate, y);
                    }
                }
                EventKind::Learned { node, value } if self.shows(t) => {
                    self.learned.push(Mark {
                        x: self.g.x(t),
                        y: y(*node),
                        label: format!("{node} learned \"{value}\""),
                        violated: false,
                        still: false,
                        left: false,
                    });
                }
                EventKind::Chosen { ballot, value } if self.shows(t) => {
                    let (label, violated, still) = chosen_label(self.first_chosen, *ballot, *value);
                    self.chosen.push(Mark { x: self.g.x(t), y: 0.0, label, violated, still, left: false });
                }
                _ => {}
            }
        }
    }

    /// Whether a mark at time `t` is in the window (a scrolled-back window ends before the past).
    fn shows(&self, t: f64) -> bool {
        t >= self.g.start && t <= self.g.end()
    }

    fn sent(&mut self, id: MsgId, s: Sent) {
        self.pending.insert(id, s);
    }

    /// An arrow from the send to time `end`: on the receiver's lane when delivered or still in
    /// flight (drawn to its arrival; the clip at the clock hides the rest), else at the point
    /// of its path it reached when it died.
    fn arrow(&mut self, id: MsgId, s: &Sent, end: f64, fate: Fate, y: &impl Fn(NodeId) -> f64) {
        let (y1, y_to) = (y(s.from), y(s.to));
        let reached = if fate != Fate::Dropped || s.arrive <= s.at {
            1.0
        } else {
            ((end - s.at) / (s.arrive - s.at)).clamp(0.0, 1.0)
        };
        let (x2, y2) = (self.g.x(end), y1 + (y_to - y1) * reached);
        let selected = self.selected == Some(id);
        let (msg, from, to, twin) = (s.msg, s.from, s.to, s.twin);
        let arrow = Arrow { id, kind: msg.kind(), x1: self.g.x(s.at), y1, x2, y2, fate, twin, selected, msg, from, to };
        if self.decimate && !selected {
            let key = zoom::pixel_key(&arrow);
            if key & 0xffff != self.column {
                self.column = key & 0xffff;
                self.drawn.clear();
            } else if self.drawn.contains(&key) {
                return;
            }
            self.drawn.push(key);
        }
        if fate == Fate::Dropped {
            self.drops.push((x2, y2));
        }
        self.arrows.push(arrow);
    }
}

#[cfg(test)]
mod tests;
