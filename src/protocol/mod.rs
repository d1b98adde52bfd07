//! # Single-decree Paxos, sans IO
//!
//! Paxos lets a set of nodes agree on one value even when messages are lost, delayed,
//! duplicated or reordered and nodes crash and come back. Three roles share the work:
//!
//! * **Proposers** try to get a value chosen. Each attempt uses a *ballot* `(round, node)`:
//!   totally ordered and unique to one proposer.
//! * **Acceptors** are the memory. Each keeps two durable fields: the highest ballot it promised
//!   and the highest-ballot proposal it accepted.
//! * **Learners** find out which value was chosen.
//!
//! One attempt runs in two phases (Lamport, "Paxos Made Simple", 2001, section 2.2):
//!
//! 1. *Prepare / Promise.* The proposer sends `Prepare(b)`. An acceptor that has promised
//!    nothing higher promises `b`, persists the promise, and replies with the proposal it
//!    accepted last, if any. Otherwise it answers `Nack` (or stays silent: `Cluster::nack`).
//! 2. *Accept / Accepted.* With promises from a phase-1 quorum, the proposer picks the value of
//!    the highest-ballot proposal reported to it, or its own value if none was, and sends
//!    `Accept(b, v)`. An acceptor that has not promised a higher ballot accepts, persists, and
//!    tells the proposer and the learners.
//!
//! A value is *chosen* once a phase-2 quorum accepted it at one ballot. Because every phase-1
//! quorum meets every phase-2 quorum, any later proposer hears of a possibly chosen value in
//! phase 1 and proposes it again: that is why a chosen value can never change. The proposer that
//! completes phase 2 broadcasts `Decided(v)` so that nodes which missed messages still learn.
//!
//! Nothing here reads a clock, draws a random number or touches a socket: a role takes an
//! [`Input`] and emits [`Output`]s (send, set timer, persist, learned) into an [`Outputs`]. Timers carry a delay
//! range and whoever runs the node draws from it. The simulator, the tests and the model
//! checker all drive this same code.

pub mod acceptor;
pub mod cluster;
pub mod interface;
pub mod learner;
pub mod msg;
pub mod multi;
pub mod node;
pub mod proposer;
pub mod quorum;
pub mod types;

pub use acceptor::Acceptor;
pub use cluster::{Broken, Cluster, Roles, Timing};
pub use interface::{Emit, Protocol};
pub use learner::Learner;
pub use msg::{AcceptorDurable, Input, Msg, MsgKind, Note, Output, Outputs, ProposerDurable, TimerKind};
pub use node::{Durable, Node, SingleDecree};
pub use proposer::{Phase, Proposer};
pub use quorum::Quorums;
pub use types::{AcceptorSet, Ballot, NodeId, Proposal, Value};
