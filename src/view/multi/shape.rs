//! The stage's two shapes: the wide one (a ring of replicas with the clients' column beside
//! it, 1000 x 600) and the narrow one a phone draws (issue 10: "readable on a phone"), 320
//! units wide so that it is drawn at about its own size on a 375 px screen and its smallest text
//! (a message's label, 11 units) stays at least 11 CSS pixels: the ring on top, the clients in a
//! row (two rows past four) under it. On the narrow stage the replicas' role lines and the
//! clients' lines are not drawn (they would not fit beside each other); the page lists them
//! under the stage instead (`ui::multi::phone`).

use super::frame::{CLIENT_X, RING_R, RING_X, RING_Y, STAGE_H, STAGE_W};
use super::labels::Rect;
use crate::protocol::multi::MultiCluster;
use crate::protocol::NodeId;

/// A stage's size and where its nodes go, in its own coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StageShape {
    pub w: f64,
    pub h: f64,
    /// The replicas' ring: centre and radius.
    pub ring_x: f64,
    pub ring_y: f64,
    pub ring_r: f64,
    /// Where the count of unlabelled messages is written, and the box kept free for it.
    pub more_x: f64,
    pub more_y: f64,
    pub more_box: Rect,
    /// Whether the nodes' lines under them are drawn (the wide stage) or listed beside the
    /// stage (the narrow one).
    pub node_lines: bool,
    /// The font sizes (stage units) of a message's label and of the small texts at a node (its
    /// line, down or cut-off tag, leader badge) and of the count of unlabelled messages
    /// (www/multi.css draws them so). The wide stage is drawn at about 0.73 of its size on a
    /// 1280 px screen: its texts are 15.5 units so that they stay at least 11 CSS pixels.
    pub label_px: f64,
    pub line_px: f64,
}

/// The stage on a wide screen.
pub const WIDE: StageShape = StageShape {
    w: STAGE_W,
    h: STAGE_H,
    ring_x: RING_X,
    ring_y: RING_Y,
    ring_r: RING_R,
    // The count of unlabelled messages: the bottom-left corner, kept free of labels.
    more_x: 8.0,
    more_y: 592.0,
    more_box: [0.0, 430.0, 576.0, STAGE_H],
    node_lines: true,
    label_px: 15.5,
    line_px: 15.5,
};

/// The stage on a phone, with one row of clients (`fitted` makes room for more rows).
pub const NARROW: StageShape = StageShape {
    w: 320.0,
    h: CLIENT_ROW_Y + 20.0 + MORE_ROOM,
    ring_x: 160.0,
    ring_y: 186.0,
    ring_r: 112.0,
    more_x: 6.0,
    more_y: CLIENT_ROW_Y + 20.0 + MORE_ROOM - 8.0,
    more_box: [0.0, 320.0, CLIENT_ROW_Y + 24.0, CLIENT_ROW_Y + 20.0 + MORE_ROOM],
    node_lines: false,
    label_px: 11.0,
    line_px: 13.0,
};

/// The clients' row (the first row's centre line) on the narrow stage, and the gap between rows.
const CLIENT_ROW_Y: f64 = 404.0;
const CLIENT_ROW_GAP: f64 = 46.0;
/// Under the last row of clients: the line that counts unlabelled messages.
const MORE_ROOM: f64 = 26.0;
/// Most clients in one row of the narrow stage.
const CLIENTS_PER_ROW: usize = 4;

impl StageShape {
    /// How far under a replica's centre its down or cut-off tag's baseline is: under its role
    /// line, or (no line drawn) right under its circle.
    pub fn tag_dy(&self) -> f64 {
        if self.node_lines {
            52.0 + 4.0 + self.line_px
        } else {
            50.0
        }
    }

    /// The leader badge above a replica's centre: its half width and its top, relative to the
    /// centre (it ends 40 units above the centre, clear of the circle), for its text size.
    pub fn badge(&self) -> (f64, f64) {
        let grow = self.line_px - 13.0;
        (46.0 + grow * 3.2, -64.0 - grow * 2.4)
    }
    /// This shape with room for `clients` clients: the narrow stage grows a row for every four.
    pub fn fitted(self, clients: usize) -> StageShape {
        if self.node_lines {
            return self;
        }
        let grow = (clients.max(1).div_ceil(CLIENTS_PER_ROW) - 1) as f64 * CLIENT_ROW_GAP;
        let mut shape = self;
        shape.h += grow;
        shape.more_y += grow;
        shape.more_box[2] += grow;
        shape.more_box[3] += grow;
        shape
    }

    /// Where a node stands: replicas on the ring from the top, clockwise; clients in a column
    /// centred on the ring's centre (wide) or in rows under the ring (narrow).
    pub fn position(&self, cluster: &MultiCluster, id: NodeId) -> (f64, f64) {
        let r = cluster.replicas.len();
        if id.index() < r {
            let angle = std::f64::consts::TAU * id.index() as f64 / r as f64;
            let (s, c) = super::super::trig::sin_cos(angle);
            return (self.ring_x + self.ring_r * s, self.ring_y - self.ring_r * c);
        }
        let n = cluster.clients.len().max(1);
        let i = id.index() - r;
        if self.node_lines {
            let gap = (480.0 / n as f64).min(90.0);
            return (CLIENT_X, self.ring_y + (i as f64 - (n - 1) as f64 / 2.0) * gap);
        }
        // Rows of at most four, the first the fuller: 5 clients are 3 and 2.
        let rows = n.div_ceil(CLIENTS_PER_ROW);
        let per_row = n.div_ceil(rows);
        let (row, col) = (i / per_row, i % per_row);
        let in_row = if row + 1 == rows { n - per_row * (rows - 1) } else { per_row };
        let gap = 74.0;
        let x = self.w / 2.0 + (col as f64 - (in_row - 1) as f64 / 2.0) * gap;
        (x, CLIENT_ROW_Y + row as f64 * CLIENT_ROW_GAP)
    }
}

