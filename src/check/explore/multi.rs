//! Multi-Paxos in the explorer: what [`Explorable`] asks of it, and the space `paxos check
//! --protocol multi` and `tests/check_multi.rs` explore.
//!
//! The bounds, and why each:
//! * 3 replicas, 1 or 2 clients, 1 to 3 operations each (client `i` writes `x = i + 1`,
//!   reads `x`, then compare-and-sets `x` from `i + 1` to `i + 11`): enough for a lost write
//!   and a write applied twice to show in the history, few enough to finish.
//! * Ballot rounds up to `max_round` (a successor in which any replica promised or campaigns
//!   at a higher round is pruned): elections are otherwise endless, as every replica's
//!   election timer is always armed. Round 2 lets a second leader replace the first.
//! * Timer firings up to `timeouts` in all (elections, heartbeats, client retries): a
//!   leader's heartbeat timer is always armed and every beat sends messages.
//! * Drops, duplicates and crashes (of replicas; a recovered replica restarts from its disk)
//!   up to their own bounds.
//! * Leases and log compaction off: time is abstract (a lease is a duration), and compaction
//!   needs more slots than these runs fill. The pipeline window is the default (4).

use super::{Bounds, Explorable, Space, State};
use crate::lincheck;
use crate::protocol::multi::{Key, KvOp, Multi, MultiBroken, MultiCluster, Role, Val};
use crate::protocol::NodeId;
use crate::sim::multi::drive::history;
use crate::sim::{Invariant, Step, StepOf, System, Violation};
use std::hash::Hasher;
use std::sync::Arc;

impl Explorable for Multi {
    fn hash_monitor(monitor: &crate::sim::multi::MultiMonitor, h: &mut impl Hasher) {
        monitor.hash_key(h);
    }

    fn idle(system: &System<Multi>, node: NodeId) -> bool {
        let slot = &system.nodes[node.index()];
        slot.up && slot.node.client().is_some_and(|c| c.pending.is_none())
    }

    fn may_crash(cluster: &MultiCluster, node: NodeId) -> bool {
        cluster.is_replica(node)
    }

    fn highest_round(system: &System<Multi>) -> u32 {
        let round = |slot: &crate::sim::NodeSlot<Multi>| {
            let Some(r) = slot.node.replica() else { return 0 };
            r.promised().round.max(r.ballot().map_or(0, |b| b.round))
        };
        system.nodes.iter().map(round).max().unwrap_or(0)
    }

    /// Linearizability, each time an operation completes (positions are steps along the
    /// path; an operation still open counts as possibly applied).
    fn history_violation(system: &mut System<Multi>) -> Option<Violation> {
        if system.monitor.take_completed().is_empty() {
            return None;
        }
        let h = history(&system.monitor.history);
        let report = lincheck::check(&h, &lincheck::Options::default());
        if report.verdict != lincheck::Verdict::NotLinearizable {
            return None;
        }
        let mut nodes: Vec<NodeId> = system.monitor.history.iter().map(|o| o.client).collect();
        nodes.sort_unstable();
        nodes.dedup();
        Some(Violation { invariant: Invariant::Linearizable, nodes, detail: explain(&report, &h) })
    }

    /// A `BTreeMap` with any entry holds at least one node of 11 slots (about 200 bytes
    /// here); calibrated against the resident memory of a 1.4-million-state search.
    fn heap_bytes(system: &System<Multi>) -> usize {
        let map = |len: usize| if len == 0 { 0 } else { 200 + 32 * len };
        let mut bytes = system.monitor.history.len() * 64 + 512; // the monitor's maps and slots
        for slot in &system.nodes {
            bytes += map(slot.storage.accepted.len());
            if let Some(r) = slot.node.replica() {
                bytes += map(r.durable.accepted.len()) + map(r.log.len());
                bytes += map(r.store.keys.len()) + map(r.sessions.last.len());
                bytes += match &r.role {
                    Role::Follower => 0,
                    Role::Candidate(c) => map(c.entries.len()),
                    Role::Leader(l) => map(l.proposals.len()) + l.queue.capacity() * 24 + l.lease_acks.capacity() * 16,
                };
            }
        }
        bytes
    }
}

