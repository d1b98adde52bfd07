//! The binary form of a scenario inside a share link, one frozen set of types per format
//! version. Why separate types rather than the scenario's own serde: (1) a link made today must
//! open in every later build, so its shape may not follow the in-memory types as they grow; the
//! conversions below stop compiling when a domain type changes, which forces a decision
//! (new version plus migration) instead of silently breaking old links; (2) the binary encoder
//! (postcard) needs plain structs and externally tagged enums, while the JSON file form keeps
//! the readable `{"crash": {"node": 1}}` shape.
//!
//! The versions: format 1 (the first); format 2 adds the timeout growth switch to the timing
//! (`Timing::timeout_growth`) and the `FireTimer` action. Links are written in the current
//! format only; `Versioned::into_current` reads every version ever written by a chain of
//! migrations (`migrate_v1`: format 1 had no timeout growth, so its links replay with it off).
//!
//! To add format 3: copy the types that change into `...V3`, add `Versioned::V3`, write
//! `migrate_v2(ScenarioV2) -> ScenarioV3`, and move the writer (`From<&Scenario>`) to V3.

use super::{Caption, Scenario, FORMAT_VERSION, MAX_CAPTIONS, MAX_SCHEDULE};
use crate::protocol::{Broken, NodeId, Quorums, Timing, Value};
use crate::sim::{Action, At, Config, MsgId, NetParams, Scheduled, Topology};
use serde::de::{Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::marker::PhantomData;

pub mod codec;
mod v1;
pub use v1::*;

/// Most partition groups, and most nodes in one group, a link may name (three roles of at most
/// 16 nodes each make 48 nodes).
pub const MAX_GROUP: usize = 64;

/// A scenario in format 2 (the current one): format 1 with `ConfigV2` and `ActionV2`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioV2 {
    pub title: String,
    pub description: String,
    pub config: ConfigV2,
    pub seed: u64,
    #[serde(deserialize_with = "bounded::<_, _, MAX_SCHEDULE>")]
    pub schedule: Vec<ScheduledV2>,
    pub cursor: Option<u64>,
    #[serde(deserialize_with = "bounded::<_, _, MAX_CAPTIONS>")]
    pub captions: Vec<(u64, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigV2 {
    pub topology: TopologyV1,
    /// Phase-1 and phase-2 quorum sizes, or majorities.
    pub quorums: Option<(u8, u8)>,
    pub nack: bool,
    /// Timeout min and max, backoff on, backoff base and max (ticks), timeout growth on.
    pub timing: (u32, u32, bool, u32, u32, bool),
    /// Proposers ignore accepted values; acceptors forget on recovery.
    pub broken: (bool, bool),
    pub network: NetV1,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScheduledV2 {
    pub at: AtV1,
    pub action: ActionV2,
}

/// Format 1's actions, then `FireTimer` (new variants only ever go at the end, so the index of
/// every older one stays what it was).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ActionV2 {
    Propose(u8, u32),
    Crash(u8),
    Recover(u8),
    Drop(u64),
    Duplicate(u64),
    DeliverNow(u64),
    Delay(u64, u32),
    Partition(#[serde(deserialize_with = "groups")] Vec<Vec<u8>>),
    Heal,
    Cut(u8, u8, bool),
    Restore(u8, u8, bool),
    SetNetwork(NetV1),
    FireTimer(u8),
}

/// Every format this build reads, tagged by its version number.
#[derive(Clone, Debug, PartialEq)]
pub enum Versioned {
    V1(ScenarioV1),
    V2(ScenarioV2),
}

impl Versioned {
    /// Reads the body of a link written in format `version` (with `codec`, which reads what
    /// postcard writes for these types), refusing bytes left over at the end.
    pub fn read(version: u32, body: &[u8]) -> Result<Versioned, codec::DecodeError> {
        let mut r = codec::Reader::new(body);
        let read = match version {
            1 => Versioned::V1(r.scenario_v1()?),
            2 => Versioned::V2(r.scenario_v2()?),
            _ => return Err(codec::DecodeError("no such format")),
        };
        if !r.rest().is_empty() {
            return Err(codec::DecodeError("bytes are left over after the scenario"));
        }
        Ok(read)
    }

    /// Migrates to the current in-memory scenario.
    pub fn into_current(self) -> Scenario {
        match self {
            Versioned::V1(v1) => migrate_v1(v1).into_scenario(),
            Versioned::V2(v2) => v2.into_scenario(),
        }
    }
}

/// A list that refuses to grow past `N` items while it is being read, so a forged length
/// cannot make the decoder allocate or loop far beyond the limits.
fn bounded<'de, D, T, const N: usize>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Bounded<T, const N: usize>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for Bounded<T, N> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a list of at most {N} items")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let hint = seq.size_hint().unwrap_or(0);
            if hint > N {
                return Err(A::Error::custom(format!("a list of {hint} items; at most {N}")));
            }
            let mut items = Vec::with_capacity(hint);
            while let Some(item) = seq.next_element()? {
                if items.len() == N {
                    return Err(A::Error::custom(format!("a list of more than {N} items")));
                }
                items.push(item);
            }
            Ok(items)
        }
    }
    d.deserialize_seq(Bounded::<T, N>(PhantomData))
}

