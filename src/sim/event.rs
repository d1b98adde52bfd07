//! The trace: every event of a run, with its step and time, and a hash that is the same on
//! every platform for the same run.

use super::action::{Action, MsgId};
use crate::protocol::{Ballot, Msg, NodeId, Note, Proposal, Value};
use serde::{Deserialize, Serialize};
use std::hash::{Hash, Hasher};

pub type Tick = u64;

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// The network lost it (the link's loss probability).
    Lost,
    /// A partition or a cut link was in the way when it arrived.
    Partitioned,
    /// Its destination was down when it arrived.
    NodeDown,
    /// A person dropped it.
    ByHand,
}

/// The properties checked after every event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Invariant {
    /// At most one value is chosen, and every learner that learned, learned it.
    Agreement,
    /// Only a value some client proposed can be chosen.
    Validity,
    /// An acceptor's promised ballot never goes down, crashes included.
    PromiseMonotonic,
    /// Once v is chosen at ballot b, every proposal accepted at a ballot >= b carries v.
    ChosenStable,
    /// Multi-Paxos: at most one command is chosen in each slot of the log.
    SlotAgreement,
    /// Multi-Paxos: once a slot's command is chosen at ballot b, every entry accepted in that
    /// slot at a ballot >= b carries it (a chosen entry never changes).
    SlotStable,
    /// Multi-Paxos: every replica applies the same command at each slot, the chosen one.
    StateMachineSafety,
    /// Multi-Paxos: on each replica, a key's version only grows.
    VersionMonotonic,
    /// Multi-Paxos: at most one replica becomes leader with any one ballot.
    OneLeaderPerBallot,
    /// Multi-Paxos: the clients' history of reads, writes and compare-and-sets is linearizable.
    Linearizable,
}

impl Invariant {
    /// Single-decree Paxos's properties.
    pub const ALL: [Invariant; 4] =
        [Invariant::Agreement, Invariant::Validity, Invariant::PromiseMonotonic, Invariant::ChosenStable];
    /// Multi-Paxos's properties.
    pub const MULTI: [Invariant; 6] = [
        Invariant::SlotAgreement,
        Invariant::SlotStable,
        Invariant::StateMachineSafety,
        Invariant::VersionMonotonic,
        Invariant::OneLeaderPerBallot,
        Invariant::Linearizable,
    ];

