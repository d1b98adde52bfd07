//! Where each node sits on the stage, in SVG user units (the stage scales with its viewBox).
//!
//! Separate roles stand in three columns, proposers left, acceptors in the middle, learners
//! right, so that phase 1 and 2 read left to right and back; a role keeps one column however
//! many nodes it has (the stage scrolls rather than shrink its text, `ui::stage`). On a phone
//! the roles stand in bands, top to bottom. All-role servers stand in a ring. Where messages
//! travel between the boxes is `routes`. Everything here is pure geometry over the cluster's
//! roles, so it is tested natively for every count.

use crate::decimal::fixed;
use crate::protocol::{NodeId, Roles};

/// Node box size in the column layout and in the ring: room for one title and two (a server:
/// four) lines of state, with little air, so that the stage stays legible when scaled down.
pub const BOX_W: f64 = 164.0;
pub const BOX_H_ROLE: f64 = 64.0;
pub const BOX_H_SERVER: f64 = 98.0;
const ROW_GAP: f64 = 12.0;
const ROW_PITCH: f64 = BOX_H_ROLE + ROW_GAP;
/// Between columns: where messages travel and their labels stand.
const COLUMN_GAP: f64 = 110.0;
/// Left and right of the columns; a message between two nodes of one column travels down the
/// middle of the strip on their left (`SIDE / 2` from their boxes).
pub(super) const SIDE: f64 = 14.0;
const TOP: f64 = 10.0;
pub(super) const HEADING: f64 = 26.0;
/// Below the columns: the corridor a message between columns that are not neighbours travels
/// along (proposer to learner), so that it never crosses the column between.
const CORRIDOR: f64 = 22.0;
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

