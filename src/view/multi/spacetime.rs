//! The Multi-Paxos mode's space-time diagram as data: a lane per replica and per client, time
//! running left to right, an arrow per message from its send (time, sender's lane) to its
//! delivery on the receiver's lane (or, for a dropped one, the point it reached when it died,
//! marked with a cross), and points for what no message shows: a leader elected, a replica
//! crashed or recovered, a client's operation called or answered, a slot chosen.
//!
//! Why a window: the diagram shows `WINDOW_TICKS` of time, found by a binary search on the
//! trace's times, so a run of thousands of steps costs the same per cursor step as a short one.
//! By default the window follows the clock (it moves in jumps of `WINDOW_STEP_TICKS`, so it
//! stays the same between most steps); a person may pin it earlier or later (`pinned`).
//! A message in flight is drawn to its arrival: the page clips the plot at the clock, which
//! shows how far it got, so nothing here depends on the clock between two steps.
//!
//! Every arrow and point carries the step to seek to when clicked: the cursor just after the
//! message was sent (the message then in flight on the stage), or just after the point's event.
//! Coordinates are SVG user units in a `WIDTH` x `height` view box; the page scales it.

use super::frame::{kind_class, message_label};
use super::{name, MultiPlayground, MultiSelection};
use crate::protocol::multi::Msg;
use crate::protocol::NodeId;
use crate::sim::multi::MultiEvent;
use crate::sim::{Event, MsgId, Tick};
use std::collections::BTreeMap;

/// Ticks shown at once: with the default latencies (2 to 4 ticks) an arrow spans a tenth of
/// the plot, enough to read its slope, and a heartbeat round is a few arrows wide.
pub const WINDOW_TICKS: u64 = 40;
/// The window moves by this much at a time, and the time axis is labelled this often.
pub const WINDOW_STEP_TICKS: u64 = 5;
/// The clock sits at most this far into a window that follows it.
const CLOCK_AT_MOST: f64 = 0.85;
/// How far before the window the trace is scanned for the sends of arrows that enter it.
const LOOKBACK_TICKS: u64 = 200;

pub const WIDTH: f64 = 1000.0;
pub const LABEL_WIDTH: f64 = 44.0;
const RIGHT_PAD: f64 = 10.0;
/// Room above the first lane for the time axis and the chosen slots' marks.
pub const TOP: f64 = 30.0;
pub const LANE_HEIGHT: f64 = 30.0;
pub const BOTTOM: f64 = 8.0;
/// Where the marks of chosen slots sit (on the axis row).
pub const CHOSEN_Y: f64 = TOP - 6.0;

/// What part of the run is shown: `span` ticks from `start`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    pub start: Tick,
    pub span: Tick,
}

impl Window {
    /// The window that shows `clock` near its right edge, moving in whole steps; or the one the
    /// person pinned at `pinned` (its start).
    pub fn at(clock: f64, pinned: Option<Tick>) -> Window {
        if let Some(start) = pinned {
            return Window { start: start - start % WINDOW_STEP_TICKS, span: WINDOW_TICKS };
        }
        let lead = clock - WINDOW_TICKS as f64 * CLOCK_AT_MOST;
        let step = WINDOW_STEP_TICKS as f64;
        let start = if lead <= 0.0 { 0 } else { ((lead / step).ceil() * step) as Tick };
        Window { start, span: WINDOW_TICKS }
    }

    pub fn end(&self) -> Tick {
        self.start + self.span
    }

    fn plot_width() -> f64 {
        WIDTH - LABEL_WIDTH - RIGHT_PAD
    }

    pub fn x(&self, t: f64) -> f64 {
        LABEL_WIDTH + (t - self.start as f64) / self.span as f64 * Self::plot_width()
    }

    /// How far the window's start is from time 0, in x: `x(t) + shift()` depends on `t` alone,
    /// so the page draws the arrows and points at that x in a group moved back by `shift()`,
    /// and a window that moves on changes that group's one attribute, not every arrow's.
    pub fn shift(&self) -> f64 {
        self.start as f64 / self.span as f64 * Self::plot_width()
    }