    /// The property's name, as the pages and the command line show it.
    pub fn name(self) -> &'static str {
        self.single_decree_name().or_else(|| self.multi_name()).unwrap_or_default()
    }

    /// `name` for single-decree's properties (`ALL`), `None` for the others (the single-decree
    /// page's wasm holds only these: see `single_decree_meaning`).
    pub fn single_decree_name(self) -> Option<&'static str> {
        match self {
            Invariant::Agreement => Some("agreement"),
            Invariant::Validity => Some("validity"),
            Invariant::PromiseMonotonic => Some("promise monotonicity"),
            Invariant::ChosenStable => Some("chosen value stable"),
            _ => None,
        }
    }

    /// `name` for Multi-Paxos's properties (`MULTI`), `None` for the others.
    pub fn multi_name(self) -> Option<&'static str> {
        match self {
            Invariant::SlotAgreement => Some("one command per slot"),
            Invariant::SlotStable => Some("chosen entry stable"),
            Invariant::StateMachineSafety => Some("state machine safety"),
            Invariant::VersionMonotonic => Some("versions only grow"),
            Invariant::OneLeaderPerBallot => Some("one leader per ballot"),
            Invariant::Linearizable => Some("linearizability"),
            _ => None,
        }
    }

    /// What the property says, and where the paper states it.
    pub fn meaning(self) -> &'static str {
        self.single_decree_meaning().or_else(|| self.multi_meaning()).unwrap_or_default()
    }

    /// `meaning` for single-decree's properties (`ALL`), `None` for the others: the single-decree
    /// page reads only these, so Multi-Paxos's meanings stay out of its wasm (the first load).
    pub fn single_decree_meaning(self) -> Option<&'static str> {
        match self {
            Invariant::Agreement => Some("At most one value is chosen; every learner that learned a value learned that one (Paxos Made Simple, 2.1: safety)."),
            Invariant::Validity => Some("A chosen value was proposed by some client (Paxos Made Simple, 2.1: only a proposed value may be chosen)."),
            Invariant::PromiseMonotonic => Some("An acceptor never lowers its promise, across crashes too (its promise is what phase 1 relies on)."),
            Invariant::ChosenStable => Some("Once v is chosen at ballot b, every proposal accepted at a ballot >= b has value v (Paxos Made Simple, P2a)."),
            _ => None,
        }
    }

    /// `meaning` for Multi-Paxos's properties (`MULTI`), `None` for the others.
    pub fn multi_meaning(self) -> Option<&'static str> {
        match self {
            Invariant::SlotAgreement => Some("At most one command is chosen in each slot: each slot is an instance of single-decree Paxos (Paxos Made Simple, 3)."),
            Invariant::SlotStable => Some("Once a command is chosen in a slot at ballot b, every entry accepted in that slot at a ballot >= b carries it (P2a, per slot)."),
            Invariant::StateMachineSafety => Some("Replicas apply the same command at each slot, in slot order, so their stores pass through the same states (Paxos Made Moderately Complex, 2: replica invariant R2)."),
            Invariant::VersionMonotonic => Some("On each replica, every change to a key increments its version: a key's version never goes down or repeats."),
            Invariant::OneLeaderPerBallot => Some("A ballot belongs to one replica (its round and node), so at most one replica leads with it (Paxos Made Moderately Complex, 3: ballots are unique)."),
            Invariant::Linearizable => Some("Every client operation appears to take effect at one instant between its call and its reply (Herlihy and Wing, 1990); a timed-out one may or may not have."),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    Send {
        id: MsgId,
        from: NodeId,
        to: NodeId,
        msg: Msg,
        arrive: Tick,
    },
    /// A second copy of `of`, by the network or by hand.
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
    /// A message in flight was rescheduled by hand (deliver now, or delay).
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
    /// An acceptor raised its promise.
    Promised {
        node: NodeId,
        ballot: Ballot,
    },
    /// An acceptor accepted a proposal.
    Accepted {
        node: NodeId,
        proposal: Proposal,
    },
    /// A proposer's step that no message shows (phase changes, giving up, done).
    Proposer {
        node: NodeId,
        note: Note,
    },
    Learned {
        node: NodeId,
        value: Value,
    },
    /// A phase-2 quorum accepted `value` at `ballot`: the value is chosen (seen by the
    /// simulator, which sees every acceptor; no single node knows this yet).
    Chosen {
        ballot: Ballot,
        value: Value,
    },
    /// Something a person or the schedule did.
    Action {
        action: Action,
    },
    Violation {
        invariant: Invariant,
        nodes: Vec<NodeId>,
        detail: String,
    },
}

impl EventKind {
    /// The nodes an event concerns, for log filters and highlights.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            EventKind::Send { from, to, .. }
            | EventKind::Duplicate { from, to, .. }
            | EventKind::Deliver { from, to, .. }
            | EventKind::Drop { from, to, .. } => vec![*from, *to],
            EventKind::Timeout { node }
            | EventKind::Crash { node }
            | EventKind::Recover { node }
            | EventKind::Promised { node, .. }
            | EventKind::Accepted { node, .. }
            | EventKind::Proposer { node, .. }
            | EventKind::Learned { node, .. } => vec![*node],
            EventKind::Action { action } => action.nodes(),
            EventKind::Violation { nodes, .. } => nodes.clone(),
            EventKind::Reschedule { .. } | EventKind::Chosen { .. } => Vec::new(),
        }
    }

    /// A short name for filters: "send", "deliver", "drop", ...
    pub fn tag(&self) -> &'static str {
        match self {
            EventKind::Send { .. } => "send",
            EventKind::Duplicate { .. } => "duplicate",
            EventKind::Deliver { .. } => "deliver",
            EventKind::Drop { .. } => "drop",
            EventKind::Reschedule { .. } => "reschedule",
            EventKind::Timeout { .. } => "timeout",
            EventKind::Crash { .. } => "crash",
            EventKind::Recover { .. } => "recover",
            EventKind::Promised { .. } => "promise",
            EventKind::Accepted { .. } => "accept",
            EventKind::Proposer { .. } => "proposer",
            EventKind::Learned { .. } => "learned",
            EventKind::Chosen { .. } => "chosen",
            EventKind::Action { .. } => "action",
            EventKind::Violation { .. } => "violation",
        }
    }
}

