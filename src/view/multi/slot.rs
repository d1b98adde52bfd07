//! A slot's story, for the inspector when a log cell is clicked: when the slot was proposed and
//! by whom, and per replica when it accepted it at which ballot (again, at a higher one, after
//! a leader change), applied it or its no-op, or compacted it into a snapshot; and when a quorum
//! made it chosen. Each moment carries the step to seek to (the cursor just after it), read
//! from the whole recorded trace: a moment after the cursor is marked as still to come, so
//! that seeking to one moment keeps the rest of the story in view.

use super::frame::reply_text;
use super::{name, MultiPlayground};
use crate::protocol::multi::{Command, Msg, Slot};
use crate::protocol::{Ballot, NodeId};
use crate::sim::multi::MultiEvent;
use crate::sim::Tick;

/// Something that happened to the slot.
#[derive(Clone, Debug, PartialEq)]
pub struct Moment {
    /// The cursor just after it happened (what a click seeks to).
    pub step: u64,
    pub time: Tick,
    /// `accepted write x=3 at ballot 2.1`.
    pub text: String,
    /// After the cursor: recorded, not yet happened on screen.
    pub future: bool,
}

/// One replica's part of the story.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaStory {
    pub replica: NodeId,
    /// `r2`.
    pub label: String,
    pub moments: Vec<Moment>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SlotStory {
    pub slot: u64,
    /// When a quorum accepted it at one ballot (more than once only in a broken variant).
    pub chosen: Vec<Moment>,
    /// Per replica, in id order (a replica the slot never reached has no moments).
    pub replicas: Vec<ReplicaStory>,
}

fn cmd_text(cmd: &Command) -> String {
    match cmd {
        Command::Noop => "a no-op".into(),
        Command::Op { .. } => cmd.to_string(),
    }
}

/// The story of `slot` as recorded (up to the frontier).
pub fn slot_story(p: &MultiPlayground, slot: u64) -> SlotStory {
    let world = p.history.world();
    let cluster = &world.system.cluster;
    let mut replicas: Vec<ReplicaStory> = cluster
        .replicas
        .iter()
        .map(|r| ReplicaStory { replica: *r, label: name(cluster, *r), moments: Vec::new() })
        .collect();
    let mut chosen = Vec::new();
    let Ok(slot32) = u32::try_from(slot) else { return SlotStory { slot, chosen, replicas } };
    let target = Slot(slot32);
    // A leader sends its Accept to every follower: the proposal is told once per ballot.
    let mut proposed: Vec<(NodeId, Ballot)> = Vec::new();
    let mut compacted: Vec<NodeId> = Vec::new();
    let cursor = p.history.cursor();
    for e in &p.history.trace {
        let at = |text: String| Moment { step: e.step + 1, time: e.time, text, future: e.step >= cursor };
        let (node, text) = match &e.kind {
            MultiEvent::Send { from, msg: Msg::Accept { ballot, slot, cmd, .. }, .. } if *slot == target => {
                if proposed.contains(&(*from, *ballot)) {
                    continue;
                }
                proposed.push((*from, *ballot));
                (*from, format!("proposed {} at ballot {ballot}, as leader", cmd_text(cmd)))
            }
            MultiEvent::Accepted { node, slot, ballot, cmd } if *slot == target => {
                (*node, format!("accepted {} at ballot {ballot}", cmd_text(cmd)))
            }
            MultiEvent::Applied { node, slot, cmd, reply } if *slot == target => {
                let answer = reply.as_ref().map(|r| format!(", answer {}", reply_text(r))).unwrap_or_default();
                (*node, format!("applied {}{answer}", cmd_text(cmd)))
            }
            MultiEvent::Snapshot { node, upto } if *upto > target && !compacted.contains(node) => {
                compacted.push(*node);
                (*node, format!("compacted it into a snapshot of the store below #{}", upto.0))
            }
            MultiEvent::Crash { node } if replicas.iter().any(|r| r.replica == *node && !r.moments.is_empty()) => {
                (*node, "crashed: what it knew chosen is forgotten, what it accepted stays on disk".into())
            }
            MultiEvent::Chosen { slot, ballot, cmd } if *slot == target => {
                chosen.push(at(format!("chosen: {} at ballot {ballot}, by a quorum of acceptances", cmd_text(cmd))));
                continue;
            }
            _ => continue,
        };
        if let Some(r) = replicas.iter_mut().find(|r| r.replica == node) {
            r.moments.push(at(text));
        }
    }
    SlotStory { slot, chosen, replicas }
}

#[cfg(test)]
mod tests {
    use super::super::{default_scenario, multi_scenario, MultiAction, MultiScenario};
    use super::*;

    fn run_to(scenario: MultiScenario, step: u64) -> MultiPlayground {
        let mut p = MultiPlayground::new(scenario);
        p.reduce(MultiAction::Seek(step));
        assert_eq!(p.history.cursor(), step);
        p
    }

