//! The way a message travels between two boxes, and the link drawn along it: a short polyline
//! that never passes through a box other than its two ends, whatever the cluster's size.
//!
//! 1. Columns: between neighbouring columns, straight across the free strip between them.
//!    Between columns further apart (a proposer's Decided to a learner), down the strip beside
//!    the sender, along the corridor below every box, and up the strip beside the receiver.
//!    Within a column (proposers tell each other Decided), out of the right side, along the
//!    strip on the right, back in.
//! 2. Bands (phone): from the last line of a band to the first line of the next, straight
//!    across the strip between them; anything else goes out of the box's inner side and along
//!    the channel between the two slots, which no box covers.
//! 3. Ring: out of the box towards the centre, to the circle of radius `port_r` that no box
//!    reaches, straight across it (a chord stays inside its circle), and out to the other box.
//!
//! A message keeps to the right of its direction of travel by `lane` units, so that messages
//! going opposite ways on one link, or twins, do not cover each other.

use super::layout::{anchor, Layout, NodeBox, Point, Shape, BAND_GAP, HEADING, SIDE};
use crate::protocol::NodeId;

/// A polyline of two to four points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Route {
    points: [Point; 4],
    len: usize,
    /// How a lane moves the two ends: along the box's side they leave from (`Some(true)`: a
    /// left or right side, so up or down; `Some(false)`: a top or bottom, so sideways), so a
    /// steep route between columns does not swing into the column; `None`: square to the route.
    slide: Option<bool>,
}

impl Route {
    fn sliding(raw: &[Point], vertical_sides: bool) -> Route {
        Route { slide: Some(vertical_sides), ..Route::new(raw) }
    }

    fn new(raw: &[Point]) -> Route {
        let mut r = Route { points: [Point::default(); 4], len: 0, slide: None };
        for &p in raw {
            let same = r.len > 0 && {
                let q = r.points[r.len - 1];
                (p.x - q.x).abs() < 1e-9 && (p.y - q.y).abs() < 1e-9
            };
            if !same && r.len < 4 {
                r.points[r.len] = p;
                r.len += 1;
            }
        }
        if r.len == 1 {
            r.points[1] = r.points[0];
            r.len = 2;
        }
        r
    }

    pub fn points(&self) -> &[Point] {
        &self.points[..self.len]
    }

    /// The same route moved `lane` units to the right of the direction of travel (mitred at
    /// the corners, so every segment keeps its distance).
    pub fn offset(&self, lane: f64) -> Route {
        let pts = self.points();
        let normal = |i: usize| {
            let (a, b) = (pts[i], pts[i + 1]);
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let len = (dx * dx + dy * dy).sqrt().max(1e-9);
            (-dy / len, dx / len)
        };
        let slid = |(nx, ny): (f64, f64)| match self.slide {
            None => (nx, ny),
            Some(true) => (0.0, if ny < 0.0 { -1.0 } else { 1.0 }),
            Some(false) => (if nx < 0.0 { -1.0 } else { 1.0 }, 0.0),
        };
        let mut out = *self;
        for (i, p) in pts.iter().enumerate() {
            let (nx, ny) = match i {
                0 => slid(normal(0)),
                i if i == self.len - 1 => slid(normal(i - 1)),
                i => {
                    let (a, b) = (normal(i - 1), normal(i));
                    let k = 1.0 + a.0 * b.0 + a.1 * b.1;
                    if k < 1e-6 {
                        b
                    } else {
                        ((a.0 + b.0) / k, (a.1 + b.1) / k)
                    }
                }
            };
            out.points[i] = Point { x: p.x + nx * lane, y: p.y + ny * lane };
        }
        out
    }

