//! What the stage writes on each node: its role, id and key state (promised ballot, accepted
//! proposal, learned value, proposer phase), whether it is up, its partition group. Computed
//! from the world at the cursor; the stage only draws these strings.

use crate::protocol::{NodeId, Phase, Value};
use crate::sim::World;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    pub id: NodeId,
    /// `proposer`, `acceptor`, `learner` or `server` (`data-role`).
    pub role: &'static str,
    pub up: bool,
    /// "Acceptor n2".
    pub title: String,
    /// The proposer's phase, e.g. `preparing 3.1 "A" · 2/3` (2 promises of the 3 needed); for a node
    /// that is down, what its disk holds (`round 3 on disk`).
    pub phase: Option<String>,
    /// "promised 3.1" or "promised -".
    pub promised: Option<String>,
    /// `accepted (3.1, "B")` or "accepted -".
    pub accepted: Option<String>,
    /// `learned "A"` or "learned -".
    pub learned: Option<String>,
    /// Partition group (1-based) when the network is partitioned, else 0.
    pub group: u8,
    /// Named by a violation of a safety property.
    pub violating: bool,
    /// One of the acceptors whose acceptances chose this value (`view::marks`).
    pub quorum: Option<Value>,
    /// A proposer working on (or done with) a value it adopted from a promise (`view::marks`).
    pub adopted: Option<Value>,
    /// Named by the caption shown (`view::marks`).
    pub named: bool,
    /// When its retry timer fires, if armed (`view::marks`).
    pub timer_due: Option<crate::sim::Tick>,
    /// Everything above in one sentence, for screen readers.
    pub label: String,
}

fn capitalised(role: &str) -> String {
    let mut c = role.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

/// A proposer's phase in a few words, with its count out of the quorum it needs: promises while
/// preparing, accepts while accepting (`preparing 1.0 "A" · 1/2`: one promise of the two needed;
/// the help says so, and the inspector spells it out).
pub fn phase_text(phase: &Phase, value: Option<crate::protocol::Value>, q1: usize, q2: usize) -> String {
    let v = value.map(|v| format!(" \"{v}\"")).unwrap_or_default();
    match phase {
        Phase::Idle => "idle".to_string(),
        Phase::Preparing { ballot, promises, .. } => format!("preparing {ballot}{v} · {}/{q1}", promises.len()),
        Phase::Accepting { ballot, value, accepts } => {
            format!("accepting {ballot} \"{value}\" · {}/{q2}", accepts.len())
        }
        Phase::Backoff => format!("backing off{v}"),
        Phase::Done { value } => format!("done: \"{value}\" chosen"),
    }
}

/// The view of every node of `world`, in id order.
pub fn node_views(world: &World) -> Vec<NodeView> {
    let partitioned = world.net.is_partitioned();
    let mut violating = vec![false; world.system.nodes.len()];
    for n in world.system.violations.iter().flat_map(|v| &v.nodes) {
        if let Some(slot) = violating.get_mut(n.index()) {
            *slot = true;
        }
    }
    world
        .system
        .nodes
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let id = NodeId(i as u8);
            let role = world.system.cluster.roles[i].label();
            let node = &slot.node;
            // A down node shows only what survives a crash, its disk: for a proposer, the
            // highest round it used (its phase and value were lost with it).
            let phase = node.proposer.as_ref().map(|p| {
                if slot.up {
                    let q = world.system.cluster.quorums;
                    phase_text(&p.phase, p.value, q.phase1 as usize, q.phase2 as usize)
                } else {
                    format!("round {} on disk", slot.storage.proposer.max_round)
                }
            });
            let acceptor = node.acceptor.as_ref().map(|a| a.durable);
            let promised = acceptor.map(|d| format!("promised {}", d.promised.map_or("-".into(), |b| b.to_string())));
            let accepted = acceptor.map(|d| format!("accepted {}", d.accepted.map_or("-".into(), |p| p.to_string())));
            let learned = node.learner.as_ref().map(|_| match node.learned() {
                Some(v) => format!("learned \"{v}\""),
                None => "learned -".to_string(),
            });
            let group = if partitioned { world.net.group_of(id) } else { 0 };
            let title = format!("{} {id}", capitalised(role));
            let mut view = NodeView {
                id,
                role,
                up: slot.up,
                title,
                phase,
                promised,
                accepted,
                learned,
                group,
                violating: violating[i],
                quorum: None,
                adopted: None,
                named: false,
                timer_due: None,
                label: String::new(),
            };
            view.label = describe(&view);
            view
        })
        .collect()
}

