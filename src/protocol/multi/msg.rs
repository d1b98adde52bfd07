//! Multi-Paxos messages, and the inputs, outputs and durable state of a node's state machine.

use super::kv::{Command, Key, KvOp, KvReply, Sessions, Slot, Store};
use super::maps::SlotMap;
use crate::protocol::interface::Emit;
use crate::protocol::types::{Ballot, NodeId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The key-value state as of a slot: what replaces the log below `upto` once compacted.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Snapshot {
    /// The first slot not included: slots `0..upto` are applied into `store` and `sessions`.
    pub upto: Slot,
    pub store: Store,
    pub sessions: Sessions,
}

/// A Multi-Paxos message.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Msg {
    /// Client to replica: the client's `seq`-th operation (a retry repeats `seq`).
    Request { seq: u32, op: KvOp },
    /// Replica (the leader) to client: the answer to request `seq`.
    Reply { seq: u32, reply: KvReply },
    /// Replica to client: "I do not lead; try `leader`" (`None`: it does not know who does).
    Redirect { seq: u32, leader: Option<NodeId> },
    /// Phase 1a, once for the whole log: "promise `ballot` for every slot from `from_slot` on".
    Prepare { ballot: Ballot, from_slot: Slot },
    /// Phase 1b: the promise, with every entry the acceptor accepted from `from_slot` on, and
    /// the point below which it compacted its log (entries there are chosen and not listed).
    Promise { ballot: Ballot, accepted: Vec<(Slot, Ballot, Command)>, snapshot_point: Slot },
    /// A Prepare, Accept or Heartbeat at `ballot` refused, because the acceptor promised `promised`.
    Nack { ballot: Ballot, promised: Ballot },
    /// Phase 2a for one slot; `commit` is the leader's first slot not known chosen.
    Accept { ballot: Ballot, slot: Slot, cmd: Command, commit: Slot },
    /// Phase 2b, to the leader only.
    Accepted { ballot: Ballot, slot: Slot },
    /// The leader is alive; `commit` as in Accept. With leases on, `lease_from` is the leader's
    /// tick when it sent this, which the follower's ack echoes.
    Heartbeat { ballot: Ballot, commit: Slot, lease_from: Option<u64> },
    /// A follower grants the lease of the heartbeat sent at `lease_from`.
    HeartbeatAck { ballot: Ballot, lease_from: u64 },
    /// "Send me the chosen entries from `from` on": from a replica that lags.
    CatchUpRequest { from: Slot },
    /// Chosen entries, preceded by a snapshot when the log below them was compacted. (Boxed:
    /// inline, a snapshot made every message 88 bytes instead of 48 and every output 96; the
    /// simulator moves them at every step, and W2 took 5% more instructions, by callgrind.)
    CatchUp { entries: Vec<(Slot, Command)>, snapshot: Option<Box<Snapshot>> },
}

/// The kinds of message, for legends, filters and statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MsgKind {
    Request,
    Reply,
    Redirect,
    Prepare,
    Promise,
    Nack,
    Accept,
    Accepted,
    Heartbeat,
    HeartbeatAck,
    CatchUpRequest,
    CatchUp,
}

impl MsgKind {
    pub const ALL: [MsgKind; 12] = [
        MsgKind::Request,
        MsgKind::Reply,
        MsgKind::Redirect,
        MsgKind::Prepare,
        MsgKind::Promise,
        MsgKind::Nack,
        MsgKind::Accept,
        MsgKind::Accepted,
        MsgKind::Heartbeat,
        MsgKind::HeartbeatAck,
        MsgKind::CatchUpRequest,
        MsgKind::CatchUp,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MsgKind::Request => "Request",
            MsgKind::Reply => "Reply",
            MsgKind::Redirect => "Redirect",
            MsgKind::Prepare => "Prepare",
            MsgKind::Promise => "Promise",
            MsgKind::Nack => "Nack",
            MsgKind::Accept => "Accept",
            MsgKind::Accepted => "Accepted",
            MsgKind::Heartbeat => "Heartbeat",
            MsgKind::HeartbeatAck => "Heartbeat ack",
            MsgKind::CatchUpRequest => "Catch-up request",
            MsgKind::CatchUp => "Catch-up",
        }
    }
}

