use super::*;
use crate::scenario::Scenario;
use crate::sim::{At, DropReason, Scheduled};

fn run_to(step: u64) -> Playground {
    let propose = Scheduled { at: At::Tick(0), action: Action::Propose { node: NodeId(0), value: Value(0) } };
    let mut p = Playground::new(Scenario { schedule: vec![propose], ..Scenario::default() });
    p.reduce(UiAction::Seek(step));
    p
}

fn node(p: &Playground, n: u8) -> NodeView {
    let mut p = p.clone();
    p.reduce(UiAction::Select(Selection::Node(NodeId(n))));
    match build(&p) {
        Inspector::Node(v) => v,
        other => panic!("{other:?}"),
    }
}

fn message(p: &mut Playground, id: MsgId) -> MessageView {
    p.reduce(UiAction::Select(Selection::Message(id)));
    match build(p) {
        Inspector::Message(v) => v,
        other => panic!("{other:?}"),
    }
}

fn field<'a>(v: &'a NodeView, label: &str) -> &'a str {
    v.sections.iter().flat_map(|s| s.rows.iter()).find(|(l, _)| l == label).map(|(_, v)| v.as_str()).unwrap()
}

#[test]
fn nothing_selected_is_the_empty_state() {
    assert_eq!(build(&run_to(3)), Inspector::Empty);
}

#[test]
fn an_acceptor_shows_memory_and_storage_and_a_crash_loses_only_memory() {
    let mut p = run_to(60);
    let promised = p.history.world().slot(NodeId(2)).storage.acceptor.promised.expect("n2 promised by step 60");
    let v = node(&p, 2);
    assert_eq!(v.title, "n2 · acceptor · up");
    assert_eq!(field(&v, "promised, in memory"), promised.to_string());
    assert_eq!(field(&v, "promised, on storage"), promised.to_string());
    assert!(!v.proposer);
    p.reduce(UiAction::Act(Action::Crash { node: NodeId(2) }));
    let v = node(&p, 2);
    assert!(!v.up && v.title.ends_with("down"));
    assert_eq!(field(&v, "promised, in memory"), LOST);
    assert_eq!(field(&v, "promised, on storage"), promised.to_string());
    assert_eq!(field(&v, "state"), "down (crashed)");
    assert!(v.history[0].text.contains("down"), "newest first: {:?}", v.history[0]);
}

#[test]
fn a_proposer_shows_its_phase_counts_and_rounds() {
    let p = run_to(1);
    let v = node(&p, 0);
    assert!(v.proposer);
    assert_eq!(field(&v, "phase"), "1: preparing");
    assert_eq!(field(&v, "ballot"), "1.0");
    assert_eq!(field(&v, "promises"), "0 of 2 needed");
    assert_eq!(field(&v, "client's value"), "\"A\"");
    assert_eq!(field(&v, "timeouts"), "0");
    // Beside ballot 1.0, a round of 0 would read as a contradiction: it counts Nacks.
    assert_eq!(field(&v, "retries since the request"), "0");
    assert_eq!(field(&v, "highest round in a Nack"), "none yet");
    assert_eq!(field(&v, "max round, on storage"), "1");
    assert_eq!(field(&node(&run_to(200), 5), "learned"), "\"A\"");
    // Before it learns, the learner counts Accepted messages per ballot.
    let mut p = run_to(0);
    let tallying = |p: &Playground| p.history.world().slot(NodeId(5)).node.learner.as_ref().unwrap().tallies.len();
    while tallying(&p) == 0 {
        p.reduce(UiAction::StepForward);
    }
    let v = node(&p, 5);
    assert_eq!(field(&v, "learned"), "-");
    assert_eq!(field(&v, "tally 1.0"), "\"A\": 1 of 2");
}

#[test]
fn history_is_the_past_of_that_node_newest_first() {
    let p = run_to(30);
    let v = node(&p, 3);
    let expected = p.history.past().iter().filter(|e| e.kind.nodes().contains(&NodeId(3))).count();
    assert_eq!(v.history.len(), expected.min(HISTORY_ROWS_MAX));
    assert!(v.history.len() >= 2, "enough rows for the order below to mean something");
    assert!(v.history.windows(2).all(|w| w[0].step >= w[1].step));
    assert!(v.history.iter().all(|r| r.text.contains("n3")));
}