fn groups<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
    #[derive(Deserialize)]
    struct Group(#[serde(deserialize_with = "bounded::<_, _, MAX_GROUP>")] Vec<u8>);
    let groups: Vec<Group> = bounded::<_, _, MAX_GROUP>(d)?;
    Ok(groups.into_iter().map(|g| g.0).collect())
}

impl From<&Scenario> for ScenarioV2 {
    fn from(s: &Scenario) -> ScenarioV2 {
        ScenarioV2 {
            title: s.title.clone(),
            description: s.description.clone(),
            config: ConfigV2::from(&s.config),
            seed: s.seed,
            schedule: s
                .schedule
                .iter()
                .map(|e| ScheduledV2 { at: at_v1(e.at), action: action_v2(&e.action) })
                .collect(),
            cursor: s.cursor,
            captions: s.captions.iter().map(|c| (c.step, c.text.clone())).collect(),
        }
    }
}

impl ScenarioV2 {
    pub fn into_scenario(self) -> Scenario {
        Scenario {
            version: FORMAT_VERSION,
            title: self.title,
            description: self.description,
            config: self.config.into_config(),
            seed: self.seed,
            schedule: self
                .schedule
                .into_iter()
                .map(|e| Scheduled { at: e.at.into(), action: e.action.into() })
                .collect(),
            cursor: self.cursor,
            captions: self.captions.into_iter().map(|(step, text)| Caption { step, text }).collect(),
        }
    }
}

impl From<&Config> for ConfigV2 {
    fn from(c: &Config) -> ConfigV2 {
        let t = c.timing;
        ConfigV2 {
            topology: match c.topology {
                Topology::Servers { count } => TopologyV1::Servers(count),
                Topology::Separate { proposers, acceptors, learners } => {
                    TopologyV1::Separate(proposers, acceptors, learners)
                }
            },
            quorums: c.quorums.map(|q| (q.phase1, q.phase2)),
            nack: c.nack,
            timing: (
                t.timeout_ticks_min,
                t.timeout_ticks_max,
                t.backoff,
                t.backoff_ticks_base,
                t.backoff_ticks_max,
                t.timeout_growth,
            ),
            broken: (c.broken.ignore_accepted_values, c.broken.forgetful_acceptors),
            network: net_v1(&c.network),
        }
    }
}

