//! Multi-Paxos in the explorer: what [`Explorable`] asks of it, and the space `paxos check
//! --protocol multi` and `tests/native/check_multi.rs` explore.
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
//! * Client retries (`Bounds::retries`) may be bounded apart from the replicas' timers
//!   (elections and heartbeats): a retry sends the request again to another replica, which
//!   redirects it, and the messages of both copies multiply the interleavings.
//! * Log compaction off: it needs more slots than these runs fill. The pipeline window is the
//!   default (4).
//!
//! * Heartbeats (`Bounds::heartbeats`) may be bounded apart too: with `timeouts` 1 and
//!   `heartbeats` `Some(0)` the one firing a run has is an election (a follower's timer, or a
//!   deposed leader's), never the leader's heartbeat, which only repeats what the leader's
//!   next Accept carries (the commit point) and re-sends Accepts that are still in flight.
//!   This is a bound like the others (it leaves runs out), printed with them.
//!
//! ## Symmetry (`Bounds::symmetry`)
//!
//! After the warm start replicas 1 and 2 are interchangeable: both followed the same
//! messages from replica 0, and nothing in a replica's code depends on its name except
//! through ballots, sets and maps of names. Let π swap the names 1 and 2 everywhere (nodes,
//! disks, messages in flight, ballots' node parts, the monitor's records). The claim: every
//! run in which replica 2's timer fires is the image under π of a run in which replica 1's
//! timer fires instead, with the same length and the same violations; so the search may keep
//! replica 2's timer from ever firing (the step is simply never enabled) and lose nothing.
//! Why it holds, and the bounds it needs (`space` refuses any others):
//! 1. The start is symmetric: the warm start (replica 0 leads at 1.0, both followers heard
//!    every message) is its own image. So no cold start.
//! 2. Each step commutes with π, except where order between names or arithmetic on them
//!    enters. In a replica: ballots compare as (round, node), so π keeps their order as long
//!    as no two ballots of one round name replicas 1 and 2; with at most one election firing
//!    in a run (`timeouts` at most 1) the only ballots are replica 0's 1.0, the initial
//!    zero ballot and the one campaign's (round 2 at most, its own), so no such pair exists.
//!    Everything else a replica does with names goes through sets and maps (promises,
//!    accepts, the others it sends to), and the network is a multiset.
//! 3. A client's guess of the leader does arithmetic on names: after a redirect that names
//!    no leader, or on its timer, it moves to the next replica (1 -> 2 but 2 -> 0), which π
//!    does not respect. The guess is read in only two places: when the client sends a new
//!    request (it has none to send while its current one is pending, and a redirect that
//!    names no leader leaves it pending) and when its timer fires. A reply or a redirect
//!    that names a leader overwrites the guess first. So with no client timer firing in any
//!    run that has an election (client retries bounded to 0, or sharing the one firing), the
//!    two runs' states differ at most in guesses that are overwritten before they are read:
//!    every later step matches, and no property reads a guess.
//! 4. No leases: the lease space's warm start and guards are left out of this argument.
//! 5. Every property is symmetric in the replicas' names (one value per slot, a chosen entry
//!    stays, the same command per slot, versions grow, one leader per ballot, the clients'
//!    history is linearizable: the history names clients, never replicas).
//!
//! So with `timeouts` at most 1, client retries 0 or sharing that firing, a warm start and
//! no leases, a run in which replica 2 campaigns is replica 1's campaign mirrored, and runs
//! with no replica-2 firing are explored as they are: the same verdict, and breadth-first
//! the same shortest counterexample length (`tests/native/check_multi.rs` compares both ways).
//! Heartbeats may have their own budget: only a leader fires them, and replica 2 leads only
//! after its own election.
//!
//! ## Leases ([`lease_space`])
//!
//! A lease is a duration, so the lease space has a clock (`Bounds::ticks`, the explorer's
//! [`Move::Tick`]) and short durations in its ticks: a lease of [`LEASE`]`.ticks` = 2 with a
//! drift bound of 1. The leader's lease then runs 1 tick past the heartbeat a quorum acked,
//! each follower's guard 2 ticks past the heartbeat it received: with ticks of 1 and
//! `--ticks 2`, a run can reach a moment where the leader's lease is over but the guards
//! still hold (one tick after the heartbeat), and one where both are over (two ticks after);
//! election timers fire at any moment, before or after either, as every timer does here. (The
//! warm start itself passes a lease's length first: [`first_election`].) All nodes read one clock: a real
//! clock's drift (which the drift bound exists for) is not modelled, so this checks that the
//! protocol is safe when clocks agree, and that a variant unsafe even then is caught. Client
//! 0 writes `x = 1` then reads `x`; client 1 reads `x` (a stale read is a read that misses a
//! completed write).

