//! Message tokens at the animation clock: where each message in flight is drawn, and where the
//! recently dropped ones died.
//!
//! A message is drawn on its route between its sender's and receiver's boxes (`routes`: around
//! any box in between) at `(clock - sent_at) / (arrive - sent_at)` of the way (the raftscope
//! rule). Messages going
//! opposite ways on one link travel on opposite sides of it; a twin (a duplicate) travels on a
//! lane of its own. A message to self (a server's proposer asking its own acceptor) goes once
//! around a small loop above its box.

use super::layout::{self_loop_centre, Layout, Point, SELF_LOOP_R};
use super::routes::route;
use crate::protocol::{Msg, MsgKind, NodeId};
use crate::sim::{DropReason, Event, EventKind, InFlight, MsgId, Tick};

/// Sideways offset of a message's lane from the link's centre line.
pub const LANE: f64 = 6.0;
/// Extra offset of a twin's lane.
pub const TWIN_LANE: f64 = 11.0;
/// How long a drop mark stays, in ticks.
pub const DROP_MARK_TICKS: f64 = 6.0;
/// Where on its path a message lost by the network is marked: it died on arrival, just short of
/// its destination.
const DIED_ON_ARRIVAL: f64 = 0.9;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Token {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub msg: Msg,
    pub at: Point,
    /// How far along its path, 0..=1.
    pub progress: f64,
    /// Another copy of the same message (same link and payload) is in flight too.
    pub twin: bool,
}

impl Token {
    pub fn kind(&self) -> MsgKind {
        self.msg.kind()
    }
}

/// A mark where a message died, fading over `DROP_MARK_TICKS`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DropMark {
    pub id: MsgId,
    pub msg: Msg,
    pub at: Point,
    pub reason: DropReason,
    /// 0 just dropped .. 1 about to disappear.
    pub age: f64,
}

/// The CSS/DOM name of a kind (`data-kind`).
pub fn kind_name(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Prepare => "prepare",
        MsgKind::Promise => "promise",
        MsgKind::Nack => "nack",
        MsgKind::Accept => "accept",
        MsgKind::Accepted => "accepted",
        MsgKind::Decided => "decided",
    }
}

/// The shape of a kind's token, as an SVG path around (0, 0): shape tells kinds apart without
/// colour (circle, diamond, bar, square, triangle, star).
pub fn kind_shape(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Prepare => "M-7 0a7 7 0 1 0 14 0a7 7 0 1 0 -14 0Z",
        MsgKind::Promise => "M0 -8L8 0L0 8L-8 0Z",
        MsgKind::Nack => "M-8 -3H8V3H-8Z",
        MsgKind::Accept => "M-6.5 -6.5H6.5V6.5H-6.5Z",
        MsgKind::Accepted => "M0 -8L8 6.5H-8Z",
        MsgKind::Decided => "M0 -9L2.6 -3.2L8.6 -2.8L4 1.2L5.4 7.3L0 4L-5.4 7.3L-4 1.2L-8.6 -2.8L-2.6 -3.2Z",
    }
}

/// What a kind means, for the legend.
pub fn kind_meaning(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Prepare => "phase 1a: promise me this ballot",
        MsgKind::Promise => "phase 1b: promised, with what I accepted",
        MsgKind::Nack => "rejected: I promised a higher ballot",
        MsgKind::Accept => "phase 2a: accept this value",
        MsgKind::Accepted => "phase 2b: accepted",
        MsgKind::Decided => "commit: this value is chosen",
    }
}

/// `translate(x y)` from tenths of a unit (negative clamps to 0), without float formatting: it
/// runs for every token on every frame.
pub fn translate(x10: i32, y10: i32) -> String {
    let (x, y) = (x10.max(0), y10.max(0));
    format!("translate({}.{} {}.{})", x / 10, x % 10, y / 10, y % 10)
}

/// Where a message is at time `t` (clamped to its path).
fn position(layout: &Layout, from: NodeId, to: NodeId, progress: f64, lane: f64) -> Point {
    let Some(a) = layout.node(from) else { return Point::default() };
    if from == to {
        let c = self_loop_centre(layout, a);
        let angle = std::f64::consts::PI * (1.0 + 2.0 * progress);
        let (sin, cos) = super::trig::sin_cos(angle);
        return Point { x: c.x + SELF_LOOP_R * cos, y: c.y + SELF_LOOP_R * sin };
    }
    route(layout, from, to).offset(lane).at(progress)
}