impl Msg {
    pub fn kind(&self) -> MsgKind {
        match self {
            Msg::Request { .. } => MsgKind::Request,
            Msg::Reply { .. } => MsgKind::Reply,
            Msg::Redirect { .. } => MsgKind::Redirect,
            Msg::Prepare { .. } => MsgKind::Prepare,
            Msg::Promise { .. } => MsgKind::Promise,
            Msg::Nack { .. } => MsgKind::Nack,
            Msg::Accept { .. } => MsgKind::Accept,
            Msg::Accepted { .. } => MsgKind::Accepted,
            Msg::Heartbeat { .. } => MsgKind::Heartbeat,
            Msg::HeartbeatAck { .. } => MsgKind::HeartbeatAck,
            Msg::CatchUpRequest { .. } => MsgKind::CatchUpRequest,
            Msg::CatchUp { .. } => MsgKind::CatchUp,
        }
    }

    pub fn name(&self) -> &'static str {
        self.kind().name()
    }
}

/// The label drawn on a message token: `Accept 2.1 s3 write x=5`, `Reply #2 ok v1`.
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Request { seq, op } => write!(f, "Request #{seq} {op}"),
            Msg::Reply { seq, reply } => write!(f, "Reply #{seq} {reply}"),
            Msg::Redirect { seq, leader: Some(l) } => write!(f, "Redirect #{seq} to {l}"),
            Msg::Redirect { seq, leader: None } => write!(f, "Redirect #{seq}, leader unknown"),
            Msg::Prepare { ballot, from_slot } => write!(f, "Prepare {ballot} from {from_slot}"),
            Msg::Promise { ballot, accepted, snapshot_point } => {
                write!(f, "Promise {ballot}, {} accepted", accepted.len())?;
                if snapshot_point.0 > 0 {
                    write!(f, ", snapshot to {snapshot_point}")?;
                }
                Ok(())
            }
            Msg::Nack { ballot, promised } => write!(f, "Nack {ballot} (promised {promised})"),
            Msg::Accept { ballot, slot, cmd, .. } => write!(f, "Accept {ballot} {slot} {cmd}"),
            Msg::Accepted { ballot, slot } => write!(f, "Accepted {ballot} {slot}"),
            Msg::Heartbeat { ballot, commit, .. } => write!(f, "Heartbeat {ballot}, chosen below {commit}"),
            Msg::HeartbeatAck { ballot, .. } => write!(f, "Heartbeat ack {ballot}"),
            Msg::CatchUpRequest { from } => write!(f, "Catch-up request from {from}"),
            Msg::CatchUp { entries, snapshot } => {
                f.write_str("Catch-up")?;
                if let Some(s) = snapshot {
                    write!(f, " snapshot below {}", s.upto)?;
                    if !entries.is_empty() {
                        f.write_str(" +")?;
                    }
                }
                match (entries.first(), entries.last()) {
                    (Some((a, _)), Some((b, _))) if a == b => write!(f, " {a}"),
                    (Some((a, _)), Some((b, _))) => write!(f, " {a} to {b}"),
                    _ => Ok(()),
                }
            }
        }
    }
}

/// Everything that can happen to a node. The handler also receives the driver's tick.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Input {
    /// A message arrived from `from`.
    Deliver { from: NodeId, msg: Msg },
    /// The node's one timer fired (a leader's heartbeat, a follower's election timeout, a
    /// candidate's Phase 1 timeout, a client's retry).
    Timer,
    /// The workload hands a client its next operation.
    Request(KvOp),
}

