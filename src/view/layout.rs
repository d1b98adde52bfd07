//! Where each node sits on the stage, in SVG user units (the stage scales with its viewBox).
//!
//! Separate roles stand in three columns, proposers left, acceptors in the middle, learners
//! right, so that phase 1 and 2 read left to right and back; a role with more than
//! `ROWS_MAX` nodes splits into two sub-columns. All-role servers stand in a ring. Everything
//! here is pure geometry over the cluster's roles, so it is tested natively for every count.

use crate::decimal::fixed;
use crate::protocol::{NodeId, Roles};

/// Node box size in the column layout and in the ring.
pub const BOX_W: f64 = 164.0;
pub const BOX_H_ROLE: f64 = 74.0;
pub const BOX_H_SERVER: f64 = 106.0;
/// Most rows in one column before a role splits into sub-columns.
pub const ROWS_MAX: usize = 8;
const ROW_PITCH: f64 = 94.0;
const SUB_PITCH: f64 = 186.0;
const COLUMN_GAP: f64 = 250.0;
const MARGIN: f64 = 36.0;
const HEADING: f64 = 34.0;
/// Radius of the loop a message to self travels on (a server's proposer talking to its acceptor).
pub const SELF_LOOP_R: f64 = 16.0;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A node's box: centre and size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeBox {
    pub id: NodeId,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl NodeBox {
    pub fn centre(&self) -> Point {
        Point { x: self.x, y: self.y }
    }
}

/// A column heading ("Proposers") or, in the ring, none.
#[derive(Clone, Debug, PartialEq)]
pub struct Heading {
    pub x: f64,
    pub y: f64,
    pub text: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Indexed by node id.
    pub nodes: Vec<NodeBox>,
    pub headings: Vec<Heading>,
    pub ring: bool,
}

impl Layout {
    pub fn node(&self, id: NodeId) -> Option<&NodeBox> {
        self.nodes.get(id.index())
    }

    pub fn view_box(&self) -> String {
        format!("0 0 {} {}", fixed(self.width, 0), fixed(self.height, 0))
    }
}

/// The layout for a cluster given each node's roles (node `i` has `roles[i]`). `narrow` (a
/// phone held upright) stacks the roles in bands from top to bottom instead of columns, so the
/// stage is about as tall as it is wide and stays readable when scaled to the screen.
pub fn layout(roles: &[Roles], narrow: bool) -> Layout {
    if !roles.is_empty() && roles.iter().all(|r| *r == Roles::ALL) {
        ring(roles.len())
    } else if narrow {
        bands(roles)
    } else {
        columns(roles)
    }
}

const TITLES: [&str; 3] = ["Proposers", "Acceptors", "Learners"];
/// Nodes per line in a band; more wrap onto further lines.
const PER_LINE: usize = 2;
const LINE_PITCH: f64 = BOX_H_ROLE + 14.0;
const BAND_GAP: f64 = 90.0;

fn members(roles: &[Roles]) -> [Vec<usize>; 3] {
    let mut members: [Vec<usize>; 3] = Default::default();
    for (i, r) in roles.iter().enumerate() {
        members[column_of(r)].push(i);
    }
    members
}

fn bands(roles: &[Roles]) -> Layout {
    let members = members(roles);
    let per_line = members.iter().map(Vec::len).max().unwrap_or(1).clamp(1, PER_LINE);
    let pitch = BOX_W + 16.0;
    let width = MARGIN * 2.0 + per_line as f64 * pitch;
    let mut nodes = vec![NodeBox { id: NodeId(0), x: 0.0, y: 0.0, w: BOX_W, h: BOX_H_ROLE }; roles.len()];
    let mut headings = Vec::new();
    let mut top = MARGIN;
    for (c, ids) in members.iter().enumerate().filter(|(_, m)| !m.is_empty()) {
        headings.push(Heading { x: width / 2.0, y: top + HEADING / 2.0, text: TITLES[c] });
        for (line, chunk) in ids.chunks(per_line).enumerate() {
            let left = (width - chunk.len() as f64 * pitch) / 2.0;
            let y = top + HEADING + BOX_H_ROLE / 2.0 + line as f64 * LINE_PITCH;
            for (k, &i) in chunk.iter().enumerate() {
                let x = left + pitch / 2.0 + k as f64 * pitch;
                nodes[i] = NodeBox { id: NodeId(i as u8), x, y, w: BOX_W, h: BOX_H_ROLE };
            }
        }
        top += HEADING + ids.len().div_ceil(per_line) as f64 * LINE_PITCH + BAND_GAP;
    }
    Layout { width, height: top - BAND_GAP + MARGIN, nodes, headings, ring: false }
}

