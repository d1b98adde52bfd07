use super::super::{build, build_in, chosen_label, Fate, Geometry, SpaceTime};
use super::*;
use crate::protocol::{Ballot, NodeId, Proposal, Value};
use crate::scenario::{lessons, Scenario};
use crate::sim::{Action, At, EventKind, Scheduled, Tick};
use crate::view::lesson::end_step;
use crate::view::UiAction;

fn propose(t: u64, node: u8, value: u32) -> Scheduled {
    Scheduled { at: At::Tick(t), action: Action::Propose { node: NodeId(node), value: Value(value) } }
}

fn long_run() -> Playground {
    let mut p =
        Playground::new(Scenario { schedule: vec![propose(0, 0, 0), propose(400, 1, 1)], ..Scenario::default() });
    p.reduce(UiAction::Seek(200));
    p
}

fn whole() -> Viewport {
    Viewport { zoom: WHOLE, pinned: None }
}

#[test]
fn zooming_out_widens_the_window_by_levels_up_to_the_whole_run_and_back() {
    let run = 1000.0;
    let mut v = Viewport::default();
    let mut spans = vec![v.geometry(500.0, run).span];
    while v.zoom != WHOLE {
        v = v.zoom_out(run);
        spans.push(v.geometry(500.0, run).span);
    }
    assert_eq!(spans, [48.0, 192.0, 768.0, 1000.0]);
    assert_eq!(v.zoom_out(run), v, "the whole run is as far out as it goes");
    let g = v.geometry(500.0, run);
    assert_eq!((g.start, g.end()), (0.0, run));
    for t in [0, 1, 499, 1000] {
        assert_eq!(g.time_at(g.x(t as f64)), t as Tick, "clicking the whole run seeks to the time drawn there");
    }
    let mut back = vec![];
    while v != Viewport::default() {
        v = v.zoom_in(run);
        back.push(v.geometry(500.0, run).span);
    }
    assert_eq!(back, [768.0, 192.0, 48.0]);
    assert_eq!(Viewport::default().zoom_out(40.0).zoom, WHOLE, "a short run is whole one level out");
}

#[test]
fn scrolling_pins_the_window_never_before_zero_and_follows_the_clock_again_at_its_window() {
    let (clock, run) = (300.0, 320.0);
    let follow = Geometry::around(clock);
    let v = Viewport::default().scroll(clock, run, -3.0);
    assert_eq!(v.pinned, Some(follow.start - 24.0));
    assert_eq!(v.geometry(clock, run).start, follow.start - 24.0);
    assert_eq!(v.geometry(1000.0, run).start, follow.start - 24.0, "a pinned window stays when the clock moves");
    assert_eq!(v.scroll(clock, run, 2.0).pinned, Some(follow.start - 8.0));
    assert_eq!(v.scroll(clock, run, 3.0), Viewport::default(), "back at the clock's window: following again");
    assert_eq!(v.scroll(clock, run, 30.0), Viewport::default());
    assert_eq!(v.scroll(clock, run, -1000.0).pinned, Some(0.0));
    let out = Viewport::default().zoom_out(5000.0);
    let scrolled = out.scroll(clock, 5000.0, -1.0);
    let from = Geometry::around_span(clock, 192.0).start;
    assert_eq!(scrolled.geometry(clock, 5000.0).start, from - 32.0, "a wider window scrolls in its own steps");
    assert_eq!(whole().scroll(clock, run, -1.0), whole(), "the whole run does not scroll");
    assert_eq!(Viewport::default().zoom_out(5000.0).zoom_in(5000.0), Viewport::default(), "zooming unpins");
}

#[test]
fn the_axis_keeps_at_most_eight_labels_at_round_ticks() {
    let every: Vec<f64> = [48.0, 64.0, 100.0, 192.0, 768.0, 10_000.0].iter().map(|&s| axis_every(s)).collect();
    assert_eq!(every, [8.0, 8.0, 16.0, 40.0, 160.0, 1600.0]);
    let d = build_in(&long_run(), whole());
    assert!(d.ticks.len() <= 9 && d.ticks.len() >= 4, "{:?}", d.ticks);
    assert_eq!(d.ticks[0], (d.geometry.x(0.0), 0));
}

#[test]
fn zoomed_out_the_diagram_shows_what_the_window_left_out_and_says_how_much_that_is() {
    let p = long_run();
    let window = build(&p);
    let first_send = p.history.past().iter().position(|e| matches!(e.kind, EventKind::Send { .. })).unwrap();
    assert!(window.earlier > first_send, "the window starts after {} events", window.earlier);
    assert_eq!(window.earlier, p.history.past().iter().filter(|e| (e.time as f64) < window.geometry.start).count());
    assert_eq!((window.later, window.whole), (0, false));
    assert!(window.chosen.is_empty(), "the first decision is before the window");
    let all = build_in(&p, whole());
    assert_eq!((all.earlier, all.later, all.whole), (0, 0, true));
    assert_eq!(all.geometry.start, 0.0);
    assert!(all.geometry.end() >= p.clock);
    assert!(all.chosen[0].label.contains("\"A\" chosen at"), "{:?}", all.chosen);
    let first = all.arrows.iter().map(|a| a.x1).fold(f64::MAX, f64::min);
    assert!(
        (first - all.geometry.x(p.history.past()[first_send].time as f64)).abs() < 1e-6,
        "the first message is drawn"
    );
    // Scrolled back to the start, the later events are counted instead.
    let back = build_in(&p, Viewport { zoom: 0, pinned: Some(0.0) });
    assert_eq!(back.earlier, 0);
    assert_eq!(back.later, p.history.past().iter().filter(|e| e.time > 48).count());
    assert!(back.later > 0);
}

