use super::*;
use crate::protocol::Roles;
use crate::view::layout::{layout, self_loop_centre, SELF_LOOP_R};
use crate::view::tokens::{LANE, TWIN_LANE};

fn separate(p: usize, a: usize, l: usize) -> Vec<Roles> {
    let one = |proposer, acceptor, learner| Roles { proposer, acceptor, learner };
    let mut v = vec![one(true, false, false); p];
    v.extend(vec![one(false, true, false); a]);
    v.extend(vec![one(false, false, true); l]);
    v
}

/// Whether the segment `p`-`q` passes through the inside of box `n` (Liang-Barsky clipping;
/// touching an edge does not count).
fn crosses(p: Point, q: Point, n: &NodeBox) -> bool {
    let (x0, x1, y0, y1) = (n.x - n.w / 2.0 + 0.5, n.x + n.w / 2.0 - 0.5, n.y - n.h / 2.0 + 0.5, n.y + n.h / 2.0 - 0.5);
    let (dx, dy) = (q.x - p.x, q.y - p.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (den, num) in [(-dx, p.x - x0), (dx, x1 - p.x), (-dy, p.y - y0), (dy, y1 - p.y)] {
        if den.abs() < 1e-12 {
            if num < 0.0 {
                return false;
            }
        } else {
            let t = num / den;
            if den < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t0 < t1
}

/// Every route between two nodes, on every lane a message uses, stays off every other box; the
/// loop of a message to self (only servers send them) stays off every box but its own. Returns
/// how many routes it checked.
fn assert_clear(l: &Layout, roles: &[Roles]) -> usize {
    // Who sends to whom: a proposer to everyone (Decided), an acceptor to proposers and
    // learners; a learner sends nothing.
    let sends = |a: NodeId, b: NodeId| {
        let (x, y) = (roles[a.index()], roles[b.index()]);
        x.proposer || (x.acceptor && (y.proposer || y.learner))
    };
    let mut checked = 0;
    for a in &l.nodes {
        let c = self_loop_centre(l, a);
        for n in l.nodes.iter().filter(|n| l.ring && n.id != a.id) {
            let near_x = (c.x - n.x).abs() < n.w / 2.0 + SELF_LOOP_R;
            let near_y = (c.y - n.y).abs() < n.h / 2.0 + SELF_LOOP_R;
            assert!(!(near_x && near_y), "the self loop of {} is on {}", a.id, n.id);
        }
        for b in l.nodes.iter().filter(|b| b.id != a.id && sends(a.id, b.id)) {
            for lane in [0.0, LANE, LANE + TWIN_LANE] {
                let r = route(l, a.id, b.id).offset(lane);
                for w in r.points().windows(2) {
                    for n in l.nodes.iter().filter(|n| n.id != a.id && n.id != b.id) {
                        assert!(!crosses(w[0], w[1], n), "{} -> {} (lane {lane}) crosses {}: {r:?}", a.id, b.id, n.id);
                    }
                }
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn no_route_crosses_an_unrelated_box_up_to_the_largest_clusters() {
    let mut checked = 0;
    for n in [1, 2, 3, 4, 5, 8, 9, 16] {
        for roles in [separate(n, 3, 1), separate(2, n, 1), separate(1, 1, n), separate(n, n, n)] {
            for narrow in [false, true] {
                checked += assert_clear(&layout(&roles, narrow), &roles);
            }
        }
    }
    for n in 1..=16 {
        let roles = vec![Roles::ALL; n];
        checked += assert_clear(&layout(&roles, false), &roles);
    }
    assert!(checked > 20_000, "{checked}");
}

#[test]
fn the_straight_line_nine_acceptors_used_to_take_would_cross_boxes() {
    // What the test above guards against: with nine acceptors and two learners, the straight
    // line from a proposer to the far learner passes through acceptors' boxes.
    let roles = separate(2, 9, 2);
    let l = layout(&roles, false);
    let (a, b) = (l.nodes[0], l.nodes[12]);
    let hits = l.nodes[2..11].iter().filter(|n| crosses(a.centre(), b.centre(), n)).count();
    assert!(hits > 0);
    assert_clear(&l, &roles);
    assert_eq!(route(&l, a.id, b.id).points().len(), 4, "around, by the corridor below");
}

#[test]
fn neighbouring_columns_are_joined_straight_side_to_side() {
    let l = layout(&separate(2, 3, 1), false);
    let r = route(&l, NodeId(0), NodeId(3));
    let (a, b) = (l.nodes[0], l.nodes[3]);
    assert_eq!(r.points(), [Point { x: a.x + a.w / 2.0, y: a.y }, Point { x: b.x - b.w / 2.0, y: b.y }]);
    let back = route(&l, NodeId(3), NodeId(0));
    assert_eq!(back.points(), [r.points()[1], r.points()[0]]);
    let (there, home) = (r.offset(LANE).at(0.5), back.offset(LANE).at(0.5));
    assert!((there.y - home.y).abs() > 2.0 * LANE - 1e-6, "opposite directions use opposite sides");
}

#[test]
fn a_message_moves_along_its_route_by_length() {
    let r = Route::new(&[Point { x: 0.0, y: 0.0 }, Point { x: 10.0, y: 0.0 }, Point { x: 10.0, y: 30.0 }]);
    assert_eq!(r.at(0.0), Point { x: 0.0, y: 0.0 });
    assert_eq!(r.at(0.25), Point { x: 10.0, y: 0.0 });
    assert_eq!(r.at(0.5), Point { x: 10.0, y: 10.0 });
    assert_eq!(r.at(1.0), Point { x: 10.0, y: 30.0 });
    assert_eq!(r.at(7.0), Point { x: 10.0, y: 30.0 }, "clamped");
    let o = r.offset(2.0);
    assert_eq!(o.points()[0], Point { x: 0.0, y: 2.0 });
    assert_eq!(o.points()[1], Point { x: 8.0, y: 2.0 }, "mitred: both segments keep their distance");
    assert_eq!(o.points()[2], Point { x: 8.0, y: 30.0 });
}

#[test]
fn repeated_points_collapse_and_a_lone_point_is_a_route_of_no_length() {
    let p = Point { x: 3.0, y: 4.0 };
    assert_eq!(Route::new(&[p, p, Point { x: 5.0, y: 4.0 }]).points().len(), 2);
    let r = Route::new(&[p]);
    assert_eq!((r.points().len(), r.at(0.5)), (2, p));
}