/// Something a node did that no message shows on its own, reported for the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Note {
    /// Phase 1 began at `ballot`, for every slot from `from_slot` on.
    Campaign { ballot: Ballot, from_slot: Slot },
    /// A new leader re-proposes, in `slot`, the highest-ballot entry its promises reported.
    Adopted { slot: Slot, cmd: Command },
    /// A new leader fills an empty `slot` below an accepted one with a no-op.
    Filled { slot: Slot },
    /// A quorum accepted `slot` at the leader's ballot: it is chosen.
    Chosen { slot: Slot },
    /// This replica gave up leading (or trying to) at `ballot`.
    StepDown { ballot: Ballot },
    /// The leader answered a retry of (client, seq) from the at-most-once table.
    Duplicate { client: NodeId, seq: u32 },
    /// The leader answered a read of `key` from its store, under its lease.
    LeaseRead { key: Key },
    /// A lease this replica granted runs until tick `until`: it promises no other would-be
    /// leader (and does not campaign) before then.
    LeaseHeld { until: u64 },
    /// A snapshot up to `upto` arrived in a catch-up and replaced this replica's store.
    Installed { upto: Slot },
    /// A client was handed an operation while one was still pending; it is ignored.
    Busy { op: KvOp },
}

/// Where a node's outputs go, in the order it emits them: any [`Emit`] of [`Output`], as
/// single-decree's `Outputs` (a `Vec<Output>` in the tests, the simulator's sink in a run).
pub trait Outputs: Emit<Output> {}

impl<T: Emit<Output> + ?Sized> Outputs for T {}

/// An effect, returned as data. Each node has ONE timer: setting it replaces the previous.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Output {
    Send {
        to: NodeId,
        msg: Msg,
    },
    /// Set (or reset) the node's timer to fire after a delay drawn uniformly from
    /// `min_ticks..=max_ticks` by whoever runs the node.
    SetTimer {
        min_ticks: u32,
        max_ticks: u32,
    },
    CancelTimer,
    /// Write the promise. Always before the Promise (or the Prepares) that depend on it.
    PersistPromise(Ballot),
    /// Write an accepted entry (which also raises the promise to `ballot`). Before Accepted.
    PersistAccept {
        slot: Slot,
        ballot: Ballot,
        cmd: Command,
    },
    /// Write a snapshot and drop the accepted entries below it.
    PersistSnapshot(Box<Snapshot>),
    /// This replica applied chosen `slot` to its store, in slot order. `reply`: what the
    /// store answered, or `None` when nothing was applied (a no-op, or a retry of a request
    /// already applied: `kv::execute`).
    Applied {
        slot: Slot,
        cmd: Command,
        reply: Option<KvReply>,
    },
    /// A client got the answer to its request `seq`.
    Complete {
        seq: u32,
        op: KvOp,
        reply: KvReply,
    },
    /// This replica became leader at `ballot`.
    Leader {
        ballot: Ballot,
    },
    Note(Note),
}

/// What a replica has written to stable storage. Clients keep nothing.
#[derive(Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MultiDurable {
    pub promised: Option<Ballot>,
    /// Per slot, the entry accepted last (the highest ballot: an acceptor never accepts below
    /// its promise). Only slots from the snapshot point on. (A vector by slot: `maps`.)
    pub accepted: SlotMap<(Ballot, Command)>,
    pub snapshot: Option<Box<Snapshot>>,
}

/// By hand for `clone_from`, which reuses the accepted log's buffer (`Replica::restore_from`).
impl Clone for MultiDurable {
    fn clone(&self) -> Self {
        MultiDurable { promised: self.promised, accepted: self.accepted.clone(), snapshot: self.snapshot.clone() }
    }
    fn clone_from(&mut self, source: &Self) {
        self.promised = source.promised;
        self.accepted.clone_from(&source.accepted);
        self.snapshot.clone_from(&source.snapshot);
    }
}