/// One event of a trace: what happened at which step and tick. `K` is the protocol's event
/// kind ([`EventKind`] for single-decree Paxos).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event<K = EventKind> {
    /// The 0-based index of the simulator step that made this event (the trace's own count).
    pub step: u64,
    pub time: Tick,
    #[serde(flatten)]
    pub kind: K,
}

impl<K> Event<K> {
    /// The step number people read for this event, everywhere on the page (clock, log, safety
    /// panel, lessons, `t=` in links): steps count from 1, and "step N" is the state after N
    /// steps, the cursor N. The event made by the first step reads "step 1".
    pub fn shown_step(&self) -> u64 {
        shown_step(self.step)
    }
}

/// `Event::shown_step` for a trace step index.
pub fn shown_step(trace_step: u64) -> u64 {
    trace_step + 1
}

/// Where events go. `()` throws them away (and compiles to nothing); `Vec<Event>` keeps them.
pub trait Sink<K = EventKind> {
    fn record(&mut self, step: u64, time: Tick, kind: impl FnOnce() -> K);
}

impl<K> Sink<K> for () {
    #[inline(always)]
    fn record(&mut self, _: u64, _: Tick, _: impl FnOnce() -> K) {}
}

impl<K> Sink<K> for Vec<Event<K>> {
    #[inline]
    fn record(&mut self, step: u64, time: Tick, kind: impl FnOnce() -> K) {
        self.push(Event { step, time, kind: kind() });
    }
}

/// The events every protocol's trace has, made by the simulator rather than by a protocol:
/// messages sent, duplicated, delivered, dropped and rescheduled, timers, crashes and
/// recoveries, actions and violations. A protocol's event kind offers a constructor for each
/// and adds its own (single-decree: promises, acceptances, a value chosen).
pub trait TraceEvent<M>: Sized {
    fn send(id: MsgId, from: NodeId, to: NodeId, msg: M, arrive: Tick) -> Self;
    fn duplicate(of: MsgId, id: MsgId, from: NodeId, to: NodeId, msg: M, arrive: Tick) -> Self;
    fn deliver(id: MsgId, from: NodeId, to: NodeId, msg: M) -> Self;
    fn drop(id: MsgId, from: NodeId, to: NodeId, msg: M, reason: DropReason) -> Self;
    fn reschedule(id: MsgId, arrive: Tick) -> Self;
    fn timeout(node: NodeId) -> Self;
    fn crash(node: NodeId) -> Self;
    fn recover(node: NodeId) -> Self;
    fn action(action: Action) -> Self;
    fn violation(invariant: Invariant, nodes: Vec<NodeId>, detail: String) -> Self;
}

impl TraceEvent<Msg> for EventKind {
    #[inline(always)]
    fn send(id: MsgId, from: NodeId, to: NodeId, msg: Msg, arrive: Tick) -> Self {
        EventKind::Send { id, from, to, msg, arrive }
    }
    #[inline(always)]
    fn duplicate(of: MsgId, id: MsgId, from: NodeId, to: NodeId, msg: Msg, arrive: Tick) -> Self {
        EventKind::Duplicate { of, id, from, to, msg, arrive }
    }
    #[inline(always)]
    fn deliver(id: MsgId, from: NodeId, to: NodeId, msg: Msg) -> Self {
        EventKind::Deliver { id, from, to, msg }
    }
    #[inline(always)]
    fn drop(id: MsgId, from: NodeId, to: NodeId, msg: Msg, reason: DropReason) -> Self {
        EventKind::Drop { id, from, to, msg, reason }
    }
    fn reschedule(id: MsgId, arrive: Tick) -> Self {
        EventKind::Reschedule { id, arrive }
    }
    #[inline(always)]
    fn timeout(node: NodeId) -> Self {
        EventKind::Timeout { node }
    }
    fn crash(node: NodeId) -> Self {
        EventKind::Crash { node }
    }
    fn recover(node: NodeId) -> Self {
        EventKind::Recover { node }
    }
    fn action(action: Action) -> Self {
        EventKind::Action { action }
    }
    fn violation(invariant: Invariant, nodes: Vec<NodeId>, detail: String) -> Self {
        EventKind::Violation { invariant, nodes, detail }
    }
}