#[cfg(test)]
mod tests {
    use super::super::labels::node_text_in;
    use super::super::{default_scenario, MultiAction, MultiPlayground};
    use super::*;
    use crate::view::labels::overlaps;

    /// On the narrow stage, for every count of replicas and clients the page allows, every
    /// node's circle or box, down tag and leader badge is inside the stage, no two circles or
    /// boxes meet, and up to five replicas (the default) no tag or badge touches another node
    /// (past five the ring is tight, and one may touch a neighbour's circle).
    #[test]
    fn the_narrow_stage_fits_every_cluster_without_overlaps() {
        for replicas in 3..=9u8 {
            for clients in 1..=9u8 {
                let mut s = default_scenario();
                (s.config.replicas, s.config.clients) = (replicas, clients);
                let mut p = MultiPlayground::new(s);
                p.reduce(MultiAction::SetNarrow(true));
                let f = p.frame();
                assert_eq!(f.shape, NARROW.fitted(clients.into()));
                let shape = f.shape;
                let what = format!("{replicas} replicas, {clients} clients");
                let own = |i: usize| {
                    let mut n = f.nodes[i].clone();
                    n.up = false;
                    n.leader = Some("9.9".into());
                    let mut boxes = node_text_in(&shape, std::slice::from_ref(&n));
                    boxes.pop(); // the corner kept for the count of unlabelled messages
                    boxes
                };
                let body: Vec<Rect> = (0..f.nodes.len()).map(|i| own(i)[0]).collect();
                for i in 0..f.nodes.len() {
                    for (k, b) in own(i).iter().enumerate() {
                        assert!(
                            b[0] >= 0.0 && b[1] <= shape.w && b[2] >= 0.0 && b[3] <= shape.more_box[2],
                            "{what}: node {i}'s {b:?} sticks out"
                        );
                        for (j, o) in body.iter().enumerate() {
                            // Past five replicas the ring is tight: a tag or badge may touch a neighbour.
                            let allowed = k > 0 && replicas > 5;
                            // Two circles' square boxes may meet at their corners; the circles may not.
                            let (a, c) = (&f.nodes[i], &f.nodes[j]);
                            let both = i < usize::from(replicas) && j < usize::from(replicas);
                            let apart = ((a.x - c.x).powi(2) + (a.y - c.y).powi(2)).sqrt() >= 70.0;
                            let allowed = allowed || (k == 0 && both && apart);
                            assert!(j == i || allowed || !overlaps(b, o), "{what}: node {i}'s {b:?} covers node {j}");
                        }
                    }
                }
            }
        }
        let mut p = MultiPlayground::new(default_scenario());
        assert_eq!(p.frame().shape, WIDE);
        p.reduce(MultiAction::SetNarrow(true));
        p.reduce(MultiAction::SetNarrow(false));
        assert_eq!(p.frame().nodes[5].x, super::super::frame::CLIENT_X, "back to the wide stage");
    }
}

#[cfg(test)]
mod label_tests {
    use super::super::labels::{label_box_in, labelled, node_text_in, Rect};
    use super::super::{default_scenario, multi_scenarios, MultiAction, MultiPlayground};
    use super::NARROW;
    use crate::view::labels::overlaps;

    /// As `labels::tests::no_label_covers_text_or_another_label_in_the_default_run_and_every_lesson`,
    /// on the narrow stage: every label inside it, off the nodes and each other, and most
    /// messages named.
    #[test]
    fn on_the_narrow_stage_no_label_covers_a_node_or_another_label() {
        let runs = std::iter::once(default_scenario()).chain(multi_scenarios().into_iter().map(|l| l.scenario));
        let (mut named, mut seen) = (0, 0);
        for s in runs {
            let mut p = MultiPlayground::new(s);
            p.reduce(MultiAction::SetNarrow(true));
            for step in (0..400).step_by(3) {
                p.reduce(MultiAction::Seek(step));
                let f = p.frame();
                assert_eq!(f.shape.w, NARROW.w);
                let blocked = node_text_in(&f.shape, &f.nodes);
                let boxes: Vec<Rect> = f.labels.iter().map(|l| label_box_in(&f.shape, &l.text, l.x, l.y)).collect();
                for (i, b) in boxes.iter().enumerate() {
                    assert!(b[0] >= 0.0 && b[1] <= f.shape.w && b[2] >= 0.0 && b[3] <= f.shape.h, "step {step}: {b:?}");
                    assert!(!blocked.iter().any(|n| overlaps(b, n)), "step {step}: {:?} covers a node", f.labels[i]);
                    assert!(!boxes[i + 1..].iter().any(|o| overlaps(b, o)), "step {step}: labels overlap");
                }
                let labelled_tokens = f.tokens.iter().filter(|t| labelled(t.kind)).count();
                let named_here: usize = f.labels.iter().map(|l| l.count).sum();
                assert_eq!(named_here + f.unlabelled, labelled_tokens, "step {step}: every message named or counted");
                named += named_here;
                seen += labelled_tokens;
            }
        }
        // Measured: 96% (9,273 of 9,645), as on the wide stage.
        assert!(named * 10 >= seen * 9, "only {named} of {seen} messages named");
    }
}