    /// The time under `x` (what a click there seeks to), never before 0.
    pub fn time_at(&self, x: f64) -> Tick {
        let t = self.start as f64 + (x - LABEL_WIDTH) / Self::plot_width() * self.span as f64;
        t.round().max(0.0) as Tick
    }

    /// The start of the window moved by `halves` halves of its width (earlier when negative).
    pub fn scrolled(&self, halves: i64) -> Tick {
        let by = (self.span / 2) as i64 * halves;
        (self.start as i64 + by).max(0) as Tick
    }
}

pub fn lane_y(index: usize) -> f64 {
    TOP + (index as f64 + 0.5) * LANE_HEIGHT
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub node: NodeId,
    /// `r0`, `c1`.
    pub label: String,
    pub replica: bool,
    pub y: f64,
    pub up: bool,
    /// Stretches (x from, x to) when the replica was down.
    pub down: Vec<(f64, f64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    InFlight,
    Delivered,
    Dropped,
}

impl Fate {
    pub fn class(self) -> &'static str {
        match self {
            Fate::InFlight => "in-flight",
            Fate::Delivered => "delivered",
            Fate::Dropped => "dropped",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub id: MsgId,
    /// The kind's CSS class (`accept`, `heartbeat`, ...).
    pub kind: &'static str,
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub fate: Fate,
    pub selected: bool,
    /// What it carries and between whom: `Accept 2.1 #7 write x=3, r1 to r2`.
    pub label: String,
    /// The cursor a click seeks to: just after it was sent.
    pub seek: u64,
}

/// What a point marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointKind {
    Leader,
    Crash,
    Recover,
    Invoke,
    Complete,
    Chosen,
}

impl PointKind {
    pub fn class(self) -> &'static str {
        match self {
            PointKind::Leader => "leader",
            PointKind::Crash => "crash",
            PointKind::Recover => "recover",
            PointKind::Invoke => "invoke",
            PointKind::Complete => "complete",
            PointKind::Chosen => "chosen",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub kind: PointKind,
    pub x: f64,
    pub y: f64,
    /// What happened, in a line: `r1 became leader at ballot 2.1 (step 40, t=12)`.
    pub text: String,
    /// Shown beside the point (a new leader's ballot), or empty.
    pub tag: String,
    /// The cursor a click seeks to: just after the event.
    pub seek: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SpaceTime {
    pub window: Window,
    pub height: f64,
    pub lanes: Vec<Lane>,
    pub arrows: Vec<Arrow>,
    pub points: Vec<Point>,
    /// Time axis labels: (x, tick).
    pub ticks: Vec<(f64, Tick)>,
    /// Events of the past before the window, and after it (when pinned back).
    pub earlier: usize,
    pub later: usize,
    /// A one-line description for screen readers.
    pub summary: String,
}

/// A message sent in the scanned part of the trace, waiting for its end (the message itself is
/// borrowed from the trace: hundreds are scanned per step, few are drawn).
struct Sent<'a> {
    from: NodeId,
    to: NodeId,
    msg: &'a Msg,
    at: Tick,
    arrive: Tick,
    step: u64,
}

/// The diagram at the cursor in the window that shows `clock` (or the pinned one).
pub fn build(p: &MultiPlayground, clock: f64, pinned: Option<Tick>) -> SpaceTime {
    let h = &p.history;
    let world = h.world();
    let cluster = &world.system.cluster;
    let w = Window::at(clock, pinned);
    let past = h.past();
    let from = past.partition_point(|e| e.time + LOOKBACK_TICKS < w.start);
    let mut lanes: Vec<Lane> = world
        .system
        .nodes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let node = NodeId(i as u8);
            let replica = cluster.is_replica(node);
            Lane { node, label: name(cluster, node), replica, y: lane_y(i), up: s.up, down: Vec::new() }
        })
        .collect();
    let selected = match p.selection {
        MultiSelection::Message(id) => Some(id),
        _ => None,
    };
    let mut d = Drawing { w, selected, pending: BTreeMap::new(), arrows: Vec::new(), points: Vec::new() };
    let mut down_since: Vec<Option<Tick>> = vec![None; lanes.len()];
    for e in &past[from..] {
        d.event(p, e);
        match e.kind {
            MultiEvent::Crash { node } => {
                if let Some(s) = down_since.get_mut(node.index()) {
                    *s = Some(e.time);
                }
            }
            MultiEvent::Recover { node } => {
                if let Some(lane) = lanes.get_mut(node.index()) {
                    let since = down_since[node.index()].take().unwrap_or(0);
                    d.down(lane, since, e.time);
                }
            }
            _ => {}
        }
    }
    for m in world.in_flight() {
        // Sent before the lookback: from its send anyway (`InFlight` knows when).
        let sent = d.pending.remove(&m.id);
        if m.sent_at > w.end() {
            continue;
        }
        let step = sent.map_or_else(|| step_at_time(p, m.sent_at).saturating_sub(1), |s| s.step);
        let s = Sent { from: m.from, to: m.to, msg: &m.msg, at: m.sent_at, arrive: m.arrive, step };
        d.arrow(cluster, m.id, &s, m.arrive, Fate::InFlight);
    }
    let now = h.time();
    for lane in &mut lanes {
        if !lane.up {
            let since = down_since[lane.node.index()].unwrap_or(0);
            d.down(lane, since, now);
        }
    }
    let earlier = past.partition_point(|e| e.time < w.start);
    let later = past.len() - past.partition_point(|e| e.time <= w.end());
    let ticks =
        (0..=w.span / WINDOW_STEP_TICKS).map(|i| w.start + i * WINDOW_STEP_TICKS).map(|t| (w.x(t as f64), t)).collect();
    let summary = format!(
        "Space-time diagram: {} lanes, time {} to {}, {} messages shown, step {} at t={now}",
        lanes.len(),
        w.start,
        w.end(),
        d.arrows.len(),
        h.cursor()
    );
    SpaceTime {
        window: w,
        height: TOP + lanes.len() as f64 * LANE_HEIGHT + BOTTOM,
        lanes,
        arrows: d.arrows,
        points: d.points,
        ticks,
        earlier,
        later,
        summary,
    }
}