fn progress(sent_at: Tick, arrive: Tick, t: f64) -> f64 {
    let span = arrive.saturating_sub(sent_at) as f64;
    if span <= 0.0 {
        return 1.0;
    }
    ((t - sent_at as f64) / span).clamp(0.0, 1.0)
}

/// Every message in flight as a token at time `t`, into `out` (cleared first; reusing the
/// vector keeps frames free of allocation).
pub fn tokens_at(layout: &Layout, in_flight: &[InFlight], t: f64, out: &mut Vec<Token>) {
    out.clear();
    for (i, m) in in_flight.iter().enumerate() {
        // The later copy of a duplicated message takes the twin lane; both are marked twins.
        let same = |o: &InFlight| o.from == m.from && o.to == m.to && o.msg == m.msg;
        let earlier_twin = in_flight.iter().any(|o| o.id < m.id && same(o));
        let twin = earlier_twin || in_flight.iter().enumerate().any(|(j, o)| j != i && same(o));
        let lane = if earlier_twin { LANE + TWIN_LANE } else { LANE };
        let progress = progress(m.sent_at, m.arrive, t);
        let at = position(layout, m.from, m.to, progress, lane);
        out.push(Token { id: m.id, from: m.from, to: m.to, msg: m.msg, at, progress, twin });
    }
}

/// Marks for messages that died in the last `DROP_MARK_TICKS` before `t`. `past` is the trace
/// up to the cursor; only its tail is read.
pub fn drop_marks(layout: &Layout, past: &[Event], t: f64) -> Vec<DropMark> {
    let mut marks = Vec::new();
    for (i, e) in past.iter().enumerate().rev() {
        let age = (t - e.time as f64) / DROP_MARK_TICKS;
        if age >= 1.0 {
            break;
        }
        let EventKind::Drop { id, from, to, msg, reason } = e.kind else { continue };
        let progress = match reason {
            DropReason::ByHand => sent_span(&past[..i], id).map_or(0.5, |(s, a)| progress(s, a, e.time as f64)),
            _ => DIED_ON_ARRIVAL,
        };
        let at = position(layout, from, to, progress, LANE);
        marks.push(DropMark { id, msg, at, reason, age: age.max(0.0) });
    }
    marks
}

