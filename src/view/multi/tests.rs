use super::*;
use crate::protocol::multi::Key;

fn play_until(p: &mut MultiPlayground, frames: u32, done: impl Fn(&MultiPlayground) -> bool) -> Option<u32> {
    p.reduce(MultiAction::Play);
    for i in 0..frames {
        if done(p) {
            return Some(i);
        }
        p.reduce(MultiAction::Frame(1000.0 / 60.0));
    }
    None
}

fn leader(p: &MultiPlayground) -> Option<NodeId> {
    p.frame().nodes.iter().find(|n| n.leader.is_some()).map(|n| n.id)
}

#[test]
fn the_default_scenario_elects_a_leader_within_the_first_seconds_and_fills_the_log() {
    let mut p = MultiPlayground::new(default_scenario());
    assert_eq!(p.scenario.validate(), Ok(()));
    let frames = play_until(&mut p, 60 * 60, |p| leader(p).is_some()).expect("a leader");
    assert!(frames < 60 * 6, "a leader after {frames} frames at 60 fps");
    play_until(&mut p, 60 * 60, |p| p.frame().history.completed >= 6).expect("operations complete");
    let f = p.frame();
    assert_eq!(f.nodes.len(), 8);
    assert_eq!(f.kv.len(), 5);
    assert_eq!(f.history.verdict, Verdict::Green);
    assert!(f.log.rows.iter().any(|r| r.cells.iter().any(|c| c.state == CellState::Applied)));
}