    /// The point `progress` (0..=1) of the way along, by length.
    pub fn at(&self, progress: f64) -> Point {
        let pts = self.points();
        let seg = |i: usize| ((pts[i + 1].x - pts[i].x).powi(2) + (pts[i + 1].y - pts[i].y).powi(2)).sqrt();
        let total: f64 = (0..self.len - 1).map(seg).sum();
        let mut left = progress.clamp(0.0, 1.0) * total;
        for i in 0..self.len - 1 {
            let l = seg(i);
            if left <= l || i == self.len - 2 {
                let f = if l > 1e-9 { (left / l).min(1.0) } else { 1.0 };
                let (a, b) = (pts[i], pts[i + 1]);
                return Point { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
            }
            left -= l;
        }
        pts[self.len - 1]
    }
}

/// The route from `from`'s box to `to`'s box, on the centre line of the link.
pub fn route(layout: &Layout, from: NodeId, to: NodeId) -> Route {
    let (Some(a), Some(b)) = (layout.node(from), layout.node(to)) else { return Route::new(&[Point::default()]) };
    let (ga, gb) = (layout.group[from.index()], layout.group[to.index()]);
    match &layout.shape {
        Shape::Columns { gap_mid, corridor_y } => columns(a, b, ga, gb, gap_mid, *corridor_y),
        Shape::Bands { channel_x } => bands(a, b, ga, gb, *channel_x),
        Shape::Ring { centre, port_r } => {
            let port = |n: &NodeBox| {
                let (dx, dy) = (n.x - centre.x, n.y - centre.y);
                let len = (dx * dx + dy * dy).sqrt().max(1e-9);
                Point { x: centre.x + dx / len * port_r, y: centre.y + dy / len * port_r }
            };
            Route::new(&[anchor(a, *centre), port(a), port(b), anchor(b, *centre)])
        }
    }
}

fn side(n: &NodeBox, right: bool) -> Point {
    Point { x: if right { n.x + n.w / 2.0 } else { n.x - n.w / 2.0 }, y: n.y }
}

fn columns(a: &NodeBox, b: &NodeBox, ga: usize, gb: usize, gap_mid: &[f64], corridor_y: f64) -> Route {
    let rightward = gb > ga;
    match ga.abs_diff(gb) {
        0 => {
            // Proposers tell each other Decided: out into the strip on the right, down, back in
            // (far enough from the column that a message's lane keeps it off the boxes).
            let right = ga < gap_mid.len();
            let x = if right { a.x + a.w / 2.0 + 24.0 } else { a.x - a.w / 2.0 - (a.x - a.w / 2.0).min(SIDE) / 2.0 };
            Route::sliding(&[side(a, right), Point { x, y: a.y }, Point { x, y: b.y }, side(b, right)], true)
        }
        1 => Route::sliding(&[side(a, rightward), side(b, !rightward)], true),
        _ => {
            let (near_a, near_b) = if rightward { (ga, gb - 1) } else { (ga - 1, gb) };
            let x = |k: usize| gap_mid.get(k).copied().unwrap_or(a.x);
            let corridor = [Point { x: x(near_a), y: corridor_y }, Point { x: x(near_b), y: corridor_y }];
            Route::sliding(&[side(a, rightward), corridor[0], corridor[1], side(b, !rightward)], true)
        }
    }
}

fn bands(a: &NodeBox, b: &NodeBox, ga: usize, gb: usize, channel_x: f64) -> Route {
    // Neighbouring bands, facing lines: nothing stands between them.
    let facing = |upper: &NodeBox, lower: &NodeBox| lower.y - upper.y < upper.h + BAND_GAP + HEADING + 1.0;
    if ga.abs_diff(gb) == 1 && (if ga < gb { facing(a, b) } else { facing(b, a) }) {
        let down = gb > ga;
        let edge = |n: &NodeBox, lower: bool| Point { x: n.x, y: n.y + if lower { n.h / 2.0 } else { -n.h / 2.0 } };
        return Route::sliding(&[edge(a, down), edge(b, !down)], false);
    }
    let inner = |n: &NodeBox| side(n, n.x < channel_x);
    Route::sliding(&[inner(a), Point { x: channel_x, y: a.y }, Point { x: channel_x, y: b.y }, inner(b)], true)
}

#[cfg(test)]
mod tests;
