//! What the Multi-Paxos page draws at the cursor, as plain data: the stage (replicas on a ring,
//! clients in a column beside it, messages interpolated at the clock), the log window, the
//! stores, the clients' history with its verdict, the safety rows and the clients' state.
//!
//! Cheap enough for every animation frame with hundreds of slots: the log view builds only its
//! window of slots, the history only each client's latest operations (and those a violation
//! involves), and nothing scans the whole trace (the recorded history keeps the verdict and the
//! violations by step as it grows).

use super::{name, MultiPlayground, MultiSelection};
use crate::protocol::multi::{Command, KvOp, KvReply, Msg, MsgKind, MultiCluster, Replica, Role, Slot};
use crate::protocol::NodeId;
use crate::sim::multi::{HistoryOp, MultiEvent};
use crate::sim::{Invariant, MsgId, Tick};
use std::collections::BTreeSet;

/// The stage's size, in its own coordinates.
pub const STAGE_W: f64 = 1000.0;
pub const STAGE_H: f64 = 600.0;
/// The replicas' ring: centre and radius (a replica's label is drawn under its circle).
pub const RING_X: f64 = 380.0;
pub const RING_Y: f64 = 290.0;
pub const RING_R: f64 = 210.0;
/// The clients' column.
pub const CLIENT_X: f64 = 840.0;
/// Sideways offset of a message's lane from the line between its ends.
pub const LANE: f64 = 6.0;
/// Slots the log view shows when the page does not ask for a window.
pub const LOG_WINDOW: u64 = 32;
/// Operations each client's lane shows (its latest).
pub const OPS_PER_LANE: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Replica,
    Client,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub id: NodeId,
    /// `r0`, `c1`.
    pub label: String,
    pub kind: NodeKind,
    pub x: f64,
    pub y: f64,
    pub up: bool,
    /// The ballot it leads with, when it leads.
    pub leader: Option<String>,
    /// What it is doing: `leader 2.1`, `follower of r1`, `candidate 3.4: 2 of 3 promises`.
    pub role: String,
    /// What it has on disk (survives a crash), and what it keeps in memory.
    pub durable: Vec<String>,
    pub volatile: Vec<String>,
    /// Cut off by a partition from a majority of the replicas (itself counted if a replica):
    /// on the minority side, where nothing can be chosen. The nodes on the majority side of a
    /// cut are not marked.
    pub partitioned: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TokenView {
    pub id: MsgId,
    pub from: NodeId,
    pub to: NodeId,
    pub x: f64,
    pub y: f64,
    /// `Accept 2.1 #7 write x=3`.
    pub label: String,
    /// The message kind for styling: `accept`, `heartbeat`, ...
    pub kind: &'static str,
    /// 0 at the sender .. 1 at the receiver.
    pub progress: f64,
}