/// The send and arrival times of message `id`, looked up backwards in the trace.
fn sent_span(past: &[Event], id: MsgId) -> Option<(Tick, Tick)> {
    past.iter().rev().find_map(|e| match e.kind {
        EventKind::Send { id: i, arrive, .. } | EventKind::Duplicate { id: i, arrive, .. } if i == id => {
            Some((e.time, arrive))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Ballot, Roles};
    use crate::view::layout::layout;

    /// `ui::controls::legend` writes these into HTML text unescaped.
    #[test]
    fn legend_texts_need_no_html_escaping() {
        for &k in MsgKind::ALL.iter() {
            for text in [kind_meaning(k), kind_name(k), kind_shape(k), k.name()] {
                assert!(!text.contains(['<', '&', '"']), "{text}");
            }
        }
    }

    fn roles() -> Vec<Roles> {
        let one = |proposer, acceptor, learner| Roles { proposer, acceptor, learner };
        vec![one(true, false, false), one(false, true, false)]
    }

    fn msg(id: u64, from: u8, to: u8, sent_at: Tick, arrive: Tick) -> InFlight {
        let msg = Msg::Prepare { ballot: Ballot::new(1, NodeId(0)) };
        InFlight { id: MsgId(id), from: NodeId(from), to: NodeId(to), msg, sent_at, arrive, lost: false }
    }

    #[test]
    fn a_token_moves_linearly_from_send_to_arrival() {
        let l = layout(&roles(), false);
        let r = route(&l, NodeId(0), NodeId(1)).offset(LANE);
        let mut out = Vec::new();
        for (t, frac) in [(2.0, 0.0), (4.0, 0.25), (6.0, 0.5), (10.0, 1.0), (0.0, 0.0), (50.0, 1.0)] {
            tokens_at(&l, &[msg(1, 0, 1, 2, 10)], t, &mut out);
            assert_eq!(out.len(), 1);
            assert!((out[0].progress - frac).abs() < 1e-12, "t={t}");
            assert!((out[0].at.x - r.at(frac).x).abs() < 1e-9);
            assert!(!out[0].twin);
        }
    }

    #[test]
    fn opposite_directions_and_twins_travel_on_different_lanes() {
        let l = layout(&roles(), false);
        let mut out = Vec::new();
        tokens_at(&l, &[msg(1, 0, 1, 0, 10), msg(2, 1, 0, 0, 10)], 5.0, &mut out);
        assert!((out[0].at.y - out[1].at.y).abs() >= 2.0 * LANE - 1e-9);
        tokens_at(&l, &[msg(1, 0, 1, 0, 10), msg(2, 0, 1, 0, 10), msg(3, 1, 0, 0, 10)], 5.0, &mut out);
        assert!(out[0].twin && out[1].twin && !out[2].twin);
        assert!((out[1].at.y - out[0].at.y).abs() >= TWIN_LANE - 1e-9, "the later twin has its own lane");
    }

    #[test]
    fn a_message_to_self_goes_once_around_a_loop() {
        let l = layout(&[Roles::ALL, Roles::ALL, Roles::ALL], false);
        let mut out = Vec::new();
        tokens_at(&l, &[msg(1, 0, 0, 0, 4)], 0.0, &mut out);
        let start = out[0].at;
        tokens_at(&l, &[msg(1, 0, 0, 0, 4)], 2.0, &mut out);
        let half = out[0].at;
        tokens_at(&l, &[msg(1, 0, 0, 0, 4)], 4.0, &mut out);
        assert!((out[0].at.x - start.x).abs() < 1e-9 && (out[0].at.y - start.y).abs() < 1e-9);
        assert!((half.x - start.x).abs() > SELF_LOOP_R * 1.9, "halfway is across the loop");
    }

    #[test]
    fn zero_latency_messages_are_at_their_destination() {
        let l = layout(&roles(), false);
        let mut out = Vec::new();
        tokens_at(&l, &[msg(1, 0, 1, 3, 3)], 3.0, &mut out);
        assert_eq!(out[0].progress, 1.0);
    }

    #[test]
    fn drops_leave_marks_where_the_message_died_for_a_while() {
        let l = layout(&roles(), false);
        let m = Msg::Prepare { ballot: Ballot::new(1, NodeId(0)) };
        let (from, to) = (NodeId(0), NodeId(1));
        let ev = |step, time, kind| Event { step, time, kind };
        let past = vec![
            ev(0, 0, EventKind::Send { id: MsgId(1), from, to, msg: m, arrive: 10 }),
            ev(0, 0, EventKind::Send { id: MsgId(2), from, to, msg: m, arrive: 8 }),
            ev(1, 5, EventKind::Drop { id: MsgId(1), from, to, msg: m, reason: DropReason::ByHand }),
            ev(2, 8, EventKind::Drop { id: MsgId(2), from, to, msg: m, reason: DropReason::Lost }),
        ];
        let marks = drop_marks(&l, &past, 8.0);
        assert_eq!(marks.len(), 2);
        let r = route(&l, from, to).offset(LANE);
        let at = |f: f64| r.at(f).x;
        assert_eq!(marks[0].id, MsgId(2));
        assert!((marks[0].at.x - at(DIED_ON_ARRIVAL)).abs() < 1e-9, "lost: died on arrival");
        assert!((marks[1].at.x - at(0.5)).abs() < 1e-9, "dropped by hand halfway: marked halfway");
        assert!((marks[1].age - 0.5).abs() < 1e-12);
        assert_eq!(drop_marks(&l, &past, 12.0).len(), 1, "the older mark has faded");
        assert!(drop_marks(&l, &past, 20.0).is_empty());
    }

    #[test]
    fn translate_writes_tenths() {
        assert_eq!(translate(12345, 7), "translate(1234.5 0.7)");
        assert_eq!(translate(-3, 100), "translate(0.0 10.0)");
    }

    #[test]
    fn every_kind_has_a_distinct_shape_and_name() {
        let shapes: std::collections::BTreeSet<_> = MsgKind::ALL.iter().map(|&k| kind_shape(k)).collect();
        let names: std::collections::BTreeSet<_> = MsgKind::ALL.iter().map(|&k| kind_name(k)).collect();
        assert_eq!((shapes.len(), names.len()), (6, 6));
    }
}
