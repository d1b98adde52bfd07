use super::super::{default_scenario, multi_scenario, MultiAction, MultiScenario};
use super::*;
use crate::protocol::multi::Role;

fn run_to(scenario: MultiScenario, step: u64) -> MultiPlayground {
    let mut p = MultiPlayground::new(scenario);
    p.reduce(MultiAction::Seek(step));
    assert_eq!(p.history.cursor(), step);
    p
}

fn clock(p: &MultiPlayground) -> f64 {
    p.history.time() as f64
}

#[test]
fn a_lane_per_replica_and_client_and_arrows_between_their_ends() {
    let p = run_to(default_scenario(), 600);
    let d = build(&p, clock(&p), None);
    let labels: Vec<&str> = d.lanes.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(labels, ["r0", "r1", "r2", "r3", "r4", "c0", "c1", "c2"]);
    assert_eq!(d.lanes.iter().filter(|l| l.replica).count(), 5);
    for (i, l) in d.lanes.iter().enumerate() {
        assert_eq!(l.y, lane_y(i));
        assert!(l.y + LANE_HEIGHT / 2.0 <= d.height);
    }
    let w = d.window;
    assert!(w.start as f64 <= clock(&p) && clock(&p) <= w.end() as f64, "{w:?} at {}", clock(&p));
    assert!(d.arrows.len() > 20, "{}", d.arrows.len());
    for a in &d.arrows {
        assert!(a.x1 <= a.x2, "{a:?}");
        assert!(a.x2 >= w.x(w.start as f64), "ends in the window: {a:?}");
        assert!(d.lanes.iter().any(|l| l.y == a.y1), "starts on a lane: {a:?}");
        if a.fate != Fate::Dropped {
            assert!(d.lanes.iter().any(|l| l.y == a.y2), "ends on a lane: {a:?}");
        }
        assert!(a.seek >= 1 && a.seek <= p.history.cursor(), "{a:?}");
    }
    // Every message in flight is drawn, to its arrival (the page clips the plot at the clock).
    let flights = p.history.world().in_flight();
    let drawn: Vec<MsgId> = d.arrows.iter().filter(|a| a.fate == Fate::InFlight).map(|a| a.id).collect();
    assert_eq!(drawn.len(), flights.len());
    for m in &flights {
        let a = d.arrows.iter().find(|a| a.id == m.id).expect("drawn");
        assert_eq!((a.x1, a.x2), (w.x(m.sent_at as f64), w.x(m.arrive as f64)));
        assert_eq!((a.y1, a.y2), (lane_y(m.from.index()), lane_y(m.to.index())));
    }
    // Requests go from a client's lane to a replica's, replies back.
    assert!(d.arrows.iter().any(|a| a.kind == "accept" && a.label.starts_with("Accept ")));
    let client_y: Vec<f64> = d.lanes.iter().filter(|l| !l.replica).map(|l| l.y).collect();
    assert!(d.arrows.iter().any(|a| a.kind == "request" && client_y.contains(&a.y1)));
    assert!(d.arrows.iter().any(|a| a.kind == "reply" && client_y.contains(&a.y2)));
    // Points: operations called and answered on the clients' lanes, slots chosen on the axis.
    let on = |k: PointKind| d.points.iter().filter(move |pt| pt.kind == k);
    assert!(on(PointKind::Invoke).count() > 0 && on(PointKind::Complete).count() > 0);
    assert!(on(PointKind::Invoke).chain(on(PointKind::Complete)).all(|pt| client_y.contains(&pt.y)));
    assert!(on(PointKind::Chosen).count() > 0 && on(PointKind::Chosen).all(|pt| pt.y == CHOSEN_Y));
    assert!(d.summary.contains("8 lanes"), "{}", d.summary);
}

/// What a click seeks to is the moment drawn: a message's send (it is then in flight), a
/// point's event (the step before, it had not happened).
#[test]
fn clicking_an_arrow_or_a_point_seeks_to_its_moment() {
    let p = run_to(multi_scenario("multi-electing-a-leader").expect("lesson").scenario, 300);
    let mut q = run_to(p.scenario.clone(), 0);
    let d = build(&p, 40.0, Some(0));
    let leader = d.points.iter().find(|pt| pt.kind == PointKind::Leader).expect("a leader elected in the window");
    assert!(leader.tag.starts_with("leader "), "{leader:?}");
    assert!(leader.text.contains("became leader at ballot"), "{}", leader.text);
    let node = d.lanes.iter().find(|l| l.y == leader.y).expect("on a lane").node;
    let leads = |q: &MultiPlayground| {
        matches!(q.history.world().system.nodes[node.index()].node.replica().map(|r| &r.role), Some(Role::Leader(_)))
    };
    q.reduce(MultiAction::Seek(leader.seek - 1));
    assert!(!leads(&q));
    q.reduce(MultiAction::Seek(leader.seek));
    assert!(leads(&q));
    for a in d.arrows.iter().filter(|a| a.fate == Fate::Delivered).take(40) {
        q.reduce(MultiAction::Seek(a.seek));
        assert!(q.history.world().in_flight().iter().any(|m| m.id == a.id), "{a:?}");
        q.reduce(MultiAction::Seek(a.seek - 1));
        assert!(!q.history.world().in_flight().iter().any(|m| m.id == a.id), "{a:?}");
    }
    // A click on the plot seeks to the last step at or before the time under it.
    for t in [0, 7, 23, 40] {
        let step = step_at_time(&p, d.window.time_at(d.window.x(t as f64)));
        q.reduce(MultiAction::Seek(step));
        assert!(q.history.time() <= t);
        if let Some(next) = q.history.next_time() {
            assert!(next > t || step == 0, "t={t}: step {step} at {}, next at {next}", q.history.time());
        }
    }
}

