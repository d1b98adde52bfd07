//! Messages between roles, and the inputs and outputs of a node's state machine.

use super::interface::Emit;
use super::types::{Ballot, NodeId, Proposal, Value};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A Paxos message. Every message is small and `Copy`, so the simulator moves them without
/// allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Msg {
    /// Phase 1a: "promise not to accept anything below `ballot`".
    Prepare { ballot: Ballot },
    /// Phase 1b: the promise, with the highest-ballot proposal this acceptor accepted, if any.
    Promise { ballot: Ballot, accepted: Option<Proposal> },
    /// A rejection of `ballot` (a Prepare or an Accept) because the acceptor promised `promised`.
    Nack { ballot: Ballot, promised: Ballot },
    /// Phase 2a: "accept `value` at `ballot`".
    Accept { ballot: Ballot, value: Value },
    /// Phase 2b: the acceptor accepted `value` at `ballot`; sent to the proposer and every learner.
    Accepted { ballot: Ballot, value: Value },
    /// The commit phase: the proposer saw a quorum accept `value`, so it is chosen.
    Decided { value: Value },
}

/// The kinds of message, for legends, filters and statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MsgKind {
    Prepare,
    Promise,
    Nack,
    Accept,
    Accepted,
    Decided,
}

impl MsgKind {
    pub const ALL: [MsgKind; 6] =
        [MsgKind::Prepare, MsgKind::Promise, MsgKind::Nack, MsgKind::Accept, MsgKind::Accepted, MsgKind::Decided];

    pub fn name(self) -> &'static str {
        match self {
            MsgKind::Prepare => "Prepare",
            MsgKind::Promise => "Promise",
            MsgKind::Nack => "Nack",
            MsgKind::Accept => "Accept",
            MsgKind::Accepted => "Accepted",
            MsgKind::Decided => "Decided",
        }
    }
}

impl Msg {
    pub fn kind(&self) -> MsgKind {
        match self {
            Msg::Prepare { .. } => MsgKind::Prepare,
            Msg::Promise { .. } => MsgKind::Promise,
            Msg::Nack { .. } => MsgKind::Nack,
            Msg::Accept { .. } => MsgKind::Accept,
            Msg::Accepted { .. } => MsgKind::Accepted,
            Msg::Decided { .. } => MsgKind::Decided,
        }
    }
}

/// The label drawn on a message token: `Prepare 3.1`, `Promise 3.1 (2.2, "B")`, `Decided "A"`.
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Msg::Prepare { ballot } => write!(f, "Prepare {ballot}"),
            Msg::Promise { ballot, accepted: None } => write!(f, "Promise {ballot}"),
            Msg::Promise { ballot, accepted: Some(p) } => write!(f, "Promise {ballot} {p}"),
            Msg::Nack { ballot, promised } => write!(f, "Nack {ballot} (promised {promised})"),
            Msg::Accept { ballot, value } => write!(f, "Accept {ballot} \"{value}\""),
            Msg::Accepted { ballot, value } => write!(f, "Accepted {ballot} \"{value}\""),
            Msg::Decided { value } => write!(f, "Decided \"{value}\""),
        }
    }
}

/// Timers a node can set. Only the proposer has one: when it fires, the proposer retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TimerKind {
    /// Fires when a phase took too long, or when a backoff after a rejection ends.
    Retry,
}

/// Everything that can happen to a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Input {
    /// A message arrived from `from`.
    Deliver { from: NodeId, msg: Msg },
    /// A timer set earlier fired.
    Timer(TimerKind),
    /// A client asks this node's proposer to propose `value`.
    Propose(Value),
}

/// Durable acceptor state: what must survive a crash (its promise and its accepted proposal).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AcceptorDurable {
    pub promised: Option<Ballot>,
    pub accepted: Option<Proposal>,
}

/// Durable proposer state: the highest round it ever used, so that it never reuses a ballot
/// after a crash (reusing one with another value would break the uniqueness the proof needs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProposerDurable {
    pub max_round: u32,
}

/// Something a proposer did that no message shows on its own, reported for the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Note {
    /// Phase 1 began at `ballot`.
    Phase1 { ballot: Ballot },
    /// Phase 2 began at `ballot` with `value`; `adopted` says the value came from a promise.
    Phase2 { ballot: Ballot, value: Value, adopted: bool },
    /// The proposer gave up `ballot` (a timeout or a Nack) and will retry.
    Abandon { ballot: Ballot },
    /// The proposer saw its value (or another) chosen and stopped.
    Done { value: Value },
    /// A client request arrived while the proposer already had a value; it is ignored (a
    /// proposer that is done announces the decision again instead).
    Ignored { value: Value },
}

/// Where a role's outputs go, in the order it emits them: any [`Emit`] of [`Output`]. A
/// `Vec<Output>` collects them (the tests, which compare whole vectors, and the model checker);
/// the simulator carries each one out as it is emitted. Why not always a vector: W1 emits about
/// three outputs per delivery, and writing each into a buffer, reading it back and dispatching
/// on its kind cost the simulator about a fifth of its time. The outputs are the same data
/// either way.
pub trait Outputs: Emit<Output> {}

impl<T: Emit<Output> + ?Sized> Outputs for T {}

/// An effect, returned as data. The simulator (or a test, or the model checker) carries it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Output {
    Send {
        to: NodeId,
        msg: Msg,
    },
    /// Set (or reset) a timer to fire after a delay drawn uniformly from `min..=max` ticks by
    /// whoever runs the node: the core has no randomness of its own.
    SetTimer {
        timer: TimerKind,
        min_ticks: u32,
        max_ticks: u32,
    },
    CancelTimer {
        timer: TimerKind,
    },
    /// Write the acceptor's durable state. Always emitted before the reply that depends on it.
    PersistAcceptor(AcceptorDurable),
    /// Write the proposer's durable state. Always emitted before the messages of the new ballot.
    PersistProposer(ProposerDurable),
    /// This node's learner learned that `value` is chosen.
    Learned {
        value: Value,
    },
    Note(Note),
}