#[test]
fn the_whole_run_of_a_long_run_draws_at_most_one_arrow_per_look_and_pixel() {
    // Nearly every message lost: the proposers retry for thousands of ticks.
    let mut s = Scenario { schedule: vec![propose(0, 0, 0), propose(5, 1, 1)], ..Scenario::default() };
    s.config.network.loss = 0.95;
    let mut p = Playground::new(s);
    p.reduce(UiAction::Seek(10_000));
    let sends = p.history.past().iter().filter(|e| matches!(e.kind, EventKind::Send { .. })).count();
    let d = build_in(&p, whole());
    assert!(p.history.time() > 5000, "a long run: t={}", p.history.time());
    assert!(d.arrows.len() * 3 < sends * 2, "{} arrows for {sends} messages", d.arrows.len());
    // Messages delivered or dropped (in flight ones are few, and added after the scan).
    let ended: Vec<u64> = d.arrows.iter().filter(|a| a.fate != Fate::InFlight).map(pixel_key).collect();
    let keys: std::collections::HashSet<u64> = ended.iter().copied().collect();
    assert_eq!(keys.len(), ended.len(), "no two arrows draw over each other");
    // The window keeps every arrow (one per message).
    let w = build(&p);
    let keys: std::collections::HashSet<u64> = w.arrows.iter().map(pixel_key).collect();
    assert!(keys.len() <= w.arrows.len());
    let window_ids: std::collections::HashSet<_> = w.arrows.iter().map(|a| a.id).collect();
    assert_eq!(window_ids.len(), w.arrows.len());
}

#[test]
fn the_same_value_chosen_again_at_a_later_ballot_reads_still_not_a_new_choice() {
    let at_1_1 = Ballot { round: 1, node: NodeId(1) };
    let first = Some(Proposal { ballot: at_1_1, value: Value(1) });
    let again = chosen_label(first, Ballot { round: 3, node: NodeId(0) }, Value(1));
    assert_eq!(again, ("still \"B\" (quorum at 3.0)".to_string(), false, true));
    assert_eq!(chosen_label(first, at_1_1, Value(1)), ("\"B\" chosen at 1.1".to_string(), false, false));
    let other = chosen_label(first, Ballot { round: 3, node: NodeId(0) }, Value(0));
    assert_eq!(other, ("\"A\" chosen at 3.0: agreement violated".to_string(), true, false));
    assert_eq!(chosen_label(None, Ballot { round: 1, node: NodeId(0) }, Value(0)).0, "\"A\" chosen at 1.0");

    // The partition lesson: "B" is chosen on the majority side; after healing n0's ballot 3.0
    // gets a quorum for "B" again. At the end the window shows only that second quorum.
    let lesson = lessons::by_slug("partition").unwrap();
    let end = end_step(&lesson);
    let mut p = Playground::new(lesson.scenario);
    p.reduce(UiAction::Seek(end));
    let labels = |d: &SpaceTime| d.chosen.iter().map(|m| (m.label.clone(), m.still, m.violated)).collect::<Vec<_>>();
    assert_eq!(labels(&build(&p)), [("still \"B\" (quorum at 3.0)".to_string(), true, false)]);
    let all = labels(&build_in(&p, whole()));
    assert_eq!(
        all,
        [("\"B\" chosen at 1.1".into(), false, false), ("still \"B\" (quorum at 3.0)".into(), true, false)]
    );
    let start = labels(&build_in(&p, Viewport { zoom: 0, pinned: Some(0.0) }));
    assert_eq!(start, [("\"B\" chosen at 1.1".into(), false, false)], "scrolled back: only the marks in the window");
}

#[test]
fn chosen_labels_take_a_second_row_rather_than_overlap_and_end_at_the_right_edge() {
    let mark = |x: f64| Mark {
        x,
        y: 0.0,
        label: "still \"B\" (quorum at 3.0)".into(),
        violated: false,
        still: true,
        left: false,
    };
    let mut marks = vec![mark(100.0), mark(140.0), mark(400.0), mark(630.0)];
    assert_eq!(place_labels(&mut marks, 200.0), 1.0);
    let rows: Vec<(f64, bool)> = marks.iter().map(|m| (m.y, m.left)).collect();
    assert_eq!(rows, [(195.0, false), (208.0, false), (195.0, false), (208.0, true)]);
    let mut apart = vec![mark(100.0), mark(400.0)];
    assert_eq!(place_labels(&mut apart, 200.0), 0.0, "labels apart share the row");
}

#[test]
fn the_range_says_what_is_shown() {
    let g = Geometry { start: 48.0, span: 48.0 };
    assert_eq!(range_text(&g, false, 130.0), "Ticks 48 to 96 of 130");
    assert_eq!(range_text(&Geometry { start: 0.0, span: 130.0 }, true, 130.0), "Whole run: 130 ticks");
}
