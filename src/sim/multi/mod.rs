//! Multi-Paxos in the simulator: how a replica's or client's outputs are carried out (sends,
//! the one timer, writes to disk), what the trace records, and the invariant monitor that
//! watches the log (`monitor`); the closed-loop client workload and a whole checked run
//! (`drive`). The protocol itself is `crate::protocol::multi`; this is only its glue to the
//! same `System` and `World` single-decree Paxos runs on.

pub mod drive;
pub mod monitor;
pub mod record;

pub use drive::{LiveCheck, MultiConfig, MultiOutcome, MultiRun, OpSource, Workload};
pub use monitor::{HistoryOp, MultiMonitor};
pub use record::{MultiHistory, MultiScheduled, PageRun, PersonAction};

use super::action::{Action, MsgId};
use super::event::{DropReason, Invariant, Sink, Tick, TraceEvent};
use super::system::{Carrier, Simulated, Transit};
use crate::protocol::multi::{Command, KvOp, KvReply, Msg, Multi, MultiCluster, Note, Output, Slot};
use crate::protocol::{Ballot, NodeId};
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

/// One event of a Multi-Paxos trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MultiEvent {
    Send {
        id: MsgId,
        from: NodeId,
        to: NodeId,
        msg: Msg,
        arrive: Tick,
    },
    Duplicate {
        of: MsgId,
        id: MsgId,
        from: NodeId,
        to: NodeId,
        msg: Msg,
        arrive: Tick,
    },
    Deliver {
        id: MsgId,
        from: NodeId,
        to: NodeId,
        msg: Msg,
    },
    Drop {
        id: MsgId,
        from: NodeId,
        to: NodeId,
        msg: Msg,
        reason: DropReason,
    },
    Reschedule {
        id: MsgId,
        arrive: Tick,
    },
    Timeout {
        node: NodeId,
    },
    Crash {
        node: NodeId,
    },
    Recover {
        node: NodeId,
    },
    Action {
        action: Action,
    },
    Violation {
        invariant: Invariant,
        nodes: Vec<NodeId>,
        detail: String,
    },
    /// A replica wrote a higher promise.
    Promised {
        node: NodeId,
        ballot: Ballot,
    },
    /// A replica accepted (and wrote) `cmd` in `slot` at `ballot`.
    Accepted {
        node: NodeId,
        slot: Slot,
        ballot: Ballot,
        cmd: Command,
    },
    /// A quorum accepted `cmd` in `slot` at one ballot (seen by the simulator first).
    Chosen {
        slot: Slot,
        ballot: Ballot,
        cmd: Command,
    },
    /// A replica applied `slot` to its store.
    Applied {
        node: NodeId,
        slot: Slot,
        cmd: Command,
        reply: Option<KvReply>,
    },
    /// A replica wrote a snapshot of its store up to `upto` and dropped the log below it.
    Snapshot {
        node: NodeId,
        upto: Slot,
    },
    /// A replica became leader.
    Leader {
        node: NodeId,
        ballot: Ballot,
    },
    /// A client was handed an operation.
    Invoke {
        client: NodeId,
        op: KvOp,
    },
    /// A client got its answer.
    Complete {
        client: NodeId,
        op: KvOp,
        reply: KvReply,
    },
    /// Something a node did that no message shows.
    Note {
        node: NodeId,
        note: Note,
    },
}

impl TraceEvent<Msg> for MultiEvent {
    fn send(id: MsgId, from: NodeId, to: NodeId, msg: Msg, arrive: Tick) -> Self {
        MultiEvent::Send { id, from, to, msg, arrive }
    }
    fn duplicate(of: MsgId, id: MsgId, from: NodeId, to: NodeId, msg: Msg, arrive: Tick) -> Self {
        MultiEvent::Duplicate { of, id, from, to, msg, arrive }
    }
    fn deliver(id: MsgId, from: NodeId, to: NodeId, msg: Msg) -> Self {
        MultiEvent::Deliver { id, from, to, msg }
    }
    fn drop(id: MsgId, from: NodeId, to: NodeId, msg: Msg, reason: DropReason) -> Self {
        MultiEvent::Drop { id, from, to, msg, reason }
    }
    fn reschedule(id: MsgId, arrive: Tick) -> Self {
        MultiEvent::Reschedule { id, arrive }
    }
    fn timeout(node: NodeId) -> Self {
        MultiEvent::Timeout { node }
    }
    fn crash(node: NodeId) -> Self {
        MultiEvent::Crash { node }
    }
    fn recover(node: NodeId) -> Self {
        MultiEvent::Recover { node }
    }
    fn action(action: Action) -> Self {
        MultiEvent::Action { action }
    }
    fn violation(invariant: Invariant, nodes: Vec<NodeId>, detail: String) -> Self {
        MultiEvent::Violation { invariant, nodes, detail }
    }
}