/// The cursor a click at time `t` seeks to: just after the last recorded step at or before `t`.
pub fn step_at_time(p: &MultiPlayground, t: Tick) -> u64 {
    let trace = &p.history.trace;
    match trace.partition_point(|e| e.time <= t) {
        0 => 0,
        i => trace[i - 1].step + 1,
    }
}

/// The arrows and points found while scanning the trace.
struct Drawing<'a> {
    w: Window,
    selected: Option<MsgId>,
    pending: BTreeMap<MsgId, Sent<'a>>,
    arrows: Vec<Arrow>,
    points: Vec<Point>,
}

impl<'a> Drawing<'a> {
    fn shows(&self, t: Tick) -> bool {
        t >= self.w.start && t <= self.w.end()
    }

    fn event(&mut self, p: &MultiPlayground, e: &'a Event<MultiEvent>) {
        let cluster = &p.history.world().system.cluster;
        let (t, step) = (e.time, e.step);
        match &e.kind {
            MultiEvent::Send { id, from, to, msg, arrive }
            | MultiEvent::Duplicate { id, from, to, msg, arrive, .. } => {
                self.pending.insert(*id, Sent { from: *from, to: *to, msg, at: t, arrive: *arrive, step });
            }
            MultiEvent::Reschedule { id, arrive } => {
                if let Some(s) = self.pending.get_mut(id) {
                    s.arrive = *arrive;
                }
            }
            MultiEvent::Deliver { id, from, to, msg } | MultiEvent::Drop { id, from, to, msg, .. } => {
                let s = self.pending.remove(id).unwrap_or(Sent {
                    from: *from,
                    to: *to,
                    msg,
                    at: self.w.start.saturating_sub(LOOKBACK_TICKS),
                    arrive: t,
                    step,
                });
                if t >= self.w.start && s.at <= self.w.end() {
                    let fate = if matches!(e.kind, MultiEvent::Drop { .. }) { Fate::Dropped } else { Fate::Delivered };
                    self.arrow(cluster, *id, &s, t, fate);
                }
            }
            kind if self.shows(t) => {
                let when = format!("(step {}, t={t})", step + 1);
                let (node, kind, text, tag) = match kind {
                    MultiEvent::Leader { node, ballot } => (
                        *node,
                        PointKind::Leader,
                        format!("{} became leader at ballot {ballot}", name(cluster, *node)),
                        format!("leader {ballot}"),
                    ),
                    MultiEvent::Crash { node } => {
                        (*node, PointKind::Crash, format!("{} crashed", name(cluster, *node)), String::new())
                    }
                    MultiEvent::Recover { node } => {
                        (*node, PointKind::Recover, format!("{} recovered", name(cluster, *node)), String::new())
                    }
                    MultiEvent::Invoke { client, op } => {
                        (*client, PointKind::Invoke, format!("{} called {op}", name(cluster, *client)), String::new())
                    }
                    MultiEvent::Complete { client, op, reply } => (
                        *client,
                        PointKind::Complete,
                        format!(
                            "{} got the answer to {op}: {}",
                            name(cluster, *client),
                            super::frame::reply_text(reply)
                        ),
                        String::new(),
                    ),
                    MultiEvent::Chosen { slot, ballot, cmd } => {
                        let text = format!("slot #{} chosen at ballot {ballot}: {cmd}", slot.0);
                        let x = self.w.x(t as f64);
                        self.points.push(Point {
                            kind: PointKind::Chosen,
                            x,
                            y: CHOSEN_Y,
                            text: format!("{text} {when}"),
                            tag: String::new(),
                            seek: step + 1,
                        });
                        return;
                    }
                    _ => return,
                };
                self.points.push(Point {
                    kind,
                    x: self.w.x(t as f64),
                    y: lane_y(node.index()),
                    text: format!("{text} {when}"),
                    tag,
                    seek: step + 1,
                });
            }
            _ => {}
        }
    }

