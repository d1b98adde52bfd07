use super::*;
use crate::protocol::Value;
use crate::scenario::Scenario;
use crate::sim::{Action, At, DropReason, Scheduled};
use crate::view::UiAction;

fn propose(t: u64, node: u8, value: u32) -> Scheduled {
    Scheduled { at: At::Tick(t), action: Action::Propose { node: NodeId(node), value: Value(value) } }
}

fn playground(schedule: Vec<Scheduled>) -> Playground {
    Playground::new(Scenario { schedule, ..Scenario::default() })
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn the_window_holds_the_clock_and_moves_in_steps() {
    assert_eq!(Geometry::around(0.0).start, 0.0);
    assert_eq!(Geometry::around(WINDOW_TICKS * CLOCK_AT_MOST - 1.0).start, 0.0);
    for clock in [108.5, 130.0, 555.25, 10_000.0] {
        let g = Geometry::around(clock);
        assert!(g.start <= clock && clock <= g.start + WINDOW_TICKS * CLOCK_AT_MOST, "{clock}: {g:?}");
        assert_eq!(g.start % WINDOW_STEP_TICKS, 0.0);
    }
    assert_eq!(Geometry::around(130.0), Geometry::around(131.0), "small moves keep the window");
}

#[test]
fn clicking_at_x_seeks_to_the_time_drawn_there() {
    let g = Geometry::around(300.0);
    for t in [g.start as Tick, g.start as Tick + 37, g.end() as Tick] {
        assert_eq!(g.time_at(g.x(t as f64)), t);
    }
    assert_eq!(Geometry::around(0.0).time_at(0.0), 0, "the label column seeks to the start, never below 0");
}

#[test]
fn lanes_are_grouped_by_role_and_arrows_join_the_lanes_of_sender_and_receiver() {
    let mut p = playground(vec![propose(0, 0, 0)]);
    p.reduce(UiAction::Seek(25));
    let d = build(&p);
    let roles: Vec<&str> = d.lanes.iter().map(|l| l.role).collect();
    assert_eq!(roles, ["proposer", "proposer", "acceptor", "acceptor", "acceptor", "learner"]);
    let y = |n: NodeId| d.lanes.iter().find(|l| l.node == n).unwrap().y;
    let delivered: Vec<_> = p.history.past().iter().filter(|e| matches!(e.kind, EventKind::Deliver { .. })).collect();
    let arrows: Vec<&Arrow> = d.arrows.iter().filter(|a| a.fate == Fate::Delivered).collect();
    assert_eq!(arrows.len(), delivered.len());
    for (a, e) in arrows.iter().zip(&delivered) {
        let EventKind::Deliver { id, from, to, .. } = e.kind else { unreachable!() };
        assert_eq!(a.id, id);
        assert!(near(a.y1, y(from)) && near(a.y2, y(to)));
        assert!(near(a.x2, d.geometry.x(e.time as f64)));
        assert!(a.x1 <= a.x2);
    }
    let in_flight = d.arrows.iter().filter(|a| a.fate == Fate::InFlight).count();
    assert_eq!(in_flight, p.history.world().in_flight_count());
    assert!(near(cursor_x(&p, &d.geometry), d.geometry.x(p.clock)));
}

#[test]
fn messages_in_flight_run_to_their_arrival_and_the_clock_cuts_them() {
    let mut p = playground(vec![propose(0, 0, 0)]);
    p.reduce(UiAction::Seek(2));
    let m = p.history.world().in_flight()[0];
    assert!(m.arrive > m.sent_at + 1, "default latency leaves room to be halfway");
    let before = build(&p);
    p.clock = (m.sent_at + 1) as f64;
    let d = build(&p);
    assert_eq!(d, before, "the clock moving between two steps does not change the diagram");
    let a = d.arrows.iter().find(|a| a.id == m.id).unwrap();
    assert_eq!(a.fate, Fate::InFlight);
    let lane = |n: NodeId| d.lanes.iter().find(|l| l.node == n).unwrap().y;
    assert!(near(a.x1, d.geometry.x(m.sent_at as f64)) && near(a.y1, lane(m.from)));
    assert!(near(a.x2, d.geometry.x(m.arrive as f64)) && near(a.y2, lane(m.to)));
    let cut = cursor_x(&p, &d.geometry);
    assert!(a.x1 < cut && cut < a.x2, "the clip at the clock shows it halfway");
}

#[test]
fn a_dropped_message_ends_with_a_mark_where_it_died() {
    let mut p = playground(vec![propose(0, 0, 0)]);
    p.reduce(UiAction::Seek(2));
    let m = p.history.world().in_flight()[0];
    p.reduce(UiAction::Act(Action::Drop { msg: m.id }));
    let d = build(&p);
    let a = d.arrows.iter().find(|a| a.id == m.id).unwrap();
    assert_eq!(a.fate, Fate::Dropped);
    assert_eq!(d.drops, vec![(a.x2, a.y2)]);
    assert_eq!(d.drop_path, paths::drop_marks(&d.drops));
    assert!(d.drop_path.starts_with(&format!("M{:.1} ", a.x2 - 4.0)), "{}", d.drop_path);
    let dropped = d.strokes.iter().find(|s| s.fate == Fate::Dropped).expect("a path for the dropped look");
    assert_eq!((dropped.kind, dropped.count), (a.kind, 1));
    assert!(near(a.x2, d.geometry.x(p.history.time() as f64)));
    let dropped = p.history.past().iter().any(|e| matches!(e.kind, EventKind::Drop { reason: DropReason::ByHand, .. }));
    assert!(dropped);
}

#[test]
fn a_crash_shades_the_lane_until_recovery() {
    let mut p = playground(vec![propose(0, 0, 0)]);
    p.reduce(UiAction::Seek(3));
    p.reduce(UiAction::Act(Action::Crash { node: NodeId(3) }));
    let crashed_at = p.history.time() as f64;
    p.reduce(UiAction::Seek(12));
    let d = build(&p);
    let lane = d.lanes.iter().find(|l| l.node == NodeId(3)).unwrap();
    assert!(!lane.up);
    assert_eq!(lane.down, vec![(d.geometry.x(crashed_at), d.geometry.x(d.geometry.end()))], "cut at the clock");
    p.reduce(UiAction::Act(Action::Recover { node: NodeId(3) }));
    let back_at = p.history.time() as f64;
    p.reduce(UiAction::Seek(20));
    let d = build(&p);
    let lane = d.lanes.iter().find(|l| l.node == NodeId(3)).unwrap();
    assert_eq!(lane.down, vec![(d.geometry.x(crashed_at), d.geometry.x(back_at))]);
    assert!(d.lanes.iter().filter(|l| l.node != NodeId(3)).all(|l| l.down.is_empty()));
}

#[test]
fn a_long_run_draws_only_the_window_and_marks_the_chosen_value() {
    let mut p = playground(vec![propose(0, 0, 0), propose(400, 1, 1)]);
    p.reduce(UiAction::Seek(200));
    let d = build(&p);
    assert!(p.history.time() > 400, "the late proposal ran: t={}", p.history.time());
    assert!(d.geometry.start > 0.0);
    assert!(!d.arrows.is_empty(), "the late proposal's messages are in the window");
    assert!(d.arrows.iter().all(|a| a.x2 >= LABEL_WIDTH - 1e-9), "every arrow reaches into the window");
    let all = p.history.past().iter().filter(|e| matches!(e.kind, EventKind::Send { .. })).count();
    assert!(d.arrows.len() < all, "{} of {all}", d.arrows.len());
    // The first decision is out of the window; rewinding to it shows the marker.
    let chosen = p.history.past().iter().find(|e| matches!(e.kind, EventKind::Chosen { .. })).unwrap().clone();
    assert!(d.chosen.is_empty());
    p.reduce(UiAction::Seek(chosen.step + 1));
    let d = build(&p);
    assert_eq!(d.chosen.len(), 1);
    assert!(near(d.chosen[0].x, d.geometry.x(chosen.time as f64)));
    assert!(d.chosen[0].label.contains("\"A\""));
}

#[test]
fn the_selected_message_is_marked() {
    let mut p = playground(vec![propose(0, 0, 0)]);
    p.reduce(UiAction::Seek(6));
    let id = p.history.world().in_flight()[0].id;
    p.reduce(UiAction::Select(Selection::Message(id)));
    let d = build(&p);
    assert_eq!(d.arrows.iter().filter(|a| a.selected).map(|a| a.id).collect::<Vec<_>>(), vec![id]);
    let a = d.arrows.iter().find(|a| a.selected).unwrap();
    let m = p.history.world().in_flight().into_iter().find(|m| m.id == id).unwrap();
    assert_eq!(a.label(), format!("#{} {} {} -> {}", id.0, m.msg, m.from, m.to));
}

#[test]
fn every_arrow_in_the_window_is_in_exactly_one_path_of_its_look() {
    let mut p = playground(vec![propose(0, 0, 0), propose(3, 1, 1)]);
    p.reduce(UiAction::Seek(40));
    let d = build(&p);
    assert!(d.arrows.len() > 10, "a busy diagram: {} arrows", d.arrows.len());
    for s in &d.strokes {
        let mine = d.arrows.iter().filter(|a| (a.kind, a.fate, a.twin) == (s.kind, s.fate, s.twin));
        let visible = mine.filter(|a| paths::clip(a, PLOT_SPAN).is_some()).count();
        assert_eq!((s.count, s.d.matches('M').count()), (visible, visible), "{:?} {:?}", s.kind, s.fate);
    }
    let drawn: usize = d.strokes.iter().map(|s| s.count).sum();
    assert_eq!(drawn, d.arrows.iter().filter(|a| paths::clip(a, PLOT_SPAN).is_some()).count());
    let looks: std::collections::BTreeSet<_> = d.strokes.iter().map(|s| (s.fate, s.kind, s.twin)).collect();
    assert_eq!(looks.len(), d.strokes.len(), "one path per look");
    assert!(d.strokes.iter().any(|s| !s.heads.is_empty()), "delivered arrows carry heads");
}