/// A `Hasher` that gives the same answer on 32- and 64-bit targets: `usize`/`isize` (lengths,
/// enum discriminants) are widened to 64 bits before they reach xxh3.
struct StableHasher(xxhash_rust::xxh3::Xxh3);

impl Hasher for StableHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn write_usize(&mut self, n: usize) {
        self.0.update(&(n as u64).to_le_bytes());
    }
    fn write_isize(&mut self, n: isize) {
        self.0.update(&(n as i64).to_le_bytes());
    }
    fn finish(&self) -> u64 {
        self.0.digest()
    }
}

impl Hash for Event {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.step.hash(h);
        self.time.hash(h);
        // The kind is hashed through its serde-independent derived shape below.
        HashKind(&self.kind).hash(h);
    }
}

struct HashKind<'a>(&'a EventKind);

impl Hash for HashKind<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        std::mem::discriminant(self.0).hash(h);
        match self.0 {
            EventKind::Send { id, from, to, msg, arrive } => (id, from, to, msg, arrive).hash(h),
            EventKind::Duplicate { of, id, from, to, msg, arrive } => (of, id, from, to, msg, arrive).hash(h),
            EventKind::Deliver { id, from, to, msg } => (id, from, to, msg).hash(h),
            EventKind::Drop { id, from, to, msg, reason } => (id, from, to, msg, reason).hash(h),
            EventKind::Reschedule { id, arrive } => (id, arrive).hash(h),
            EventKind::Timeout { node } | EventKind::Crash { node } | EventKind::Recover { node } => node.hash(h),
            EventKind::Promised { node, ballot } => (node, ballot).hash(h),
            EventKind::Accepted { node, proposal } => (node, proposal).hash(h),
            EventKind::Proposer { node, note } => (node, note).hash(h),
            EventKind::Learned { node, value } => (node, value).hash(h),
            EventKind::Chosen { ballot, value } => (ballot, value).hash(h),
            // Actions hold floats; their Debug form is exact and the same on every platform.
            EventKind::Action { action } => format!("{action:?}").hash(h),
            EventKind::Violation { invariant, nodes, detail } => (invariant, nodes, detail).hash(h),
        }
    }
}

/// A hasher that gives the same answer natively and in wasm (for a protocol's own trace hash).
pub fn stable_hasher() -> impl Hasher {
    StableHasher(xxhash_rust::xxh3::Xxh3::new())
}

/// The trace hash: equal traces give equal hashes, natively and in wasm.
pub fn trace_hash(events: &[Event]) -> u64 {
    let mut h = StableHasher(xxhash_rust::xxh3::Xxh3::new());
    events.len().hash(&mut h);
    for e in events {
        e.hash(&mut h);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::Invariant;

    /// Each property's name and meaning sit in exactly one of the two tables, the one of its
    /// protocol (the single-decree page reads only the first).
    #[test]
    fn each_text_is_in_its_protocols_table() {
        for i in Invariant::ALL {
            assert!(i.single_decree_meaning().is_some() && i.multi_meaning().is_none(), "{i:?}");
            assert!(i.single_decree_name().is_some() && i.multi_name().is_none(), "{i:?}");
            assert_eq!(i.meaning(), i.single_decree_meaning().unwrap());
            assert_eq!(i.name(), i.single_decree_name().unwrap());
        }
        for i in Invariant::MULTI {
            assert!(i.multi_meaning().is_some() && i.single_decree_meaning().is_none(), "{i:?}");
            assert!(i.multi_name().is_some() && i.single_decree_name().is_none(), "{i:?}");
            assert_eq!(i.meaning(), i.multi_meaning().unwrap());
            assert_eq!(i.name(), i.multi_name().unwrap());
        }
    }
}