use super::{Bounds, Explorable, Move, MoveOf, Space, State};
use crate::lincheck;
use crate::protocol::multi::{Key, KvOp, Lease, Msg, Multi, MultiBroken, MultiCluster, MultiNode, Replica, Role, Val};
use crate::protocol::types::Ballot;
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

    fn retries(cluster: &MultiCluster, node: NodeId) -> bool {
        cluster.is_client(node)
    }

    /// A leader's timer is its heartbeat (anyone else's replica timer an election).
    fn heartbeat(system: &System<Multi>, node: NodeId) -> bool {
        system.nodes[node.index()].node.replica().is_some_and(|r| r.is_leader())
    }

    /// Replica 2 (module doc, "Symmetry").
    fn mirrored(cluster: &MultiCluster) -> Option<NodeId> {
        cluster.replicas.get(2).copied()
    }

    /// The messages whose delivery can never change anything again (each rule rests on
    /// something that only grows: a replica's promise, a client's sequence number, a leader's
    /// next slot), to an up node not waiting for its first input after a restart (which
    /// starts a lease guard). A ballot `b` is *gone* at replica `r` when `r` neither campaigns
    /// nor leads at `b` and promised `b` or higher: `r` campaigns only above its promise, so
    /// it never holds `b` again.
    /// * A Reply or Redirect for an older request, or for the current one once answered.
    /// * A Nack, HeartbeatAck, Promise or Accepted at a gone ballot; a Promise at the ballot
    ///   of a candidate that already counted its sender, or of a leader; an Accepted at a
    ///   leader's ballot for a slot it proposed and no longer has in flight (chosen).
    /// * A Prepare, Accept or Heartbeat below the receiver's promise whose Nack is dead: the
    ///   ballot is gone at its sender too (all such a message can do is that Nack).
    fn dead(system: &System<Multi>, (from, to, msg): &super::Packet<Multi>) -> bool {
        let Some(slot) = system.nodes.get(to.index()).filter(|s| s.up) else { return false };
        let r = match &slot.node {
            MultiNode::Client(c) => {
                return match msg {
                    Msg::Reply { seq, .. } | Msg::Redirect { seq, .. } => {
                        *seq < c.seq || (*seq == c.seq && c.pending.is_none())
                    }
                    _ => false,
                }
            }
            MultiNode::Replica(r) if !r.guard_on_first_input => r,
            MultiNode::Replica(_) => return false,
        };
        match msg {
            Msg::Nack { ballot, .. } | Msg::HeartbeatAck { ballot, .. } => gone(r, *ballot),
            Msg::Promise { ballot, .. } => match &r.role {
                Role::Candidate(c) if c.ballot == *ballot => c.promises.contains(from.0),
                Role::Leader(l) if l.ballot == *ballot => true,
                _ => gone(r, *ballot),
            },
            Msg::Accepted { ballot, slot } => match &r.role {
                Role::Leader(l) if l.ballot == *ballot => *slot < l.next && !l.proposals.contains_key(*slot),
                _ => gone(r, *ballot),
            },
            Msg::Prepare { ballot, .. } | Msg::Accept { ballot, .. } | Msg::Heartbeat { ballot, .. } => {
                *ballot < r.promised() && nack_dead(system, *from, *ballot)
            }
            _ => false,
        }
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

/// `b` is gone at `r`: `r` neither campaigns nor leads at `b`, and never will.
fn gone(r: &Replica, b: Ballot) -> bool {
    r.ballot() != Some(b) && b <= r.promised()
}

/// A Nack for ballot `b` sent to `to` now would be dead.
fn nack_dead(system: &System<Multi>, to: NodeId, b: Ballot) -> bool {
    match system.nodes.get(to.index()) {
        Some(s) if s.up => s.node.replica().is_some_and(|r| !r.guard_on_first_input && gone(r, b)),
        _ => false,
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
        return lease_space(broken, clients, ops.min(LEASE_OPS), bounds, warm);
    }
    if bounds.ticks > 0 {
        return Err("a clock (ticks) is for leases only: without them nothing reads the time".into());
    }
    if bounds.symmetry {
        if !warm {
            return Err("symmetry needs the warm start: from cold all three replicas may campaign".into());
        }
        if bounds.timeouts > 1 || bounds.retries.is_some_and(|r| r > 0) {
            return Err("symmetry needs at most one election firing (timeouts 1) and no client retry beside it (retries 0, or sharing the one firing)".into());
        }
    }
    let mut cluster = MultiCluster::new(3, clients);
    cluster.broken = broken;
    let clients = cluster.clients.iter().enumerate().map(|(i, &c)| (c, operations(i as u8, ops))).collect();
    Ok(build(cluster, clients, bounds, warm))
}

fn build(cluster: MultiCluster, clients: Vec<(NodeId, Vec<KvOp>)>, bounds: Bounds, warm: bool) -> Space<Multi> {
    let mut space = Space { cluster: Arc::new(cluster), clients, bounds, prefix: Vec::new() };
    if warm {
        space.prefix = first_election(&space);
    }
    space
}

/// The lease the lease space's replicas use, in the explorer's ticks (module doc, "Leases").
pub const LEASE: Lease = Lease { ticks: 2, drift: 1 };

/// Most operations per client in the lease space.
pub const LEASE_OPS: u8 = 2;

/// The operations of client `i` in the lease space: client 0 writes `x = 1` then reads `x`,
/// client 1 reads `x`; the first `ops` of them.
pub fn lease_operations(i: u8, ops: u8) -> Vec<KvOp> {
    let key = Key(0);
    let all: &[KvOp] = match i {
        0 => &[KvOp::Write { key, value: Val(1) }, KvOp::Read { key }],
        _ => &[KvOp::Read { key }],
    };
    all.iter().copied().take(ops as usize).collect()
}

/// Three replicas with leases ([`LEASE`]) and `clients` clients (1 or 2) with
/// [`lease_operations`]: reads at the leader while its lease holds, and a clock of
/// `bounds.ticks` ticks (module doc, "Leases").
pub fn lease_space(
    broken: MultiBroken,
    clients: u8,
    ops: u8,
    bounds: Bounds,
    warm: bool,
) -> Result<Space<Multi>, String> {
    if !(1..=MAX_CLIENTS).contains(&clients) {
        return Err(format!("the checker takes 1 to {MAX_CLIENTS} Multi-Paxos clients (asked for {clients})"));
    }
    if !(1..=LEASE_OPS).contains(&ops) {
        return Err(format!("with leases the checker takes 1 to {LEASE_OPS} operations per client (asked for {ops})"));
    }
    if bounds.symmetry {
        return Err("symmetry is not argued with leases (see the checker's module doc)".into());
    }
    let mut cluster = MultiCluster::new(3, clients);
    cluster.broken = broken;
    cluster.lease = Some(LEASE);
    let clients = cluster.clients.iter().enumerate().map(|(i, &c)| (c, lease_operations(i as u8, ops))).collect();
    Ok(build(cluster, clients, bounds, warm))
}

/// The warm start: replica 0's election timer fires, and every message is delivered, in the
/// multiset's order, until none is left: replica 0 leads at ballot 1.0 and both followers
/// heard its heartbeat. Exploring from there leaves out the runs in which a client's first
/// request or a second campaign meets the first election half done, and keeps every run after
/// it (a later election, a lost or repeated message, a crash).
///
/// With leases, a replica that starts cannot know whether it granted a lease before, so it
/// promises nobody for a lease's length from its first input (`MultiNode::recover`): first
/// every replica's timer fires once (each starts its guard and waits), then the clock passes
/// a lease's length, and only then replica 0 campaigns. (lease-without-wait keeps no guard:
/// replica 0 campaigns at once.)
pub fn first_election(space: &Space<Multi>) -> Vec<MoveOf<Multi>> {
    let mut state = State::initial(space);
    let mut steps = Vec::new();
    if let Some(lease) = space.cluster.lease.filter(|_| !space.cluster.broken.lease_without_wait) {
        steps.extend(space.cluster.replicas.iter().map(|&node| Move::Step(Step::Timer { node })));
        steps.extend((0..lease.ticks).map(|_| Move::Tick));
    }
    steps.push(Move::Step(Step::Timer { node: NodeId(0) }));
    for step in &steps {
        state.apply(space, step.clone());
    }
    while let Some((from, to, msg)) = state.net.first().cloned() {
        let step = Move::Step(Step::Deliver { from, to, msg });
        state.apply(space, step.clone());
        steps.push(step);
    }
    steps
}

/// One move in plain words: a step as [`describe`] says it, or the clock's tick.
pub fn describe_move(m: &MoveOf<Multi>, now: &mut u32) -> String {
    match m {
        Move::Step(step) => describe(step),
        Move::Tick => {
            *now += 1;
            format!("time passes: the clock reads {now}")
        }
    }
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