impl ConfigV2 {
    fn into_config(self) -> Config {
        let (timeout_ticks_min, timeout_ticks_max, backoff, backoff_ticks_base, backoff_ticks_max, timeout_growth) =
            self.timing;
        Config {
            topology: match self.topology {
                TopologyV1::Servers(count) => Topology::Servers { count },
                TopologyV1::Separate(proposers, acceptors, learners) => {
                    Topology::Separate { proposers, acceptors, learners }
                }
            },
            quorums: self.quorums.map(|(phase1, phase2)| Quorums { phase1, phase2 }),
            nack: self.nack,
            timing: Timing {
                timeout_ticks_min,
                timeout_ticks_max,
                backoff,
                backoff_ticks_base,
                backoff_ticks_max,
                timeout_growth,
            },
            broken: Broken { ignore_accepted_values: self.broken.0, forgetful_acceptors: self.broken.1 },
            network: self.network.into(),
        }
    }
}

fn net_v1(p: &NetParams) -> NetV1 {
    NetV1(p.latency_ticks_min, p.latency_ticks_max, p.loss, p.duplicate)
}

impl From<NetV1> for NetParams {
    fn from(n: NetV1) -> NetParams {
        NetParams { latency_ticks_min: n.0, latency_ticks_max: n.1, loss: n.2, duplicate: n.3 }
    }
}

fn at_v1(at: At) -> AtV1 {
    match at {
        At::Tick(t) => AtV1::Tick(t),
        At::Step(n) => AtV1::Step(n),
    }
}

impl From<AtV1> for At {
    fn from(at: AtV1) -> At {
        match at {
            AtV1::Tick(t) => At::Tick(t),
            AtV1::Step(n) => At::Step(n),
        }
    }
}

fn action_v2(a: &Action) -> ActionV2 {
    match a {
        Action::Propose { node, value } => ActionV2::Propose(node.0, value.0),
        Action::Crash { node } => ActionV2::Crash(node.0),
        Action::Recover { node } => ActionV2::Recover(node.0),
        Action::Drop { msg } => ActionV2::Drop(msg.0),
        Action::Duplicate { msg } => ActionV2::Duplicate(msg.0),
        Action::DeliverNow { msg } => ActionV2::DeliverNow(msg.0),
        Action::Delay { msg, ticks } => ActionV2::Delay(msg.0, *ticks),
        Action::Partition { groups } => {
            ActionV2::Partition(groups.iter().map(|g| g.iter().map(|n| n.0).collect()).collect())
        }
        Action::Heal => ActionV2::Heal,
        Action::Cut { from, to, both } => ActionV2::Cut(from.0, to.0, *both),
        Action::Restore { from, to, both } => ActionV2::Restore(from.0, to.0, *both),
        Action::SetNetwork { params } => ActionV2::SetNetwork(net_v1(params)),
        Action::FireTimer { node } => ActionV2::FireTimer(node.0),
    }
}

impl From<ActionV2> for Action {
    fn from(a: ActionV2) -> Action {
        let n = NodeId;
        match a {
            ActionV2::Propose(node, value) => Action::Propose { node: n(node), value: Value(value) },
            ActionV2::Crash(node) => Action::Crash { node: n(node) },
            ActionV2::Recover(node) => Action::Recover { node: n(node) },
            ActionV2::Drop(msg) => Action::Drop { msg: MsgId(msg) },
            ActionV2::Duplicate(msg) => Action::Duplicate { msg: MsgId(msg) },
            ActionV2::DeliverNow(msg) => Action::DeliverNow { msg: MsgId(msg) },
            ActionV2::Delay(msg, ticks) => Action::Delay { msg: MsgId(msg), ticks },
            ActionV2::Partition(groups) => {
                Action::Partition { groups: groups.into_iter().map(|g| g.into_iter().map(n).collect()).collect() }
            }
            ActionV2::Heal => Action::Heal,
            ActionV2::Cut(from, to, both) => Action::Cut { from: n(from), to: n(to), both },
            ActionV2::Restore(from, to, both) => Action::Restore { from: n(from), to: n(to), both },
            ActionV2::SetNetwork(params) => Action::SetNetwork { params: params.into() },
            ActionV2::FireTimer(node) => Action::FireTimer { node: n(node) },
        }
    }
}