impl MultiDurable {
    /// Carries out a persist output; other outputs leave storage alone.
    pub fn apply(&mut self, output: &Output) {
        match output {
            Output::PersistPromise(b) => self.promised = Some(*b),
            Output::PersistAccept { slot, ballot, cmd } => self.accept(*slot, *ballot, *cmd),
            Output::PersistSnapshot(s) => {
                self.accepted.keep_from(s.upto);
                self.snapshot = Some(s.clone());
            }
            _ => {}
        }
    }

    /// `apply(&Output::PersistAccept { .. })`, for the callers that know the output's kind:
    /// without building an output to take apart again (one per acceptance, twice: the
    /// replica's copy and the disk).
    #[inline]
    pub fn accept(&mut self, slot: Slot, ballot: Ballot, cmd: Command) {
        self.promised = self.promised.max(Some(ballot));
        self.accepted.insert(slot, (ballot, cmd));
    }

    /// The first slot not covered by the snapshot (0 without one).
    pub fn snapshot_point(&self) -> Slot {
        self.snapshot.as_ref().map_or(Slot(0), |s| s.upto)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::multi::kv::{Key, Val};

    fn b(round: u32, node: u8) -> Ballot {
        Ballot::new(round, NodeId(node))
    }

    #[test]
    fn labels_name_the_ballot_slot_and_command() {
        let w = Command::Op { client: NodeId(3), seq: 1, op: KvOp::Write { key: Key(0), value: Val(5) } };
        let accept = Msg::Accept { ballot: b(2, 1), slot: Slot(3), cmd: w, commit: Slot(1) };
        assert_eq!(accept.to_string(), "Accept 2.1 s3 write x=5");
        assert_eq!(accept.name(), "Accept");
        let promise = Msg::Promise { ballot: b(2, 1), accepted: vec![(Slot(3), b(1, 0), w)], snapshot_point: Slot(2) };
        assert_eq!(promise.to_string(), "Promise 2.1, 1 accepted, snapshot to s2");
        assert_eq!(Msg::Redirect { seq: 4, leader: None }.to_string(), "Redirect #4, leader unknown");
        let catch_up = Msg::CatchUp { entries: vec![(Slot(4), w), (Slot(5), Command::Noop)], snapshot: None };
        assert_eq!(catch_up.to_string(), "Catch-up s4 to s5");
        let snap = Some(Box::new(Snapshot { upto: Slot(4), ..Snapshot::default() }));
        let with_snapshot = Msg::CatchUp { entries: vec![(Slot(4), w)], snapshot: snap.clone() };
        assert_eq!(with_snapshot.to_string(), "Catch-up snapshot below s4 + s4");
        assert_eq!(Msg::CatchUp { entries: vec![], snapshot: snap }.to_string(), "Catch-up snapshot below s4");
        let hb = Msg::Heartbeat { ballot: b(2, 1), commit: Slot(6), lease_from: None };
        assert_eq!(hb.to_string(), "Heartbeat 2.1, chosen below s6");
        assert_eq!(MsgKind::ALL.map(|k| k.name()).len(), 12);
    }

    #[test]
    fn durable_apply_keeps_promises_accepts_and_snapshots() {
        let mut d = MultiDurable::default();
        d.apply(&Output::PersistPromise(b(1, 0)));
        d.apply(&Output::PersistAccept { slot: Slot(0), ballot: b(2, 1), cmd: Command::Noop });
        d.apply(&Output::PersistAccept { slot: Slot(1), ballot: b(2, 1), cmd: Command::Noop });
        assert_eq!(d.promised, Some(b(2, 1)), "accepting raises the promise");
        d.apply(&Output::PersistSnapshot(Box::new(Snapshot { upto: Slot(1), ..Snapshot::default() })));
        assert_eq!(d.accepted.keys().collect::<Vec<_>>(), vec![Slot(1)], "entries below the snapshot go");
        assert_eq!(d.snapshot_point(), Slot(1));
        d.apply(&Output::CancelTimer);
        assert_eq!(d.promised, Some(b(2, 1)));
    }
}
