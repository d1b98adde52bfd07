//! Format 1, frozen: the types of the first link format, never to change, and its migration to
//! format 2. Format 2 still uses `TopologyV1`, `NetV1` and `AtV1` as they are.

use super::{bounded, groups, ActionV2, ConfigV2, ScenarioV2, ScheduledV2};
use crate::scenario::{Scenario, MAX_CAPTIONS, MAX_SCHEDULE};
use serde::{Deserialize, Serialize};

/// A scenario in format 1 (the first). Read, migrated, and written only by `TryFrom` (tests
/// and the fuzzer make format-1 bodies with it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioV1 {
    pub title: String,
    pub description: String,
    pub config: ConfigV1,
    pub seed: u64,
    #[serde(deserialize_with = "bounded::<_, _, MAX_SCHEDULE>")]
    pub schedule: Vec<ScheduledV1>,
    pub cursor: Option<u64>,
    #[serde(deserialize_with = "bounded::<_, _, MAX_CAPTIONS>")]
    pub captions: Vec<(u64, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigV1 {
    pub topology: TopologyV1,
    /// Phase-1 and phase-2 quorum sizes, or majorities.
    pub quorums: Option<(u8, u8)>,
    pub nack: bool,
    /// Timeout min and max, backoff on, backoff base and max (ticks).
    pub timing: (u32, u32, bool, u32, u32),
    /// Proposers ignore accepted values; acceptors forget on recovery.
    pub broken: (bool, bool),
    pub network: NetV1,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum TopologyV1 {
    Servers(u8),
    /// Proposers, acceptors, learners.
    Separate(u8, u8, u8),
}

/// Latency min and max (ticks), loss and duplication probabilities.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetV1(pub u32, pub u32, pub f64, pub f64);

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScheduledV1 {
    pub at: AtV1,
    pub action: ActionV1,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum AtV1 {
    Tick(u64),
    Step(u64),
}

/// Node ids are bytes, message ids and values varints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ActionV1 {
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
}

/// Format 1 to format 2. Format 1 had no timeout growth: a retry after a timeout started at
/// once with the same timeout. The switch is therefore off, and a link shared before format 2
/// replays exactly as it did (the same trace, step for step).
pub fn migrate_v1(v1: ScenarioV1) -> ScenarioV2 {
    let c = v1.config;
    let (timeout_ticks_min, timeout_ticks_max, backoff, backoff_ticks_base, backoff_ticks_max) = c.timing;
    ScenarioV2 {
        title: v1.title,
        description: v1.description,
        config: ConfigV2 {
            topology: c.topology,
            quorums: c.quorums,
            nack: c.nack,
            timing: (timeout_ticks_min, timeout_ticks_max, backoff, backoff_ticks_base, backoff_ticks_max, false),
            broken: c.broken,
            network: c.network,
        },
        seed: v1.seed,
        schedule: v1.schedule.into_iter().map(|e| ScheduledV2 { at: e.at, action: e.action.into() }).collect(),
        cursor: v1.cursor,
        captions: v1.captions,
    }
}

impl From<ActionV1> for ActionV2 {
    fn from(a: ActionV1) -> ActionV2 {
        match a {
            ActionV1::Propose(node, value) => ActionV2::Propose(node, value),
            ActionV1::Crash(node) => ActionV2::Crash(node),
            ActionV1::Recover(node) => ActionV2::Recover(node),
            ActionV1::Drop(msg) => ActionV2::Drop(msg),
            ActionV1::Duplicate(msg) => ActionV2::Duplicate(msg),
            ActionV1::DeliverNow(msg) => ActionV2::DeliverNow(msg),
            ActionV1::Delay(msg, ticks) => ActionV2::Delay(msg, ticks),
            ActionV1::Partition(groups) => ActionV2::Partition(groups),
            ActionV1::Heal => ActionV2::Heal,
            ActionV1::Cut(from, to, both) => ActionV2::Cut(from, to, both),
            ActionV1::Restore(from, to, both) => ActionV2::Restore(from, to, both),
            ActionV1::SetNetwork(params) => ActionV2::SetNetwork(params),
        }
    }
}

/// A scenario in format 1, for tests and the fuzzer; an error if it uses what format 1 cannot
/// say (timeout growth on, a `FireTimer` action).
impl TryFrom<&Scenario> for ScenarioV1 {
    type Error = ();
    fn try_from(s: &Scenario) -> Result<ScenarioV1, ()> {
        let v2 = ScenarioV2::from(s);
        let (min, max, backoff, base, cap, growth) = v2.config.timing;
        if growth {
            return Err(());
        }
        let c = v2.config;
        Ok(ScenarioV1 {
            title: v2.title,
            description: v2.description,
            config: ConfigV1 {
                topology: c.topology,
                quorums: c.quorums,
                nack: c.nack,
                timing: (min, max, backoff, base, cap),
                broken: c.broken,
                network: c.network,
            },
            seed: v2.seed,
            schedule: v2
                .schedule
                .into_iter()
                .map(|e| Ok(ScheduledV1 { at: e.at, action: action_v2_to_v1(e.action)? }))
                .collect::<Result<_, ()>>()?,
            cursor: v2.cursor,
            captions: v2.captions,
        })
    }
}

fn action_v2_to_v1(a: ActionV2) -> Result<ActionV1, ()> {
    Ok(match a {
        ActionV2::Propose(node, value) => ActionV1::Propose(node, value),
        ActionV2::Crash(node) => ActionV1::Crash(node),
        ActionV2::Recover(node) => ActionV1::Recover(node),
        ActionV2::Drop(msg) => ActionV1::Drop(msg),
        ActionV2::Duplicate(msg) => ActionV1::Duplicate(msg),
        ActionV2::DeliverNow(msg) => ActionV1::DeliverNow(msg),
        ActionV2::Delay(msg, ticks) => ActionV1::Delay(msg, ticks),
        ActionV2::Partition(groups) => ActionV1::Partition(groups),
        ActionV2::Heal => ActionV1::Heal,
        ActionV2::Cut(from, to, both) => ActionV1::Cut(from, to, both),
        ActionV2::Restore(from, to, both) => ActionV1::Restore(from, to, both),
        ActionV2::SetNetwork(params) => ActionV1::SetNetwork(params),
        ActionV2::FireTimer(_) => return Err(()),
    })
}