/// One line: where no order works, and why each operation cannot come next there.
fn explain(report: &lincheck::Report, h: &lincheck::History) -> String {
    let Some(f) = report.parts.iter().find_map(|p| p.failure.as_ref()) else {
        return "the clients' history is not linearizable".to_string();
    };
    let at = match f.blocked {
        Some(b) => format!(" once n{} completes {}", h.ops[b].process, h.ops[b].describe()),
        None => String::new(),
    };
    let why: Vec<String> = f.unplaced.iter().map(|u| format!("{}: {}", h.ops[u.op].describe(), u.why)).collect();
    format!("no order of the clients' operations works{at} ({})", why.join("; "))
}

/// The operations of client number `i` (from 0): write `x = i + 1`, read `x`, then
/// compare-and-set `x` from `i + 1` to `i + 11`; the first `ops` of them.
pub fn operations(i: u8, ops: u8) -> Vec<KvOp> {
    let key = Key(0);
    let mine = Val(i as u32 + 1);
    let all =
        [KvOp::Write { key, value: mine }, KvOp::Read { key }, KvOp::Cas { key, from: mine, to: Val(mine.0 + 10) }];
    all.into_iter().take(ops as usize).collect()
}

/// Most clients and operations per client the space takes.
pub const MAX_CLIENTS: u8 = 2;
pub const MAX_OPS: u8 = 3;

/// Three replicas and `clients` clients (1 or 2), each with `ops` operations (1 to 3), the
/// broken variant `broken` (none: the correct protocol), leases and compaction off.
///
/// `warm`: start the search once replica 0 leads (`first_election`) instead of from cold.
pub fn space(broken: MultiBroken, clients: u8, ops: u8, bounds: Bounds, warm: bool) -> Result<Space<Multi>, String> {
    if !(1..=MAX_CLIENTS).contains(&clients) {
        return Err(format!("the checker takes 1 to {MAX_CLIENTS} Multi-Paxos clients (asked for {clients})"));
    }
    if !(1..=MAX_OPS).contains(&ops) {
        return Err(format!("the checker takes 1 to {MAX_OPS} operations per client (asked for {ops})"));
    }
    if broken.lease_without_wait {
        return Err("lease-without-wait needs leases, which are durations: the checker's time is abstract".into());
    }
    let mut cluster = MultiCluster::new(3, clients);
    cluster.broken = broken;
    let clients = cluster.clients.iter().enumerate().map(|(i, &c)| (c, operations(i as u8, ops))).collect();
    let mut space = Space { cluster: Arc::new(cluster), clients, bounds, prefix: Vec::new() };
    if warm {
        space.prefix = first_election(&space);
    }
    Ok(space)
}

/// The warm start: replica 0's election timer fires, and every message is delivered, in the
/// multiset's order, until none is left: replica 0 leads at ballot 1.0 and both followers
/// heard its heartbeat. Exploring from there leaves out the runs in which a client's first
/// request or a second campaign meets the first election half done, and keeps every run after
/// it (a later election, a lost or repeated message, a crash).
pub fn first_election(space: &Space<Multi>) -> Vec<StepOf<Multi>> {
    let mut state = State::initial(space);
    let mut steps = vec![Step::Timer { node: NodeId(0) }];
    state.apply(space, steps[0].clone());
    while let Some((from, to, msg)) = state.net.first().cloned() {
        let step = Step::Deliver { from, to, msg };
        state.apply(space, step.clone());
        steps.push(step);
    }
    steps
}

/// One step in plain words, message labels as the page draws them.
pub fn describe(step: &StepOf<Multi>) -> String {
    match step {
        Step::Propose { node, value } => format!("client {node} is handed {value}"),
        Step::Deliver { from, to, msg } => format!("{from} -> {to}: {msg} delivered"),
        Step::Drop { from, to, msg } => format!("{from} -> {to}: {msg} lost"),
        Step::Duplicate { from, to, msg } => format!("{from} -> {to}: {msg} duplicated"),
        Step::Timer { node } => format!("{node}'s timer fires"),
        Step::Crash { node } => format!("{node} crashes"),
        Step::Recover { node } => format!("{node} recovers"),
    }
}
