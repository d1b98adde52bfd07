use super::*;
use crate::protocol::{Ballot, Msg, NodeId, Value};
use crate::sim::MsgId;

const SPAN: Span = Span { from: 100.0, to: 500.0 };

fn arrow(id: u64, kind: MsgKind, fate: Fate, twin: bool, (x1, y1): (f64, f64), (x2, y2): (f64, f64)) -> Arrow {
    let ballot = Ballot { round: 1, node: NodeId(0) };
    let msg = match kind {
        MsgKind::Prepare => Msg::Prepare { ballot },
        MsgKind::Promise => Msg::Promise { ballot, accepted: None },
        MsgKind::Nack => Msg::Nack { ballot, promised: Ballot { round: 2, node: NodeId(1) } },
        MsgKind::Accept => Msg::Accept { ballot, value: Value(0) },
        MsgKind::Accepted => Msg::Accepted { ballot, value: Value(0) },
        MsgKind::Decided => Msg::Decided { value: Value(0) },
    };
    let (from, to) = (NodeId(0), NodeId(1));
    Arrow { id: MsgId(id), kind, x1, y1, x2, y2, fate, twin, selected: false, msg, from, to }
}

/// The subpaths of a `d` made of `M x y L x y` pairs, parsed back.
fn segments(d: &str) -> Vec<(f64, f64, f64, f64)> {
    d.split('M')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (a, b) = s.split_once('L').expect("M x y L x y");
            let num = |t: &str| t.trim().parse::<f64>().unwrap();
            let (x1, y1) = a.split_once(' ').unwrap();
            let (x2, y2) = b.split_once(' ').unwrap();
            (num(x1), num(y1), num(x2), num(y2))
        })
        .collect()
}

fn close(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    [(a.0, b.0), (a.1, b.1), (a.2, b.2), (a.3, b.3)].iter().all(|(p, q)| (p - q).abs() <= 0.051)
}

#[test]
fn a_segment_inside_the_span_is_kept_whole_and_one_outside_is_left_out() {
    let inside = arrow(1, MsgKind::Prepare, Fate::Delivered, false, (120.0, 30.0), (180.0, 90.0));
    assert_eq!(clip(&inside, SPAN), Some((120.0, 30.0, 180.0, 90.0)));
    let before = arrow(2, MsgKind::Prepare, Fate::Delivered, false, (10.0, 30.0), (99.0, 90.0));
    let after = arrow(3, MsgKind::Prepare, Fate::InFlight, false, (501.0, 30.0), (900.0, 90.0));
    assert_eq!(clip(&before, SPAN), None);
    assert_eq!(clip(&after, SPAN), None);
}

#[test]
fn a_segment_across_an_edge_is_cut_there_on_its_own_line() {
    // From x=0 to x=1000, y from 0 to 100: at x=100 y=10, at x=500 y=50.
    let long = arrow(1, MsgKind::Accept, Fate::InFlight, false, (0.0, 0.0), (1000.0, 100.0));
    let (x1, y1, x2, y2) = clip(&long, SPAN).unwrap();
    assert!(close((x1, y1, x2, y2), (100.0, 10.0, 500.0, 50.0)), "{x1} {y1} {x2} {y2}");
    // A backwards segment keeps its direction.
    let back = arrow(2, MsgKind::Accept, Fate::Delivered, false, (1000.0, 100.0), (300.0, 30.0));
    let (x1, y1, x2, y2) = clip(&back, SPAN).unwrap();
    assert!(close((x1, y1, x2, y2), (500.0, 50.0, 300.0, 30.0)), "{x1} {y1} {x2} {y2}");
    // A vertical one (zero latency) inside stays as it is.
    let vertical = arrow(3, MsgKind::Nack, Fate::Delivered, false, (200.0, 10.0), (200.0, 80.0));
    assert_eq!(clip(&vertical, SPAN), Some((200.0, 10.0, 200.0, 80.0)));
}