/// The trace hash of a Multi-Paxos run: the same on every platform (actions, which hold
/// floats, are hashed by their exact `Debug` form, as single-decree's are).
pub fn trace_hash(events: &[super::Event<MultiEvent>]) -> u64 {
    let mut h = super::event::stable_hasher();
    events.len().hash(&mut h);
    for e in events {
        e.step.hash(&mut h);
        e.time.hash(&mut h);
        std::mem::discriminant(&e.kind).hash(&mut h);
        match &e.kind {
            MultiEvent::Action { action } => format!("{action:?}").hash(&mut h),
            kind => serde_json::to_string(kind).unwrap_or_default().hash(&mut h),
        }
    }
    h.finish()
}

impl Simulated for Multi {
    type Monitor = MultiMonitor;
    type Event = MultiEvent;

    fn monitor(cluster: &MultiCluster) -> MultiMonitor {
        MultiMonitor::new(cluster.quorum)
    }
    fn reset_monitor(monitor: &mut MultiMonitor, cluster: &MultiCluster) {
        monitor.reset(cluster.quorum);
    }

    /// An apply inline (a recovered replica replays thousands of them in one handler: W2
    /// spent 5% of its instructions building each one's output in memory and calling here);
    /// the rest in `carry_out`.
    #[inline(always)]
    fn carry<T: Transit<Msg>, S: Sink<MultiEvent>>(output: Output, c: &mut Carrier<'_, Multi, T, S>) {
        if let Output::Applied { slot, cmd, reply } = output {
            let node = c.node;
            c.monitor.on_applied(node, slot, &cmd, reply.as_ref(), c.found);
            c.sink.record(c.steps, c.now, || MultiEvent::Applied { node, slot, cmd, reply });
        } else {
            carry_out(output, c);
        }
    }

    /// A move, not a clone: a catch-up or a promise carries a vector of log entries, which a
    /// clone would copy (and allocate) at every delivery. Left behind: a message without data.
    #[inline(always)]
    fn take_msg(msg: &mut Msg) -> Msg {
        std::mem::replace(msg, Msg::CatchUpRequest { from: Slot(0) })
    }

    fn on_request(monitor: &mut MultiMonitor, node: NodeId, op: &KvOp, at: (u64, Tick)) {
        monitor.on_invoke(node, *op, at);
    }
}

/// Carries out every output but an apply (`Multi::carry`).
#[inline(never)]
fn carry_out<T: Transit<Msg>, S: Sink<MultiEvent>>(output: Output, c: &mut Carrier<'_, Multi, T, S>) {
    let (node, step, time) = (c.node, c.steps, c.now);
    match output {
        Output::Send { to, msg } => c.transit.send(node, to, msg, step, time, c.sink),
        Output::SetTimer { min_ticks, max_ticks } => c.transit.set_timer(node, min_ticks, max_ticks, time),
        Output::CancelTimer => c.transit.cancel_timer(node),
        Output::PersistPromise(ballot) => {
            c.storage.apply(&Output::PersistPromise(ballot));
            c.sink.record(step, time, || MultiEvent::Promised { node, ballot });
        }
        Output::PersistAccept { slot, ballot, cmd } => {
            c.sink.record(step, time, || MultiEvent::Accepted { node, slot, ballot, cmd });
            if let Some(cmd) = c.monitor.on_accept(node, slot, ballot, &cmd, c.found) {
                c.sink.record(step, time, || MultiEvent::Chosen { slot, ballot, cmd });
            }
            c.storage.accept(slot, ballot, cmd);
        }
        Output::PersistSnapshot(snapshot) => {
            let upto = snapshot.upto;
            c.storage.apply(&Output::PersistSnapshot(snapshot));
            c.sink.record(step, time, || MultiEvent::Snapshot { node, upto });
        }
        Output::Applied { slot, cmd, reply } => {
            c.monitor.on_applied(node, slot, &cmd, reply.as_ref(), c.found);
            c.sink.record(step, time, || MultiEvent::Applied { node, slot, cmd, reply });
        }
        Output::Complete { op, reply, .. } => {
            c.sink.record(step, time, || MultiEvent::Complete { client: node, op, reply });
            c.monitor.on_complete(node, reply, (step, time));
        }
        Output::Leader { ballot } => {
            c.sink.record(step, time, || MultiEvent::Leader { node, ballot });
            c.monitor.on_leader(node, ballot, c.found);
        }
        Output::Note(note) => c.sink.record(step, time, || MultiEvent::Note { node, note }),
    }
}