    /// Each moment is where the trace says: seeking to its step shows the replica after it,
    /// one step before does not (accepted, applied), and the chosen moment is when the monitor
    /// first knew the slot chosen.
    #[test]
    fn a_slot_story_tells_each_replica_accepting_and_applying_it_at_the_right_steps() {
        let p = run_to(default_scenario(), 800);
        let story = slot_story(&p, 3);
        assert_eq!(story.replicas.len(), 5);
        assert_eq!(story.replicas.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(), ["r0", "r1", "r2", "r3", "r4"]);
        assert_eq!(story.chosen.len(), 1, "{story:?}");
        let chosen = &story.chosen[0];
        assert!(chosen.text.starts_with("chosen: "), "{}", chosen.text);
        let leaders: Vec<&ReplicaStory> =
            story.replicas.iter().filter(|r| r.moments.iter().any(|m| m.text.starts_with("proposed "))).collect();
        assert_eq!(leaders.len(), 1, "one leader proposed it: {story:?}");
        let accepted = story.replicas.iter().filter(|r| r.moments.iter().any(|m| m.text.starts_with("accepted ")));
        assert!(accepted.count() >= 3, "a quorum of 3 accepted it: {story:?}");
        let applied: Vec<&ReplicaStory> =
            story.replicas.iter().filter(|r| r.moments.iter().any(|m| m.text.starts_with("applied "))).collect();
        assert!(applied.len() >= 3, "{story:?}");
        let slot = Slot(3);
        let mut q = MultiPlayground::new(default_scenario());
        for r in &story.replicas {
            let replica =
                |q: &MultiPlayground| q.history.world().system.nodes[r.replica.index()].node.replica().cloned();
            for m in &r.moments {
                assert!(m.step <= 800 && m.step > 0);
                q.reduce(MultiAction::Seek(m.step - 1));
                let before = replica(&q).expect("a replica");
                q.reduce(MultiAction::Seek(m.step));
                let after = replica(&q).expect("a replica");
                assert_eq!(q.history.time(), m.time);
                if m.text.starts_with("accepted ") {
                    assert!(after.durable.accepted.get(slot).is_some() && before.durable.accepted.get(slot).is_none());
                } else if m.text.starts_with("applied ") {
                    assert!(after.applied > slot && before.applied <= slot, "{}", m.text);
                }
            }
        }
        q.reduce(MultiAction::Seek(chosen.step - 1));
        assert!(q.history.world().system.monitor.chosen(slot).is_none());
        q.reduce(MultiAction::Seek(chosen.step));
        assert!(q.history.world().system.monitor.chosen(slot).is_some());
        assert!(story.replicas.iter().flat_map(|r| &r.moments).chain(&story.chosen).all(|m| !m.future));
        // Seeking back keeps the recorded story, its moments after the cursor marked as to come.
        let mut back = run_to(default_scenario(), 800);
        back.reduce(MultiAction::Seek(chosen.step - 1));
        let early = slot_story(&back, 3);
        assert_eq!(early.chosen.len(), 1);
        assert!(early.chosen[0].future && early.chosen[0].step == chosen.step);
        let moments = |s: &SlotStory| s.replicas.iter().flat_map(|r| r.moments.clone()).collect::<Vec<_>>();
        assert_eq!(moments(&early).len(), moments(&story).len());
        assert!(moments(&early).iter().all(|m| m.future == (m.step > chosen.step - 1)));
        assert!(slot_story(&p, 100_000).replicas.iter().all(|r| r.moments.is_empty()));
    }

    /// A new leader after a crash re-proposes what it found accepted at its own ballot: the
    /// story of such a slot tells both proposals; and a compacted slot says so.
    #[test]
    fn a_slot_story_tells_re_proposals_by_a_new_leader_and_compaction() {
        let lesson = multi_scenario("multi-leader-crash").expect("the lesson");
        let p = run_to(lesson.scenario.clone(), 1500);
        let newest = p.frame().log.newest_slot.expect("slots");
        let stories: Vec<SlotStory> = (0..=newest).map(|s| slot_story(&p, s)).collect();
        let texts = |s: &SlotStory| {
            s.replicas.iter().flat_map(|r| r.moments.iter().map(|m| m.text.clone())).collect::<Vec<_>>()
        };
        // (No run of the lessons leaves a hole to fill; a no-op is told as such.)
        assert_eq!(cmd_text(&Command::Noop), "a no-op");
        let two_ballots = stories.iter().any(|s| {
            let ballots: std::collections::BTreeSet<String> = texts(s)
                .iter()
                .filter(|t| t.starts_with("proposed "))
                .filter_map(|t| t.split(" at ballot ").nth(1).map(|b| b.to_string()))
                .collect();
            ballots.len() >= 2
        });
        assert!(two_ballots, "some slot was proposed again by the new leader");
        let mut s = default_scenario();
        s.config.compaction = Some(4);
        let p = run_to(s, 1200);
        let story = slot_story(&p, 1);
        assert!(
            story.replicas.iter().any(|r| r.moments.iter().any(|m| m.text.starts_with("compacted it into a snapshot"))),
            "{story:?}"
        );
    }
}