/// Which column a node stands in: 0 proposers, 1 acceptors, 2 learners (mixed roles go by
/// their first role).
fn column_of(r: &Roles) -> usize {
    if r.proposer {
        0
    } else if r.acceptor {
        1
    } else {
        2
    }
}

fn columns(roles: &[Roles]) -> Layout {
    let members = members(roles);
    let subs = |n: usize| n.div_ceil(ROWS_MAX).max(1);
    let rows = |n: usize| n.div_ceil(subs(n));
    let rows_max = members.iter().map(|m| rows(m.len())).max().unwrap_or(1).max(1);
    let height = MARGIN * 2.0 + HEADING + rows_max as f64 * ROW_PITCH;
    let mut nodes = vec![NodeBox { id: NodeId(0), x: 0.0, y: 0.0, w: BOX_W, h: BOX_H_ROLE }; roles.len()];
    let mut headings = Vec::new();
    let mut left = MARGIN;
    for (c, ids) in members.iter().enumerate().filter(|(_, m)| !m.is_empty()) {
        let (sub, rows_here) = (subs(ids.len()), rows(ids.len()));
        let block_w = BOX_W + (sub - 1) as f64 * SUB_PITCH;
        let top = MARGIN + HEADING + (rows_max - rows_here) as f64 * ROW_PITCH / 2.0;
        for (k, &i) in ids.iter().enumerate() {
            let (col, row) = (k / rows_here, k % rows_here);
            let x = left + BOX_W / 2.0 + col as f64 * SUB_PITCH;
            let y = top + ROW_PITCH / 2.0 + row as f64 * ROW_PITCH;
            nodes[i] = NodeBox { id: NodeId(i as u8), x, y, w: BOX_W, h: BOX_H_ROLE };
        }
        headings.push(Heading { x: left + block_w / 2.0, y: MARGIN + HEADING / 2.0, text: TITLES[c] });
        left += block_w + COLUMN_GAP;
    }
    let width = (left - COLUMN_GAP + MARGIN).max(BOX_W + 2.0 * MARGIN);
    Layout { width, height, nodes, headings, ring: false }
}

fn ring(n: usize) -> Layout {
    let (w, h) = (BOX_W, BOX_H_SERVER);
    // Adjacent boxes must not touch: the chord between neighbours is at least a box and a gap.
    let radius =
        if n < 2 { 0.0 } else { (200.0 / (2.0 * super::trig::sin(std::f64::consts::PI / n as f64))).max(180.0) };
    let cx = MARGIN + w / 2.0 + radius + SELF_LOOP_R * 2.0;
    let cy = MARGIN + h / 2.0 + radius + SELF_LOOP_R * 2.0;
    let nodes = (0..n)
        .map(|i| {
            let angle = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / n as f64;
            let (sin, cos) = super::trig::sin_cos(angle);
            NodeBox { id: NodeId(i as u8), x: cx + radius * cos, y: cy + radius * sin, w, h }
        })
        .collect();
    Layout { width: cx * 2.0, height: cy * 2.0, nodes, headings: Vec::new(), ring: true }
}

/// Where the straight line from `a`'s centre towards `b`'s centre leaves `a`'s box.
pub fn anchor(a: &NodeBox, b: &NodeBox) -> Point {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let tx = if dx.abs() > 1e-9 { a.w / 2.0 / dx.abs() } else { f64::INFINITY };
    let ty = if dy.abs() > 1e-9 { a.h / 2.0 / dy.abs() } else { f64::INFINITY };
    let t = tx.min(ty).min(1.0);
    if !t.is_finite() {
        return a.centre();
    }
    Point { x: a.x + dx * t, y: a.y + dy * t }
}