/// A log cell's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellState {
    Empty,
    /// Accepted at this ballot (`2.1`), not known chosen by this replica.
    Accepted(String),
    /// Known chosen, not yet applied.
    Chosen,
    Applied,
    /// A no-op, chosen (and maybe applied).
    NoOp,
    /// Below the replica's snapshot: compacted away.
    Compacted,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogCell {
    pub slot: u64,
    pub state: CellState,
    /// The command (`write x=3`), or empty.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    pub replica: NodeId,
    pub label: String,
    pub up: bool,
    /// The replica's first slot not known chosen, and first not applied.
    pub commit: u64,
    pub applied: u64,
    pub cells: Vec<LogCell>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogView {
    /// The window shown: `first_slot..=last_slot` (empty when `last_slot < first_slot`).
    pub first_slot: u64,
    pub last_slot: u64,
    /// The highest slot any replica holds (the window follows it by default).
    pub newest_slot: Option<u64>,
    /// Every slot below this one is chosen (the cluster's commit point).
    pub chosen_below: u64,
    pub rows: Vec<LogRow>,
    /// Per slot of the window: whether the replicas' cells differ.
    pub differs: Vec<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KvRow {
    /// `x`.
    pub key: String,
    /// The value, or empty when the key was never written.
    pub value: String,
    pub version: u64,
    pub changed_this_step: bool,
    pub differs_from_leader: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KvTable {
    pub replica: NodeId,
    pub label: String,
    pub up: bool,
    /// Slots applied to this store (its first slot not applied).
    pub applied: u64,
    pub rows: Vec<KvRow>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Green,
    Red,
    /// The checker has no answer yet (its budget ran out).
    Pending,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryOpView {
    pub index: usize,
    pub client: NodeId,
    /// `write x=3`.
    pub text: String,
    /// `ok v2`, `3 v1`, `no such key`; empty while open.
    pub result: String,
    pub start_step: u64,
    pub end_step: Option<u64>,
    pub start_time: Tick,
    pub end_time: Option<Tick>,
    pub open: bool,
    pub in_violation: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryLane {
    pub client: NodeId,
    pub label: String,
    pub ops: Vec<HistoryOpView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryView {
    pub lanes: Vec<HistoryLane>,
    /// Operations invoked so far, and completed.
    pub total: usize,
    pub completed: usize,
    pub verdict: Verdict,
    /// One sentence on a violation; empty otherwise.
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SafetyRow {
    pub invariant: Invariant,
    pub name: &'static str,
    pub meaning: &'static str,
    pub ok: bool,
    /// The step that broke it.
    pub broke_at: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClientView {
    pub id: NodeId,
    pub label: String,
    /// The operation awaiting its answer (`#3 write x=5`).
    pub outstanding: Option<String>,
    /// For the outstanding operation: how often it was sent again after a timeout, and how
    /// often a replica redirected it.
    pub retries: u32,
    pub redirects: u32,
    pub busy: bool,
    /// The replica it sends to.
    pub sends_to: String,
}

/// What the inspector shows for the selection.
#[derive(Clone, Debug, PartialEq)]
pub struct InspectorView {
    pub title: String,
    pub lines: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MultiFrame {
    pub step: u64,
    pub frontier: u64,
    pub time: u64,
    pub playing: bool,
    pub speed: f64,
    pub workload: bool,
    pub nodes: Vec<NodeView>,
    pub tokens: Vec<TokenView>,
    /// The tokens' labels (`labels::place`), and how many labelled messages have none.
    pub labels: Vec<super::labels::StageLabel>,
    pub unlabelled: usize,
    pub log: LogView,
    pub kv: Vec<KvTable>,
    pub history: HistoryView,
    pub safety: Vec<SafetyRow>,
    pub clients: Vec<ClientView>,
    pub selection: MultiSelection,
    pub inspector: Option<InspectorView>,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// Why the run stopped by itself (`narrate`), if it did.
    pub status: Option<String>,
    /// The stage's shape: wide, or narrow on a phone.
    pub shape: super::shape::StageShape,
}

impl MultiPlayground {
    /// Everything the page draws, with the log window following the newest slot.
    pub fn frame(&self) -> MultiFrame {
        self.frame_with(None)
    }

    /// Everything the page draws, with the log showing `slots` (first, count) when given.
    pub fn frame_with(&self, slots: Option<(u64, u64)>) -> MultiFrame {
        let h = &self.history;
        let world = h.world();
        let cluster = &world.system.cluster;
        let nodes = node_views(self);
        let tokens = token_views(self, &nodes);
        let selected = match self.selection {
            MultiSelection::Message(id) => Some(id),
            _ => None,
        };
        let (labels, unlabelled) = super::labels::place_in(&self.shape(), &nodes, &tokens, selected);
        MultiFrame {
            step: h.cursor(),
            frontier: h.frontier(),
            time: world.now,
            playing: self.playing,
            speed: self.speed,
            workload: h.workload_on(),
            log: log_view(self, slots),
            kv: kv_tables(self),
            history: history_view(self),
            safety: safety_rows(self),
            clients: cluster.clients.iter().map(|c| client_view(self, *c)).collect(),
            inspector: inspector(self, &nodes),
            nodes,
            tokens,
            labels,
            unlabelled,
            selection: self.selection,
            notice: self.notice.clone(),
            error: self.error.clone(),
            status: self.status_line(),
            shape: self.shape(),
        }
    }
}

impl MultiFrame {
    /// This frame without what the clock moves between steps (the tokens and their labels):
    /// what the page's panels draw, the same from one animation frame to the next until a step.
    pub fn without_clock(&self) -> MultiFrame {
        MultiFrame { tokens: Vec::new(), labels: Vec::new(), unlabelled: 0, ..self.clone() }
    }
}

/// Where a node stands on the wide stage: replicas on the ring from the top, clockwise; clients
/// in a column, centred on the ring's centre (`shape::StageShape::position`).
pub fn position(cluster: &MultiCluster, id: NodeId) -> (f64, f64) {
    super::shape::WIDE.fitted(cluster.replicas.len(), cluster.clients.len()).position(cluster, id)
}

fn replica_lines(r: &Replica, cluster: &MultiCluster) -> (String, Vec<String>, Vec<String>) {
    let role = match &r.role {
        Role::Leader(l) => format!("leader {}", l.ballot),
        Role::Candidate(c) => {
            format!("candidate {}: {} of {} promises", c.ballot, c.promises.len(), cluster.quorum)
        }
        Role::Follower => match r.leader {
            Some(l) => format!("follower of {}", name(cluster, l)),
            None => "follower, no leader known".to_string(),
        },
    };
    let d = &r.durable;
    let mut durable = vec![match d.promised {
        Some(b) => format!("promised {b}"),
        None => "promised nothing".into(),
    }];
    durable.push(format!("{} entries accepted", d.accepted.len()));
    if let Some(s) = &d.snapshot {
        durable.push(format!("snapshot below {}", s.upto));
    }
    let mut volatile = vec![format!("chosen below {}", r.commit), format!("applied below {}", r.applied)];
    if let Role::Leader(l) = &r.role {
        volatile.push(format!("next slot {}, {} in flight", l.next, l.proposals.len()));
        if !l.queue.is_empty() {
            volatile.push(format!("{} requests queued", l.queue.len()));
        }
    }
    (role, durable, volatile)
}

fn node_views(p: &MultiPlayground) -> Vec<NodeView> {
    let world = p.history.world();
    let cluster = &world.system.cluster;
    let partitioned = world.net.is_partitioned() || world.net.any_cut();
    world
        .system
        .nodes
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let id = NodeId(i as u8);
            let (x, y) = p.shape().position(cluster, id);
            let reached = cluster
                .replicas
                .iter()
                .filter(|&&r| r == id || (world.net.connected(id, r) && world.net.connected(r, id)))
                .count();
            let cut = partitioned && reached <= cluster.replicas.len() / 2;
            let (kind, leader, role, durable, volatile) = match (slot.node.replica(), slot.node.client()) {
                (Some(r), _) => {
                    let (role, durable, volatile) = replica_lines(r, cluster);
                    let leader = match &r.role {
                        Role::Leader(l) if slot.up => Some(l.ballot.to_string()),
                        _ => None,
                    };
                    let role = if slot.up { role } else { "crashed".into() };
                    let volatile = if slot.up { volatile } else { Vec::new() };
                    (NodeKind::Replica, leader, role, durable, volatile)
                }
                (_, Some(c)) => {
                    let role = match c.pending {
                        Some(op) => format!("waiting: {op}"),
                        None => "idle".into(),
                    };
                    let volatile = vec![format!("sends to {}", name(cluster, c.leader))];
                    (NodeKind::Client, None, role, Vec::new(), volatile)
                }
                _ => (NodeKind::Client, None, String::new(), Vec::new(), Vec::new()),
            };
            NodeView {
                id,
                label: name(cluster, id),
                kind,
                x,
                y,
                up: slot.up,
                leader,
                role,
                durable,
                volatile,
                partitioned: cut,
            }
        })
        .collect()
}

/// The label on a message token, with the page's node names: `Accept 2.1 #7 write x=3`.
pub fn message_label(cluster: &MultiCluster, msg: &Msg) -> String {
    match msg {
        Msg::Accept { ballot, slot, cmd, .. } => format!("Accept {ballot} #{} {cmd}", slot.0),
        Msg::Accepted { ballot, slot } => format!("Accepted {ballot} #{}", slot.0),
        Msg::Prepare { ballot, from_slot } => format!("Prepare {ballot} from #{}", from_slot.0),
        Msg::Redirect { seq, leader: Some(l) } => format!("Redirect #{seq} to {}", name(cluster, *l)),
        Msg::Heartbeat { ballot, commit, .. } => format!("Heartbeat {ballot}, chosen below #{}", commit.0),
        Msg::CatchUpRequest { from } => format!("Catch-up request from #{}", from.0),
        Msg::Promise { ballot, accepted, snapshot_point } if snapshot_point.0 > 0 => {
            format!("Promise {ballot}, {} accepted, snapshot below #{}", accepted.len(), snapshot_point.0)
        }
        Msg::CatchUp { entries, snapshot } => {
            let mut label = "Catch-up".to_string();
            if let Some(s) = snapshot {
                label += &format!(" snapshot below #{}", s.upto.0);
                if !entries.is_empty() {
                    label += " +";
                }
            }
            match (entries.first(), entries.last()) {
                (Some((a, _)), Some((b, _))) if a == b => label += &format!(" #{}", a.0),
                (Some((a, _)), Some((b, _))) => label += &format!(" #{} to #{}", a.0, b.0),
                _ => {}
            }
            label
        }
        other => other.to_string(),
    }
}

/// The kind's CSS class.
pub fn kind_class(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Request => "request",
        MsgKind::Reply => "reply",
        MsgKind::Redirect => "redirect",
        MsgKind::Prepare => "prepare",
        MsgKind::Promise => "promise",
        MsgKind::Nack => "nack",
        MsgKind::Accept => "accept",
        MsgKind::Accepted => "accepted",
        MsgKind::Heartbeat => "heartbeat",
        MsgKind::HeartbeatAck => "heartbeat-ack",
        MsgKind::CatchUpRequest => "catch-up-request",
        MsgKind::CatchUp => "catch-up",
    }
}

/// What a kind of message says, in a line (a legend's or the inspector's).
pub fn kind_meaning(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Request => "A client's operation, to the replica it believes leads.",
        MsgKind::Reply => "The leader's answer to a client, once the operation's slot was applied.",
        MsgKind::Redirect => "Not the leader: try the one named (or another replica).",
        MsgKind::Prepare => "Phase 1a, once for the whole log: promise me this ballot from this slot on.",
        MsgKind::Promise => "Phase 1b: promised, with every entry accepted from that slot on.",
        MsgKind::Nack => "Refused: a higher ballot was promised.",
        MsgKind::Accept => "Phase 2a for one slot: accept this command; also says which slots are chosen.",
        MsgKind::Accepted => "Phase 2b, to the leader: accepted; a majority of these chooses the slot.",
        MsgKind::Heartbeat => "The leader is alive, and every slot below this one is chosen.",
        MsgKind::HeartbeatAck => "A follower acknowledges a heartbeat (with leases: grants the lease).",
        MsgKind::CatchUpRequest => "A replica that lags asks for the chosen entries it misses.",
        MsgKind::CatchUp => "Chosen entries, after a snapshot when they were compacted.",
    }
}

/// How far a token keeps from a node's outline: its own radius and a pixel.
const TOKEN_GAP: f64 = 8.0;

/// A replica's circle on the stage (`ui::multi::stage` draws it), in stage units.
pub const REPLICA_R: f64 = 34.0;
/// Half a client's box: its width and height are twice these.
pub const CLIENT_HALF: (f64, f64) = (30.0, 18.0);

/// From a node's centre to its outline in direction (`ux`, `uy`).
fn edge(n: &NodeView, ux: f64, uy: f64) -> f64 {
    match n.kind {
        NodeKind::Replica => REPLICA_R,
        NodeKind::Client => (CLIENT_HALF.0 / ux.abs().max(1e-9)).min(CLIENT_HALF.1 / uy.abs().max(1e-9)),
    }
}

fn token_views(p: &MultiPlayground, nodes: &[NodeView]) -> Vec<TokenView> {
    let world = p.history.world();
    let cluster = &world.system.cluster;
    let t = p.clock;
    world
        .in_flight()
        .iter()
        .map(|m| {
            let (a, b) = (&nodes[m.from.index()], &nodes[m.to.index()]);
            let span = (m.arrive.saturating_sub(m.sent_at)).max(1) as f64;
            let progress = ((t - m.sent_at as f64) / span).clamp(0.0, 1.0);
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            let (ux, uy) = (dx / len, dy / len);
            // From the sender's edge to the receiver's, so a token never rests on a node's
            // name or takes a click meant for the node (a link too short for that runs
            // centre to centre's middle).
            let start = (edge(a, ux, uy) + TOKEN_GAP).min(len / 2.0);
            let run = (len - start - (edge(b, ux, uy) + TOKEN_GAP)).max(len / 2.0 - start);
            let along = start + run * progress;
            // Opposite directions on one link travel on opposite sides of it.
            let side = if m.from < m.to { LANE } else { -LANE };
            let (nx, ny) = (-uy * side, ux * side);
            TokenView {
                id: m.id,
                from: m.from,
                to: m.to,
                x: a.x + ux * along + nx,
                y: a.y + uy * along + ny,
                label: message_label(cluster, &m.msg),
                kind: kind_class(m.msg.kind()),
                progress,
            }
        })
        .collect()
}

/// The highest slot any replica holds (accepted, known chosen or being proposed).
fn newest_slot(p: &MultiPlayground) -> Option<u64> {
    let world = p.history.world();
    world
        .system
        .nodes
        .iter()
        .filter_map(|s| s.node.replica())
        .filter_map(|r| {
            let accepted = r.durable.accepted.keys().next_back().map(|s| s.0);
            let chosen = r.log.keys().next_back().map(|s| s.0);
            let below = r.commit.0.checked_sub(1);
            accepted.max(chosen).max(below)
        })
        .max()
        .map(u64::from)
}

fn cell(r: &Replica, slot: Slot) -> LogCell {
    let (state, text) = if slot < r.durable.snapshot_point() {
        (CellState::Compacted, String::new())
    } else if let Some(cmd) = r.log.get(slot) {
        let state = match cmd {
            Command::Noop => CellState::NoOp,
            _ if slot < r.applied => CellState::Applied,
            _ => CellState::Chosen,
        };
        (state, cmd.to_string())
    } else if let Some((b, cmd)) = r.durable.accepted.get(slot) {
        (CellState::Accepted(b.to_string()), cmd.to_string())
    } else if slot < r.applied {
        // Applied from a snapshot's store, its entry since dropped.
        (CellState::Applied, String::new())
    } else {
        (CellState::Empty, String::new())
    };
    LogCell { slot: slot.0.into(), state, text }
}

fn log_view(p: &MultiPlayground, slots: Option<(u64, u64)>) -> LogView {
    let world = p.history.world();
    let cluster = &world.system.cluster;
    let newest = newest_slot(p);
    let (first, count) = slots.unwrap_or_else(|| {
        let end = newest.map_or(0, |n| n + 1);
        (end.saturating_sub(LOG_WINDOW), LOG_WINDOW)
    });
    let count = count.min(4 * LOG_WINDOW);
    let last = (first + count).min(u64::from(u32::MAX)).saturating_sub(1);
    let mut rows = Vec::new();
    for (i, s) in world.system.nodes.iter().enumerate() {
        let Some(r) = s.node.replica() else { continue };
        let id = NodeId(i as u8);
        let cells = if count == 0 { Vec::new() } else { (first..=last).map(|k| cell(r, Slot(k as u32))).collect() };
        rows.push(LogRow {
            replica: id,
            label: name(cluster, id),
            up: s.up,
            commit: r.commit.0.into(),
            applied: r.applied.0.into(),
            cells,
        });
    }
    let differs = (0..count as usize)
        .map(|k| {
            let mut states = rows.iter().map(|r| (&r.cells[k].state, &r.cells[k].text));
            let first = states.next();
            states.any(|s| Some(s) != first)
        })
        .collect();
    LogView {
        first_slot: first,
        last_slot: if count == 0 { first.saturating_sub(1) } else { last },
        newest_slot: newest,
        chosen_below: world.system.monitor.chosen_prefix().into(),
        rows,
        differs,
    }
}

/// The replica the stores are compared with: the leader that is up, else the replica that
/// applied most.
fn reference_replica(p: &MultiPlayground) -> Option<&Replica> {
    let nodes = &p.history.world().system.nodes;
    let replicas = || nodes.iter().filter(|s| s.up).filter_map(|s| s.node.replica());
    replicas()
        .find(|r| matches!(r.role, Role::Leader(_)))
        .or_else(|| replicas().max_by_key(|r| (r.applied, std::cmp::Reverse(r.id))))
}

fn kv_tables(p: &MultiPlayground) -> Vec<KvTable> {
    let h = &p.history;
    let world = h.world();
    let cluster = &world.system.cluster;
    // What the last step applied.
    let changed: Vec<(NodeId, u8)> = match h.cursor().checked_sub(1) {
        Some(step) => h
            .events_of(step)
            .iter()
            .filter_map(|e| match &e.kind {
                MultiEvent::Applied {
                    node, cmd: Command::Op { op, .. }, reply: Some(KvReply::Written { .. }), ..
                } => Some((*node, op.key().0)),
                _ => None,
            })
            .collect(),
        None => Vec::new(),
    };
    let reference = reference_replica(p);
    let keys = p.scenario.config.keys;
    world
        .system
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.node.replica().map(|r| (i, s.up, r)))
        .map(|(i, up, r)| {
            let id = NodeId(i as u8);
            let rows = (0..keys)
                .map(|k| {
                    let key = crate::protocol::multi::Key(k);
                    let here = r.store.get(key);
                    let (value, version) = here.map_or((String::new(), 0), |(v, n)| (v.to_string(), n));
                    KvRow {
                        key: key.to_string(),
                        value,
                        version,
                        changed_this_step: changed.contains(&(id, k)),
                        differs_from_leader: reference.is_some_and(|l| l.id != id && l.store.get(key) != here),
                    }
                })
                .collect();
            KvTable { replica: id, label: name(cluster, id), up, applied: r.applied.0.into(), rows }
        })
        .collect()
}

pub(super) fn reply_text(reply: &KvReply) -> String {
    match reply {
        KvReply::Value { value, version } => format!("{value} (v{version})"),
        KvReply::Written { version } => format!("ok (v{version})"),
        KvReply::KeyDoesNotExist => "no such key".into(),
        KvReply::PreconditionFailed => "precondition failed".into(),
    }
}

fn op_view(index: usize, h: &HistoryOp, involved: &BTreeSet<usize>) -> HistoryOpView {
    HistoryOpView {
        index,
        client: h.client,
        text: h.op.to_string(),
        result: h.complete.as_ref().map(|(_, _, r)| reply_text(r)).unwrap_or_default(),
        start_step: h.invoke.0,
        end_step: h.complete.as_ref().map(|c| c.0),
        start_time: h.invoke.1,
        end_time: h.complete.as_ref().map(|c| c.1),
        open: h.complete.is_none(),
        in_violation: involved.contains(&index),
    }
}

/// The violation of the history at the cursor, if it is red, and the operations (by index
/// into the history) it involves: those the checker could not place, and the one that
/// blocked it. For the history lanes, the inspector and the exported diagram alike.
pub(super) fn violation(p: &MultiPlayground) -> (Option<&crate::lincheck::Failure>, BTreeSet<usize>) {
    let ops = p.history.world().system.monitor.history.len();
    let failure = p.history.failure_at_cursor().and_then(|part| part.failure.as_ref());
    let involved = failure
        .map(|f| f.unplaced.iter().map(|u| u.op).chain(f.blocked).filter(|i| *i < ops).collect())
        .unwrap_or_default();
    (failure, involved)
}

fn history_view(p: &MultiPlayground) -> HistoryView {
    let h = &p.history;
    let world = h.world();
    let cluster = &world.system.cluster;
    let ops = &world.system.monitor.history;
    let (failure, involved) = violation(p);
    let mut lanes: Vec<HistoryLane> =
        cluster.clients.iter().map(|c| HistoryLane { client: *c, label: name(cluster, *c), ops: Vec::new() }).collect();
    let lane_of = |c: NodeId| c.index().saturating_sub(cluster.replicas.len());
    // Each client's latest operations, newest first, then those a violation involves.
    let mut full = 0;
    for (i, op) in ops.iter().enumerate().rev() {
        if full == lanes.len() {
            break;
        }
        let Some(lane) = lanes.get_mut(lane_of(op.client)) else { continue };
        if lane.ops.len() < OPS_PER_LANE {
            lane.ops.push(op_view(i, op, &involved));
            full += usize::from(lane.ops.len() == OPS_PER_LANE);
        }
    }
    for &i in &involved {
        let op = &ops[i];
        if let Some(lane) = lanes.get_mut(lane_of(op.client)) {
            if !lane.ops.iter().any(|o| o.index == i) {
                lane.ops.push(op_view(i, op, &involved));
            }
        }
    }
    for lane in &mut lanes {
        lane.ops.sort_by_key(|o| o.index);
    }
    let verdict = match h.verdict() {
        crate::lincheck::Verdict::Linearizable => Verdict::Green,
        crate::lincheck::Verdict::NotLinearizable => Verdict::Red,
        crate::lincheck::Verdict::Unknown => Verdict::Pending,
    };
    let explanation = failure.map(|f| explain(cluster, ops, f)).unwrap_or_default();
    HistoryView {
        lanes,
        total: ops.len(),
        completed: ops.iter().filter(|o| o.complete.is_some()).count(),
        verdict,
        explanation,
    }
}

/// One sentence on why the history is not linearizable: the operation that cannot be placed,
/// what it returned and when, and the checker's reason.
pub(super) fn explain(cluster: &MultiCluster, ops: &[HistoryOp], f: &crate::lincheck::Failure) -> String {
    let Some(u) = f.unplaced.first() else {
        return "The history is not linearizable: no order of the operations fits their answers.".into();
    };
    let Some(op) = ops.get(u.op) else { return format!("The history is not linearizable: {}.", u.why) };
    let when = match &op.complete {
        Some((_, t, reply)) => format!("returned {} at t={t}", reply_text(reply)),
        None => format!("was called at t={} and never answered", op.invoke.1),
    };
    format!(
        "Not linearizable: {}'s {} {when}, and it fits nowhere in the order of the others ({}).",
        name(cluster, op.client),
        op.op,
        u.why
    )
}

fn safety_rows(p: &MultiPlayground) -> Vec<SafetyRow> {
    let h = &p.history;
    let at = h.cursor();
    let seen = &h.violations[..h.violations.partition_point(|(step, _)| *step < at)];
    Invariant::MULTI
        .iter()
        .map(|&invariant| {
            let broke_at = if invariant == Invariant::Linearizable {
                h.failure.as_ref().filter(|(step, _)| *step <= at).map(|(step, _)| *step)
            } else {
                seen.iter().find(|(_, i)| *i == invariant).map(|(step, _)| *step)
            };
            SafetyRow {
                invariant,
                name: invariant.name(),
                meaning: invariant.meaning(),
                ok: broke_at.is_none(),
                broke_at,
            }
        })
        .collect()
}

fn client_view(p: &MultiPlayground, id: NodeId) -> ClientView {
    let h = &p.history;
    let world = h.world();
    let cluster = &world.system.cluster;
    let client = world.system.nodes.get(id.index()).and_then(|s| s.node.client());
    let pending = client.and_then(|c| c.pending.map(|op| (c.seq, op)));
    let (mut retries, mut redirects) = (0, 0);
    if pending.is_some() {
        // The events since the open operation was invoked (its own stretch of the trace).
        let ops = &world.system.monitor.history;
        if let Some(open) = ops.iter().rev().find(|o| o.client == id && o.complete.is_none()) {
            let past = h.past();
            let from = past.partition_point(|e| e.step < open.invoke.0);
            for e in &past[from..] {
                match &e.kind {
                    MultiEvent::Timeout { node } if *node == id => retries += 1,
                    MultiEvent::Deliver { to, msg: Msg::Redirect { .. }, .. } if *to == id => redirects += 1,
                    _ => {}
                }
            }
        }
    }
    ClientView {
        id,
        label: name(cluster, id),
        outstanding: pending.map(|(seq, op): (u32, KvOp)| format!("#{seq} {op}")),
        retries,
        redirects,
        busy: pending.is_some(),
        sends_to: client.map(|c| name(cluster, c.leader)).unwrap_or_default(),
    }
}

/// The inspector's title and lines for the selection, built only for it.
fn inspector(p: &MultiPlayground, nodes: &[NodeView]) -> Option<InspectorView> {
    let world = p.history.world();
    let cluster = &world.system.cluster;
    match p.selection {
        MultiSelection::None => None,
        MultiSelection::Node(id) => {
            let n = nodes.get(id.index())?;
            let mut lines = vec![if n.up { n.role.clone() } else { "Crashed: only what is on disk is left.".into() }];
            lines.extend(n.durable.iter().map(|l| format!("On disk: {l}")));
            lines.extend(n.volatile.iter().map(|l| format!("In memory: {l}")));
            if n.partitioned {
                lines.push("Cut off from some nodes by a partition.".into());
            }
            let kind = if n.kind == NodeKind::Replica { "replica" } else { "client" };
            Some(InspectorView { title: format!("{} ({kind})", n.label), lines })
        }
        MultiSelection::Message(id) => {
            let flights = world.in_flight();
            let Some(m) = flights.iter().find(|m| m.id == id) else {
                return Some(InspectorView {
                    title: format!("Message #{}", id.0),
                    lines: vec!["No longer in flight at this step.".into()],
                });
            };
            Some(InspectorView {
                title: message_label(cluster, &m.msg),
                lines: vec![
                    format!("From {} to {}.", name(cluster, m.from), name(cluster, m.to)),
                    format!("Sent at t={}, arrives at t={}.", m.sent_at, m.arrive),
                    kind_meaning(m.msg.kind()).to_string(),
                ],
            })
        }
        MultiSelection::Slot(slot) => {
            let slot = Slot(u32::try_from(slot).ok()?);
            let mut lines = vec![match world.system.monitor.chosen(slot) {
                Some(cmd) => format!("Chosen: {cmd}."),
                None => "Not chosen yet.".into(),
            }];
            for (i, s) in world.system.nodes.iter().enumerate() {
                let Some(r) = s.node.replica() else { continue };
                let c = cell(r, slot);
                let what = match &c.state {
                    CellState::Empty => "nothing".to_string(),
                    CellState::Accepted(b) => format!("accepted at ballot {b}: {}", c.text),
                    CellState::Chosen => format!("knows chosen, not applied yet: {}", c.text),
                    CellState::Applied => format!("applied: {}", c.text),
                    CellState::NoOp => "a no-op, chosen".into(),
                    CellState::Compacted => "compacted into its snapshot".into(),
                };
                lines.push(format!("{}: {what}", name(cluster, NodeId(i as u8))));
            }
            Some(InspectorView { title: format!("Slot #{}", slot.0), lines })
        }
        MultiSelection::Op(i) => {
            let op = world.system.monitor.history.get(i)?;
            let mut lines = vec![format!("Called at step {} (t={}).", op.invoke.0, op.invoke.1)];
            lines.push(match &op.complete {
                Some((step, t, reply)) => format!("Answered {} at step {step} (t={t}).", reply_text(reply)),
                None => "No answer yet.".into(),
            });
            if let Some(u) = violation(p).0.and_then(|f| f.unplaced.iter().find(|u| u.op == i)) {
                lines.push(format!("Involved in the violation: {}.", u.why));
            }
            Some(InspectorView { title: format!("{}: {}", name(cluster, op.client), op.op), lines })
        }
    }
}
