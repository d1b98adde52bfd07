//! What a person (or a schedule) can do to a running world. Plain serde data: a scenario's
//! schedule, a share link and the page's buttons all speak it.

use super::net::NetParams;
use crate::decimal::fixed;
use crate::protocol::{NodeId, Value};
use serde::{Deserialize, Serialize};

/// A message in flight, named by the id it got when it was sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MsgId(pub u64);

/// Externally tagged in JSON (`{"crash": {"node": 1}}`, `"heal"`): serde reads that shape
/// directly, where an internally tagged enum buffers every field first (about 30 KB of wasm).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A client asks the proposer on `node` to propose `value`.
    Propose {
        node: NodeId,
        value: Value,
    },
    Crash {
        node: NodeId,
    },
    Recover {
        node: NodeId,
    },
    /// Lose one message in flight.
    Drop {
        msg: MsgId,
    },
    /// Send a second copy of a message in flight.
    Duplicate {
        msg: MsgId,
    },
    /// Deliver a message in flight now, ahead of the others (reordering by hand).
    DeliverNow {
        msg: MsgId,
    },
    /// Hold a message in flight for `ticks` more.
    Delay {
        msg: MsgId,
        ticks: u32,
    },
    /// Split the nodes into groups that cannot talk; nodes not named form one more group.
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    /// Remove every partition and cut.
    Heal,
    /// Cut the directed link `from -> to` (`both` cuts the reverse too).
    Cut {
        from: NodeId,
        to: NodeId,
        both: bool,
    },
    /// Restore a cut link (`both` restores the reverse too).
    Restore {
        from: NodeId,
        to: NodeId,
        both: bool,
    },
    /// New parameters for every link, from now on.
    SetNetwork {
        params: NetParams,
    },
    /// The node's retry timer fires now, whenever it was due (what a model checker's step
    /// "fire n's timer" replays). New in scenario format 2; new variants go at the end.
    FireTimer {
        node: NodeId,
    },
}

impl Action {
    /// The nodes an action names, for validation and highlighting.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            Action::Propose { node, .. }
            | Action::Crash { node }
            | Action::Recover { node }
            | Action::FireTimer { node } => vec![*node],
            Action::Cut { from, to, .. } | Action::Restore { from, to, .. } => vec![*from, *to],
            Action::Partition { groups } => groups.iter().flatten().copied().collect(),
            _ => Vec::new(),
        }
    }

    /// A short description for the event log.
    pub fn describe(&self) -> String {
        match self {
            Action::Propose { node, value } => format!("client asks {node} to propose \"{value}\""),
            Action::Crash { node } => format!("{node} crashes"),
            Action::Recover { node } => format!("{node} recovers"),
            Action::Drop { msg } => format!("message #{} dropped by hand", msg.0),
            Action::Duplicate { msg } => format!("message #{} duplicated by hand", msg.0),
            Action::DeliverNow { msg } => format!("message #{} delivered now", msg.0),
            Action::Delay { msg, ticks } => format!("message #{} delayed {ticks} ticks", msg.0),
            Action::Partition { groups } => {
                let g: Vec<String> =
                    groups.iter().map(|g| g.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" ")).collect();
                format!("partition {{{}}} | rest", g.join("} | {"))
            }
            Action::Heal => "network healed".to_string(),
            Action::Cut { from, to, both } => format!("link {from} {} {to} cut", if *both { "<->" } else { "->" }),
            Action::Restore { from, to, both } => {
                format!("link {from} {} {to} restored", if *both { "<->" } else { "->" })
            }
            Action::SetNetwork { params: p } => format!(
                "network: latency {} to {} ticks, loss {}%, duplication {}%",
                p.latency_ticks_min,
                p.latency_ticks_max,
                fixed(p.loss * 100.0, 0),
                fixed(p.duplicate * 100.0, 0)
            ),
            Action::FireTimer { node } => format!("{node}'s retry timer fires now"),
        }
    }
}

/// When a scheduled action happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum At {
    /// At the start of a tick, before any event of that tick: how lessons are written.
    Tick(u64),
    /// As step number `n` (after `n` steps): how a person's clicks are recorded, so that an
    /// action taken between two events of the same tick replays between exactly those two.
    Step(u64),
}

/// In JSON: `{"at": {"tick": 3}, "action": {"crash": {"node": 1}}}` (nested, not flattened, for
/// the same reason as `Action`'s tagging).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scheduled {
    pub at: At,
    pub action: Action,
}

/// A schedule split into its two orders, each sorted (stable, so equal times keep their order).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schedule {
    pub by_tick: Vec<(u64, Action)>,
    pub by_step: Vec<(u64, Action)>,
}

impl Schedule {
    pub fn new(entries: &[Scheduled]) -> Schedule {
        let mut s = Schedule::default();
        for e in entries {
            s.push(e.clone());
        }
        s
    }

    pub fn push(&mut self, entry: Scheduled) {
        let (list, key) = match entry.at {
            At::Tick(t) => (&mut self.by_tick, t),
            At::Step(n) => (&mut self.by_step, n),
        };
        let index = list.partition_point(|(k, _)| *k <= key);
        list.insert(index, (key, entry.action));
    }

    /// Forgets step-timed actions at or after step `n` (a fork discards that future).
    pub fn truncate_steps(&mut self, n: u64) {
        self.by_step.retain(|(k, _)| *k < n);
    }

    pub fn entries(&self) -> Vec<Scheduled> {
        let ticks = self.by_tick.iter().map(|(t, a)| Scheduled { at: At::Tick(*t), action: a.clone() });
        let steps = self.by_step.iter().map(|(n, a)| Scheduled { at: At::Step(*n), action: a.clone() });
        ticks.chain(steps).collect()
    }

    pub fn len(&self) -> usize {
        self.by_tick.len() + self.by_step.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