#[test]
fn a_message_shows_payload_and_each_fate() {
    let mut p = run_to(2);
    let m = p.history.world().in_flight().into_iter().min_by_key(|m| m.id).unwrap();
    let v = message(&mut p, m.id);
    assert_eq!(v.title, format!("#{} Prepare 1.0", m.id.0), "the id the log names it by, then what it is");
    assert_eq!(v.kind, "prepare");
    assert_eq!(v.fate, Fate::InFlight { arrive: m.arrive, doomed: false });
    assert!(v.rows.contains(&("ballot".to_string(), "1.0".to_string())));
    p.reduce(UiAction::Act(Action::Duplicate { msg: m.id }));
    let copy = p.history.world().in_flight().into_iter().find(|x| x.id != m.id && x.msg == m.msg && x.to == m.to);
    let copy = copy.expect("a twin in flight");
    assert_eq!(message(&mut p, m.id).copies, vec![copy.id]);
    assert_eq!(message(&mut p, copy.id).copy_of, Some(m.id));
    p.reduce(UiAction::Act(Action::Drop { msg: m.id }));
    let at = p.history.time();
    let v = message(&mut p, m.id);
    assert_eq!(v.fate, Fate::Dropped { at, why: drop_reason(DropReason::ByHand, m.to) });
    assert!(v.fate_text.contains("dropped by hand"));
    p.reduce(UiAction::Seek(60));
    assert!(matches!(message(&mut p, copy.id).fate, Fate::Delivered { .. }));
    p.reduce(UiAction::Seek(0));
    assert_eq!(message(&mut p, m.id).fate, Fate::NotSent);
}

#[test]
fn proposing_parses_letters_and_explains_bad_input() {
    assert_eq!(propose(NodeId(1), " b "), Ok(UiAction::Act(Action::Propose { node: NodeId(1), value: Value(1) })));
    assert!(propose(NodeId(1), "").unwrap_err().contains("Type a value"));
    assert!(propose(NodeId(1), "B2").unwrap_err().contains("letters"));
    assert!(propose(NodeId(1), "<img>").is_err());
}

fn changed(p: &Playground, n: u8) -> Vec<(String, String, String)> {
    changes(p, NodeId(n)).into_iter().map(|c| (c.field, c.before, c.after)).collect()
}

fn ch(field: &str, before: &str, after: &str) -> (String, String, String) {
    (field.to_string(), before.to_string(), after.to_string())
}

/// "What changed at this step": the client's request starts n0's phase 1 (and arms its timer),
/// and changes nothing on the acceptors yet; nothing has changed before the first step. Fields
/// that appear (the ballot) or go (the promise count in phase 2) show "-" on the other side.
#[test]
fn a_step_shows_each_changed_field_before_and_after() {
    assert_eq!(changed(&run_to(0), 0), []);
    let p = run_to(1);
    let due = p.history.world().timer_due(NodeId(0)).unwrap();
    assert_eq!(
        changed(&p, 0),
        [
            ch("retry timer", "none", &format!("fires at t={due}")),
            ch("phase", "idle (no client value)", "1: preparing"),
            ch("ballot", "-", "1.0"),
            ch("promises", "-", "0 of 2 needed"),
            ch("client's value", "-", "\"A\""),
            ch("max round, in memory", "0", "1"),
            ch("max round, on storage", "0", "1"),
        ]
    );
    assert_eq!(changed(&p, 2), []);
    // The step that delivers n0's Prepare to n2: its promise, in memory and on storage.
    let mut p = run_to(1);
    while p.history.world().slot(NodeId(2)).storage.acceptor.promised.is_none() {
        p.reduce(UiAction::StepForward);
    }
    assert_eq!(changed(&p, 2), [ch("promised, in memory", "-", "1.0"), ch("promised, on storage", "-", "1.0")]);
    // Phase 2 begins: the promise count and the reported proposal go, the proposal comes.
    while !matches!(p.history.world().slot(NodeId(0)).node.proposer.unwrap().phase, Phase::Accepting { .. }) {
        p.reduce(UiAction::StepForward);
    }
    let c = changed(&p, 0);
    assert!(c.contains(&ch("phase", "1: preparing", "2: accepting")), "{c:?}");
    assert!(c.contains(&ch("proposing", "-", "\"A\"")), "{c:?}");
    assert!(c.contains(&ch("promises", "1 of 2 needed", "-")), "the promise that made the quorum: {c:?}");
    assert!(c.iter().all(|c| c.1 != c.2), "only fields that changed: {c:?}");
}