#[test]
fn arrows_of_one_look_share_one_path_with_a_subpath_each() {
    let arrows = vec![
        arrow(1, MsgKind::Prepare, Fate::Delivered, false, (110.0, 20.0), (150.0, 60.0)),
        arrow(2, MsgKind::Prepare, Fate::Delivered, false, (120.0, 20.0), (160.0, 88.0)),
        arrow(3, MsgKind::Prepare, Fate::Delivered, true, (130.0, 20.0), (170.0, 88.0)),
        arrow(4, MsgKind::Promise, Fate::InFlight, false, (140.0, 60.0), (2000.0, 20.0)),
        arrow(5, MsgKind::Prepare, Fate::Dropped, false, (150.0, 20.0), (155.0, 25.0)),
        arrow(6, MsgKind::Prepare, Fate::InFlight, false, (600.0, 20.0), (700.0, 60.0)),
        arrow(7, MsgKind::Prepare, Fate::Delivered, false, (210.0, 60.0), (260.0, 20.0)),
    ];
    let s = strokes(&arrows, SPAN);
    let looks: Vec<_> = s.iter().map(|s| (s.fate, s.kind, s.twin, s.count)).collect();
    assert_eq!(
        looks,
        [
            (Fate::Delivered, MsgKind::Prepare, false, 3),
            (Fate::Delivered, MsgKind::Prepare, true, 1),
            (Fate::Dropped, MsgKind::Prepare, false, 1),
            (Fate::InFlight, MsgKind::Promise, false, 1),
        ],
        "settled first, in flight on top; arrow 6 is wholly past the window"
    );
    let plain = segments(&s[0].d);
    assert_eq!(plain.len(), 3);
    for (seg, id) in plain.iter().zip([1, 2, 7]) {
        let a = &arrows[id - 1];
        assert!(close(*seg, (a.x1, a.y1, a.x2, a.y2)), "{seg:?} vs arrow {id}");
    }
    let cut = segments(&s[3].d);
    assert_eq!(cut.len(), 1);
    assert!((cut[0].2 - SPAN.to).abs() < 1e-9, "the long one in flight ends at the window's edge: {cut:?}");
    let total: usize = s.iter().map(|s| s.count).sum();
    assert_eq!(total, arrows.iter().filter(|a| clip(a, SPAN).is_some()).count());
}

#[test]
fn heads_go_on_delivered_and_in_flight_ends_inside_the_window_only() {
    let arrows = vec![
        arrow(1, MsgKind::Prepare, Fate::Delivered, false, (110.0, 20.0), (150.0, 20.0)),
        arrow(2, MsgKind::Prepare, Fate::InFlight, false, (120.0, 20.0), (400.0, 60.0)),
        arrow(3, MsgKind::Prepare, Fate::Dropped, false, (130.0, 20.0), (170.0, 60.0)),
        arrow(4, MsgKind::Accept, Fate::InFlight, false, (140.0, 20.0), (900.0, 60.0)),
        arrow(5, MsgKind::Decided, Fate::Delivered, false, (200.0, 20.0), (202.0, 20.0)),
        arrow(6, MsgKind::Prepare, Fate::Delivered, false, (300.0, 20.0), (350.0, 88.0)),
    ];
    let s = strokes(&arrows, SPAN);
    let heads: Vec<_> = s.iter().map(|s| (s.fate, s.kind, s.count, s.heads.matches('Z').count())).collect();
    assert_eq!(
        heads,
        [
            (Fate::Delivered, MsgKind::Prepare, 2, 2),
            (Fate::Delivered, MsgKind::Decided, 1, 0),
            (Fate::Dropped, MsgKind::Prepare, 1, 0),
            (Fate::InFlight, MsgKind::Prepare, 1, 1),
            (Fate::InFlight, MsgKind::Accept, 1, 0),
        ],
        "no head when dropped, cut at the edge, or too short to carry one"
    );
    // Arrow 1 runs to the right along y=20: the tip is just past its end, the base behind it.
    let first = s[0].heads.split('Z').next().unwrap();
    assert_eq!(first, "M151.0 20.0L144.0 23.5L144.0 16.5");
}

#[test]
fn drop_marks_are_one_path_of_crosses_centred_where_the_messages_died() {
    assert_eq!(drop_marks(&[]), "");
    let d = drop_marks(&[(200.0, 50.0), (310.5, 78.0)]);
    assert_eq!(d, "M196.0 46.0l8 8m0 -8l-8 8M306.5 74.0l8 8m0 -8l-8 8");
}