#[test]
fn dropped_messages_crashes_and_the_selection_are_drawn() {
    let mut p = run_to(default_scenario(), 400);
    let victim = p.history.world().in_flight().into_iter().max_by_key(|m| m.arrive).expect("a message");
    p.reduce(MultiAction::Drop(victim.id));
    p.reduce(MultiAction::ToggleCrash(NodeId(1)));
    p.reduce(MultiAction::Seek(p.history.cursor() + 60));
    p.reduce(MultiAction::Select(MultiSelection::Message(victim.id)));
    let d = build(&p, clock(&p), None);
    let a = d.arrows.iter().find(|a| a.id == victim.id).expect("the dropped message is drawn");
    assert_eq!(a.fate, Fate::Dropped);
    assert!(a.selected && a.label.ends_with(", dropped"), "{a:?}");
    assert_eq!(d.arrows.iter().filter(|a| a.selected).count(), 1);
    assert!(a.x2 < d.window.x(victim.arrive as f64), "it died before it arrived");
    let lane = &d.lanes[1];
    assert!(!lane.up && lane.down.len() == 1, "{lane:?}");
    let (x1, x2) = lane.down[0];
    assert!(x1 < x2 && x2 == d.window.x(clock(&p)));
    let crash = d.points.iter().find(|pt| pt.kind == PointKind::Crash).expect("the crash");
    assert_eq!((crash.x, crash.y), (x1, lane.y));
    assert!(crash.text.starts_with("r1 crashed"), "{}", crash.text);
}

/// The window follows the clock in jumps; pinned earlier it says what is later; and a run of
/// thousands of steps draws no more than a short one's window holds.
#[test]
fn the_window_follows_the_clock_and_scrolls_back() {
    let mut last = Window::at(0.0, None);
    assert_eq!(last.start, 0);
    for c in 0..400 {
        let w = Window::at(c as f64 * 0.5, None);
        assert!(w.start as f64 <= c as f64 * 0.5 && c as f64 * 0.5 <= w.end() as f64);
        assert!(w.start >= last.start && w.start.is_multiple_of(WINDOW_STEP_TICKS));
        last = w;
    }
    assert_eq!(Window::at(12.3, None).time_at(Window::at(12.3, None).x(9.0)), 9);
    // A moment's x plus the window's shift is the same in every window (the page draws it there).
    let (a, b) = (Window::at(10.0, None), Window::at(300.0, None));
    assert!(a.start < b.start && a.shift() == 0.0);
    for t in [0.0, 37.5, 280.0] {
        assert!((a.x(t) + a.shift() - (b.x(t) + b.shift())).abs() < 1e-9, "t={t}");
    }
    assert_eq!(b.x(b.start as f64) + b.shift(), LABEL_WIDTH + b.shift());
    let p = run_to(default_scenario(), 3000);
    let now = clock(&p);
    let follow = build(&p, now, None);
    assert_eq!(follow.later, 0);
    assert!(follow.earlier > 1000, "{}", follow.earlier);
    let back = follow.window.scrolled(-4);
    assert_eq!(back, follow.window.start - WINDOW_TICKS * 2);
    let pinned = build(&p, now, Some(back));
    assert_eq!(pinned.window.start, back);
    assert!(pinned.later > 0 && pinned.earlier < follow.earlier);
    assert!(pinned.arrows.iter().all(|a| a.x1 <= pinned.window.x(pinned.window.end() as f64)));
    assert_eq!(Window { start: 10, span: WINDOW_TICKS }.scrolled(-3), 0);
    for d in [&follow, &pinned] {
        assert!(d.arrows.len() < 600, "{}", d.arrows.len());
        assert_eq!(d.ticks.len() as u64, WINDOW_TICKS / WINDOW_STEP_TICKS + 1);
    }
}