/// How the nodes stand, with what `routes` needs to lead messages around boxes.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// One column per role; `gap_mid[k]` is the middle of the strip right of column `k`.
    Columns { gap_mid: Vec<f64>, corridor_y: f64 },
    /// Bands of two slots per line, top to bottom, with a free channel between the slots.
    Bands { channel_x: f64 },
    /// Servers on a circle; messages cross inside the circle of radius `port_r`, which no box
    /// reaches.
    Ring { centre: Point, port_r: f64 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Indexed by node id.
    pub nodes: Vec<NodeBox>,
    pub headings: Vec<Heading>,
    pub ring: bool,
    pub shape: Shape,
    /// Each node's column (or band), counting only those present, indexed by node id.
    pub group: Vec<usize>,
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
/// Bands: the channel between the two slots of a line, the margins, the gap between bands.
const CHANNEL: f64 = 40.0;
const BAND_SIDE: f64 = 4.0;
pub(super) const BAND_GAP: f64 = 40.0;

fn members(roles: &[Roles]) -> Vec<(usize, Vec<usize>)> {
    let mut members: [Vec<usize>; 3] = Default::default();
    for (i, r) in roles.iter().enumerate() {
        members[column_of(r)].push(i);
    }
    members.into_iter().enumerate().filter(|(_, m)| !m.is_empty()).collect()
}

fn blank(count: usize, h: f64) -> Vec<NodeBox> {
    vec![NodeBox { id: NodeId(0), x: 0.0, y: 0.0, w: BOX_W, h }; count]
}

/// Two slots per line, a lone last node in the left slot, so the channel between the slots
/// runs free from top to bottom.
fn bands(roles: &[Roles]) -> Layout {
    let width = 2.0 * (BAND_SIDE + BOX_W) + CHANNEL;
    let (mut nodes, mut group, mut headings) = (blank(roles.len(), BOX_H_ROLE), vec![0; roles.len()], Vec::new());
    let mut top = TOP;
    for (band, (c, ids)) in members(roles).into_iter().enumerate() {
        headings.push(Heading { x: width / 2.0, y: top + HEADING / 2.0 + 4.0, text: TITLES[c] });
        for (k, &i) in ids.iter().enumerate() {
            let x = BAND_SIDE + BOX_W / 2.0 + (k % 2) as f64 * (BOX_W + CHANNEL);
            let y = top + HEADING + BOX_H_ROLE / 2.0 + (k / 2) as f64 * ROW_PITCH;
            nodes[i] = NodeBox { id: NodeId(i as u8), x, y, w: BOX_W, h: BOX_H_ROLE };
            group[i] = band;
        }
        top += HEADING + ids.len().div_ceil(2) as f64 * ROW_PITCH - ROW_GAP + BAND_GAP;
    }
    let shape = Shape::Bands { channel_x: width / 2.0 };
    Layout { width, height: top - BAND_GAP + TOP, nodes, headings, ring: false, shape, group }
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

/// One column per role, however many nodes it has: a message between neighbouring columns
/// then crosses only the free strip between them (`routes`).
fn columns(roles: &[Roles]) -> Layout {
    let members = members(roles);
    let rows_max = members.iter().map(|(_, m)| m.len()).max().unwrap_or(1).max(1);
    let block_h = rows_max as f64 * ROW_PITCH - ROW_GAP;
    let (mut nodes, mut group, mut headings) = (blank(roles.len(), BOX_H_ROLE), vec![0; roles.len()], Vec::new());
    let mut gap_mid = Vec::new();
    for (k, (c, ids)) in members.iter().enumerate() {
        let left = SIDE + k as f64 * (BOX_W + COLUMN_GAP);
        let top = TOP + HEADING + (rows_max - ids.len()) as f64 * ROW_PITCH / 2.0;
        for (row, &i) in ids.iter().enumerate() {
            let y = top + BOX_H_ROLE / 2.0 + row as f64 * ROW_PITCH;
            nodes[i] = NodeBox { id: NodeId(i as u8), x: left + BOX_W / 2.0, y, w: BOX_W, h: BOX_H_ROLE };
            group[i] = k;
        }
        headings.push(Heading { x: left + BOX_W / 2.0, y: TOP + HEADING / 2.0 + 4.0, text: TITLES[*c] });
        gap_mid.push(left + BOX_W + COLUMN_GAP / 2.0);
    }
    gap_mid.pop();
    let cols = members.len().max(1) as f64;
    let width = 2.0 * SIDE + cols * BOX_W + (cols - 1.0) * COLUMN_GAP;
    let bottom = TOP + HEADING + block_h;
    let shape = Shape::Columns { gap_mid, corridor_y: bottom + CORRIDOR / 2.0 };
    Layout { width, height: bottom + CORRIDOR, nodes, headings, ring: false, shape, group }
}

fn ring(n: usize) -> Layout {
    let (w, h) = (BOX_W, BOX_H_SERVER);
    // Adjacent boxes must not touch: the chord between neighbours is at least a box and a gap.
    let radius =
        if n < 2 { 0.0 } else { (200.0 / (2.0 * super::trig::sin(std::f64::consts::PI / n as f64))).max(180.0) };
    let cx = TOP + w / 2.0 + radius + SELF_LOOP_R * 2.0;
    let cy = TOP + h / 2.0 + radius + SELF_LOOP_R * 2.0;
    let nodes = (0..n)
        .map(|i| {
            let angle = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / n as f64;
            let (sin, cos) = super::trig::sin_cos(angle);
            NodeBox { id: NodeId(i as u8), x: cx + radius * cos, y: cy + radius * sin, w, h }
        })
        .collect();
    // No point of a box is nearer the centre than its half-diagonal; lanes need a little more.
    let port_r = (radius - (w * w + h * h).sqrt() / 2.0 - 20.0).max(0.0);
    let shape = Shape::Ring { centre: Point { x: cx, y: cy }, port_r };
    Layout { width: cx * 2.0, height: cy * 2.0, nodes, headings: Vec::new(), ring: true, shape, group: vec![0; n] }
}

/// Where the straight line from `a`'s centre towards `p` leaves `a`'s box.
pub fn anchor(a: &NodeBox, p: Point) -> Point {
    let (dx, dy) = (p.x - a.x, p.y - a.y);
    let tx = if dx.abs() > 1e-9 { a.w / 2.0 / dx.abs() } else { f64::INFINITY };
    let ty = if dy.abs() > 1e-9 { a.h / 2.0 / dy.abs() } else { f64::INFINITY };
    let t = tx.min(ty).min(1.0);
    if !t.is_finite() {
        return a.centre();
    }
    Point { x: a.x + dx * t, y: a.y + dy * t }
}

/// The centre of the loop a message to self travels on (a server's proposer to its own
/// acceptor): just outside the box, away from the ring's centre, where no neighbour stands.
pub fn self_loop_centre(layout: &Layout, a: &NodeBox) -> Point {
    let outward = match layout.shape {
        Shape::Ring { centre, .. } => Point { x: a.x - centre.x, y: a.y - centre.y },
        _ => Point { x: 0.0, y: -1.0 },
    };
    let len = (outward.x * outward.x + outward.y * outward.y).sqrt();
    let (ux, uy) = if len > 1e-9 { (outward.x / len, outward.y / len) } else { (0.0, -1.0) };
    let edge = anchor(a, Point { x: a.x + ux * 1e4, y: a.y + uy * 1e4 });
    Point { x: edge.x + ux * (SELF_LOOP_R + 2.0), y: edge.y + uy * (SELF_LOOP_R + 2.0) }
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
        assert_eq!(l.nodes[4].x, l.nodes[2].x, "a short last line keeps the channel between the slots free");
        assert!(l.width < l.height * 1.2, "{} x {}", l.width, l.height);
        let wide = layout(&separate(2, 3, 1), false);
        assert!(l.width < wide.width / 1.5);
    }

    #[test]
    fn a_role_keeps_one_column_however_many_nodes_it_has() {
        // Two sub-columns made every message to the far one cross the near one's boxes.
        let l = layout(&separate(1, 16, 1), false);
        let xs: std::collections::BTreeSet<i64> = l.nodes[1..17].iter().map(|b| b.x as i64).collect();
        assert_eq!(xs.len(), 1);
    }

    #[test]
    fn the_default_cluster_fits_an_embed_and_a_phone_with_legible_text() {
        // Node text is at least 12 units: at 0.917 px per unit it is 11 px. An embed at
        // 720 x 480 gives the stage about 697 px; a phone 375 px wide about 355 px.
        let wide = layout(&separate(2, 3, 1), false);
        assert!(697.0 / wide.width >= 0.917 && wide.height * 697.0 / wide.width < 270.0, "{wide:?}");
        let narrow = layout(&separate(2, 3, 1), true);
        assert!(355.0 / narrow.width >= 0.917, "{}", narrow.width);
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
    fn anchor_of_coincident_boxes_is_the_centre() {
        let b = NodeBox { id: NodeId(0), x: 10.0, y: 10.0, w: 4.0, h: 4.0 };
        assert_eq!(anchor(&b, b.centre()), b.centre());
    }
}