/// The path a message from `a` to `b` travels: box edge to box edge, moved sideways by
/// `lane` units (to the right of the direction of travel), so that messages going opposite
/// ways on one link, or twins, do not cover each other.
pub fn path(a: &NodeBox, b: &NodeBox, lane: f64) -> (Point, Point) {
    let (p, q) = (anchor(a, b), anchor(b, a));
    let (dx, dy) = (q.x - p.x, q.y - p.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1e-9 {
        return (p, q);
    }
    let (nx, ny) = (-dy / len * lane, dx / len * lane);
    (Point { x: p.x + nx, y: p.y + ny }, Point { x: q.x + nx, y: q.y + ny })
}

/// The centre of the loop a message to self travels on: just above the box's top-right corner.
pub fn self_loop_centre(a: &NodeBox) -> Point {
    Point { x: a.x + a.w / 2.0 - SELF_LOOP_R, y: a.y - a.h / 2.0 - SELF_LOOP_R * 0.6 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn separate(p: usize, a: usize, l: usize) -> Vec<Roles> {
        let one = |proposer, acceptor, learner| Roles { proposer, acceptor, learner };
        let mut v = vec![one(true, false, false); p];
        v.extend(vec![one(false, true, false); a]);
        v.extend(vec![one(false, false, true); l]);
        v
    }

    fn overlap(a: &NodeBox, b: &NodeBox) -> bool {
        (a.x - b.x).abs() < (a.w + b.w) / 2.0 && (a.y - b.y).abs() < (a.h + b.h) / 2.0
    }

    fn assert_sane(l: &Layout, count: usize) {
        assert_eq!(l.nodes.len(), count);
        for (i, a) in l.nodes.iter().enumerate() {
            assert_eq!(a.id, NodeId(i as u8));
            assert!(a.x - a.w / 2.0 >= 0.0 && a.x + a.w / 2.0 <= l.width, "node {i} inside horizontally");
            assert!(a.y - a.h / 2.0 >= 0.0 && a.y + a.h / 2.0 <= l.height, "node {i} inside vertically");
            for b in &l.nodes[i + 1..] {
                assert!(!overlap(a, b), "nodes {i} and {} overlap in {l:?}", b.id.0);
            }
        }
    }

    #[test]
    fn columns_fit_every_count_from_1_to_16_without_overlap() {
        for n in 1..=16 {
            for roles in [separate(n, 3, 1), separate(2, n, 1), separate(1, 1, n), separate(n, n, n)] {
                for narrow in [false, true] {
                    let l = layout(&roles, narrow);
                    assert!(!l.ring);
                    assert_sane(&l, roles.len());
                }
            }
        }
    }

    #[test]
    fn columns_read_proposers_acceptors_learners_left_to_right() {
        let l = layout(&separate(2, 3, 1), false);
        let x = |i: usize| l.nodes[i].x;
        assert!(x(0) == x(1) && x(1) < x(2) && x(2) == x(4) && x(4) < x(5));
        let titles: Vec<_> = l.headings.iter().map(|h| h.text).collect();
        assert_eq!(titles, ["Proposers", "Acceptors", "Learners"]);
        assert!(l.height < l.width, "a wide stage for the default cluster");
    }

    #[test]
    fn narrow_stages_stack_roles_top_to_bottom_and_are_not_wide() {
        let l = layout(&separate(2, 3, 1), true);
        let y = |i: usize| l.nodes[i].y;
        assert!(y(0) == y(1) && y(1) < y(2) && y(2) == y(3) && y(3) < y(4) && y(4) < y(5));
        assert!(l.nodes[4].x > l.nodes[2].x && l.nodes[4].x < l.nodes[3].x, "a short last line is centred");
        assert!(l.width < l.height * 1.2, "{} x {}", l.width, l.height);
        let wide = layout(&separate(2, 3, 1), false);
        assert!(l.width < wide.width / 1.5);
    }

    #[test]
    fn more_than_eight_in_a_role_split_into_two_sub_columns() {
        let l = layout(&separate(1, 9, 1), false);
        let acceptors = &l.nodes[1..10];
        let xs: std::collections::BTreeSet<i64> = acceptors.iter().map(|b| b.x as i64).collect();
        assert_eq!(xs.len(), 2);
    }

    #[test]
    fn servers_stand_in_a_ring_for_every_count() {
        for n in 1..=16 {
            let l = layout(&vec![Roles::ALL; n], n % 2 == 0);
            assert!(l.ring);
            assert_sane(&l, n);
            let c = Point { x: l.width / 2.0, y: l.height / 2.0 };
            let r0 = ((l.nodes[0].x - c.x).powi(2) + (l.nodes[0].y - c.y).powi(2)).sqrt();
            for b in &l.nodes {
                let r = ((b.x - c.x).powi(2) + (b.y - c.y).powi(2)).sqrt();
                assert!((r - r0).abs() < 1e-6, "every server on one circle");
            }
        }
    }

    #[test]
    fn paths_run_box_edge_to_box_edge_and_lanes_separate_directions() {
        let l = layout(&separate(1, 1, 0), false);
        let (a, b) = (&l.nodes[0], &l.nodes[1]);
        let (p, q) = path(a, b, 0.0);
        assert_eq!(p, Point { x: a.x + a.w / 2.0, y: a.y });
        assert_eq!(q, Point { x: b.x - b.w / 2.0, y: b.y });
        let (there, _) = path(a, b, 6.0);
        let (_, back) = path(b, a, 6.0);
        assert!((there.y - back.y).abs() > 11.0, "opposite directions use opposite sides");
    }

    #[test]
    fn anchor_of_coincident_boxes_is_the_centre() {
        let b = NodeBox { id: NodeId(0), x: 10.0, y: 10.0, w: 4.0, h: 4.0 };
        assert_eq!(anchor(&b, &b), b.centre());
    }
}