    fn down(&self, lane: &mut Lane, since: Tick, until: Tick) {
        let (from, to) = (since.max(self.w.start), until.min(self.w.end()));
        if from <= to && until >= self.w.start {
            lane.down.push((self.w.x(from as f64), self.w.x(to as f64)));
        }
    }

    /// An arrow from the send to time `end`: on the receiver's lane when delivered or still in
    /// flight, else at the point of its path it reached when it died.
    fn arrow(&mut self, cluster: &crate::protocol::multi::MultiCluster, id: MsgId, s: &Sent, end: Tick, fate: Fate) {
        let (y1, y_to) = (lane_y(s.from.index()), lane_y(s.to.index()));
        let reached = if fate != Fate::Dropped || s.arrive <= s.at {
            1.0
        } else {
            ((end - s.at.min(end)) as f64 / (s.arrive - s.at) as f64).min(1.0)
        };
        self.arrows.push(Arrow {
            id,
            kind: kind_class(s.msg.kind()),
            x1: self.w.x(s.at as f64),
            y1,
            x2: self.w.x(end as f64),
            y2: y1 + (y_to - y1) * reached,
            fate,
            selected: self.selected == Some(id),
            label: format!(
                "{}, {} to {}{}",
                message_label(cluster, s.msg),
                name(cluster, s.from),
                name(cluster, s.to),
                match fate {
                    Fate::InFlight => ", in flight",
                    Fate::Delivered => "",
                    Fate::Dropped => ", dropped",
                }
            ),
            seek: s.step + 1,
        });
    }
}

#[cfg(test)]
mod tests;