/// The node's name for screen readers and speech input: the words on its box in the order they
/// are drawn (title, fields, the "down" tag, the group badge), so saying what one sees names it
/// (WCAG 2.5.3, "label in name"); the words in parentheses and after add what the box shows
/// without words.
pub(super) fn describe(v: &NodeView) -> String {
    let mut parts = vec![v.title.clone()];
    parts.extend([&v.phase, &v.promised, &v.accepted, &v.learned].into_iter().flatten().cloned());
    if let Some(value) = v.adopted {
        parts.push(format!("adopted \"{value}\" (a value from a promise, not its own)"));
    }
    if !v.up {
        parts.push("down (crashed)".into());
    }
    if v.group > 0 {
        parts.push(format!("G{} (partition group {})", v.group, v.group));
    }
    if v.violating {
        parts.push("involved in a safety violation".into());
    }
    if let Some(value) = v.quorum {
        parts.push(format!("in the quorum that chose \"{value}\""));
    }
    if let Some(t) = v.timer_due {
        parts.push(format!("retry timer fires at t={t}"));
    }
    if v.named {
        parts.push("named in the caption".into());
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Value;
    use crate::sim::{Action, At, Config, History, Scheduled, Topology};

    fn run(config: Config, schedule: Vec<Scheduled>, steps: u64) -> History {
        let mut h = History::new(&config, 7, &schedule);
        h.extend(steps);
        h.seek(steps);
        h
    }

    #[test]
    fn fresh_nodes_show_dashes_and_their_roles() {
        let h = run(Config::default(), vec![], 0);
        let v = node_views(h.world());
        let roles: Vec<_> = v.iter().map(|n| n.role).collect();
        assert_eq!(roles, ["proposer", "proposer", "acceptor", "acceptor", "acceptor", "learner"]);
        assert_eq!(v[0].title, "Proposer n0");
        assert_eq!(v[0].phase.as_deref(), Some("idle"));
        assert_eq!((v[0].promised.as_deref(), v[0].learned.as_deref()), (None, None));
        assert_eq!(v[2].promised.as_deref(), Some("promised -"));
        assert_eq!(v[2].accepted.as_deref(), Some("accepted -"));
        assert_eq!(v[5].learned.as_deref(), Some("learned -"));
        assert!(v.iter().all(|n| n.up && n.group == 0 && !n.violating));
    }

    #[test]
    fn a_finished_run_shows_promises_acceptances_and_the_learned_value() {
        let propose = Scheduled { at: At::Tick(0), action: Action::Propose { node: NodeId(0), value: Value(1) } };
        let h = run(Config::default(), vec![propose], 500);
        let v = node_views(h.world());
        assert_eq!(v[2].promised.as_deref(), Some("promised 1.0"));
        assert_eq!(v[2].accepted.as_deref(), Some("accepted (1.0, \"B\")"));
        assert_eq!(v[5].learned.as_deref(), Some("learned \"B\""));
        assert_eq!(v[0].phase.as_deref(), Some("done: \"B\" chosen"));
        assert!(v[5].label.contains("learned \"B\""));
    }

    /// The count says what it counts out of: promises (then accepts) of the quorum needed, 2 of
    /// 3 acceptors here.
    #[test]
    fn a_proposer_counts_out_of_the_quorum_it_needs() {
        let propose = Scheduled { at: At::Tick(0), action: Action::Propose { node: NodeId(0), value: Value(0) } };
        let h = run(Config::default(), vec![propose.clone()], 1);
        assert_eq!(node_views(h.world())[0].phase.as_deref(), Some("preparing 1.0 \"A\" · 0/2"));
        let accepting = |h: &History| node_views(h.world())[0].phase.clone().filter(|p| p.starts_with("accepting"));
        let mut h = run(Config::default(), vec![propose.clone()], 1);
        let mut seen = None;
        for step in 1..40 {
            h.extend(step + 1);
            h.seek(step + 1);
            seen = seen.or(accepting(&h));
        }
        // Its first moment in phase 2: no accept yet, of the 2 it needs.
        assert_eq!(seen.as_deref(), Some("accepting 1.0 \"A\" · 0/2"));
        assert!(node_views(h.world())[0].label.contains("done"), "the run finished");
        assert_eq!(phase_text(&crate::protocol::Phase::Idle, None, 3, 4), "idle");
    }

    #[test]
    fn crashes_and_partitions_show() {
        let config = Config { topology: Topology::Servers { count: 3 }, ..Config::default() };
        let at = |n, action| Scheduled { at: At::Step(n), action };
        let schedule =
            vec![at(0, Action::Crash { node: NodeId(1) }), at(1, Action::Partition { groups: vec![vec![NodeId(0)]] })];
        let h = run(config, schedule, 2);
        let v = node_views(h.world());
        assert!(!v[1].up && v[1].label.contains("down"));
        assert_eq!(
            v[1].label,
            "Server n1, round 0 on disk, promised -, accepted -, learned -, down (crashed), G2 (partition group 2)"
        );
        assert_eq!(v[0].label, "Server n0, idle, promised -, accepted -, learned -, G1 (partition group 1)");
        assert_eq!(v[1].phase.as_deref(), Some("round 0 on disk"), "a down proposer shows its disk, not a phase");
        assert_eq!(v[0].role, "server");
        assert!(v[0].promised.is_some() && v[0].learned.is_some() && v[0].phase.is_some());
        assert_eq!((v[0].group, v[1].group, v[2].group), (1, 2, 2));
    }
}
